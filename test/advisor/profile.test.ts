// Profiles: strict like scenarios (unknown keys, bad values and missing fields
// name their path), the shipped JSON Schema is what `dbsim advise --schema`
// prints, every built-in profile and example parses and makes a valid scenario.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILTIN_PROFILES } from "../../src/advisor/builtins.js";
import { AdvisorError, parseProfile, resolvePlan } from "../../src/advisor/parse.js";
import { planLabel, planScenario, rowsAtHorizon } from "../../src/advisor/plan-scenario.js";
import { PlanSchema, ProfileSchema, profileJsonSchema } from "../../src/advisor/profile.js";
import { scorePlan } from "../../src/advisor/score.js";
import { planSearch } from "../../src/advisor/search.js";
import { applyStep } from "../../src/advisor/steps.js";
import { planTraits } from "../../src/advisor/traits.js";
import { parseScenario } from "../../src/scenario/parse.js";

const root = resolve(__dirname, "../..");
const MINIMAL = {
  workload: { rate: 100 },
  data: { keys: 1000 },
  slo: { readP99Ms: 10, writeP99Ms: 20 },
};

function issuesOf(input: unknown) {
  const result = parseProfile(input);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.issues;
}

describe("profile schema", () => {
  it("names the path, the value and what was expected", () => {
    const issues = issuesOf({ ...MINIMAL, workload: { rate: -5, readShare: 2 } });
    expect(issues.map((i) => i.path)).toEqual(["workload.rate", "workload.readShare"]);
    expect(issues[0]?.message).toMatch(/-5/);
    expect(issues[1]?.message).toMatch(/<=1.*got 2|got 2/);
  });

  it("refuses unknown keys, unknown sizes and a missing SLO", () => {
    expect(issuesOf({ ...MINIMAL, slo: { readP99Ms: 10 } })[0]).toMatchObject({
      path: "slo.writeP99Ms",
      code: "invalid_type",
    });
    expect(issuesOf({ ...MINIMAL, plan: { replica: 2 } })[0]).toMatchObject({
      path: "plan",
      code: "unrecognized_keys",
      message: 'unknown key "replica"',
    });
    expect(issuesOf({ ...MINIMAL, plan: { size: "db.x9.huge" } })[0]?.path).toBe("plan.size");
    expect(issuesOf({ ...MINIMAL, simulation: { seeds: 2 } })[0]?.path).toBe("simulation.seeds");
    expect(issuesOf("{ nope")[0]?.code).toBe("invalid_json");
  });

  it("ships the JSON Schema that `dbsim advise --schema` prints (npm run schema)", () => {
    const shipped = JSON.parse(readFileSync(join(root, "profile.schema.json"), "utf8"));
    expect(shipped).toEqual(profileJsonSchema());
  });

  it("parses every built-in profile and example, and each makes a valid scenario", () => {
    const examples = readdirSync(join(root, "examples")).filter((f) => f.startsWith("advise-"));
    expect(examples).toContain("advise-read-heavy.json");
    const inputs = [
      ...Object.values(BUILTIN_PROFILES),
      ...examples.map((f) => JSON.parse(readFileSync(join(root, "examples", f), "utf8"))),
    ];
    for (const input of inputs) {
      const parsed = parseProfile(input);
      expect(parsed.ok, JSON.stringify(parsed)).toBe(true);
      if (!parsed.ok) continue;
      const scenario = parseScenario(planScenario(parsed.profile, parsed.profile.plan));
      expect(scenario.ok, JSON.stringify(scenario)).toBe(true);
    }
  });
});

describe("a plan given apart", () => {
  it("names the path under plan", () => {
    expect(() => resolvePlan({ replicas: { count: 0 } })).toThrow(
      /^plan\.replicas\.count: .*got 0/,
    );
    expect(() => resolvePlan({ size: "huge" } as never)).toThrow(AdvisorError);
  });
});

describe("plan -> scenario", () => {
  const profile = (() => {
    const p = parseProfile({
      ...MINIMAL,
      data: { keys: 1000, growthPerMonth: 0.1, horizonMonths: 2 },
    });
    if (!p.ok) throw new Error("bad");
    return p.profile;
  })();

  it("holds the rows of the horizon: keys × (1 + growth)^months", () => {
    expect(rowsAtHorizon(profile)).toBe(1210);
  });

  it("makes every component of the plan, and validates with all of them", () => {
    const plan = PlanSchema.parse({
      size: "db.r6g.xlarge",
      replicas: { count: 2 },
      pool: {},
      cache: { ttl: "1m" },
    });
    const scenario = planScenario(profile, plan);
    expect(scenario.database?.size).toBe("db.r6g.xlarge");
    expect(scenario.replication).toEqual({ replicas: 2, mode: "async" });
    expect(scenario.pool?.poolMode).toBe("transaction");
    expect(scenario.cache?.ttl).toBe(60_000);
    expect(parseScenario(scenario).ok).toBe(true);
    expect(planLabel(plan)).toBe("db.r6g.xlarge + 2 replicas + pool transaction/20 + cache-aside");
    const sharded = PlanSchema.parse({ replicas: { count: 1 }, shards: { count: 4 } });
    expect(planScenario(profile, sharded).sharding).toEqual({ strategy: "hash-mod", shards: 4 });
    expect(parseScenario(planScenario(profile, sharded)).ok).toBe(true);
  });

  it("scores a plan with a cache in front of shards", () => {
    // The scenario places the cache in front of the router (docs/sharding.md):
    // every shard's reads that hit the cache never reach it.
    const profile = ProfileSchema.parse({
      ...MINIMAL,
      simulation: { duration: "1s", warmup: "200ms" },
    });
    const plan = PlanSchema.parse({ cache: {}, shards: { count: 2 } });
    const scenario = planScenario(profile, plan);
    expect(scenario.cache?.pattern).toBe("cache-aside");
    expect(scenario.sharding).toEqual({ strategy: "hash-mod", shards: 2 });
    const score = scorePlan(profile, plan);
    expect(score.scored).toBeGreaterThan(0);
    expect(score.evidence.cacheHitRatio).not.toBeNull();
    expect(score.evidence.nodes.map((n) => n.name)).toContain("s1/primary");
    // The steps compose too: a cache on a sharded plan, more shards behind a cache.
    expect(applyStep(PlanSchema.parse({ shards: { count: 2 } }), "cache")?.cache).toBeDefined();
    expect(applyStep(plan, "shard")?.shards?.count).toBe(4);
  });

  it("takes the progression's steps and stops at their ends", () => {
    const base = PlanSchema.parse({ size: "db.r6g.8xlarge" });
    expect(applyStep(base, "scale-up")?.size).toBe("db.r6g.12xlarge");
    expect(applyStep(PlanSchema.parse({ size: "db.r6g.16xlarge" }), "scale-up")).toBeNull();
    expect(applyStep(base, "replica", { replicas: 3 })?.replicas?.count).toBe(3);
    expect(applyStep({ ...base, replicas: { count: 15, mode: "async" } }, "replica")).toBeNull();
    expect(applyStep(applyStep(base, "shard") ?? base, "shard")?.shards?.count).toBe(4);
  });

  it("scores sharding as a one-way door and a bigger node as none", () => {
    expect(planTraits(PlanSchema.parse({ shards: { count: 2 } })).reversible).toBe(false);
    expect(planTraits(PlanSchema.parse({ size: "db.r6g.xlarge" })).complexity).toBe(0);
    expect(planTraits(PlanSchema.parse({ replicas: { count: 1 }, pool: {} })).reversible).toBe(
      true,
    );
  });
});

describe("search bounds", () => {
  it("estimates before running: trims the last stages to fit, and refuses a plan that alone does not", () => {
    const full = planSearch(MINIMAL);
    // 1 + 2 + 2 + 1 + 1 + 2 plans × 3 seeds.
    expect(full.runs).toBe(27);
    expect(full.trimmed).toEqual([]);
    const trimmed = planSearch(MINIMAL, { maxRuns: 15 });
    // 1 + 2 + 2 plans × 3 seeds = 15: pool, cache and shard are left out.
    expect(trimmed.runs).toBe(15);
    expect(trimmed.trimmed).toEqual(["pool", "cache", "shard"]);
    expect(() => planSearch(MINIMAL, { maxRuns: 2 })).toThrow(
      /refused: the plan alone needs 3 runs/,
    );
  });
});
