// A resharding in a scenario carries the moved rows' versions: the copy and the
// catch-up commit them on the new shard's primary as writes of its own log, its
// replicas apply them like any write (with their lag), and at the switch the key's
// newest acknowledged version becomes the new shard's. So a read after the move
// that returns an older version than a write acknowledged before it is counted by
// the report, and the history, judged across shards, shows the same reads.
import { describe, expect, it } from "vitest";
import {
  acrossShards,
  checkMonotonicReads,
  checkMonotonicReadsPerKey,
  checkReadYourWrites,
  type HistoryOp,
  measureStaleness,
} from "../../src/consistency/index.js";
import { runScenarioDetailed, type ScenarioInput } from "../../src/index.js";

// One shard split in two at key 8 at 500 ms; each shard's replica 50 ms behind
// (a constant 100 ms round trip), so for a while after the switch the new shard's
// replica has not applied the rows the copy wrote on its primary.
const SPLIT: ScenarioInput = {
  seed: 4,
  warmup: 0,
  duration: 1_500,
  workload: {
    rate: 400,
    readRatio: 0.5,
    keys: { count: 16, popularity: { kind: "uniform" } },
    sessions: 4,
  },
  database: {
    readTime: { kind: "constant", value: 0.1 },
    writeTime: { kind: "constant", value: 0.2 },
  },
  replication: { replicas: 1, network: { kind: "constant", value: 100 } },
  routing: { via: "app" },
  sharding: { strategy: "range", boundaries: [] },
  timeline: [{ at: 500, kind: "reshard", split: 8, rowsPerSec: 1_000, batchRows: 8, cutover: 5 }],
};

/**
 * Reads that returned less than the newest version of their key acknowledged
 * before they began: on any shard (`crossing`) or on the read's own.
 */
function staleReads(ops: readonly HistoryOp[], crossing: boolean): number {
  let stale = 0;
  for (const r of ops) {
    if (!(r.ok && r.kind === "read")) continue;
    const missed = ops.some(
      (w) =>
        w.ok &&
        w.kind === "write" &&
        w.key === r.key &&
        w.completeMs <= r.invokeMs &&
        w.version > r.version &&
        (crossing || w.cluster === r.cluster),
    );
    if (missed) stale++;
  }
  return stale;
}

describe("a split's moved rows keep their versions on the new shard", () => {
  const run = runScenarioDetailed(SPLIT, { history: true });
  const ops = run.history?.toArray() ?? [];

  it("the new shard's primary holds the newest version: its writes continue the key's versions", () => {
    expect(run.report.sharding?.resharding?.keysMoved).toBe(8);
    let continued = 0;
    for (let key = 8; key < 16; key++) {
      const writes = ops.filter((w) => w.ok && w.kind === "write" && w.key === key);
      const onOld = writes.filter((w) => w.cluster === 0).map((w) => w.version);
      const firstOnNew = writes.find((w) => w.cluster === 1);
      if (firstOnNew === undefined || onOld.length === 0) continue;
      // Its first write there makes a version above every one the old shard made.
      expect(firstOnNew.version).toBeGreaterThan(Math.max(...onOld));
      continued++;
    }
    expect(continued).toBeGreaterThan(0);
  });

  it("the new shard's replica applies the copied rows through its replication, a lag later", () => {
    // 50 ms one way plus the apply: 100 ms after the switch every copied row has reached it.
    const switchedMs = run.report.sharding?.resharding?.finishedMs ?? Number.NaN;
    const late = ops.filter(
      (r) => r.kind === "read" && r.node === "s1/replica-1" && r.invokeMs >= switchedMs + 100,
    );
    expect(late.length).toBeGreaterThan(0);
    for (const r of late) {
      const onOldShard = ops
        .filter((w) => w.ok && w.kind === "write" && w.key === r.key && w.cluster === 0)
        .map((w) => w.version);
      expect(r.version).toBeGreaterThanOrEqual(Math.max(0, ...onOldShard));
    }
  });

  it("a replica's read after the move, older than a write acknowledged before it, is counted", () => {
    // Some reads on shard 1's replica missed a write acknowledged on shard 0: the
    // per-shard definition cannot see them, the one over the key's shards does.
    const acrossTheMove = staleReads(ops, true);
    expect(acrossTheMove).toBeGreaterThan(staleReads(ops, false));
    expect(measureStaleness(acrossShards(ops)).staleReads).toBe(acrossTheMove);
    // The report counts every one.
    expect(run.report.consistency?.staleReads ?? 0).toBeGreaterThanOrEqual(acrossTheMove);
  });

  it("a session's read on the new shard that misses its own write on the old one is a read-your-writes violation in the report", () => {
    // The monitor keeps a session's state per shard; the reads judged across the move
    // add the ones the per-shard check cannot pair (write on shard 0, read on shard 1).
    const perShard = checkReadYourWrites(ops).count;
    const acrossTheMove = checkReadYourWrites(acrossShards(ops)).count;
    expect(acrossTheMove).toBeGreaterThan(perShard);
    // The report counts every one (those against writes held at the cut-over too).
    expect(run.report.consistency?.violations.readYourWrites ?? 0).toBeGreaterThanOrEqual(
      acrossTheMove,
    );
  });

  it("a session's read on the new shard older than its read on the old one is a monotonic-reads violation in the report", () => {
    // Every read goes to its shard's one replica, which applies its log in order, so
    // a shard alone shows no violation; across the move, a read on the new shard's
    // replica before it applied the copy returns less than the session read on the old.
    const acrossTheMove = checkMonotonicReadsPerKey(acrossShards(ops)).count;
    expect(acrossTheMove).toBeGreaterThan(checkMonotonicReadsPerKey(ops).count);
    // The report counts each such read once, as the history judged across shards does.
    const counted = run.report.consistency?.violations;
    expect(counted?.monotonicReadsPerKey).toBe(acrossTheMove);
    expect(counted?.monotonicReads).toBe(checkMonotonicReads(acrossShards(ops)).count);
  });

  it("a write held by the cut-over is in the history, acknowledged on the new shard after the key's versions there", () => {
    // Every write acknowledged to the client is one the checks must see (a lost write
    // is one acknowledged and then missing): the history holds as many successful
    // writes as the report's write latency counted (no warm-up: it counts them all).
    const acked = ops.filter((w) => w.ok && w.kind === "write");
    expect(acked.length).toBe(run.report.latency.write.count);
    // A write issued before the switch that ran on the new shard waited for it: the
    // cut-over held it, then the router sent it to the key's new shard, whose primary
    // holds the copied version, so it makes a newer one.
    const switchedMs = run.report.sharding?.resharding?.finishedMs ?? Number.NaN;
    const held = acked.filter((w) => w.cluster === 1 && w.invokeMs < switchedMs);
    expect(held.length).toBeGreaterThan(0);
    for (const w of held) {
      expect(w.completeMs).toBeGreaterThan(switchedMs);
      const onOld = acked.filter((o) => o.key === w.key && o.cluster === 0).map((o) => o.version);
      expect(w.version).toBeGreaterThan(Math.max(0, ...onOld));
    }
  });
});
