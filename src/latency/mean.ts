// Analytic means of distribution specs, for capacity planning (a server with c
// cores and mean service time S saturates at c / S requests per ms) and for tests
// that compare sampled means with theory. Formulas are the textbook ones (Johnson,
// Kotz & Balakrishnan, Continuous Univariate Distributions, vol. 1): for the normal
// truncated below at 0, the truncated-normal mean μ + σ·φ(α)/(1 − Φ(α)), α = −μ/σ.
import type { DistributionSpec } from "./distribution-types.js";
import { followRow, lognormalParameters, parseDistributionSpec } from "./distributions.js";
import { DEFAULT_LATENCY_TABLE, type LatencyRowName, type LatencyTable } from "./table.js";

/**
 * The mean in ms of a spec's distribution, computed analytically.
 *
 * - uniform: (min + max) / 2; exponential: its mean; empirical: the samples' mean;
 * - normal truncated at 0: μ + σ·φ(μ/σ) / Φ(μ/σ);
 * - lognormal: e^(μ + σ²/2), larger than the median;
 * - Pareto: shape·scale / (shape − 1) when shape > 1, else `Infinity`;
 * - mixture: the weighted mean of its parts (parts of weight 0 are ignored).
 *
 * @param spec - the distribution; validated here
 * @param table - the table row names resolve through
 * @returns the mean in ms; `Infinity` when it does not exist
 * @throws {@link LatencyError} as {@link compileDistribution} does
 * @remarks Since 0.1.0
 */
export function distributionMean(
  spec: DistributionSpec,
  table: LatencyTable = DEFAULT_LATENCY_TABLE,
): number {
  return meanOf(parseDistributionSpec(spec, "given"), table, []);
}

function meanOf(
  spec: DistributionSpec,
  table: LatencyTable,
  trail: readonly LatencyRowName[],
): number {
  if (typeof spec === "number") return spec;
  if (typeof spec === "string") {
    const row = followRow(spec, table, trail);
    return meanOf(row.spec, table, row.trail);
  }
  switch (spec.kind) {
    case "constant":
      return spec.value;
    case "uniform":
      return (spec.min + spec.max) / 2;
    case "exponential":
      return spec.mean;
    case "normal":
      return truncatedNormalMean(spec.mean, spec.sd);
    case "lognormal": {
      const { mu, sigma } = lognormalParameters(spec);
      return Math.exp(mu + (sigma * sigma) / 2);
    }
    case "pareto":
      return spec.shape > 1
        ? (spec.shape * spec.scale) / (spec.shape - 1)
        : Number.POSITIVE_INFINITY;
    case "empirical":
      return spec.samples.reduce((sum, x) => sum + x, 0) / spec.samples.length;
    case "mixture": {
      const total = spec.parts.reduce((sum, part) => sum + part.weight, 0);
      let mean = 0;
      for (const part of spec.parts) {
        // Every part is walked, so a bad row behind a weight-0 part still fails.
        const partMean = meanOf(part.dist, table, trail);
        // Normalising each weight first keeps tiny weights from underflowing to 0.
        if (part.weight > 0) mean += (part.weight / total) * partMean;
      }
      return mean;
    }
  }
}

/** Mean of N(mean, sd²) conditioned on ≥ 0. With mean ≥ 0, Φ(mean/sd) ≥ ½: no cancellation. */
function truncatedNormalMean(mean: number, sd: number): number {
  if (sd === 0) return mean;
  const a = mean / sd;
  const pdf = Math.exp((-a * a) / 2) / Math.sqrt(2 * Math.PI);
  const cdf = 0.5 + 0.5 * erf(a / Math.SQRT2);
  return mean + (sd * pdf) / cdf;
}

/**
 * erf(x) for x ≥ 0 by the series (2/√π)·e^(−x²)·Σ 2ⁿ·x^(2n+1) / (1·3·…·(2n+1))
 * (Abramowitz & Stegun 7.1.6). Every term is positive, so nothing cancels and the
 * result is good to a few ulps. Past x = 6, erf(x) rounds to 1.
 */
function erf(x: number): number {
  if (x >= 6) return 1;
  let term = x;
  let sum = x;
  // At x < 6 the terms shrink from n ≈ x² on; 200 terms are far more than enough.
  for (let n = 1; n < 200 && term > sum * 1e-17; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}
