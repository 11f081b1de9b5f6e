// Arbitraries for the fields scenarios are made of: distribution specs, seeds,
// durations, short decimals, optional fields and sections.
import type { Arbitrary } from "fast-check";
import type { DistributionSpec } from "../latency/index.js";
import { distributionMean, LATENCY_ROW_NAMES } from "../latency/index.js";
import type { DurationInput, SectionChoice } from "./arb-types.js";
import { fc } from "./fast-check.js";

export const positive = (max: number) =>
  fc.double({ min: 1e-3, max, noNaN: true, noDefaultInfinity: true });

/**
 * Arbitrary valid distribution specs (every kind, mixtures one level deep),
 * with parameters in ranges typical of latencies in ms.
 *
 * @remarks Since 0.1.0
 */
export function arbDistributionSpec(): Arbitrary<DistributionSpec> {
  const leaf: Arbitrary<DistributionSpec> = fc.oneof(
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
export function arbSeed(): Arbitrary<number> {
  return fc.integer({ min: 0, max: 2 ** 31 - 1 });
}

/** Integers in [min, max] divided by `scale`: short decimals that read well in JSON. */
export function decimal(min: number, max: number, scale = 1000): Arbitrary<number> {
  return fc
    .integer({ min: Math.round(min * scale), max: Math.round(max * scale) })
    .map((n) => n / scale);
}

/** A duration in whole ms within [min, max], as a number or a string with a unit. */
export function duration(min: number, max: number): Arbitrary<DurationInput> {
  return fc
    .integer({ min, max })
    .chain((msValue) =>
      fc.constantFrom<DurationInput>(
        msValue,
        `${msValue}ms`,
        ...(msValue % 100 === 0 ? [`${msValue / 1000}s`] : []),
      ),
    );
}

/** A distribution from {@link arbDistributionSpec} whose mean is at most `maxMean` ms. */
export function modestSpec(maxMean: number): Arbitrary<DistributionSpec> {
  return arbDistributionSpec().filter((spec) => distributionMean(spec) <= maxMean);
}

/** A small positive service time: a table row or a short constant / exponential / uniform. */
export function serviceTime(maxMean: number): Arbitrary<DistributionSpec> {
  return fc.oneof(
    decimal(0.05, maxMean).map((value): DistributionSpec => ({ kind: "constant", value })),
    decimal(0.05, maxMean).map((mean): DistributionSpec => ({ kind: "exponential", mean })),
    fc
      .tuple(decimal(0.05, maxMean), decimal(0, maxMean))
      .map(([min, width]): DistributionSpec => ({ kind: "uniform", min, max: min + width })),
  );
}

/** `value` as an optional field: present or left to the schema's default. */
export function optionalField<K extends string, V>(
  key: K,
  value: Arbitrary<V>,
): Arbitrary<Partial<Record<K, V>>> {
  return fc.option(value, { nil: undefined }).map((v) => {
    const out: Partial<Record<K, V>> = {};
    if (v !== undefined) out[key] = v;
    return out;
  });
}

export function present(choice: SectionChoice): Arbitrary<boolean> {
  return choice === "maybe" ? fc.boolean() : fc.constant(choice === "always");
}

/** `value` as a section: always there, never (undefined), or either way. */
export function section<V>(choice: SectionChoice, value: Arbitrary<V>): Arbitrary<V | undefined> {
  if (choice === "never") return fc.constant(undefined);
  return choice === "always" ? value : fc.option(value, { nil: undefined });
}

/** A round trip between two components: the table's row, or a short generated one. */
export function roundTrip(): Arbitrary<DistributionSpec> {
  return fc.oneof(
    fc.constant<DistributionSpec>("sameDatacenterRoundTrip"),
    serviceTime(1),
    modestSpec(2),
  );
}
