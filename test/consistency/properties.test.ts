// Universal statements about the checkers and the monitor:
// - a linearizable history (one node, each op applied at an instant inside its
//   interval) keeps every session guarantee and has no stale read;
// - on any history, the online monitor counts what the offline checkers find (RYW,
//   MR over all keys and per key, WFR, and the session-order part of MW), and
//   compaction with the replicas' minimum applied LSN changes none of its counts.
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
  linearizableHistory,
  opSpecs,
} from "./models.js";

/**
 * Feeds the monitor in sweep order, passing the primary's version at each read's
 * invocation, and compacting every few events when `minAppliedLsnAt` is given.
 */
function monitorCounts(
  ops: readonly HistoryOp[],
  minAppliedLsnAt?: (t: number) => number,
): MonitorCounts {
  const monitor = new ConsistencyMonitor();
  feedOrder(ops).forEach((event, i) => {
    if (minAppliedLsnAt !== undefined && i % 3 === 0) {
      monitor.compact(minAppliedLsnAt(event.timeMs));
    }
    const op = event.op;
    if (event.phase === "complete") monitor.onComplete(op);
    else if (op.kind === "read") monitor.onInvoke(op, ackedVersionAt(ops, op.key, op.invokeMs));
    else monitor.onInvoke(op);
  });
  return monitor.counts();
}

/** The offline figures the monitor promises to match. */
function offlineCounts(ops: readonly HistoryOp[]): MonitorCounts {
  const history = History.from(ops);
  const staleness = measureStaleness(history);
  return {
    readYourWrites: checkReadYourWrites(history).count,
    monotonicReads: checkMonotonicReads(history).count,
    monotonicReadsPerKey: checkMonotonicReadsPerKey(history).count,
    monotonicWrites: checkMonotonicWrites(history, { parts: "session-order" }).count,
    writesFollowReads: checkWritesFollowReads(history).count,
    staleReads: staleness.staleReads,
    versionsBehindMean: staleness.versionsBehind.mean,
    versionsBehindMax: staleness.versionsBehind.max,
  };
}

const laggingRuns: fc.Arbitrary<LaggingRun> = fc
  .tuple(opSpecs(80, false), applyDelays)
  .map(([specs, delays]) => laggingHistory(specs, delays));

/** Unconstrained histories: any versions and LSNs, every op taking ≥ 1 ms. */
const arbitraryHistories: fc.Arbitrary<HistoryOp[]> = fc
  .array(
    fc.record({
      session: fc.integer({ min: 0, max: 2 }),
      kind: fc.constantFrom("read" as const, "write" as const),
      key: fc.integer({ min: 0, max: 2 }),
      invokeMs: fc.integer({ min: 0, max: 30 }),
      durationMs: fc.integer({ min: 1, max: 6 }),
      ok: fc.integer({ min: 0, max: 9 }).map((n) => n !== 0),
      version: fc.integer({ min: 0, max: 4 }),
      lsn: fc.oneof(fc.integer({ min: 0, max: 10 }), fc.constant(Number.NaN)),
      // Always known: the monitor promises equality only when reads carry it.
      versionLsn: fc.integer({ min: 0, max: 10 }),
      commitMs: fc.integer({ min: 0, max: 40 }),
    }),
    { maxLength: 60, size: "max" },
  )
  .map((specs) =>
    specs.map(({ durationMs, commitMs, ...spec }, id) => ({
      ...spec,
      id,
      completeMs: spec.invokeMs + durationMs,
      commitMs: spec.kind === "write" ? commitMs : Number.NaN,
      node: "n",
    })),
  );

describe("a linearizable history", () => {
  test.prop([opSpecs(80, true)])("keeps every guarantee and has no stale read", (specs) => {
    // Arrange
    const history = History.from(linearizableHistory(specs));
    // Act
    const all = checkAll(history);
    // Assert
    expect(all.ok).toBe(true);
    for (const result of [
      all.readYourWrites,
      all.monotonicReads,
      all.monotonicReadsPerKey,
      all.monotonicWrites,
      all.writesFollowReads,
    ]) {
      expect(result.violations).toEqual([]);
    }
    expect(all.staleness.staleReads).toBe(0);
    expect(all.staleness.versionsBehind).toEqual({ mean: 0, max: 0 });
    expect(all.staleness.msBehind).toEqual({ mean: 0, p50: 0, p99: 0, max: 0 });
  });
});

describe("the online monitor", () => {
  test.prop([laggingRuns])(
    "counts what the checkers find on a primary with lagging replicas, compaction included",
    (run) => {
      // Act
      const online = monitorCounts(run.ops, run.minAppliedLsnAt);
      const offline = offlineCounts(run.ops);
      // Assert
      expect(online).toEqual(offline);
      expect(checkMonotonicWrites(run.ops, { parts: "log-prefix" }).ok).toBe(true);
    },
  );

  test.prop([arbitraryHistories])("counts what the checkers find on any history", (ops) => {
    expect(monitorCounts(ops)).toEqual(offlineCounts(ops));
  });

  it("is tested on runs that do break the guarantees", () => {
    // Arrange: the same runs the property draws from, with a fixed seed
    const runs = fc.sample(laggingRuns, { seed: 42, numRuns: 100 });
    // Act
    const total = runs.map((run) => offlineCounts(run.ops));
    const sum = (pick: (c: MonitorCounts) => number) => total.reduce((s, c) => s + pick(c), 0);
    // Assert: stale replicas break RYW and MR; write-behind acks break MW
    expect(sum((c) => c.readYourWrites)).toBeGreaterThan(0);
    expect(sum((c) => c.monotonicReads)).toBeGreaterThan(0);
    // Some reads go back in time on another key only: the per-key count misses them.
    expect(sum((c) => c.monotonicReads)).toBeGreaterThan(sum((c) => c.monotonicReadsPerKey));
    expect(sum((c) => c.monotonicWrites)).toBeGreaterThan(0);
    expect(sum((c) => c.staleReads)).toBeGreaterThan(0);
  });
});
