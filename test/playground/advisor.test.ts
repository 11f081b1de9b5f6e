// The advisor's score of the page's plan (playground/src/advisor.ts): the page's
// own scenario is run and judged against SLOs (the advisor profile's with the
// same workload, or the default set), the score changes with the plan, and the
// next step is checked on the page's scenario itself.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ADVISOR_PROFILE,
  advisorPlan,
  DEFAULT_SLO,
  pageScore,
  pageSlos,
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
import {
  applyScenarioStep,
  BUILTIN_PROFILES,
  builtinScenario,
  deriveSeed,
  PlanSchema,
  runScenario,
  type ScenarioInput,
} from "../../src/index.js";

const page = (name: string, window = { duration: "2s", warmup: "500ms" }): PlanJson => ({
  ...planFromProfile(builtinScenario(name) as PlanJson),
  ...window,
});

describe("the playground's advisor score", () => {
  it("maps each page profile with an advisor profile onto one with its workload", () => {
    for (const [pageName, advisorName] of Object.entries(ADVISOR_PROFILE)) {
      expect(PROFILES).toContain(pageName);
      const scenario = builtinScenario(pageName);
      const profile = BUILTIN_PROFILES[advisorName];
      // Same offered load and read share: the score is about the page's workload.
      expect(profile?.workload.rate).toBe(scenario?.workload?.rate);
      expect(
        Math.abs((profile?.workload.readShare ?? 0) - (scenario?.workload?.readRatio ?? 0)),
      ).toBeLessThanOrEqual(0.03);
    }
    expect(pageSlos(page("write-heavy")).slo).toBe(DEFAULT_SLO);
    expect(pageSlos(page("cache-plans")).slo).toBe(BUILTIN_PROFILES["catalog-reads"]?.slo);
  });

  it("scores the page's own scenario: its runs are runScenario of the page's plan, for every profile", () => {
    for (const name of PROFILES) {
      const plan = page(name, { duration: "1s", warmup: "200ms" });
      const score = pageScore(plan);
      // The seeds the advisor derives from a master seed, here the scenario's.
      expect(score.seeds).toEqual([0, 1, 2].map((r) => deriveSeed(plan.seed as number, 0, r)));
      const reports = score.seeds.map((seed) => runScenario(plan as ScenarioInput, { seed }));
      const read = score.slos.find((s) => s.slo === "readP99Ms");
      expect(read?.perSeed, name).toEqual(reports.map((r) => r.latency.read.p99));
      expect(read?.status, name).not.toBe("not scored");
    }
  });

  it("the panel names the page's nodes: cache-plans' one 8-core primary, not a 2-vCPU RDS class", () => {
    const plan = page("cache-plans", { duration: "1s", warmup: "200ms" });
    const view = scoreOf(plan, togglesOf(plan));
    // src/scenario/builtins/cache-plans.json: "database": { "cores": 8 }.
    expect(view.slots.runs).toMatch(/^the page's scenario, 1 node of 8 cores; seeds /);
    expect(view.title).toMatch(
      /^Advisor score \(catalog-reads profile's SLOs\): \d of \d SLOs met$/,
    );
    const unmapped = page("shard-key", { duration: "1s", warmup: "200ms" });
    const other = scoreOf(unmapped, togglesOf(unmapped));
    expect(other.title).toMatch(/^Advisor score \(default SLOs\): \d of \d SLOs met$/);
    // Its tenant queries scatter over the row-keyed shards: the tenant key is
    // checked on this very scenario (it ends the scatter but makes a hot shard).
    expect(other.slots.explanation).toMatch(
      /of operations touched several shards \(sharded by row\)/,
    );
    expect(other.slots.next).toMatch(/shard by tenant: \d of \d SLOs met, read p99 /);
  });

  it("the next step is checked on the page's scenario: its figures are runScenario's of the stepped scenario", () => {
    // read-your-writes: reloads reach replicas that have not applied the post.
    const plan = page("read-your-writes", { duration: "1s", warmup: "200ms" });
    const view = scoreOf(plan, togglesOf(plan));
    expect(view.next?.step).toBe("read-primary-after-write");
    const stepped = applyScenarioStep(plan as ScenarioInput, "read-primary-after-write");
    expect(view.next?.scenario).toEqual(stepped);
    // The same seeds as the score's, derived from the page's seed.
    const seeds = [0, 1, 2].map((r) => deriveSeed(plan.seed as number, 0, r));
    expect(view.next?.seeds).toEqual(seeds);
    const reports = seeds.map((seed) => runScenario(stepped as ScenarioInput, { seed }));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const shown = (label: string) =>
      Number(new RegExp(`${label} p99 ([0-9.]+) ms`).exec(view.slots.next ?? "")?.[1]);
    const read = mean(reports.map((r) => r.latency.read.p99));
    const write = mean(reports.map((r) => r.latency.write.p99));
    // Shown to three significant digits.
    expect(Math.abs(shown("read") - read)).toBeLessThanOrEqual(read * 0.005);
    expect(Math.abs(shown("write") - write)).toBeLessThanOrEqual(write * 0.005);
    // Its margin against the default read p99 target of 10 ms: (target − value) / target.
    const margin = Math.round(((10 - read) / 10) * 100);
    expect(view.slots.next).toContain(`read p99 ${shown("read")} ms (+${margin} %)`);
    expect(view.slots.next).toMatch(
      /^read from the primary for 1 s after a write: .*; no longer read-your-writes-violated \(simulated on this scenario\)$/,
    );
    expect(reports.every((r) => r.consistency?.violations.readYourWrites === 0)).toBe(true);
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
    // cache-plans made to saturate one node: 2 cores, reads of 1.5–2.5 ms of CPU
    // (catalog-reads' listing queries), 1,500/s × 92 % × 2 ms = 2.76 cores of work
    // on 2 cores (ρ > 1: the queue grows, read p99 far over 25 ms). With two
    // replicas the reads spread over three nodes, 0.92 cores each (ρ ≈ 0.46).
    const base = page("cache-plans");
    const plan: PlanJson = {
      ...base,
      database: {
        ...(base.database as object),
        cores: 2,
        readTime: { kind: "uniform", min: 1.5, max: 2.5 },
      },
    };
    const alone = scoreOf(plan, togglesOf(plan));
    const replicated = applyToggles(plan, {
      ...togglesOf(plan),
      replica: { on: true, count: 2, mode: "async" },
    });
    const withReplicas = scoreOf(replicated, togglesOf(replicated));
    expect(alone.slots.readP99Ms).toMatch(/^missed: /);
    expect(withReplicas.slots.readP99Ms).toMatch(/^met: /);
    expect(alone.title).not.toBe(withReplicas.title);
    expect(withReplicas.slots.runs).toMatch(
      /^the page's scenario, 3 nodes of 2 cores; seeds \d+, \d+, \d+$/,
    );
    for (const slot of SCORE_SLOTS) expect(withReplicas.slots[slot.key]).toBeTypeOf("string");
    // The status is said once, then the advisor's reason.
    // The page's SLOs set no availability target.
    expect(withReplicas.slots.availability).toBe("not scored: no target in the profile");
  });
});
