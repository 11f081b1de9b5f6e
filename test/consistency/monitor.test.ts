// The online monitor: counts each guarantee at completion against the bounds taken
// at invocation, ignores failed operations, survives the warm-up reset, and forgets
// what compaction proves can no longer be violated.
import { describe, expect, it } from "vitest";
import { checkMonotonicReadsPerKey } from "../../src/consistency/checkers.js";
import { History, type HistoryOp } from "../../src/consistency/history.js";
import { ConsistencyMonitor } from "../../src/consistency/monitor.js";
import { feedOrder, laggingHistory, type OpSpec, read, write } from "./models.js";

/** Feeds `ops` in sweep order (completions first at equal instants). */
function feed(monitor: ConsistencyMonitor, ops: readonly HistoryOp[]): void {
  for (const event of feedOrder(ops)) {
    if (event.phase === "invoke") monitor.onInvoke(event.op);
    else monitor.onComplete(event.op);
  }
}

describe("ConsistencyMonitor", () => {
  it("counts read-your-writes and monotonic-reads violations", () => {
    // Arrange: a write completes at 10; a read invoked at 10 misses it; a later read
    // returns an older version than that read did
    const ops = [
      write(1, 1, 5, 0, 10, 2, 2),
      read(2, 1, 5, 10, 11, 1, 1),
      read(3, 1, 5, 12, 13, 0, 0),
      read(4, 2, 5, 12, 13, 0, 0), // another session: nothing to violate
    ];
    const monitor = new ConsistencyMonitor();
    // Act
    feed(monitor, ops);
    // Assert: read 2 and read 3 miss the write; read 3 also goes back from read 2
    expect(monitor.counts()).toEqual({
      readYourWrites: 2,
      monotonicReads: 1,
      monotonicReadsPerKey: 1,
      monotonicWrites: 0,
      writesFollowReads: 0,
      staleReads: 0,
      versionsBehindMean: 0,
      versionsBehindMax: 0,
    });
  });

  it("counts a read that goes back in time on another key under monotonic reads, not per key", () => {
    // Terry et al. 1994: a later read must be served by a state holding every write
    // an earlier read observed. Read 2 observed key 1's version 1, written at LSN 8;
    // read 3 of key 2 runs at snapshot 5, which lacks LSN 8.
    const ops = [
      read(2, 1, 1, 0, 1, 1, 9, { versionLsn: 8 }),
      read(3, 1, 2, 2, 3, 0, 5, { versionLsn: 0 }),
      read(4, 2, 2, 2, 3, 0, 5, { versionLsn: 0 }), // another session: nothing to violate
      read(5, 1, 2, 4, 5, 1, 8, { versionLsn: 8 }), // snapshot holds LSN 8: fine
    ];
    const monitor = new ConsistencyMonitor();
    feed(monitor, ops);
    expect(monitor.counts().monotonicReads).toBe(1);
    expect(monitor.counts().monotonicReadsPerKey).toBe(0);
  });

  it("forgets the monotonic-reads bound over all keys once every node holds it", () => {
    const monitor = new ConsistencyMonitor();
    feed(monitor, [read(2, 1, 1, 0, 1, 1, 9, { versionLsn: 8 })]);
    expect(monitor.entries).toBe(2); // the key's entry and the session's LSN bounds
    monitor.compact(9); // entry (snapshot 9) and bounds (read LSN 9, version LSN 8) all ≤ 9
    expect(monitor.entries).toBe(0);
  });

  it("counts monotonic-writes (session order) and writes-follow-reads violations", () => {
    const ops = [
      write(1, 1, 5, 0, 10, 1, 5),
      write(2, 1, 6, 10, 12, 1, 4), // LSN below the session's write 1: MW
      read(3, 2, 5, 0, 5, 1, 9),
      write(4, 2, 6, 5, 6, 2, 9), // at the snapshot of the session's read 3: WFR
      write(5, 2, 6, 7, 8, 3, 10), // after it: fine
    ];
    const monitor = new ConsistencyMonitor();
    feed(monitor, ops);
    expect(monitor.counts().monotonicWrites).toBe(1);
    expect(monitor.counts().writesFollowReads).toBe(1);
  });

  it("ignores failed operations, both as bounds and as violators", () => {
    const ops = [
      write(1, 1, 5, 0, 10, 3, Number.NaN, { ok: false }),
      read(2, 1, 5, 11, 12, 0, 0),
      read(3, 1, 6, 0, 1, 2, 2),
      read(4, 1, 6, 2, 3, 0, 0, { ok: false }),
    ];
    const monitor = new ConsistencyMonitor();
    feed(monitor, ops);
    expect(monitor.counts().readYourWrites).toBe(0);
    expect(monitor.counts().monotonicReads).toBe(0);
    expect(monitor.inFlight).toBe(0);
  });

  it("measures staleness against the version given at invocation", () => {
    // Arrange
    const monitor = new ConsistencyMonitor();
    const fresh = read(1, 1, 5, 0, 1, 4, 4);
    const behind = read(2, 1, 6, 0, 1, 1, 4);
    const unmeasured = read(3, 1, 7, 0, 1, 0, 4);
    // Act
    monitor.onInvoke(fresh, 4);
    monitor.onInvoke(behind, 4);
    monitor.onInvoke(unmeasured);
    for (const op of [fresh, behind, unmeasured]) monitor.onComplete(op);
    // Assert
    expect(monitor.counts()).toMatchObject({
      staleReads: 1,
      versionsBehindMean: 1.5,
      versionsBehindMax: 3,
    });
  });

  it("keeps its state but zeroes its counts on reset (the warm-up cut)", () => {
    // Arrange: a violation before the cut, and a write whose bound carries over
    const monitor = new ConsistencyMonitor();
    feed(monitor, [write(1, 1, 5, 0, 1, 2, 2), read(2, 1, 5, 2, 3, 1, 1)]);
    expect(monitor.counts().readYourWrites).toBe(1);
    // Act
    monitor.reset();
    // Assert
    expect(monitor.counts().readYourWrites).toBe(0);
    feed(monitor, [read(3, 1, 5, 4, 5, 1, 1)]);
    expect(monitor.counts().readYourWrites).toBe(1);
  });

  it("keeps no reference to the operations it is given", () => {
    const monitor = new ConsistencyMonitor();
    const w = write(1, 1, 5, 0, 1, 2, 2);
    monitor.onInvoke(w);
    monitor.onComplete(w);
    w.version = 0;
    w.session = 9;
    feed(monitor, [read(2, 1, 5, 2, 3, 1, 1)]);
    expect(monitor.counts().readYourWrites).toBe(1);
  });

  it("refuses a completion it never saw invoked, a second invocation and a bad version", () => {
    const monitor = new ConsistencyMonitor();
    const r = read(1, 1, 5, 0, 1, 0, 0);
    expect(() => monitor.onComplete(r)).toThrow(
      "ConsistencyMonitor.onComplete: op 1 was not in flight",
    );
    monitor.onInvoke(r);
    expect(() => monitor.onInvoke(r)).toThrow("op 1 is already in flight");
    expect(() => monitor.onInvoke(read(2, 1, 5, 0, 1, 0, 0), -1)).toThrow(
      "latestVersion of op 2 must be a finite number >= 0, got -1",
    );
    expect(() => monitor.compact(Number.NaN)).toThrow(/minAppliedLsn/);
  });

  it("compacts away entries at or below the minimum applied LSN, and only those", () => {
    // Arrange: session 1 wrote at LSN 3 and read at snapshot 5; session 2 read without an LSN
    const monitor = new ConsistencyMonitor();
    feed(monitor, [
      write(1, 1, 5, 0, 1, 1, 3),
      read(2, 1, 6, 0, 1, 2, 5),
      read(3, 2, 5, 0, 1, 1, Number.NaN),
    ]);
    expect(monitor.entries).toBe(4);
    // Act / Assert: LSN 3 applied everywhere drops the write entry only
    monitor.compact(3);
    expect(monitor.entries).toBe(3);
    // (a read this old cannot happen once LSN 3 is everywhere, so it is no longer checked)
    feed(monitor, [read(4, 1, 5, 2, 3, 0, 0)]);
    expect(monitor.counts().readYourWrites).toBe(0);
    monitor.compact(100);
    expect(monitor.entries).toBe(1); // the read without an LSN is never dropped
  });

  it("holds memory bounded by the replication window over a long run", () => {
    // Arrange: 20 000 ops over 1 000 sessions and 10 000 keys, replicas ≤ 15 ms behind
    let seed = 12_345;
    const next = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const specs: OpSpec[] = [];
    for (let i = 0; i < 20_000; i++) {
      specs.push({
        session: next(1000),
        isWrite: next(4) === 0,
        key: next(10_000),
        invokeMs: i * 0.5,
        durationMs: 1 + next(5),
        at: 0.5,
        node: next(3),
        fails: false,
        flushDelayMs: 0,
      });
    }
    const run = laggingHistory(specs, [1, 5, 15, 3, 8]);
    const compacted = new ConsistencyMonitor();
    const uncompacted = new ConsistencyMonitor();
    let maxEntries = 0;
    // Act
    const events = feedOrder(run.ops);
    events.forEach((event, i) => {
      for (const monitor of [compacted, uncompacted]) {
        if (event.phase === "invoke") monitor.onInvoke(event.op);
        else monitor.onComplete(event.op);
      }
      if (i % 100 === 0) {
        compacted.compact(run.minAppliedLsnAt(event.timeMs));
        maxEntries = Math.max(maxEntries, compacted.entries);
      }
    });
    // Assert: compaction changes no count, and keeps a window, not the run
    expect(compacted.counts()).toEqual(uncompacted.counts());
    expect(uncompacted.entries).toBeGreaterThan(10_000);
    expect(maxEntries).toBeLessThan(500);
  });

  it("after a fork counts a read going back from a lost version a cache still served", () => {
    // Arrange: a failover promotes a replica at LSN 8; the old primary had written key 5's
    // version 5 at LSN 10 (lost) and a cache loaded it at snapshot 60, which it still
    // serves after the fork, so the new timeline's compaction point (50) passes LSN 10
    // while no node of the new timeline holds version 5. Session 1 reads version 5 from
    // the cache, then version 4 from the new primary: monotonic reads per key broken,
    // as checkMonotonicReadsPerKey finds from the history alone. (Before a fork the
    // entry may go at LSN 10: every node then holds version 5 or newer.)
    const ops = [
      read(1, 1, 5, 0, 1, 5, 60, { versionLsn: 10 }),
      read(2, 1, 5, 2, 3, 4, 55, { versionLsn: 7 }),
    ];
    const monitor = new ConsistencyMonitor();
    monitor.fork(8);
    monitor.compact(50);
    // Act
    feed(monitor, ops);
    // Assert
    expect(checkMonotonicReadsPerKey(History.from(ops)).count).toBe(1);
    expect(monitor.counts().monotonicReadsPerKey).toBe(1);
  });

  it("after a fork keeps a lost write's entry however far the new timeline's compaction point goes", () => {
    // Arrange: session 1 writes key 5 (version 3, LSN 10) on the old primary; a
    // failover promotes a replica at LSN 8, so LSN 10 is lost, and the new
    // timeline's LSNs run 9, 10, 11 … over other writes. Session 2 read the lost
    // version too (snapshot 10). The compaction point then passes 10 on the new
    // timeline. A read of key 5 returning version 2 (what the new primary holds)
    // breaks read-your-writes for session 1 and monotonic reads for session 2, as
    // checkReadYourWrites / checkMonotonicReadsPerKey find from the history alone.
    const monitor = new ConsistencyMonitor();
    feed(monitor, [write(1, 1, 5, 0, 1, 3, 10), read(2, 2, 5, 1, 2, 3, 10)]);
    // Act
    monitor.fork(8);
    monitor.compact(50);
    feed(monitor, [read(3, 1, 5, 10, 11, 2, 50), read(4, 2, 5, 10, 11, 2, 50)]);
    // Assert
    expect(monitor.counts().readYourWrites).toBe(1);
    expect(monitor.counts().monotonicReadsPerKey).toBe(1);
    // The two pinned entries stay; a newer version written on the new timeline frees one.
    feed(monitor, [write(5, 1, 5, 12, 13, 4, 51)]);
    monitor.compact(60);
    expect(monitor.entries).toBe(1);
    expect(() => monitor.fork(Number.NaN)).toThrow(
      "ConsistencyMonitor.fork: lsn must be a number, got NaN",
    );
  });

  it("without a fork, compaction past a write's LSN forgets it (why a failover must report its fork)", () => {
    const monitor = new ConsistencyMonitor();
    feed(monitor, [write(1, 1, 5, 0, 1, 3, 10)]);
    monitor.compact(50);
    feed(monitor, [read(3, 1, 5, 10, 11, 2, 50)]);
    expect(monitor.counts().readYourWrites).toBe(0);
  });
});
