// The report's read-your-writes count across a resharding's move: a session's
// write acknowledged on a key's old shard bounds its reads on the new one (Terry
// et al. 1994: a read must see every earlier write of its session), which the
// per-shard monitor cannot pair; a write on the new shard is the monitor's.
import { describe, expect, it } from "vitest";
import { Operation } from "../../src/models/operation.js";
import { MovedKeyChecks } from "../../src/scenario/components/reshard-checks.js";

/** Key 5 moves from shard 0 (to shard 1); every other key stays. */
const fromShard0 = (key: number): number => (key === 5 ? 0 : -1);

let nextId = 0;
/** An operation of `session` on `key`, its outcome filled in. */
function op(
  kind: "read" | "write",
  session: number,
  key: number,
  version: number,
  cluster = 0,
): Operation {
  const o = new Operation(nextId++, session, kind, key, 1, 0);
  o.version = version;
  o.cluster = cluster;
  o.spans = 1;
  return o;
}

/** Issues `o` now and finishes it at once. */
function run(checks: MovedKeyChecks, o: Operation): void {
  checks.invoked(o);
  checks.completed(o);
}

describe("MovedKeyChecks", () => {
  it("counts a read on the new shard older than the session's write on the old one", () => {
    const checks = new MovedKeyChecks(fromShard0);
    run(checks, op("write", 1, 5, 3));
    checks.switched(5);
    run(checks, op("read", 2, 5, 0)); // another session: not its write
    run(checks, op("read", 1, 5, 3)); // sees it
    run(checks, op("read", 1, 5, 0)); // misses it
    expect(checks.readYourWrites).toBe(1);
  });

  it("leaves to the monitor a session that wrote the key again on its new shard", () => {
    const checks = new MovedKeyChecks(fromShard0);
    run(checks, op("write", 1, 5, 3));
    checks.switched(5);
    run(checks, op("write", 1, 5, 4));
    run(checks, op("read", 1, 5, 0));
    expect(checks.readYourWrites).toBe(0);
  });

  it("keeps a write issued before the switch that finished after it (held by the cut-over)", () => {
    const checks = new MovedKeyChecks(fromShard0);
    const held = op("write", 1, 5, 4);
    checks.invoked(held);
    checks.switched(5);
    checks.completed(held);
    run(checks, op("read", 1, 5, 3));
    expect(checks.readYourWrites).toBe(1);
  });

  it("takes the bound when the read is issued, ignores keys that stay and failed reads, and restarts at reset", () => {
    const checks = new MovedKeyChecks(fromShard0);
    run(checks, op("write", 1, 5, 3));
    run(checks, op("write", 1, 6, 3));
    checks.switched(5);
    const early = op("read", 1, 5, 0);
    checks.invoked(early);
    run(checks, op("write", 1, 5, 4));
    checks.completed(early); // issued before the session's new write: its bound is 3
    run(checks, op("read", 1, 6, 0)); // a key that stays: the monitor's
    const failed = op("read", 1, 5, 0);
    failed.error = "timeout";
    run(checks, failed);
    expect(checks.readYourWrites).toBe(1);
    checks.reset();
    expect(checks.readYourWrites).toBe(0);
  });

  it("counts a read on the new shard older than the session's read on the old one, once, and hands the key back", () => {
    // Monotonic reads (Terry et al. 1994): a session's read returns at least what its
    // earlier reads returned; the monitor compares reads of one shard only.
    const checks = new MovedKeyChecks(fromShard0);
    run(checks, op("read", 1, 5, 2, 0));
    run(checks, op("read", 1, 5, 3, 0)); // the newest it read on the old shard
    run(checks, op("read", 1, 5, 1, 0)); // the old shard's own: the monitor's
    checks.switched(5);
    run(checks, op("read", 2, 5, 0, 1)); // another session read nothing of key 5
    const behind = op("read", 1, 5, 2, 1); // the new shard's replica is behind
    run(checks, behind);
    expect(checks.monotonicReads).toBe(1);
    expect(checks.lastMonotonicRead).toBe(behind.id);
    run(checks, op("read", 1, 5, 3, 1)); // caught up: the monitor's bound covers it now
    run(checks, op("read", 1, 5, 0, 1)); // the monitor's to count (its bound is 3)
    expect(checks.monotonicReads).toBe(1);
    expect(checks.lastMonotonicRead).toBe(behind.id);
  });

  it("takes the read bound when the read is issued, and ignores failed, scattered and staying keys' reads", () => {
    const checks = new MovedKeyChecks(fromShard0);
    run(checks, op("read", 1, 5, 3, 0));
    run(checks, op("read", 1, 6, 3, 0));
    const inFlight = op("read", 1, 5, 4, 0); // issued on the old shard before the switch
    checks.invoked(inFlight);
    checks.switched(5);
    const early = op("read", 1, 5, 3, 1); // issued before the old shard's read of 4 ended
    checks.invoked(early);
    checks.completed(inFlight);
    checks.completed(early);
    expect(checks.monotonicReads).toBe(0);
    const failed = op("read", 1, 5, 0, 1);
    failed.error = "timeout";
    run(checks, failed);
    const scattered = op("read", 1, 5, 0, 1);
    scattered.spans = 2;
    run(checks, scattered);
    run(checks, op("read", 1, 6, 0, 0)); // a key that stays: the monitor's
    expect(checks.monotonicReads).toBe(0);
    run(checks, op("read", 1, 5, 3, 1)); // below the 4 the in-flight read returned
    expect(checks.monotonicReads).toBe(1);
    checks.reset();
    expect(checks.monotonicReads).toBe(0);
  });
});
