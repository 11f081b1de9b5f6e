// Distribution specs as types: the plain-JSON shapes a scenario uses to say how a
// cost varies. The zod schema that validates them is in distributions.ts.
import type { LatencyRowName } from "./table.js";

/**
 * A fixed latency.
 *
 * @remarks Since 0.1.0
 */
export interface ConstantDistribution {
  readonly kind: "constant";
  /** The latency in ms, ≥ 0. */
  readonly value: number;
}

/**
 * A latency uniform over [min, max], the default for a range in the table.
 *
 * @remarks Since 0.1.0
 */
export interface UniformDistribution {
  readonly kind: "uniform";
  /** The lower bound in ms, ≥ 0. */
  readonly min: number;
  /** The upper bound in ms, ≥ min. */
  readonly max: number;
}

/**
 * An exponential latency: memoryless, as for service times in M/M/c queues.
 *
 * @remarks Since 0.1.0
 */
export interface ExponentialDistribution {
  readonly kind: "exponential";
  /** The mean in ms, > 0. */
  readonly mean: number;
}

/**
 * A normal latency truncated at 0, since a latency is never negative. The mean
 * and sd are those of the normal before truncation; the truncated mean is larger.
 *
 * @remarks Since 0.1.0
 */
export interface NormalDistribution {
  readonly kind: "normal";
  /** The mean in ms of the normal before truncation, ≥ 0. */
  readonly mean: number;
  /** The standard deviation in ms of the normal before truncation, ≥ 0. */
  readonly sd: number;
}

/**
 * A lognormal latency, the usual shape of measured request latency: given either
 * by its median and 99th percentile (how latency is usually reported) or by the
 * parameters mu and sigma of the underlying normal (of ln ms).
 *
 * @remarks Since 0.1.0
 */
export type LognormalDistribution =
  | {
      readonly kind: "lognormal";
      /** The median in ms, > 0. */
      readonly median: number;
      /** The 99th percentile in ms, ≥ median. */
      readonly p99: number;
    }
  | {
      readonly kind: "lognormal";
      /** The mean of ln(latency in ms); any finite number. */
      readonly mu: number;
      /** The standard deviation of ln(latency in ms), ≥ 0. */
      readonly sigma: number;
    };

/**
 * A Pareto (type I) latency: a heavy tail above a floor. With shape ≤ 1 the mean
 * is infinite; with shape ≤ 2 the variance is.
 *
 * @remarks Since 0.1.0
 */
export interface ParetoDistribution {
  readonly kind: "pareto";
  /** The minimum latency in ms (x_m), > 0. */
  readonly scale: number;
  /** The tail index (alpha), > 0; smaller is heavier. */
  readonly shape: number;
}

/**
 * A latency drawn uniformly from measured samples.
 *
 * @remarks Since 0.1.0
 */
export interface EmpiricalDistribution {
  readonly kind: "empirical";
  /** Measured latencies in ms, each ≥ 0; at least one. */
  readonly samples: readonly number[];
}

/**
 * One component of a {@link MixtureDistribution}.
 *
 * @remarks Since 0.1.0
 */
export interface MixturePart {
  /** The relative weight, ≥ 0; weights need not sum to 1. */
  readonly weight: number;
  /** The component's distribution. */
  readonly dist: DistributionSpec;
}

/**
 * A mixture: each draw first picks a part with probability weight / total weight,
 * then draws from it. Models a fast path with a slow tail (cache hit or miss).
 *
 * @remarks Since 0.1.0
 */
export interface MixtureDistribution {
  readonly kind: "mixture";
  /** The components; at least one, with a positive total weight. */
  readonly parts: readonly MixturePart[];
}

/**
 * A distribution given as an object with a `kind`.
 *
 * @remarks Since 0.1.0
 */
export type DistributionObject =
  | ConstantDistribution
  | UniformDistribution
  | ExponentialDistribution
  | NormalDistribution
  | LognormalDistribution
  | ParetoDistribution
  | EmpiricalDistribution
  | MixtureDistribution;

/**
 * The kinds of {@link DistributionObject}.
 *
 * @remarks Since 0.1.0
 */
export type DistributionKind = DistributionObject["kind"];

/**
 * How a latency varies, in ms: a bare number ≥ 0 (a constant), the name of a
 * latency-table row (that row's distribution), or a {@link DistributionObject}.
 *
 * @remarks Since 0.1.0
 */
export type DistributionSpec = number | LatencyRowName | DistributionObject;

/**
 * The kinds a distribution object may have, in the order the docs list them.
 *
 * @remarks Since 0.1.0
 */
export const DISTRIBUTION_KINDS: readonly DistributionKind[] = Object.freeze([
  "constant",
  "uniform",
  "exponential",
  "normal",
  "lognormal",
  "pareto",
  "empirical",
  "mixture",
] as const);
