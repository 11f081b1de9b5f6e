// Monotonic reads across a resharding's move, as the report counts them and as the
// history judged across shards shows them. Monotonic reads (Terry et al. 1994,
// "Session Guarantees for Weakly Consistent Replicated Data"): a session's read
// returns at least the version its earlier reads returned. The monitor keeps a
// session's reads per shard, so a read on a key's new shard is paired with the
// session's reads there only; MovedKeyChecks pairs it with the reads on the old one,
// and the observers count a read that both flag once. Constant times: each operation
// takes 1 ms, the switch comes between them.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  acrossShards,
  checkMonotonicReads,
  checkMonotonicReadsPerKey,
} from "../../src/consistency/index.js";
import { type Done, Operation, type VersionOracle } from "../../src/models/operation.js";
import { MovedKeyChecks } from "../../src/scenario/components/reshard-checks.js";
import { ConsistencyObservers } from "../../src/scenario/observe.js";

const KEY = 5;
/** Key 5 moves from shard 0 to shard 1. */
const fromShard0 = (key: number): number => (key === KEY ? 0 : -1);
/** No read is measured as stale here: only the session guarantees are. */
const NEWEST: VersionOracle = { newestAckedVersion: () => 0, newestCommittedVersion: () => 0 };

/** The observers and the checks across the move, wired as a run wires them (the checks first). */
function harness() {
  const checks = new MovedKeyChecks(fromShard0);
  const observers = new ConsistencyObservers(NEWEST, true, true, checks);
  let pending: Done = () => {};
  const front = observers.wrap({ submit: (_op, done) => (pending = done) }, (op) => {
    checks.invoked(op);
    return true;
  });
  let id = 0;
  /** `session` (1 by default) reads KEY on `cluster` at [at, at + 1): version `version` at snapshot `lsn`. */
  const read = (at: number, cluster: number, version: number, lsn: number, session = 1): void => {
    const op = new Operation(id++, session, "read", KEY, 1, at);
    op.cluster = cluster;
    op.spans = 1;
    front.submit(op, () => {});
    op.completedAt = at + 1;
    op.version = version;
    op.lsn = lsn;
    op.versionLsn = version === 0 ? 0 : lsn;
    pending(op);
    checks.completed(op);
    observers.complete(op);
  };
  return { checks, observers, read };
}

describe("monotonic reads across a move", () => {
  it("a read on the new shard's replica, before it applied the copied row, is one violation in the report and in the history", () => {
    const { checks, observers, read } = harness();
    read(0, 0, 3, 7); // version 3 of the key on its old shard
    checks.switched(KEY);
    read(2, 1, 0, 4); // the new shard's replica has not applied the copy (version 3) yet
    const counts = observers.section()?.violations;
    expect(counts?.monotonicReadsPerKey).toBe(1);
    expect(counts?.monotonicReads).toBe(1);
    const history = observers.history?.toArray() ?? [];
    expect(checkMonotonicReadsPerKey(history).count).toBe(0);
    expect(checkMonotonicReadsPerKey(acrossShards(history)).count).toBe(1);
    expect(checkMonotonicReads(acrossShards(history)).count).toBe(1);
  });

  it("counts once a read that the monitor flags on the new shard too", () => {
    const { checks, observers, read } = harness();
    read(0, 0, 3, 7);
    checks.switched(KEY);
    read(2, 1, 2, 9); // below 3: across the move only
    read(4, 1, 1, 8); // below 3 and below the 2 read on this shard (and at a lower snapshot)
    read(6, 1, 3, 10); // caught up: the monitor's bound on the new shard covers the old one's
    read(8, 1, 2, 11); // below 3 on the new shard: the monitor's alone
    const counts = observers.section()?.violations;
    const history = acrossShards(observers.history?.toArray() ?? []);
    expect(checkMonotonicReadsPerKey(history).count).toBe(3);
    expect(counts?.monotonicReadsPerKey).toBe(3);
    expect(counts?.monotonicReads).toBe(3);
  });

  // Any sessions' reads, one at a time, on the old shard then on the new: the report
  // counts each read the history judged across shards finds, once.
  const aRead = fc.record({
    session: fc.integer({ min: 1, max: 3 }),
    version: fc.integer({ min: 0, max: 6 }),
    lsn: fc.integer({ min: 0, max: 20 }),
  });
  test.prop([fc.array(aRead, { maxLength: 12 }), fc.array(aRead, { maxLength: 12 })])(
    "counts per key exactly the reads the history across shards finds",
    (before, after) => {
      const { checks, observers, read } = harness();
      for (const [i, r] of before.entries()) read(2 * i, 0, r.version, r.lsn, r.session);
      checks.switched(KEY);
      const switchedAt = 2 * before.length;
      for (const [i, r] of after.entries())
        read(switchedAt + 2 * i, 1, r.version, r.lsn, r.session);
      const counts = observers.section()?.violations;
      const across = acrossShards(observers.history?.toArray() ?? []);
      expect(counts?.monotonicReadsPerKey).toBe(checkMonotonicReadsPerKey(across).count);
      // Over all keys the monitor adds the reads below a version's LSN on their own
      // shard, which the history without log positions cannot see.
      expect(counts?.monotonicReads).toBeGreaterThanOrEqual(checkMonotonicReads(across).count);
    },
  );
});
