// Analytic means of distribution specs, for capacity planning (a server with c
// cores and mean service time S saturates at c / S requests per ms) and for tests
// that compare sampled means with theory. Formulas are the textbook ones (Johnson,
// Kotz & Balakrishnan, Continuous Univariate Distributions, vol. 1): for the normal
// truncated below at 0, the truncated-normal mean μ + σ·φ(α)/(1 − Φ(α)), α = −μ/σ.
import {
  type DistributionSpec,
  followRow,
  lognormalParameters,
  parseDistributionSpec,
} from "./distributions.js";
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
      let weighted = 0;
      let total = 0;
      for (const part of spec.parts) {
        // Every part is walked, so a bad row behind a weight-0 part still fails.
        const mean = meanOf(part.dist, table, trail);
        if (part.weight > 0) {
          weighted += part.weight * mean;
          total += part.weight;
        }
      }
      return weighted / total;
    }
  }
}

/** Mean of N(mean, sd²) conditioned on ≥ 0. With mean ≥ 0, Φ(mean/sd) ≥ ½: no cancellation. */
function truncatedNormalMean(mean: number, sd: number): number {
  if (sd === 0) return mean;
  const a = mean / sd;
  const pdf = Math.exp((-a * a) / 2) / Math.sqrt(2 * Math.PI);
  const cdf = 0.5 * erfc(-a / Math.SQRT2);
  return mean + (sd * pdf) / cdf;
}

/**
 * The complementary error function, with fractional error below 1.2e-7 everywhere
 * (Chebyshev fit; Press et al., Numerical Recipes, 2nd ed., §6.2, `erfcc`).
 */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t *
                          (-1.13520398 +
                            t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(poly);
  return x >= 0 ? r : 2 - r;
}
