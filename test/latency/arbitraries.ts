// fast-check arbitraries of valid distribution specs, shared by the latency tests.
// Parameters stay within ranges where a latency makes sense (ns to seconds), so a
// failure points at the code rather than at float overflow.
import { fc } from "@fast-check/vitest";
import type {
  DistributionSpec,
  EmpiricalDistribution,
  LognormalDistribution,
  ParetoDistribution,
  UniformDistribution,
} from "../../src/latency/index.js";

const ms = (max: number) => fc.double({ min: 0, max, noNaN: true });
const positiveMs = (min: number, max: number) => fc.double({ min, max, noNaN: true });

export const constantArb = fc.oneof(
  ms(1000),
  ms(1000).map((value): DistributionSpec => ({ kind: "constant", value })),
);

export const uniformArb = fc
  .tuple(ms(1000), ms(1000))
  .map(([min, width]): UniformDistribution => ({ kind: "uniform", min, max: min + width }));

export const exponentialArb = positiveMs(1e-3, 1000).map(
  (mean): DistributionSpec => ({ kind: "exponential", mean }),
);

export const normalArb = fc
  .tuple(ms(100), ms(100))
  .map(([mean, sd]): DistributionSpec => ({ kind: "normal", mean, sd }));

/** Lognormal by quantiles with p99 / median up to `maxRatio`. */
export const lognormalQuantileArb = (maxRatio: number) =>
  fc.tuple(positiveMs(1e-3, 100), fc.double({ min: 1, max: maxRatio, noNaN: true })).map(
    ([median, ratio]): Extract<LognormalDistribution, { median: number }> => ({
      kind: "lognormal",
      median,
      p99: median * ratio,
    }),
  );

/** Lognormal by parameters with sigma up to `maxSigma`. */
export const lognormalParameterArb = (maxSigma: number) =>
  fc
    .tuple(
      fc.double({ min: -5, max: 5, noNaN: true }),
      fc.double({ min: 0, max: maxSigma, noNaN: true }),
    )
    .map(([mu, sigma]): DistributionSpec => ({ kind: "lognormal", mu, sigma }));

/** Pareto with shape in [minShape, 10]; shape > 2 gives a finite variance. */
export const paretoArb = (minShape: number) =>
  fc
    .tuple(positiveMs(1e-3, 100), fc.double({ min: minShape, max: 10, noNaN: true }))
    .map(([scale, shape]): ParetoDistribution => ({ kind: "pareto", scale, shape }));

export const empiricalArb = fc
  .array(ms(1000), { minLength: 1, maxLength: 50 })
  .map((samples): EmpiricalDistribution => ({ kind: "empirical", samples }));

/** How heavy the tails may be: Pareto shape from `minShape`, lognormal sigma up to `maxSigma`. */
export interface Tails {
  readonly minShape: number;
  readonly maxSigma: number;
}

/** Every non-mixture kind. */
export const leafArb = ({ minShape, maxSigma }: Tails) =>
  fc.oneof(
    constantArb,
    uniformArb,
    exponentialArb,
    normalArb,
    // p99 / median = e^(z99·sigma)
    lognormalQuantileArb(Math.exp(2.3263478740408408 * maxSigma)),
    lognormalParameterArb(maxSigma),
    paretoArb(minShape),
    empiricalArb,
  );

export const mixtureOf = (part: fc.Arbitrary<DistributionSpec>) =>
  fc
    .array(fc.record({ weight: fc.double({ min: 0, max: 10, noNaN: true }), dist: part }), {
      minLength: 1,
      maxLength: 4,
    })
    .filter((parts) => parts.reduce((sum, p) => sum + p.weight, 0) > 0)
    .map((parts): DistributionSpec => ({ kind: "mixture", parts }));

/** Any valid spec, mixtures nested up to two deep. */
export const specArb = (tails: Tails) => {
  const leaf = leafArb(tails);
  return fc.oneof(
    { weight: 8, arbitrary: leaf },
    { weight: 2, arbitrary: mixtureOf(leaf) },
    { weight: 1, arbitrary: mixtureOf(fc.oneof(leaf, mixtureOf(leaf))) },
  );
};

/** A seed for a RandomStream. */
export const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });
