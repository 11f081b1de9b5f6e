// The ranking rule as a property over random score vectors: more SLOs met
// first, then cheaper (unpriced last; between unpriced plans fewer vCPUs), then
// simpler; and the order does not depend on the order the plans came in.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { comparePlans, type RankKey, rankPlans } from "../../src/advisor/rank.js";

const arbKey: fc.Arbitrary<RankKey> = fc.record({
  met: fc.integer({ min: 0, max: 6 }),
  costPerHour: fc.option(
    fc.integer({ min: 0, max: 4000 }).map((c) => c / 100),
    { nil: null },
  ),
  vcpus: fc.integer({ min: 1, max: 64 }),
  complexity: fc.integer({ min: 0, max: 11 }),
  label: fc.string({ maxLength: 6 }),
});

/** The rule written out independently: the first field that differs decides. */
function before(a: RankKey, b: RankKey): boolean {
  if (a.met !== b.met) return a.met > b.met;
  if (a.costPerHour !== b.costPerHour) {
    if (a.costPerHour === null || b.costPerHour === null) return b.costPerHour === null;
    return a.costPerHour < b.costPerHour;
  }
  if (a.costPerHour === null && a.vcpus !== b.vcpus) return a.vcpus < b.vcpus;
  if (a.complexity !== b.complexity) return a.complexity < b.complexity;
  return a.label < b.label;
}

describe("rankPlans", () => {
  test.prop([fc.array(arbKey, { maxLength: 12 })])(
    "ranks by SLOs met, then cost, then complexity",
    (plans) => {
      const ranked = rankPlans(plans);
      for (let i = 0; i + 1 < ranked.length; i++) {
        const [a, b] = [ranked[i] as RankKey, ranked[i + 1] as RankKey];
        expect(before(b, a)).toBe(false);
      }
    },
  );

  test.prop([fc.array(arbKey, { maxLength: 12 }), fc.integer()])(
    "gives the same order whatever the order of its input",
    (plans, seed) => {
      const shuffled = fc.sample(fc.shuffledSubarray(plans, { minLength: plans.length }), {
        seed,
        numRuns: 1,
      })[0] as RankKey[];
      expect(rankPlans(shuffled)).toEqual(rankPlans(plans));
    },
  );

  it("puts a plan meeting more SLOs first even when it costs more, and an unpriced plan after a priced one", () => {
    const cheap = { met: 3, costPerHour: 1, vcpus: 8, complexity: 0, label: "a" };
    const dear = { met: 4, costPerHour: 9, vcpus: 8, complexity: 5, label: "b" };
    const unpriced = { met: 3, costPerHour: null, vcpus: 2, complexity: 0, label: "c" };
    expect(rankPlans([cheap, unpriced, dear]).map((p) => p.label)).toEqual(["b", "a", "c"]);
    expect(comparePlans(cheap, cheap)).toBe(0);
  });
});
