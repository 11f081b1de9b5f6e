// The services section as arbScenario draws it: 1–3 services over a database
// each or one shared database, the key space split evenly, shares of the
// operations given by weights, and, with two or more services, a composed
// share of the reads calling some of them. Never with sharding, a cache, cqrs
// or regions, which it refuses.
import type { Arbitrary } from "fast-check";
import { sharesOf } from "./arb-regions.js";
import type { SectionArbitrary } from "./arb-sections.js";
import { fc } from "./fast-check.js";

const NAMES = ["orders", "users", "payments"] as const;

function arbServices(): Arbitrary<unknown> {
  return fc.integer({ min: 1, max: 3 }).chain((n) => {
    const names = NAMES.slice(0, n);
    return fc
      .tuple(
        fc.array(fc.integer({ min: 1, max: 10 }), { minLength: n, maxLength: n }),
        fc.constantFrom("per-service" as const, "shared" as const),
        fc.option(
          fc.tuple(
            fc.double({ min: 0, max: 0.5, noNaN: true }),
            fc.subarray([...names], { minLength: Math.min(2, n) }),
          ),
          { nil: undefined },
        ),
      )
      .map(([weights, database, compose]) => {
        const shares = sharesOf(weights);
        return {
          database,
          list: names.map((name, i) => ({ name, share: shares[i] })),
          ...(compose === undefined || n < 2
            ? {}
            : { compose: { share: compose[0], services: compose[1] } }),
        };
      });
  });
}

/** The services section: "never" unless asked for. */
export const servicesSection: SectionArbitrary = {
  key: "services",
  choice: (options) => options.services ?? "never",
  excludedBy: ["sharding", "cache", "cqrs", "regions"],
  arbitrary: () => arbServices(),
};
