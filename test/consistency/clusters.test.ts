// Several clusters (shards) in one history. Each cluster has its own primary, so its
// own log: LSNs and versions of different clusters say nothing about each other's
// order (Terry et al. 1994 define the guarantees over one database's writes; a
// sharded store is several such databases). So:
// - a hand-built history where a session works on two shards whose logs are far apart
//   breaks no guarantee, though comparing LSNs across the shards would say it does;
// - two independent clusters' histories interleaved into one give exactly the sum of
//   what each gives alone, for every checker, and the online monitor (state per
//   session and cluster, compacted per cluster) still counts what the checkers find.
import { fc, test } from "@fast-check/vitest";
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
import { History, type HistoryOp } from "../../src/consistency/history.js";
import { ConsistencyMonitor, type MonitorCounts } from "../../src/consistency/monitor.js";
import {
  ackedVersionAt,
  applyDelays,
  feedOrder,
  type LaggingRun,
  laggingHistory,
  opSpecs,
  read,
  write,
} from "./models.js";

/** Cluster 1's log is this far ahead of cluster 0's. */
const AHEAD = 1_000_000;

/**
 * One session (7) on two shards, key 5 on both. Cluster 1 has written a million
 * records more than cluster 0. Alone, each cluster's operations keep every guarantee:
 * cluster 0: the session writes key 5 (v1, LSN 5), reads it (v1, snapshot 5), writes
 *   it again (v2, LSN 6), reads it (v2, snapshot 6);
 * cluster 1: the session reads key 5 (v3, snapshot AHEAD + 3), writes it (v4, LSN
 *   AHEAD + 4), reads it (v4).
 * Interleaved in time, a cross-cluster comparison would see: the cluster 0 write at
 * LSN 5 after a read at snapshot AHEAD + 3 (writes follow reads), after a write at
 * LSN AHEAD + 4 (monotonic writes), a read at snapshot 6 after a read whose version
 * has LSN AHEAD + 4 (monotonic reads), and version 1 of key 5 after version 4
 * (monotonic reads per key, read your writes).
 */
function twoShardSession(): HistoryOp[] {
  const c1 = { cluster: 1, node: "shard-1-primary" };
  const c0 = { cluster: 0, node: "shard-0-primary" };
  return [
    read(0, 7, 5, 0, 1, 3, AHEAD + 3, { ...c1, versionLsn: AHEAD + 3 }),
    write(1, 7, 5, 2, 3, 4, AHEAD + 4, c1),
    read(2, 7, 5, 4, 5, 4, AHEAD + 4, { ...c1, versionLsn: AHEAD + 4 }),
    write(3, 7, 5, 6, 7, 1, 5, c0),
    read(4, 7, 5, 8, 9, 1, 5, { ...c0, versionLsn: 5 }),
    write(5, 7, 5, 10, 11, 2, 6, c0),
    read(6, 7, 5, 12, 13, 2, 6, { ...c0, versionLsn: 6 }),
  ];
}

describe("a session on two shards whose logs are far apart", () => {
  it("keeps every guarantee when each shard alone keeps them", () => {
    // Arrange
    const ops = twoShardSession();
    const alone = [0, 1].map((c) => checkAll(ops.filter((op) => op.cluster === c)));
    // Act
    const all = checkAll(History.from(ops));
    // Assert: each shard alone is clean, and so is the whole
    for (const result of alone) expect(result.ok).toBe(true);
    expect(all.monotonicWrites.violations).toEqual([]);
    expect(all.writesFollowReads.violations).toEqual([]);
    expect(all.monotonicReads.violations).toEqual([]);
    expect(all.monotonicReadsPerKey.violations).toEqual([]);
    expect(all.readYourWrites.violations).toEqual([]);
    expect(all.ok).toBe(true);
    expect(all.staleness.staleReads).toBe(0);
  });

  it("gives the online monitor no violation either", () => {
    // Arrange
    const ops = twoShardSession();
    const monitor = new ConsistencyMonitor();
    // Act: operations here do not overlap, so invoke then complete each in turn
    for (const op of ops) {
      monitor.onInvoke(op, op.kind === "read" ? op.version : undefined);
      monitor.onComplete(op);
    }
    // Assert
    expect(monitor.counts()).toEqual({
      readYourWrites: 0,
      monotonicReads: 0,
      monotonicReadsPerKey: 0,
      monotonicWrites: 0,
      writesFollowReads: 0,
      staleReads: 0,
      versionsBehindMean: 0,
      versionsBehindMax: 0,
    });
  });

  it("still catches a violation within one shard", () => {
    // Arrange: cluster 0's last read returns version 1 after the session wrote v2 there
    const ops = twoShardSession();
    ops[6] = read(6, 7, 5, 12, 13, 1, 5, { cluster: 0, versionLsn: 5 });
    // Act
    const ryw = checkReadYourWrites(ops);
    // Assert
    expect(ryw.count).toBe(1);
    expect(ryw.violations[0]?.witness.id).toBe(5);
    expect(ryw.violations[0]?.message).toContain("read 6 (session 7, key 5");
  });
});

describe("the online monitor with several clusters", () => {
  it("compacts one cluster's entries by that cluster's floor only", () => {
    // Arrange: session 1 writes key 5 at LSN 3 in both clusters
    const monitor = new ConsistencyMonitor();
    for (const cluster of [0, 1]) {
      const op = write(cluster, 1, 5, 0, 1, 1, 3, { cluster });
      monitor.onInvoke(op);
      monitor.onComplete(op);
    }
    // One RYW entry (key 5) and one LSN bound per (session, cluster).
    expect(monitor.entries).toBe(4);
    // Act: every node of cluster 1 has applied LSN 3; cluster 0's have not
    monitor.compact(3, 1);
    // Assert: cluster 1's entries are gone, cluster 0's still catch a stale read
    expect(monitor.entries).toBe(2);
    const stale = read(2, 1, 5, 2, 3, 0, 2, { cluster: 0 });
    monitor.onInvoke(stale);
    monitor.onComplete(stale);
    expect(monitor.counts().readYourWrites).toBe(1);
  });

  it("names an operation whose cluster is not an integer in [0, 65535]", () => {
    const monitor = new ConsistencyMonitor();
    for (const cluster of [-1, 1.5, 65_536, Number.NaN]) {
      expect(() => monitor.onInvoke(read(9, 1, 5, 0, 1, 0, 0, { cluster }))).toThrow(
        `ConsistencyMonitor: cluster of op 9 must be an integer in [0, 65535], got ${cluster}`,
      );
    }
  });
});

/** One cluster's run, its LSNs moved `offset` ahead, ids made 2·id + cluster. */
function asCluster(run: LaggingRun, cluster: number, offset: number): HistoryOp[] {
  const shift = (lsn: number) => (Number.isFinite(lsn) ? lsn + offset : lsn);
  return run.ops.map((op) => ({
    ...op,
    id: 2 * op.id + cluster,
    lsn: shift(op.lsn),
    versionLsn: op.versionLsn === 0 ? 0 : shift(op.versionLsn ?? Number.NaN),
    cluster,
  }));
}

/** Two clusters' ops merged in an arbitrary order (the checkers sort by time). */
function interleave(a: HistoryOp[], b: HistoryOp[], picks: readonly boolean[]): HistoryOp[] {
  const out: HistoryOp[] = [];
  let i = 0;
  let j = 0;
  for (let k = 0; i < a.length || j < b.length; k++) {
    const fromA = j >= b.length || (i < a.length && (picks[k % Math.max(1, picks.length)] ?? true));
    out.push(fromA ? a[i++]! : b[j++]!);
  }
  return out;
}

const laggingRuns: fc.Arbitrary<LaggingRun> = fc
  .tuple(opSpecs(50, false), applyDelays)
  .map(([specs, delays]) => laggingHistory(specs, delays));

interface TwoClusters {
  cluster0: HistoryOp[];
  cluster1: HistoryOp[];
  merged: HistoryOp[];
  runs: [LaggingRun, LaggingRun];
  offset: number;
}

const twoClusters: fc.Arbitrary<TwoClusters> = fc
  .record({
    run0: laggingRuns,
    run1: laggingRuns,
    offset: fc.constantFrom(0, 3, AHEAD),
    picks: fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }),
  })
  .map(({ run0, run1, offset, picks }) => {
    const cluster0 = asCluster(run0, 0, 0);
    const cluster1 = asCluster(run1, 1, offset);
    return {
      cluster0,
      cluster1,
      merged: interleave(cluster0, cluster1, picks),
      runs: [run0, run1],
      offset,
    };
  });

/** Every checker's count, the unjudged reads and the staleness tallies. */
function tallies(ops: readonly HistoryOp[]): Record<string, number> {
  const staleness = measureStaleness(ops);
  return {
    readYourWrites: checkReadYourWrites(ops).count,
    monotonicReads: checkMonotonicReads(ops).count,
    unchecked: checkMonotonicReads(ops).unchecked ?? 0,
    monotonicReadsPerKey: checkMonotonicReadsPerKey(ops).count,
    monotonicWrites: checkMonotonicWrites(ops).count,
    sessionOrder: checkMonotonicWrites(ops, { parts: "session-order" }).count,
    writesFollowReads: checkWritesFollowReads(ops).count,
    reads: staleness.reads,
    staleReads: staleness.staleReads,
    versionsBehindSum: staleness.versionsBehind.mean * staleness.reads,
  };
}

describe("two independent clusters interleaved", () => {
  test.prop([twoClusters])(
    "give exactly the sum of each cluster's findings when checked alone",
    ({ cluster0, cluster1, merged }) => {
      // Act
      const whole = tallies(merged);
      const first = tallies(cluster0);
      const second = tallies(cluster1);
      // Assert
      for (const name of Object.keys(whole)) {
        const sum = first[name]! + second[name]!;
        if (name === "versionsBehindSum") expect(whole[name]).toBeCloseTo(sum, 9);
        else expect({ name, count: whole[name] }).toEqual({ name, count: sum });
      }
      expect(measureStaleness(merged).versionsBehind.max).toBe(
        Math.max(
          measureStaleness(cluster0).versionsBehind.max,
          measureStaleness(cluster1).versionsBehind.max,
        ),
      );
    },
  );

  test.prop([twoClusters])(
    "are counted online as the checkers count them, compacted cluster by cluster",
    ({ merged, runs, offset }) => {
      // Arrange
      const monitor = new ConsistencyMonitor();
      const floorOf = (cluster: number, t: number) =>
        runs[cluster]!.minAppliedLsnAt(t) + (cluster === 1 ? offset : 0);
      const ackedAt = (op: HistoryOp) =>
        ackedVersionAt(
          merged.filter((o) => o.cluster === op.cluster),
          op.key,
          op.invokeMs,
        );
      // Act
      feedOrder(merged).forEach((event, i) => {
        if (i % 3 === 0) {
          for (const cluster of [0, 1]) monitor.compact(floorOf(cluster, event.timeMs), cluster);
        }
        const op = event.op;
        if (event.phase === "complete") monitor.onComplete(op);
        else monitor.onInvoke(op, op.kind === "read" ? ackedAt(op) : undefined);
      });
      // Assert
      const offline = tallies(merged);
      const online: MonitorCounts = monitor.counts();
      expect({
        readYourWrites: online.readYourWrites,
        monotonicReads: online.monotonicReads,
        monotonicReadsPerKey: online.monotonicReadsPerKey,
        monotonicWrites: online.monotonicWrites,
        writesFollowReads: online.writesFollowReads,
        staleReads: online.staleReads,
      }).toEqual({
        readYourWrites: offline.readYourWrites,
        monotonicReads: offline.monotonicReads,
        monotonicReadsPerKey: offline.monotonicReadsPerKey,
        monotonicWrites: offline.sessionOrder,
        writesFollowReads: offline.writesFollowReads,
        staleReads: offline.staleReads,
      });
    },
  );

  it("is tested on clusters that do break the guarantees", () => {
    // Arrange: the same pairs the properties draw from, with a fixed seed
    const pairs = fc.sample(twoClusters, { seed: 7, numRuns: 60 });
    // Act
    const sum = (name: string) =>
      pairs.reduce((s, p) => s + tallies(p.cluster0)[name]! + tallies(p.cluster1)[name]!, 0);
    // Assert: the sums compared above are not all zero
    for (const name of ["readYourWrites", "monotonicReads", "monotonicWrites", "staleReads"]) {
      expect({ name, positive: sum(name) > 0 }).toEqual({ name, positive: true });
    }
  });
});
