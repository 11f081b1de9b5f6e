// The advisor's score of the page's plan (playground/src/advisor.ts): each page
// profile is scored as the advisor profile with its workload, the toggles are
// the advisor's plan, and the score changes with the plan.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ADVISOR_PROFILE,
  advisorPlan,
  advisorProfile,
  SCORE_SLOTS,
  scoreOf,
} from "../../playground/src/advisor.js";
import {
  applyToggles,
  type PlanJson,
  PROFILES,
  planFromProfile,
  togglesOf,
} from "../../playground/src/plan.js";
import { BUILTIN_PROFILES, builtinScenario, PlanSchema } from "../../src/index.js";

const page = (name: string, window = { duration: "2s", warmup: "500ms" }): PlanJson => ({
  ...planFromProfile(builtinScenario(name) as PlanJson),
  ...window,
});

describe("the playground's advisor score", () => {
  it("maps each scored page profile onto a built-in advisor profile with its workload", () => {
    for (const [pageName, advisorName] of Object.entries(ADVISOR_PROFILE)) {
      expect(PROFILES).toContain(pageName);
      const scenario = builtinScenario(pageName);
      const profile = BUILTIN_PROFILES[advisorName];
      // Same offered load and read share: the score is about the page's workload.
      expect(profile?.workload.rate).toBe(scenario?.workload?.rate);
      expect(
        Math.abs((profile?.workload.readShare ?? 0) - (scenario?.workload?.readRatio ?? 0)),
      ).toBeLessThanOrEqual(0.03);
      const made = advisorProfile(page(pageName));
      expect(typeof made === "object" && made.simulation).toEqual({
        duration: "2s",
        warmup: "500ms",
        seeds: 3,
      });
    }
    expect(advisorProfile(page("write-heavy"))).toMatch(/"write-heavy" has no advisor profile yet/);
  });

  it("makes a valid advisor plan from every setting of the toggles", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PROFILES),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        (name, replica, pool, cache, shard) => {
          const base = togglesOf(page(name));
          const t = {
            replica: { ...base.replica, on: replica },
            pool: { ...base.pool, on: pool },
            cache: { ...base.cache, on: cache },
            shard: { ...base.shard, on: shard },
          };
          const plan = PlanSchema.parse(advisorPlan(togglesOf(applyToggles(page(name), t))));
          expect(plan.replicas !== undefined).toBe(replica);
          expect(plan.pool !== undefined).toBe(pool);
          expect(plan.cache !== undefined).toBe(cache);
          expect(plan.shards !== undefined).toBe(shard);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("the score changes with the plan: replicas lift the reads that saturate one node", () => {
    // catalog-reads on db.r6g.large (2 vCPUs): reads take 2 ms of CPU on average
    // (uniform 1.5–2.5 ms), 1,500/s × 95 % × 2 ms = 2.85 cores of work on 2 cores
    // (ρ > 1: the queue grows, read p99 far over 25 ms). With two replicas the
    // reads spread over three nodes, 0.95 cores each (ρ ≈ 0.48: p99 well under it).
    const plan = page("cache-plans");
    const alone = scoreOf(plan, togglesOf(plan));
    const replicated = applyToggles(plan, {
      ...togglesOf(plan),
      replica: { on: true, count: 2, mode: "async" },
    });
    const withReplicas = scoreOf(replicated, togglesOf(replicated));
    expect(alone.slots.readP99Ms).toMatch(/^missed: /);
    expect(withReplicas.slots.readP99Ms).toMatch(/^met: /);
    expect(alone.title).not.toBe(withReplicas.title);
    expect(alone.slots.next).toMatch(/^replica → /);
    expect(withReplicas.slots.runs).toMatch(/2 replicas; seeds \d+, \d+, \d+$/);
    for (const slot of SCORE_SLOTS) expect(withReplicas.slots[slot.key]).toBeTypeOf("string");
  });
});
