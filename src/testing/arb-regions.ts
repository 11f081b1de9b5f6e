// The regions section as arbScenario draws it: 1–3 regions with a round trip
// of 1–100 ms per pair, the sessions' shares given or left equal, the primary
// in any of them. The replicas stay in the primary's region (their `region`
// belongs to the replication section, drawn before). Never with sharding or
// services, which refuse it, nor with a routing section, whose consistency
// policies and `via` it refuses.
import type { Arbitrary } from "fast-check";
import type { SectionArbitrary } from "./arb-sections.js";
import { fc } from "./fast-check.js";

const NAMES = ["us-east", "eu-west", "ap-south"] as const;

/** Shares from positive weights, summing to 1 within the schema's 1e-9. */
export function sharesOf(weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const shares = weights.map((w) => Math.floor((w / total) * 1e6) / 1e6);
  const rest = shares.slice(0, -1).reduce((a, b) => a + b, 0);
  shares[shares.length - 1] = 1 - rest;
  return shares;
}

function arbRegions(): Arbitrary<unknown> {
  return fc.integer({ min: 1, max: 3 }).chain((n) => {
    const names = NAMES.slice(0, n);
    const pairs = names.flatMap((a, i) => names.slice(i + 1).map((b) => `${a}-${b}`));
    return fc
      .tuple(
        fc.array(fc.integer({ min: 1, max: 100 }), {
          minLength: pairs.length,
          maxLength: pairs.length,
        }),
        fc.option(fc.array(fc.integer({ min: 1, max: 10 }), { minLength: n, maxLength: n }), {
          nil: undefined,
        }),
        fc.integer({ min: 0, max: n - 1 }),
      )
      .map(([rtts, weights, primary]) => {
        const shares = weights === undefined ? undefined : sharesOf(weights);
        return {
          list: names.map((name, i) =>
            shares === undefined ? { name } : { name, clients: shares[i] },
          ),
          rtt: Object.fromEntries(pairs.map((pair, k) => [pair, rtts[k]])),
          primary: names[primary],
        };
      });
  });
}

/** The regions section: "never" unless asked for. */
export const regionsSection: SectionArbitrary = {
  key: "regions",
  choice: (options) => options.regions ?? "never",
  excludedBy: ["sharding", "routing"],
  arbitrary: () => arbRegions(),
};
