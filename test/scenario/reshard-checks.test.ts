// The report's read-your-writes count across a resharding's move: a session's
// write acknowledged on a key's old shard bounds its reads on the new one (Terry
// et al. 1994: a read must see every earlier write of its session), which the
// per-shard monitor cannot pair; a write on the new shard is the monitor's.
import { describe, expect, it } from "vitest";
import { Operation } from "../../src/models/operation.js";
import { MovedKeyChecks } from "../../src/scenario/components/reshard-checks.js";

let nextId = 0;
/** An operation of `session` on `key`, its outcome filled in. */
function op(kind: "read" | "write", session: number, key: number, version: number): Operation {
  const o = new Operation(nextId++, session, kind, key, 1, 0);
  o.version = version;
  return o;
}

/** Issues `o` now and finishes it at once. */
function run(checks: MovedKeyChecks, o: Operation): void {
  checks.invoked(o);
  checks.completed(o);
}

describe("MovedKeyChecks", () => {
  it("counts a read on the new shard older than the session's write on the old one", () => {
    const checks = new MovedKeyChecks((key) => key === 5);
    run(checks, op("write", 1, 5, 3));
    checks.switched(5);
    run(checks, op("read", 2, 5, 0)); // another session: not its write
    run(checks, op("read", 1, 5, 3)); // sees it
    run(checks, op("read", 1, 5, 0)); // misses it
    expect(checks.readYourWrites).toBe(1);
  });

  it("leaves to the monitor a session that wrote the key again on its new shard", () => {
    const checks = new MovedKeyChecks((key) => key === 5);
    run(checks, op("write", 1, 5, 3));
    checks.switched(5);
    run(checks, op("write", 1, 5, 4));
    run(checks, op("read", 1, 5, 0));
    expect(checks.readYourWrites).toBe(0);
  });

  it("keeps a write issued before the switch that finished after it (held by the cut-over)", () => {
    const checks = new MovedKeyChecks((key) => key === 5);
    const held = op("write", 1, 5, 4);
    checks.invoked(held);
    checks.switched(5);
    checks.completed(held);
    run(checks, op("read", 1, 5, 3));
    expect(checks.readYourWrites).toBe(1);
  });

  it("takes the bound when the read is issued, ignores keys that stay and failed reads, and restarts at reset", () => {
    const checks = new MovedKeyChecks((key) => key === 5);
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
});
