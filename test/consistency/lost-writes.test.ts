// checkLostWrites on hand-made histories: one log numbers a cluster's writes by
// LSN, so a write invoked after another completed gets a higher LSN unless the
// log was cut back (a failover to a replica that had not received the tail).
import { describe, expect, it } from "vitest";
import { checkLostWrites, type HistoryOp } from "../../src/index.js";

function write(
  id: number,
  lsn: number,
  invokeMs: number,
  completeMs: number,
  cluster = 0,
): HistoryOp {
  return {
    id,
    session: id,
    kind: "write",
    key: id % 3,
    invokeMs,
    completeMs,
    ok: true,
    version: 1,
    lsn,
    versionLsn: lsn,
    commitMs: completeMs,
    cluster,
    node: "primary",
  };
}

describe("checkLostWrites", () => {
  it("finds nothing in one unbroken log", () => {
    const ops = [write(0, 1, 0, 1), write(1, 2, 2, 3), write(2, 3, 4, 5)];
    expect(checkLostWrites(ops)).toMatchObject({ guarantee: "lost-writes", ok: true, count: 0 });
  });

  it("finds the acknowledged writes above the position a later write restarts from, with that write as witness", () => {
    // LSNs 1–4 acknowledged; after the failover the new primary writes LSN 3: 3 and 4 are lost.
    const ops = [
      write(0, 1, 0, 1),
      write(1, 2, 1, 2),
      write(2, 3, 2, 3),
      write(3, 4, 3, 4),
      write(4, 3, 10, 11),
    ];
    const r = checkLostWrites(ops);
    expect(r.count).toBe(2);
    expect(r.violations.map((v) => [v.op.id, v.witness.id])).toEqual([
      [2, 4],
      [3, 4],
    ]);
  });

  it("ignores failed writes, writes still in flight when the later one started, and other clusters' logs", () => {
    const failed = { ...write(1, 5, 1, 2), ok: false };
    const overlapping = write(2, 6, 1, 12); // completed after the later write was invoked
    const otherCluster = write(3, 9, 0, 1, 1);
    const ops = [write(0, 1, 0, 1), failed, overlapping, otherCluster, write(4, 2, 10, 11)];
    expect(checkLostWrites(ops).count).toBe(0);
  });
});
