import { describe, expect, it } from "vitest";
import {
  type DistributionSpec,
  describeDistribution,
  type LatencyTable,
  resolveLatencyTable,
} from "../../src/latency/index.js";

describe("describeDistribution", () => {
  const cases: ReadonlyArray<readonly [DistributionSpec, string]> = [
    [3, "constant 3 ms"],
    [{ kind: "constant", value: 0.0000005 }, "constant 0.5 ns"],
    [{ kind: "constant", value: 0.5 }, "constant 500 µs"],
    [{ kind: "constant", value: 2500 }, "constant 2.5 s"],
    [0, "constant 0 ms"],
    [{ kind: "uniform", min: 1, max: 5 }, "uniform 1–5 ms"],
    [{ kind: "uniform", min: 0.5, max: 2 }, "uniform 0.5–2 ms"],
    [{ kind: "exponential", mean: 0.1 }, "exponential, mean 100 µs"],
    [{ kind: "normal", mean: 5, sd: 1 }, "normal 5 ± 1 ms, truncated at 0"],
    [{ kind: "lognormal", median: 2, p99: 20 }, "lognormal, median 2 ms, p99 20 ms"],
    [{ kind: "lognormal", mu: 0, sigma: 1.2 }, "lognormal, median 1 ms, σ 1.2"],
    [{ kind: "pareto", scale: 1, shape: 2.5 }, "Pareto, scale 1 ms, shape 2.5"],
    [{ kind: "empirical", samples: [0.1, 3, 8] }, "empirical, 3 samples, 0.1–8 ms"],
    ["ramRead", "ramRead (constant 100 ns)"],
    ["simpleIndexedQuery", "simpleIndexedQuery (uniform 1–5 ms)"],
    [
      {
        kind: "mixture",
        parts: [
          { weight: 9, dist: "ramRead" },
          { weight: 1, dist: { kind: "lognormal", median: 2, p99: 20 } },
        ],
      },
      "mixture of 90% ramRead (constant 100 ns), 10% (lognormal, median 2 ms, p99 20 ms)",
    ],
  ];

  it.each(cases)("%j reads %j", (spec, text) => {
    expect(describeDistribution(spec)).toBe(text);
  });

  it("shows rows as the given table has them", () => {
    const table = resolveLatencyTable({ ramRead: 2 });
    expect(describeDistribution("ramRead", table)).toBe("ramRead (constant 2 ms)");
  });

  it("stops at a loop of rows instead of recursing forever", () => {
    const table: LatencyTable = {
      ...resolveLatencyTable(),
      ramRead: "l2CacheRead",
      l2CacheRead: "ramRead",
    };
    expect(describeDistribution("ramRead", table)).toBe("ramRead (l2CacheRead (ramRead))");
  });
});
