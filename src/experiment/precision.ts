// Run length from the precision wanted, as JMT's simulator does it: each point
// runs its first `replications`, then rounds of `batch` more while any metric's
// 95 % interval is wider than the wanted share of its mean, up to
// `maxReplications`. The stopping decision is taken per point after whole
// rounds, in replication order, from the runs' figures alone: so the runs are
// the same whatever the number of workers or shards, and the verdict per point
// can be recomputed from its runs (the final result does so).
import type { Experiment } from "./schema.js";
import { summarizeSample } from "./stats.js";

/**
 * The precision settings of an experiment, defaults filled in.
 *
 * @remarks Since 0.2.0
 */
export type Precision = NonNullable<Experiment["precision"]>;

/**
 * How precise one point's metrics are after its runs.
 *
 * @remarks Since 0.2.0
 */
export interface PointPrecision {
  /** Every metric's half-width is within the wanted share of its mean. */
  readonly converged: boolean;
  /** The metric whose interval was the last to become narrow enough (null when not converged). */
  readonly lastToConverge: string | null;
  /** Metrics still too wide when the runs stopped (at `maxReplications`). */
  readonly notConverged: readonly string[];
  /** Each metric's half-width over |mean| at the end (null without an interval). */
  readonly relativeHalfWidth: Readonly<Record<string, number | null>>;
}

/**
 * The replication counts after each round: the first round, then batches up
 * to the maximum.
 *
 * @remarks Since 0.2.0
 */
export function roundSizes(experiment: Experiment, precision: Precision): number[] {
  const sizes = [experiment.replications];
  const batch = precision.batch ?? experiment.replications;
  while ((sizes.at(-1) as number) < precision.maxReplications) {
    sizes.push(Math.min(precision.maxReplications, (sizes.at(-1) as number) + batch));
  }
  return sizes;
}

/** Each metric's half-width over |mean| from the first `n` runs (Infinity without an interval). */
function relativeWidths(
  values: readonly (readonly (number | null)[])[],
  metrics: number,
  n: number,
): number[] {
  const out: number[] = [];
  for (let m = 0; m < metrics; m++) {
    const column: number[] = [];
    for (let r = 0; r < n; r++) {
      const v = values[r]?.[m];
      if (typeof v === "number") column.push(v);
    }
    const ci = summarizeSample(column).ci95;
    const mean = Math.abs(summarizeSample(column).mean);
    out.push(
      ci === null
        ? Number.POSITIVE_INFINITY
        : ci.halfWidth === 0
          ? 0
          : mean > 0
            ? ci.halfWidth / mean
            : Number.POSITIVE_INFINITY,
    );
  }
  return out;
}

/**
 * Whether the first `n` runs of a point are precise enough.
 *
 * @internal
 */
export function isPrecise(
  values: readonly (readonly (number | null)[])[],
  metrics: number,
  n: number,
  precision: Precision,
): boolean {
  return relativeWidths(values, metrics, n).every((w) => w <= precision.relativeHalfWidth);
}

/**
 * The precision verdict of a point from its runs (in replication order): the
 * same decision the runner took, recomputed.
 *
 * @remarks Since 0.2.0
 */
export function pointPrecision(
  experiment: Experiment,
  precision: Precision,
  values: readonly (readonly (number | null)[])[],
): PointPrecision {
  const metrics = experiment.metrics;
  const n = values.length;
  const widths = relativeWidths(values, metrics.length, n);
  const wanted = precision.relativeHalfWidth;
  const relativeHalfWidth = Object.fromEntries(
    metrics.map((name, m) => [name, Number.isFinite(widths[m]) ? (widths[m] as number) : null]),
  );
  const notConverged = metrics.filter((_, m) => !((widths[m] as number) <= wanted));
  if (notConverged.length > 0) {
    return { converged: false, lastToConverge: null, notConverged, relativeHalfWidth };
  }
  // The round before the last: the metric widest there held the run up longest.
  const sizes = roundSizes(experiment, precision).filter((s) => s < n);
  const before =
    sizes.length > 0 ? relativeWidths(values, metrics.length, sizes.at(-1) as number) : widths;
  let last = 0;
  before.forEach((w, m) => {
    if (w > (before[last] as number)) last = m;
  });
  return {
    converged: true,
    lastToConverge: metrics[last] ?? null,
    notConverged: [],
    relativeHalfWidth,
  };
}
