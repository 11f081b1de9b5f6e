// Results of an experiment. A partial result holds the raw figures of one
// shard's runs; the final result is computed from partials alone (one, for a
// sweep in one process), so `dbsim merge` of n shards gives the bytes one
// process gives: the same records, in point and replication order, through the
// same arithmetic.
import { roundFigure } from "../scenario/index.js";
import {
  mergeHistograms,
  type PooledPercentiles,
  type PortableHistogram,
  pooledPercentiles,
} from "./histogram.js";
import { type PointPrecision, type Precision, pointPrecision } from "./precision.js";
import type { Experiment } from "./schema.js";
import { type Interval, pairedComparison, type SampleSummary, summarizeSample } from "./stats.js";
import type { TransientCheck } from "./transient.js";

/**
 * One run's figures: its replication, its seed and the value of each metric
 * (in the experiment's order; null where the report had none).
 *
 * @remarks Since 0.2.0
 */
export interface RunRecord {
  readonly replication: number;
  readonly seed: number;
  readonly values: readonly (number | null)[];
  /** The run's latency histograms, when the experiment pools percentiles. */
  readonly histograms?: Readonly<Record<PooledLatency, PortableHistogram>>;
  /** Work in flight per window, for MSER-5 before the precision rule (not kept in results). */
  readonly inFlight?: readonly number[];
}

/**
 * The latency distributions whose percentiles can be pooled across replications.
 *
 * @remarks Since 0.2.0
 */
export type PooledLatency = "latency.read" | "latency.write" | "latency.all";

const POOLED: readonly PooledLatency[] = ["latency.read", "latency.write", "latency.all"];

/**
 * The runs of one point.
 *
 * @remarks Since 0.2.0
 */
export interface PointRuns {
  readonly index: number;
  readonly parameters: Readonly<Record<string, unknown>>;
  /** What MSER-5 found before the precision rule, and whether the warm-up was lengthened. */
  readonly transient?: TransientCheck;
  readonly runs: readonly RunRecord[];
}

/**
 * What `dbsim sweep --shard i/n` writes: the runs of one shard's points, with
 * what `dbsim merge` needs to check that partials belong together.
 *
 * @remarks Since 0.2.0
 */
export interface PartialResult {
  readonly kind: "dbsim-experiment-partial";
  /** The dbsim version that ran the shard. */
  readonly dbsimVersion: string;
  /** The experiment's hash (see experimentHash). */
  readonly experimentHash: string;
  readonly shard: { readonly index: number; readonly count: number };
  /** Points in the whole grid. */
  readonly pointCount: number;
  readonly experiment: Experiment;
  readonly points: readonly PointRuns[];
}

/**
 * Figures rounded to 6 significant digits, like a report's.
 *
 * @remarks Since 0.2.0
 */
export interface RoundedInterval {
  readonly low: number;
  readonly high: number;
  readonly halfWidth: number;
}

/**
 * A metric's summary at one point.
 *
 * @remarks Since 0.2.0
 */
export interface MetricSummary {
  readonly n: number;
  readonly mean: number;
  readonly sd: number | null;
  readonly ci95: RoundedInterval | null;
}

/**
 * A point's comparison with the baseline point on one metric: the difference of
 * means (point − baseline), its paired 95 % interval (pairs of runs on the same
 * seed; meaningful for variance reduction under common random numbers) and the
 * unpaired (Welch) interval beside it.
 *
 * @remarks Since 0.2.0
 */
export interface Comparison {
  readonly point: number;
  readonly baseline: number;
  readonly metric: string;
  readonly difference: number;
  readonly paired: RoundedInterval | null;
  readonly unpaired: RoundedInterval | null;
}

/**
 * The result of an experiment.
 *
 * @remarks Since 0.2.0
 */
export interface ExperimentResult {
  readonly kind: "dbsim-experiment";
  readonly dbsimVersion: string;
  readonly experimentHash: string;
  readonly name: string;
  readonly seed: number;
  readonly replications: number;
  readonly commonRandomNumbers: boolean;
  readonly metrics: readonly string[];
  readonly points: readonly {
    readonly index: number;
    readonly parameters: Readonly<Record<string, unknown>>;
    readonly summary: Readonly<Record<string, MetricSummary>>;
    /** Latency percentiles of every replication's requests pooled (when asked for). */
    readonly pooled?: Readonly<Record<PooledLatency, PooledPercentiles>>;
    /** How precise the point's metrics became (when the experiment asks for a precision). */
    readonly precision?: PointPrecision;
    /** MSER-5 on the first round, before the precision rule (when the experiment asks for a precision). */
    readonly transient?: TransientCheck;
    readonly runs: readonly RunRecord[];
  }[];
  readonly comparisons: readonly Comparison[];
  /** The precision asked for, when the runs' number followed it (see Experiment.precision). */
  readonly precision?: Precision;
}

/**
 * Partial results that cannot be merged; the message says why.
 *
 * @remarks Since 0.2.0
 */
export class MergeError extends Error {
  /** @param message - what does not match */
  constructor(message: string) {
    super(message);
    this.name = "MergeError";
  }
}

/**
 * The final result from partials that together hold every point.
 *
 * @remarks Since 0.2.0
 */
export function finalizeResult(partials: readonly PartialResult[]): ExperimentResult {
  const first = partials[0] as PartialResult;
  const { experiment } = first;
  const points = partials.flatMap((p) => p.points).sort((a, b) => a.index - b.index);
  if (points.length !== first.pointCount) {
    throw new MergeError(`expected ${first.pointCount} points; the partials hold ${points.length}`);
  }
  const metrics = experiment.metrics;
  const column = (runs: readonly RunRecord[], m: number): number[] =>
    runs.map((r) => r.values[m]).filter((v): v is number => typeof v === "number");
  const summarized = points.map((p) => ({
    index: p.index,
    parameters: p.parameters,
    ...(experiment.pooledPercentiles ? { pooled: pool(p.runs) } : {}),
    ...(experiment.precision === undefined
      ? {}
      : {
          precision: roundPrecision(
            pointPrecision(
              experiment,
              experiment.precision,
              p.runs.map((r) => r.values),
            ),
          ),
        }),
    ...(p.transient === undefined ? {} : { transient: roundTransient(p.transient) }),
    summary: Object.fromEntries(
      metrics.map((name, m) => [name, roundSummary(summarizeSample(column(p.runs, m)))]),
    ),
    // The histograms served the pooling; the result keeps each run's figures only.
    runs: p.runs.map(({ histograms: _histograms, ...run }) => run),
  }));
  return {
    kind: "dbsim-experiment",
    dbsimVersion: first.dbsimVersion,
    experimentHash: first.experimentHash,
    name: experiment.name,
    seed: experiment.seed,
    replications: experiment.replications,
    commonRandomNumbers: experiment.commonRandomNumbers,
    metrics,
    points: summarized,
    comparisons: compareWithBaseline(experiment, points),
    ...(experiment.precision === undefined ? {} : { precision: experiment.precision }),
  };
}

function roundTransient(t: TransientCheck): TransientCheck {
  const r = (v: number): number => roundFigure(v);
  return {
    ...t,
    windowMs: r(t.windowMs),
    warmupMs: r(t.warmupMs),
    truncateMs: r(t.truncateMs),
    truncateAfterMs: t.truncateAfterMs === null ? null : r(t.truncateAfterMs),
  };
}

function roundPrecision(p: PointPrecision): PointPrecision {
  return {
    ...p,
    relativeHalfWidth: Object.fromEntries(
      Object.entries(p.relativeHalfWidth).map(([k, v]) => [k, v === null ? null : roundFigure(v)]),
    ),
  };
}

function compareWithBaseline(experiment: Experiment, points: readonly PointRuns[]): Comparison[] {
  const baselineIndex = experiment.baseline;
  if (baselineIndex === undefined) return [];
  const baseline = points[baselineIndex] as PointRuns;
  const out: Comparison[] = [];
  for (const point of points) {
    if (point.index === baselineIndex) continue;
    experiment.metrics.forEach((metric, m) => {
      const a: number[] = [];
      const b: number[] = [];
      point.runs.forEach((run, r) => {
        const x = run.values[m];
        const y = baseline.runs[r]?.values[m];
        if (typeof x === "number" && typeof y === "number") {
          a.push(x);
          b.push(y);
        }
      });
      const { paired, unpaired } = pairedComparison(a, b);
      const diff =
        a.length === 0
          ? 0
          : (paired?.mean ?? a.reduce((s, x, i) => s + x - (b[i] as number), 0) / a.length);
      out.push({
        point: point.index,
        baseline: baselineIndex,
        metric,
        difference: roundFigure(diff),
        paired: roundInterval(paired),
        unpaired: roundInterval(unpaired),
      });
    });
  }
  return out;
}

/** Each latency distribution's percentiles over the runs' histograms merged. */
function pool(runs: readonly RunRecord[]): Record<PooledLatency, PooledPercentiles> {
  const out = {} as Record<PooledLatency, PooledPercentiles>;
  for (const name of POOLED) {
    const merged = mergeHistograms(runs.flatMap((r) => (r.histograms ? [r.histograms[name]] : [])));
    const p = pooledPercentiles(merged);
    out[name] = {
      count: p.count,
      p50: roundFigure(p.p50),
      p90: roundFigure(p.p90),
      p95: roundFigure(p.p95),
      p99: roundFigure(p.p99),
      p999: roundFigure(p.p999),
      max: roundFigure(p.max),
    };
  }
  return out;
}

function roundInterval(ci: Interval | null): RoundedInterval | null {
  if (ci === null) return null;
  return {
    low: roundFigure(ci.low),
    high: roundFigure(ci.high),
    halfWidth: roundFigure(ci.halfWidth),
  };
}

function roundSummary(s: SampleSummary): MetricSummary {
  return {
    n: s.n,
    mean: roundFigure(s.mean),
    sd: s.sd === null ? null : roundFigure(s.sd),
    ci95: roundInterval(s.ci95),
  };
}
