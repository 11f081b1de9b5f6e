import { describe, expect, it } from "vitest";
import * as z from "zod";
import { type DistributionSpec, DistributionSpecSchema } from "../../src/latency/index.js";

/** Each issue as "path: message", the way a scenario error would show it. */
function problems(input: unknown): string[] {
  const result = DistributionSpecSchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) =>
    issue.path.length === 0 ? issue.message : `${issue.path.join(".")}: ${issue.message}`,
  );
}

describe("DistributionSpecSchema accepts", () => {
  const valid: ReadonlyArray<readonly [string, DistributionSpec]> = [
    ["a bare number (a constant)", 3],
    ["zero", 0],
    ["a row name", "simpleIndexedQuery"],
    ["a constant", { kind: "constant", value: 0.5 }],
    ["a uniform", { kind: "uniform", min: 1, max: 5 }],
    ["a uniform of zero width", { kind: "uniform", min: 2, max: 2 }],
    ["an exponential", { kind: "exponential", mean: 2 }],
    ["a normal", { kind: "normal", mean: 5, sd: 1 }],
    ["a lognormal by quantiles", { kind: "lognormal", median: 2, p99: 20 }],
    ["a lognormal with p99 = median", { kind: "lognormal", median: 2, p99: 2 }],
    ["a lognormal by parameters, mu negative", { kind: "lognormal", mu: -9, sigma: 0.5 }],
    ["a Pareto", { kind: "pareto", scale: 1, shape: 1.5 }],
    ["an empirical", { kind: "empirical", samples: [0.1, 0.2, 7] }],
    [
      "a nested mixture with row names",
      {
        kind: "mixture",
        parts: [
          { weight: 0.9, dist: "ramRead" },
          { weight: 0, dist: 1 },
          {
            weight: 0.1,
            dist: { kind: "mixture", parts: [{ weight: 1, dist: "crossRegionRoundTrip" }] },
          },
        ],
      },
    ],
  ];

  it.each(valid)("%s", (_, spec) => {
    expect(DistributionSpecSchema.parse(spec)).toEqual(spec);
  });
});

describe("DistributionSpecSchema rejects, naming the value and what was expected", () => {
  const invalid: ReadonlyArray<readonly [string, unknown, string]> = [
    ["a negative number", -3, "expected a number ≥ 0, received -3"],
    ["NaN", Number.NaN, "expected a finite number, received NaN"],
    ["Infinity", Number.POSITIVE_INFINITY, "expected a finite number, received Infinity"],
    [
      "a negative field",
      { kind: "exponential", mean: -2 },
      "mean: expected a number > 0, received -2",
    ],
    [
      "an infinite field",
      { kind: "uniform", min: 1, max: Number.POSITIVE_INFINITY },
      "max: expected a finite number, received Infinity",
    ],
    [
      "a NaN field",
      { kind: "normal", mean: Number.NaN, sd: 1 },
      "mean: expected a finite number, received NaN",
    ],
    [
      "a text field",
      { kind: "constant", value: "5" },
      'value: expected a finite number, received "5"',
    ],
    ["a missing field", { kind: "pareto", scale: 1 }, "shape: missing; expected a finite number"],
    [
      "min > max",
      { kind: "uniform", min: 5, max: 1 },
      "expected min ≤ max, received min 5 and max 1",
    ],
    [
      "p99 < median",
      { kind: "lognormal", median: 5, p99: 1 },
      "expected p99 ≥ median, received median 5 and p99 1",
    ],
    [
      "a zero median",
      { kind: "lognormal", median: 0, p99: 1 },
      "median: expected a number > 0, received 0",
    ],
    [
      "a negative sigma",
      { kind: "lognormal", mu: 0, sigma: -1 },
      "sigma: expected a number ≥ 0, received -1",
    ],
    [
      "a zero Pareto shape",
      { kind: "pareto", scale: 1, shape: 0 },
      "shape: expected a number > 0, received 0",
    ],
    [
      "empty samples",
      { kind: "empirical", samples: [] },
      "samples: expected at least one sample, received []",
    ],
    [
      "a negative sample",
      { kind: "empirical", samples: [1, -0.5] },
      "samples.1: expected a number ≥ 0, received -0.5",
    ],
    [
      "a mixture with zero total weight",
      { kind: "mixture", parts: [{ weight: 0, dist: 1 }] },
      "expected weights with a positive total, received weights 0",
    ],
    [
      "a mixture with no parts",
      { kind: "mixture", parts: [] },
      "parts: expected at least one part, received []",
    ],
    [
      "a negative weight",
      { kind: "mixture", parts: [{ weight: -1, dist: 1 }] },
      "parts.0.weight: expected a number ≥ 0, received -1",
    ],
    [
      "an unknown key",
      { kind: "uniform", min: 1, max: 5, mxa: 6 },
      'unknown key "mxa" for kind "uniform"; expected kind, min, max',
    ],
    [
      "a lognormal mixing both forms",
      { kind: "lognormal", median: 1, p99: 2, sigma: 1 },
      'unknown key "sigma" for kind "lognormal"; expected kind, median, p99 (or kind, mu, sigma)',
    ],
    [
      "an unknown key in a mixture part",
      { kind: "mixture", parts: [{ weight: 1, dist: 1, wieght: 2 }] },
      'parts.0: unknown key "wieght" in a mixture part; expected weight, dist',
    ],
    [
      "an unknown row name",
      "ssdRead",
      'unknown latency row "ssdRead"; expected one of l1CacheRead, l2CacheRead, ramRead, ' +
        "ssdRandomRead, sameDatacenterRoundTrip, simpleIndexedQuery, crossRegionRoundTrip",
    ],
    [
      "an unknown kind",
      { kind: "gamma", shape: 2 },
      'kind: unknown distribution kind "gamma"; expected one of constant, uniform, exponential, ' +
        "normal, lognormal, pareto, empirical, mixture",
    ],
    [
      "a missing kind",
      { min: 1, max: 2 },
      "kind: missing distribution kind; expected one of constant, uniform, exponential, " +
        "normal, lognormal, pareto, empirical, mixture",
    ],
    [
      "a value of the wrong type",
      true,
      "expected a latency: a number of ms ≥ 0, a latency row name or a distribution object " +
        "with a kind; received true",
    ],
    [
      "a bad value deep in nested mixtures",
      {
        kind: "mixture",
        parts: [
          {
            weight: 1,
            dist: { kind: "mixture", parts: [{ weight: 1, dist: { kind: "uniform" } }] },
          },
        ],
      },
      "parts[0].dist.parts[0].dist.min: missing; expected a finite number; " +
        "parts[0].dist.parts[0].dist.max: missing; expected a finite number",
    ],
    [
      "an unknown row inside a mixture",
      { kind: "mixture", parts: [{ weight: 1, dist: "disk" }] },
      'parts[0].dist: unknown latency row "disk"',
    ],
  ];

  it.each(invalid)("%s", (_, input, message) => {
    expect(problems(input).join("; ")).toContain(message);
  });
});

describe("DistributionSpecSchema as JSON Schema", () => {
  it("converts, with the row names and field descriptions editors show", () => {
    const json = JSON.stringify(z.toJSONSchema(DistributionSpecSchema, { io: "input" }));
    expect(json).toContain('"enum":["l1CacheRead"');
    expect(json).toContain("The 99th percentile in ms");
    expect(json).toContain('"additionalProperties":false');
  });
});
