// The offline checkers on hand-built histories: for each guarantee the smallest
// history that breaks it (caught, with the right witness and message) and one that
// keeps it, plus the edges — equal instants count as "before", failed operations and
// other sessions do not count, keys are independent.
import { describe, expect, it } from "vitest";
import {
  checkAll,
  checkMonotonicReads,
  checkMonotonicReadsPerKey,
  checkMonotonicWrites,
  checkReadYourWrites,
  checkWritesFollowReads,
  measureStaleness,
} from "../../src/consistency/checkers.js";
import { History } from "../../src/consistency/history.js";
import { read, write } from "./models.js";

describe("checkReadYourWrites", () => {
  it("catches a read that misses its session's completed write, naming both", () => {
    // Arrange: session 1 writes key 5 (version 1, LSN 3), then reads version 0
    const w = write(1, 1, 5, 0, 10, 1, 3);
    const r = read(2, 1, 5, 12, 14, 0, 2);
    // Act
    const result = checkReadYourWrites([w, r]);
    // Assert
    expect(result.guarantee).toBe("read-your-writes");
    expect(result.ok).toBe(false);
    expect(result.count).toBe(1);
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0]!.op).toEqual(r);
    expect(result.violations[0]!.witness).toEqual(w);
    expect(result.violations[0]!.message).toBe(
      "read 2 (session 1, key 5, node replica-1) invoked at 12 ms returned version 0 at " +
        "snapshot LSN 2, but write 1 (session 1, key 5, node primary) of the same session " +
        "created version 1 at LSN 3 and completed at 10 ms",
    );
  });

  it("passes a read that returns the session's write or a later version", () => {
    const ops = [
      write(1, 1, 5, 0, 10, 1, 3),
      read(2, 1, 5, 12, 14, 1, 3),
      read(3, 1, 5, 15, 16, 2, 4),
    ];
    expect(checkReadYourWrites(ops)).toEqual({
      guarantee: "read-your-writes",
      ok: true,
      count: 0,
      violations: [],
    });
  });

  it("names the newest of the session's writes as the witness", () => {
    const ops = [write(1, 1, 5, 0, 2, 1, 1), write(2, 1, 5, 3, 4, 2, 2), read(3, 1, 5, 5, 6, 0, 0)];
    const result = checkReadYourWrites(ops);
    expect(result.count).toBe(1);
    expect(result.violations[0]!.witness.id).toBe(2);
  });

  it("counts a write completing at the read's invocation instant as before it", () => {
    const ops = [write(1, 1, 5, 0, 10, 1, 1), read(2, 1, 5, 10, 11, 0, 0)];
    expect(checkReadYourWrites(ops).count).toBe(1);
  });

  it("ignores a write still in flight when the read is invoked", () => {
    const ops = [write(1, 1, 5, 0, 10.5, 1, 1), read(2, 1, 5, 10, 11, 0, 0)];
    expect(checkReadYourWrites(ops).ok).toBe(true);
  });

  it("ignores other sessions' writes", () => {
    const ops = [write(1, 2, 5, 0, 10, 1, 1), read(2, 1, 5, 12, 14, 0, 0)];
    expect(checkReadYourWrites(ops).ok).toBe(true);
  });

  it("keeps keys independent", () => {
    const ops = [write(1, 1, 5, 0, 10, 1, 1), read(2, 1, 6, 12, 14, 0, 1)];
    expect(checkReadYourWrites(ops).ok).toBe(true);
  });

  it("ignores failed operations", () => {
    const ops = [
      write(1, 1, 5, 0, 10, 1, Number.NaN, { ok: false, commitMs: Number.NaN }),
      read(2, 1, 5, 12, 14, 0, 0),
      write(3, 1, 6, 0, 10, 1, 1),
      read(4, 1, 6, 12, 14, 0, 0, { ok: false }),
    ];
    expect(checkReadYourWrites(ops).ok).toBe(true);
  });

  it("gives the same answer for a History as for an array", () => {
    const ops = [write(1, 1, 5, 0, 10, 1, 3), read(2, 1, 5, 12, 14, 0, 2)];
    expect(checkReadYourWrites(History.from(ops))).toEqual(checkReadYourWrites(ops));
  });

  it("counts every violation but returns the first maxExamples by op id", () => {
    // Arrange: ids out of time order, three violating reads
    const ops = [
      write(1, 1, 5, 0, 1, 1, 1),
      read(9, 1, 5, 2, 3, 0, 0),
      read(4, 1, 5, 4, 5, 0, 0),
      read(7, 1, 5, 6, 7, 0, 0),
    ];
    // Act
    const result = checkReadYourWrites(ops, { maxExamples: 2 });
    // Assert
    expect(result.count).toBe(3);
    expect(result.violations.map((v) => v.op.id)).toEqual([4, 7]);
    expect(() => checkReadYourWrites(ops, { maxExamples: -1 })).toThrow(/maxExamples.*-1/);
  });
});

describe("checkMonotonicReads", () => {
  it("catches a read older than an earlier read, with the newest earlier read as witness", () => {
    // Arrange: reads of version 2 and 3, then a read of version 1
    const r0 = read(1, 1, 5, 0, 2, 2, 4, { node: "replica-2" });
    const r1 = read(2, 1, 5, 1, 3, 3, 6, { node: "primary" });
    const r = read(3, 1, 5, 3, 4, 1, 2);
    // Act
    const result = checkMonotonicReads([r0, r1, r]);
    // Assert
    expect(result.guarantee).toBe("monotonic-reads");
    expect(result.count).toBe(1);
    expect(result.violations[0]!.op).toEqual(r);
    expect(result.violations[0]!.witness).toEqual(r1);
    expect(result.violations[0]!.message).toBe(
      "read 3 (session 1, key 5, node replica-1) invoked at 3 ms returned version 1 at " +
        "snapshot LSN 2, older than version 3 that read 2 (session 1, key 5, node primary) " +
        "returned at snapshot LSN 6 and completed at 3 ms",
    );
  });

  it("passes reads that never go back", () => {
    const ops = [read(1, 1, 5, 0, 1, 1, 1), read(2, 1, 5, 2, 3, 1, 1), read(3, 1, 5, 4, 5, 2, 2)];
    expect(checkMonotonicReads(ops).ok).toBe(true);
  });

  it("does not order overlapping reads", () => {
    const ops = [read(1, 1, 5, 0, 4, 2, 2), read(2, 1, 5, 3, 5, 1, 1)];
    expect(checkMonotonicReads(ops).ok).toBe(true);
  });

  it("ignores other sessions, other keys and failed reads", () => {
    const ops = [
      read(1, 2, 5, 0, 1, 2, 2),
      read(2, 1, 6, 0, 1, 2, 2),
      read(3, 1, 5, 0, 1, 2, 2, { ok: false }),
      read(4, 1, 5, 2, 3, 1, 1),
    ];
    expect(checkMonotonicReads(ops).ok).toBe(true);
  });

  it("does not let a zero-length read witness itself", () => {
    const ops = [read(1, 1, 5, 2, 2, 3, 3), read(2, 1, 5, 2, 2, 3, 3)];
    expect(checkMonotonicReads(ops).ok).toBe(true);
  });
});

describe("checkMonotonicReads over all keys (Terry et al. 1994)", () => {
  // Terry, Demers, Petersen, Spreitzer, Theimer, Welch, "Session Guarantees for Weakly
  // Consistent Replicated Data", PDIS 1994: if read R1 precedes read R2 in a session,
  // RelevantWrites(S1, t1, R1) ⊆ DB(S2, t2) — the later read's server holds every write
  // the earlier one observed, whatever key it reads.
  it("catches a session that reads key 1 at a newer snapshot, then key 2 at an older one", () => {
    // Arrange: read 1 returns key 1's version 2, written at LSN 7 (snapshot 8); read 2
    // of key 2 is served at snapshot 4, a state without LSN 7
    const r1 = read(1, 1, 1, 0, 1, 2, 8, { versionLsn: 7, node: "replica-1" });
    const r2 = read(2, 1, 2, 2, 3, 0, 4, { versionLsn: 0, node: "replica-2" });
    // Act
    const full = checkMonotonicReads([r1, r2]);
    const perKey = checkMonotonicReadsPerKey([r1, r2]);
    // Assert
    expect(full.count).toBe(1);
    expect(full.violations[0]!.op).toEqual(r2);
    expect(full.violations[0]!.witness).toEqual(r1);
    expect(full.violations[0]!.message).toBe(
      "read 2 (session 1, key 2, node replica-2) invoked at 2 ms read at snapshot LSN 4, " +
        "which lacks the write at LSN 7 that read 1 (session 1, key 1, node replica-1) " +
        "observed (it returned version 2 of key 1 and completed at 1 ms)",
    );
    expect(perKey.ok).toBe(true);
    expect(full.unchecked).toBe(0);
  });

  it("passes a later read whose snapshot holds the observed write, however old its key's version", () => {
    // Snapshot 7 holds LSN 7; key 2's version 0 is simply current there.
    const ops = [
      read(1, 1, 1, 0, 1, 2, 8, { versionLsn: 7 }),
      read(2, 1, 2, 2, 3, 0, 7, { versionLsn: 0 }),
    ];
    expect(checkMonotonicReads(ops).ok).toBe(true);
  });

  it("finds a version's LSN from the write in the history when the read does not carry it", () => {
    const ops = [
      write(1, 2, 1, 0, 1, 1, 6), // another session's write: key 1 version 1 at LSN 6
      read(2, 1, 1, 2, 3, 1, 6), // versionLsn unknown: taken from write 1
      read(3, 1, 2, 4, 5, 0, 5),
    ];
    expect(checkMonotonicReads(ops).violations.map((v) => v.op.id)).toEqual([3]);
  });

  it("judges reads without a snapshot LSN per key only, and counts them as unchecked", () => {
    const ops = [
      read(1, 1, 1, 0, 1, 2, 8, { versionLsn: 7 }),
      read(2, 1, 2, 2, 3, 0, Number.NaN),
      read(3, 1, 1, 4, 5, 1, Number.NaN), // older version of key 1: caught per key
    ];
    const result = checkMonotonicReads(ops);
    expect(result.violations.map((v) => v.op.id)).toEqual([3]);
    expect(result.unchecked).toBe(2);
  });

  it("does not let a zero-length read witness itself, but lets the next-newest read", () => {
    // Read 2 completes at its invocation instant, with a version LSN above its own
    // snapshot (a broken log prefix, for monotonic writes to report).
    const alone = [read(2, 1, 2, 5, 5, 1, 4, { versionLsn: 9 })];
    expect(checkMonotonicReads(alone).ok).toBe(true);
    const after = [read(1, 1, 1, 0, 1, 1, 6, { versionLsn: 6 }), ...alone];
    expect(checkMonotonicReads(after).violations.map((v) => [v.op.id, v.witness.id])).toEqual([
      [2, 1],
    ]);
  });

  it("counts a read that breaks both forms once", () => {
    const ops = [
      read(1, 1, 1, 0, 1, 2, 8, { versionLsn: 7 }),
      read(2, 1, 1, 2, 3, 1, 4, { versionLsn: 3 }),
    ];
    expect(checkMonotonicReads(ops).count).toBe(1);
    expect(checkMonotonicReadsPerKey(ops).count).toBe(1);
    expect(checkMonotonicReadsPerKey(ops).guarantee).toBe("monotonic-reads-per-key");
  });
});

describe("checkMonotonicWrites", () => {
  it("catches a later write of the session committed at a lower LSN, across keys", () => {
    // Arrange: write 1 (key 5) at LSN 5 completes at 10; write 2 (key 6) invoked at 10 gets LSN 4
    const w1 = write(1, 1, 5, 0, 10, 1, 5);
    const w2 = write(2, 1, 6, 10, 12, 1, 4);
    // Act
    const result = checkMonotonicWrites([w1, w2]);
    // Assert
    expect(result.guarantee).toBe("monotonic-writes");
    expect(result.count).toBe(1);
    expect(result.violations[0]!.op).toEqual(w2);
    expect(result.violations[0]!.witness).toEqual(w1);
    expect(result.violations[0]!.message).toBe(
      "write 2 (session 1, key 6, node primary) invoked at 10 ms created version 1 at LSN 4, " +
        "not after write 1 (session 1, key 5, node primary) of the same session, which created " +
        "version 1 at LSN 5 and completed at 10 ms",
    );
  });

  it("passes a session whose writes take increasing LSNs, and ignores other sessions", () => {
    const ops = [
      write(1, 1, 5, 0, 10, 1, 5),
      write(2, 1, 6, 10, 12, 1, 6),
      write(3, 2, 7, 12, 13, 1, 2),
    ];
    expect(checkMonotonicWrites(ops).ok).toBe(true);
  });

  it("does not let a zero-length write witness itself", () => {
    const ops = [write(1, 1, 5, 3, 3, 1, 5)];
    expect(checkMonotonicWrites(ops).ok).toBe(true);
  });

  it("catches zero-length writes at one instant that share an LSN", () => {
    const ops = [write(1, 1, 5, 3, 3, 1, 5), write(2, 1, 6, 3, 3, 1, 5)];
    expect(checkMonotonicWrites(ops).count).toBe(2);
  });

  it("catches a read that sees a write past its snapshot (log prefix)", () => {
    // Arrange: key 6's version 1 was written at LSN 2; a read at snapshot LSN 1 returns it
    const w1 = write(1, 1, 5, 0, 1, 1, 1);
    const w2 = write(2, 1, 6, 2, 3, 1, 2);
    const r = read(3, 2, 6, 4, 5, 1, 1);
    // Act
    const result = checkMonotonicWrites([w1, w2, r]);
    // Assert
    expect(result.count).toBe(1);
    expect(result.violations[0]!.op).toEqual(r);
    expect(result.violations[0]!.witness).toEqual(w2);
    expect(result.violations[0]!.message).toBe(
      "read 3 (session 2, key 6, node replica-1) invoked at 4 ms read at snapshot LSN 1 and " +
        "returned version 1, but write 2 (session 1, key 6, node primary) created that version " +
        "at LSN 2, after the snapshot (committed at 3 ms)",
    );
  });

  it("catches a read that misses a write within its snapshot (log prefix)", () => {
    // Arrange: key 5's version 1 is at LSN 1; a read at snapshot LSN 2 returns version 0
    const w1 = write(1, 1, 5, 0, 1, 1, 1);
    const w2 = write(2, 1, 6, 2, 3, 1, 2);
    const r = read(3, 2, 5, 4, 5, 0, 2);
    // Act
    const result = checkMonotonicWrites([w1, w2, r]);
    // Assert
    expect(result.count).toBe(1);
    expect(result.violations[0]!.witness).toEqual(w1);
    expect(result.violations[0]!.message).toContain(
      "created version 1 at LSN 1, within the snapshot",
    );
  });

  it("passes reads that see exactly their snapshot's prefix", () => {
    const ops = [
      write(1, 1, 5, 0, 1, 1, 1),
      write(2, 1, 5, 2, 3, 2, 2),
      read(3, 2, 5, 4, 5, 0, 0),
      read(4, 2, 5, 4, 5, 1, 1),
      read(5, 2, 5, 4, 5, 2, 2),
      read(6, 2, 5, 4, 5, 2, 9),
      read(7, 2, 5, 4, 5, 2, Number.NaN),
    ];
    expect(checkMonotonicWrites(ops).ok).toBe(true);
  });

  it("does not assume writes missing from the history (a warm-up cut)", () => {
    // Version 3 was written before recording began; only version 4 is in the history.
    const ops = [
      read(1, 1, 5, 0, 1, 3, 10),
      write(2, 1, 5, 2, 3, 4, 11),
      read(3, 2, 5, 4, 5, 3, 10),
    ];
    expect(checkMonotonicWrites(ops).ok).toBe(true);
  });

  it("checks one part when asked", () => {
    const ops = [
      write(1, 1, 5, 0, 10, 1, 5),
      write(2, 1, 6, 10, 12, 1, 4),
      read(3, 2, 5, 0, 1, 1, 1),
    ];
    expect(checkMonotonicWrites(ops).count).toBe(2);
    expect(
      checkMonotonicWrites(ops, { parts: "session-order" }).violations.map((v) => v.op.id),
    ).toEqual([2]);
    expect(
      checkMonotonicWrites(ops, { parts: "log-prefix" }).violations.map((v) => v.op.id),
    ).toEqual([3]);
  });
});

describe("checkWritesFollowReads", () => {
  it("catches a write not ordered after what the session read", () => {
    // Arrange: session 1 read at snapshot LSN 7, then its write commits at LSN 7
    const r = read(1, 1, 5, 0, 5, 2, 7);
    const w = write(2, 1, 6, 5, 6, 1, 7);
    // Act
    const result = checkWritesFollowReads([r, w]);
    // Assert
    expect(result.guarantee).toBe("writes-follow-reads");
    expect(result.count).toBe(1);
    expect(result.violations[0]!.op).toEqual(w);
    expect(result.violations[0]!.witness).toEqual(r);
    expect(result.violations[0]!.message).toBe(
      "write 2 (session 1, key 6, node primary) invoked at 5 ms created version 1 at LSN 7, " +
        "not after read 1 (session 1, key 5, node replica-1) of the same session, which " +
        "returned version 2 at snapshot LSN 7 and completed at 5 ms",
    );
  });

  it("names the earlier read with the largest snapshot as the witness", () => {
    const ops = [read(1, 1, 5, 0, 1, 1, 3), read(2, 1, 6, 0, 1, 1, 8), write(3, 1, 5, 2, 3, 2, 6)];
    expect(checkWritesFollowReads(ops).violations[0]!.witness.id).toBe(2);
  });

  it("passes writes after the session's reads, and ignores overlap, other sessions and unknown LSNs", () => {
    const ops = [
      read(1, 1, 5, 0, 5, 2, 7),
      write(2, 1, 6, 5, 6, 1, 8),
      read(3, 1, 5, 6, 9, 2, 20),
      write(4, 1, 6, 8, 9, 2, 9),
      read(5, 2, 5, 0, 1, 2, 50),
      read(6, 1, 5, 10, 11, 2, Number.NaN),
      write(7, 1, 6, 12, 13, 3, 21),
    ];
    expect(checkWritesFollowReads(ops).ok).toBe(true);
  });

  it("ignores failed reads and writes", () => {
    const ops = [
      read(1, 1, 5, 0, 5, 2, 7, { ok: false }),
      write(2, 1, 6, 5, 6, 1, 7),
      read(3, 1, 5, 6, 7, 2, 9),
      write(4, 1, 6, 8, 9, 0, 3, { ok: false }),
    ];
    expect(checkWritesFollowReads(ops).ok).toBe(true);
  });
});

describe("measureStaleness", () => {
  it("measures versions and milliseconds behind the acknowledged writes exactly", () => {
    // Arrange: key 1 gets versions 1, 2, 3 committed at 10, 20, 30 ms, acknowledged 1 ms later
    const ops = [
      write(1, 9, 1, 9, 11, 1, 1, { commitMs: 10 }),
      write(2, 9, 1, 19, 21, 2, 2, { commitMs: 20 }),
      write(3, 9, 1, 29, 31, 3, 3, { commitMs: 30 }),
      read(4, 1, 1, 25, 26, 1, 1), // v2 committed 5 ms before: 1 behind, 5 ms
      read(5, 1, 1, 35, 36, 1, 1), // v3 is latest, v2 committed 15 ms before: 2 behind, 15 ms
      read(6, 2, 1, 35, 36, 3, 3), // fresh
      read(7, 2, 1, 20, 21, 1, 1), // v2 committed now but acknowledged only at 21: fresh
      read(8, 3, 1, 5, 6, 0, 0), // nothing committed yet: fresh
      read(9, 3, 1, 40, 41, 0, 0, { ok: false }), // failed: ignored
      write(10, 9, 1, 1, 2, 4, 4, { ok: false, commitMs: 1 }), // failed: ignored
    ];
    // Act
    const staleness = measureStaleness(ops);
    // Assert: versions behind 1, 2, 0, 0, 0; msBehind 5, 15, 0, 0, 0
    expect(staleness).toEqual({
      reads: 5,
      staleReads: 2,
      versionsBehind: { mean: 0.6, max: 2 },
      msBehind: { mean: 4, p50: 0, p99: 15, max: 15 },
    });
  });

  it("reports zeros, never NaN, when there are no reads", () => {
    expect(measureStaleness([write(1, 1, 1, 0, 1, 1, 1)])).toEqual({
      reads: 0,
      staleReads: 0,
      versionsBehind: { mean: 0, max: 0 },
      msBehind: { mean: 0, p50: 0, p99: 0, max: 0 },
    });
  });
});

describe("checkAll", () => {
  it("runs every checker and the staleness measure", () => {
    // Arrange: one RYW violation, nothing else
    const ops = [write(1, 1, 5, 0, 10, 1, 1), read(2, 1, 5, 12, 14, 0, 0)];
    // Act
    const all = checkAll(History.from(ops));
    // Assert
    expect(all.ok).toBe(false);
    expect(all.readYourWrites.count).toBe(1);
    expect(all.monotonicReads.ok).toBe(true);
    expect(all.monotonicWrites.ok).toBe(true); // snapshot LSN 0 rightly holds version 0
    expect(all.writesFollowReads.ok).toBe(true);
    expect(all.staleness.staleReads).toBe(1);
    expect(all.staleness.msBehind.max).toBe(2);
  });

  it("passes the empty history", () => {
    expect(checkAll([]).ok).toBe(true);
  });
});
