// A service-time distribution from measured latency: a lognormal by its median and
// p99, the form the scenario takes. For ln X ~ N(μ, σ²) the median is e^μ and
// the p99 e^(μ + z₀.₉₉σ), so μ = ln median and σ = (ln p99 − ln median)/z₀.₉₉;
// the mean is e^(μ + σ²/2) (Johnson, Kotz & Balakrishnan, Continuous Univariate
// Distributions vol. 1, 2nd ed. 1994, ch. 14). Quantiles of samples are
// Hyndman & Fan's definition 7 (R's default): linear between order statistics.

/** z₀.₉₉, the standard normal's 99th percentile. */
const Z_99 = 2.3263478740408408;

/** Samples below this leave the p99 to the few largest: refused. */
const MIN_SAMPLES = 100;

/**
 * A lognormal latency by its median and 99th percentile (ms), as the scenario spells it.
 *
 * @remarks Since 0.2.0
 */
export interface LognormalSpec {
  readonly kind: "lognormal";
  readonly median: number;
  readonly p99: number;
}

/**
 * σ of ln X for a lognormal spec: (ln p99 − ln median)/z₀.₉₉.
 *
 * @remarks Since 0.2.0
 */
export function lognormalSigma(spec: LognormalSpec): number {
  return (Math.log(spec.p99) - Math.log(spec.median)) / Z_99;
}

/**
 * The mean of a lognormal spec: median · e^(σ²/2).
 *
 * @remarks Since 0.2.0
 */
export function lognormalMean(spec: LognormalSpec): number {
  return spec.median * Math.exp(lognormalSigma(spec) ** 2 / 2);
}

/**
 * The lognormal of shape σ (of ln ms) whose mean is `meanMs`: median
 * meanMs · e^(−σ²/2), p99 median · e^(z₀.₉₉σ).
 *
 * @remarks Since 0.2.0
 */
export function lognormalWithMean(sigma: number, meanMs: number): LognormalSpec {
  const median = meanMs * Math.exp(-(sigma * sigma) / 2);
  return { kind: "lognormal", median, p99: median * Math.exp(Z_99 * sigma) };
}

/** Hyndman & Fan's quantile 7 of ascending values. */
function quantile(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const low = Math.floor(h);
  const a = sorted[low] ?? Number.NaN;
  const b = sorted[Math.min(low + 1, sorted.length - 1)] ?? a;
  return a + (h - low) * (b - a);
}

/**
 * The lognormal with the samples' median and p99 (ms).
 *
 * @param samplesMs - latencies in ms, at least 100, each positive and finite
 * @param source - names the samples in error messages
 * @throws RangeError naming the source and the bad count or value
 * @remarks Since 0.2.0
 */
export function lognormalFromSamples(
  samplesMs: readonly number[],
  source = "latency samples",
): LognormalSpec {
  if (samplesMs.length < MIN_SAMPLES) {
    throw new RangeError(
      `${source}: expected at least ${MIN_SAMPLES} latencies for a p99, got ${samplesMs.length}.`,
    );
  }
  samplesMs.forEach((value, i) => {
    if (!(value > 0) || !Number.isFinite(value)) {
      throw new RangeError(`${source}[${i}]: expected a positive latency (ms), got ${value}.`);
    }
  });
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return { kind: "lognormal", median: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
}

/**
 * The lognormal with this mean and p99 (ms). From ln p99 − ln mean = z₀.₉₉σ − σ²/2,
 * σ = z₀.₉₉ − √(z₀.₉₉² − 2 ln(p99/mean)), the root with σ ≤ z₀.₉₉ (the other
 * gives the same pair from a tail so heavy that the p99 falls towards the mean).
 * It exists for mean ≤ p99 ≤ mean · e^(z₀.₉₉²/2) ≈ 14.97 · mean.
 *
 * @param where - names the figures in error messages
 * @throws RangeError when no lognormal has this mean and p99
 * @remarks Since 0.2.0
 */
export function lognormalFromMeanP99(
  meanMs: number,
  p99Ms: number,
  where = "latency",
): LognormalSpec {
  const logRatio = Math.log(p99Ms / meanMs);
  const limit = (Z_99 * Z_99) / 2;
  // The bound itself (σ = z₀.₉₉) may come back a rounding error above it.
  if (!(meanMs > 0) || !(logRatio >= 0) || logRatio > limit * (1 + 1e-12)) {
    throw new RangeError(
      `${where}: no lognormal has mean ${meanMs} ms and p99 ${p99Ms} ms; expected mean > 0 and mean ≤ p99 ≤ ${Math.exp(limit).toFixed(2)} × mean (give latency samples instead).`,
    );
  }
  return lognormalWithMean(Z_99 - Math.sqrt(Math.max(0, Z_99 * Z_99 - 2 * logRatio)), meanMs);
}
