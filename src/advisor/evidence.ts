// The figures a diagnosis rests on, read from the reports of a plan's runs and
// averaged over the seeds: each is a field of the report (docs/report.md), so a
// reader can find it in `dbsim run` output for any of the seeds.
import type { Report } from "../scenario/index.js";

/**
 * One node's figures, averaged over the runs.
 *
 * @remarks Since 0.2.0
 */
export interface NodeEvidence {
  /** The node (`primary`, `replica-1`, `s0/primary`). */
  readonly name: string;
  /** `primary` or `replica`. */
  readonly role: string;
  /** Its cores. */
  readonly cores: number;
  /** CPU utilisation, 0..1 (`nodes[].utilization`). */
  readonly utilization: number;
  /** Reads it served per second of the window. */
  readonly readsPerSec: number;
  /** Writes it served per second of the window. */
  readonly writesPerSec: number;
  /** Buffer pool hit ratio, or null without the mechanisms. */
  readonly bufferPoolHitRatio: number | null;
  /** Disk utilisation, or null without the mechanisms. */
  readonly diskUtilization: number | null;
}

/**
 * What the runs of a plan showed, averaged over its seeds.
 *
 * @remarks Since 0.2.0
 */
export interface Evidence {
  /** Every node, in report order. */
  readonly nodes: readonly NodeEvidence[];
  /** Errors by kind, summed over the runs (kinds that occurred only). */
  readonly errorsByKind: Readonly<Record<string, number>>;
  /** Most requests waiting for an application connection at once (`client.waitingMax`), the largest run. */
  readonly clientWaitingMax: number;
  /** Connections the application opened per second of the window (`client.connectionsOpened`). */
  readonly connectionsOpenedPerSec: number;
  /** pgbouncer's mean wait for a server connection (ms), or null without a pool. */
  readonly poolWaitMs: number | null;
  /** The largest replica's replay lag p99 (ms), or null without replicas. */
  readonly replayLagP99Ms: number | null;
  /** The cache's hit ratio, or null without a cache. */
  readonly cacheHitRatio: number | null;
  /** The verdict of each run (`verdict.status`), in seed order. */
  readonly verdicts: readonly string[];
  /**
   * Read-your-writes violations per run (`consistency.violations.readYourWrites`), mean.
   *
   * @remarks Since 0.2.0
   */
  readonly readYourWritesViolations: number;
  /**
   * Reads per run (`latency.read.count`), mean: the violations' denominator.
   *
   * @remarks Since 0.2.0
   */
  readonly reads: number;
  /**
   * Operations offered per second (`throughput.offeredPerSec`), mean.
   *
   * @remarks Since 0.2.0
   */
  readonly offeredPerSec: number;
  /**
   * The sharding's figures (`sharding.*`, means), or null without sharding.
   *
   * @remarks Since 0.2.0
   */
  readonly sharding: ShardingEvidence | null;
}

/**
 * How a sharded plan's operations spread over its shards, averaged over the runs.
 *
 * @remarks Since 0.2.0
 */
export interface ShardingEvidence {
  /** The shard key (`sharding.key`). */
  readonly key: string;
  /** The busiest shard's operations over the mean shard's (`sharding.imbalance`). */
  readonly imbalance: number;
  /** Share of operations that touched one shard (`sharding.singleShardShare`). */
  readonly singleShardShare: number;
}

const average = (xs: readonly number[]): number =>
  xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;

function optionalAverage(xs: readonly (number | undefined)[]): number | null {
  const known = xs.filter((x): x is number => x !== undefined);
  return known.length === 0 ? null : average(known);
}

function nodeEvidence(reports: readonly Report[], index: number): NodeEvidence {
  const rows = reports.map((r) => r.nodes[index]).filter((n) => n !== undefined);
  const first = rows[0] as Report["nodes"][number];
  const perSec = (r: Report, n: number) => n / Math.max(r.durationMs / 1000, 1e-9);
  return {
    name: first.name,
    role: first.role,
    cores: first.cores,
    utilization: average(rows.map((n) => n.utilization)),
    readsPerSec: average(reports.map((r) => perSec(r, r.nodes[index]?.readsServed ?? 0))),
    writesPerSec: average(reports.map((r) => perSec(r, r.nodes[index]?.writesServed ?? 0))),
    bufferPoolHitRatio: optionalAverage(rows.map((n) => n.server?.bufferPool.hitRatio)),
    diskUtilization: optionalAverage(rows.map((n) => n.server?.disk.utilization)),
  };
}

function replayLag(report: Report): number | undefined {
  const lags = (report.replication?.replicas ?? []).map((r) => r.replayLagMs.p99);
  return lags.length === 0 ? undefined : Math.max(...lags);
}

function shardingEvidence(reports: readonly Report[]): ShardingEvidence | null {
  const rows = reports.map((r) => r.sharding).filter((s) => s !== undefined);
  const first = rows[0];
  if (first === undefined) return null;
  return {
    key: first.key,
    imbalance: average(rows.map((s) => s.imbalance)),
    singleShardShare: average(rows.map((s) => s.singleShardShare)),
  };
}

/**
 * The evidence of a plan's runs (all of one scenario, different seeds).
 *
 * @remarks Since 0.2.0
 */
export function gatherEvidence(reports: readonly Report[]): Evidence {
  const first = reports[0];
  if (first === undefined) throw new RangeError("evidence: expected at least one report; got none");
  const errorsByKind: Record<string, number> = {};
  for (const r of reports) {
    for (const [kind, n] of Object.entries(r.errors.byKind)) {
      if (n > 0) errorsByKind[kind] = (errorsByKind[kind] ?? 0) + n;
    }
  }
  return {
    nodes: first.nodes.map((_, i) => nodeEvidence(reports, i)),
    errorsByKind,
    clientWaitingMax: Math.max(...reports.map((r) => r.client?.waitingMax ?? 0)),
    connectionsOpenedPerSec: average(
      reports.map((r) => (r.client?.connectionsOpened ?? 0) / Math.max(r.durationMs / 1000, 1e-9)),
    ),
    poolWaitMs: optionalAverage(reports.map((r) => r.pool?.waitMs.mean)),
    replayLagP99Ms: optionalAverage(reports.map(replayLag)),
    cacheHitRatio: optionalAverage(reports.map((r) => r.cache?.hitRatio)),
    verdicts: reports.map((r) => r.verdict.status),
    readYourWritesViolations: average(
      reports.map((r) => r.consistency?.violations.readYourWrites ?? 0),
    ),
    reads: average(reports.map((r) => r.latency.read.count)),
    offeredPerSec: average(reports.map((r) => r.throughput.offeredPerSec)),
    sharding: shardingEvidence(reports),
  };
}
