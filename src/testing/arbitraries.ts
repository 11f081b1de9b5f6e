// fast-check arbitraries for dbsim's inputs, valid by construction, so property
// tests can range over them: distribution specs and seeds. (Scenario and history
// arbitraries arrive with the replication work.)
import fc from "fast-check";
import type { DistributionSpec } from "../latency/index.js";
import { LATENCY_ROW_NAMES } from "../latency/index.js";

const positive = (max: number) =>
  fc.double({ min: 1e-3, max, noNaN: true, noDefaultInfinity: true });

/**
 * Arbitrary valid distribution specs (every kind, mixtures one level deep),
 * with parameters in ranges typical of latencies in ms.
 *
 * @remarks Since 0.1.0
 */
export function arbDistributionSpec(): fc.Arbitrary<DistributionSpec> {
  const leaf: fc.Arbitrary<DistributionSpec> = fc.oneof(
    positive(100),
    fc.constantFrom(...LATENCY_ROW_NAMES),
    positive(100).map((value) => ({ kind: "constant" as const, value })),
    fc
      .tuple(positive(50), positive(50))
      .map(([a, b]) => ({ kind: "uniform" as const, min: Math.min(a, b), max: Math.max(a, b) })),
    positive(50).map((mean) => ({ kind: "exponential" as const, mean })),
    fc
      .tuple(positive(50), positive(20))
      .map(([mean, sd]) => ({ kind: "normal" as const, mean, sd })),
    fc
      .tuple(positive(20), fc.double({ min: 1, max: 20, noNaN: true }))
      .map(([median, f]) => ({ kind: "lognormal" as const, median, p99: median * f })),
    fc
      .tuple(positive(10), fc.double({ min: 1.1, max: 5, noNaN: true }))
      .map(([scale, shape]) => ({ kind: "pareto" as const, scale, shape })),
    fc
      .array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 20 })
      .map((samples) => ({ kind: "empirical" as const, samples })),
  );
  return fc.oneof(
    { weight: 4, arbitrary: leaf },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.record({ weight: positive(10), dist: leaf }), { minLength: 1, maxLength: 4 })
        .map((parts) => ({ kind: "mixture" as const, parts })),
    },
  );
}

/**
 * Arbitrary seeds: non-negative safe integers.
 *
 * @remarks Since 0.1.0
 */
export function arbSeed(): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: 2 ** 31 - 1 });
}
