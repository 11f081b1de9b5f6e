// How far behind reads were: against the writes acknowledged when each read was
// issued, counted in versions and in milliseconds. Versions are per (cluster, key),
// so each cluster is measured on its own and the figures are pooled.

import { Histogram } from "../metrics/histogram.js";
import type { HistoryOp } from "./history.js";
import { eachCluster, type HistoryInput, opsOf, PairMap, sweepEvents } from "./sweep.js";

/**
 * How far behind the primary reads were.
 *
 * @remarks Since 0.1.0
 */
export interface StalenessResult {
  /** Successful reads measured. */
  reads: number;
  /** Reads that returned an older version than the primary held when they were issued. */
  staleReads: number;
  /** Versions between what a read returned and the latest committed when it was issued (0 when fresh); mean and max over all reads. */
  versionsBehind: { mean: number; max: number };
  /** How long before the read was issued the first version it missed had committed (0 when fresh); over all reads. */
  msBehind: { mean: number; p50: number; p99: number; max: number };
}

/** Running totals over the clusters. */
interface Tally {
  reads: number;
  staleReads: number;
  versionsSum: number;
  versionsMax: number;
  readonly lag: Histogram;
}

/**
 * How stale successful reads were, against the writes that had been acknowledged
 * when each read was issued (so a history holds everything it needs: a write
 * still waiting for replicas when the run ended is not a fact yet). For a read r
 * of key k:
 * - `versionsBehind` = (largest version of k among writes with `completeMs <=
 *   r.invokeMs`) − r.version, floored at 0;
 * - `msBehind` = r.invokeMs − commitMs of the first write of k with version
 *   r.version + 1, for a stale read, else 0 (how long the newer data had existed).
 *
 * Writes count only for reads of the same cluster. A read is stale when
 * `versionsBehind > 0`. Means and percentiles are over all successful reads
 * (fresh reads count as 0); percentiles come from a {@link Histogram} (within 1 %).
 * Everything is 0, never NaN, when there are no reads.
 *
 * @param history - the operations to measure
 * @remarks Since 0.1.0
 */
export function measureStaleness(history: HistoryInput): StalenessResult {
  const tally: Tally = {
    reads: 0,
    staleReads: 0,
    versionsSum: 0,
    versionsMax: 0,
    lag: new Histogram(),
  };
  eachCluster(opsOf(history), (ops) => measureCluster(ops, tally));
  const { reads, lag } = tally;
  return {
    reads,
    staleReads: tally.staleReads,
    versionsBehind: {
      mean: reads === 0 ? 0 : tally.versionsSum / reads,
      max: tally.versionsMax,
    },
    msBehind: { mean: lag.mean, p50: lag.percentile(50), p99: lag.percentile(99), max: lag.max },
  };
}

/** Adds one cluster's reads to the tally. */
function measureCluster(ops: readonly HistoryOp[], tally: Tally): void {
  const firstCommit = new PairMap<number>();
  for (const op of ops) {
    if (!(op.ok && op.kind === "write" && Number.isFinite(op.commitMs))) continue;
    const known = firstCommit.get(op.key, op.version);
    if (known === undefined || op.commitMs < known)
      firstCommit.set(op.key, op.version, op.commitMs);
  }
  const latest = new Map<number, number>();
  const events = sweepEvents(
    ops,
    (op) => op.kind === "write",
    (op) => op.kind === "read",
  );
  for (const event of events) {
    const op = ops[event >> 1]!;
    const newest = latest.get(op.key) ?? 0;
    if ((event & 1) === 0) {
      if (op.version > newest) latest.set(op.key, op.version);
      continue;
    }
    tally.reads += 1;
    const behind = Math.max(0, newest - op.version);
    if (behind > 0) tally.staleReads += 1;
    tally.versionsSum += behind;
    if (behind > tally.versionsMax) tally.versionsMax = behind;
    const missed = firstCommit.get(op.key, op.version + 1);
    // Floored at 0: a write acknowledged before it committed (write-behind) is not "behind" yet.
    tally.lag.record(behind > 0 && missed !== undefined ? Math.max(0, op.invokeMs - missed) : 0);
  }
}
