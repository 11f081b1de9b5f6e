import { describe, expect, it } from "vitest";
import {
  type DistributionSpec,
  distributionMean,
  LatencyError,
  resolveLatencyTable,
} from "../../src/latency/index.js";

describe("distributionMean", () => {
  const phi = (x: number) => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
  // Φ(1) and Φ(3) from standard normal tables, independent of the code's erf.
  const PHI_CDF_1 = 0.8413447460685429;
  const PHI_CDF_3 = 0.9986501019683699;

  const cases: ReadonlyArray<readonly [string, DistributionSpec, number]> = [
    ["a bare number is itself", 2.5, 2.5],
    ["a constant", { kind: "constant", value: 0.1 }, 0.1],
    ["a uniform: the midpoint", { kind: "uniform", min: 1, max: 5 }, 3],
    ["an exponential: its mean", { kind: "exponential", mean: 4 }, 4],
    // Half-normal: E|Z| = √(2/π).
    [
      "a normal at 0, truncated: the half-normal mean",
      { kind: "normal", mean: 0, sd: 1 },
      Math.sqrt(2 / Math.PI),
    ],
    // μ + σ·φ(α)/(1 − Φ(α)) with α = −3, i.e. 3 + φ(3)/Φ(3).
    [
      "a normal 3σ above 0: barely moved",
      { kind: "normal", mean: 3, sd: 1 },
      3 + phi(3) / PHI_CDF_3,
    ],
    ["a normal 1σ above 0", { kind: "normal", mean: 1, sd: 1 }, 1 + phi(1) / PHI_CDF_1],
    ["a normal with sd 0", { kind: "normal", mean: 2, sd: 0 }, 2],
    [
      "a lognormal by parameters: e^(μ + σ²/2)",
      { kind: "lognormal", mu: 0, sigma: 1 },
      Math.exp(0.5),
    ],
    // p99 = median·e^(z99·σ) with σ = 0.5, so the mean is median·e^(σ²/2).
    [
      "a lognormal by quantiles",
      { kind: "lognormal", median: 2, p99: 2 * Math.exp(2.3263478740408408 * 0.5) },
      2 * Math.exp(0.125),
    ],
    ["a Pareto: shape·scale/(shape − 1)", { kind: "pareto", scale: 2, shape: 3 }, 3],
    ["an empirical: the samples' mean", { kind: "empirical", samples: [1, 2, 6] }, 3],
    [
      "a mixture: the weighted mean",
      {
        kind: "mixture",
        parts: [
          { weight: 1, dist: 1 },
          { weight: 3, dist: 5 },
        ],
      },
      4,
    ],
    [
      "a mixture ignores a weight-0 part, even one with no mean",
      {
        kind: "mixture",
        parts: [
          { weight: 0, dist: { kind: "pareto", scale: 1, shape: 0.5 } },
          { weight: 2, dist: 7 },
        ],
      },
      7,
    ],
    [
      "a mixture with a tiny weight does not underflow",
      { kind: "mixture", parts: [{ weight: 5e-324, dist: 0.001 }] },
      0.001,
    ],
    ["a row: its distribution's mean", "crossRegionRoundTrip", 55],
    ["a point row", "ssdRandomRead", 0.1],
  ];

  it.each(cases)("%s", (_, spec, expected) => {
    expect(distributionMean(spec)).toBeCloseTo(expected, 12);
  });

  it("is Infinity for a Pareto with shape ≤ 1", () => {
    expect(distributionMean({ kind: "pareto", scale: 1, shape: 1 })).toBe(Number.POSITIVE_INFINITY);
    expect(distributionMean({ kind: "pareto", scale: 1, shape: 0.5 })).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it("resolves rows through the given table", () => {
    const table = resolveLatencyTable({ simpleIndexedQuery: { kind: "uniform", min: 2, max: 4 } });
    expect(distributionMean("simpleIndexedQuery", table)).toBe(3);
  });

  it("rejects an invalid spec", () => {
    expect(() => distributionMean({ kind: "exponential", mean: 0 })).toThrowError(LatencyError);
  });
});
