// The playground's plan (playground/src/plan.ts): the toggles read back what
// they wrote, the address carries any plan unchanged, and every plan the form
// can make is a scenario the schema accepts.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyToggles,
  CHOICES,
  type PlanJson,
  PROFILES,
  planFromHash,
  planFromProfile,
  planToHash,
  type Toggles,
  togglesOf,
} from "../../playground/src/plan.js";
import { builtinScenario, parseScenario } from "../../src/index.js";

const profile = (name: string): PlanJson => planFromProfile(builtinScenario(name) as PlanJson);

const togglesArb: fc.Arbitrary<Toggles> = fc.record({
  replica: fc.record({
    on: fc.boolean(),
    count: fc.integer({ min: 1, max: 5 }),
    mode: fc.constantFrom(...CHOICES.replicaMode),
  }),
  pool: fc.record({
    on: fc.boolean(),
    mode: fc.constantFrom(...CHOICES.poolMode),
    size: fc.integer({ min: 1, max: 200 }),
  }),
  cache: fc.record({
    on: fc.boolean(),
    pattern: fc.constantFrom(...CHOICES.cachePattern),
    ttl: fc.constantFrom(...CHOICES.cacheTtl),
  }),
  shard: fc.record({
    on: fc.boolean(),
    count: fc.integer({ min: 1, max: 16 }),
    strategy: fc.constantFrom(...CHOICES.shardStrategy),
  }),
});

describe("playground plan", () => {
  it("any profile and toggles: the plan's toggles read back as set (knobs of an on toggle)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...PROFILES), togglesArb, (name, t) => {
        const read = togglesOf(applyToggles(profile(name), t));
        expect(read.replica.on).toBe(t.replica.on);
        expect(read.pool.on).toBe(t.pool.on);
        expect(read.cache.on).toBe(t.cache.on);
        expect(read.shard.on).toBe(t.shard.on);
        if (t.replica.on) expect(read.replica).toEqual(t.replica);
        if (t.pool.on) expect(read.pool).toEqual(t.pool);
        if (t.cache.on) expect(read.cache).toEqual(t.cache);
        if (t.shard.on) expect(read.shard).toEqual(t.shard);
      }),
      { numRuns: 200 },
    );
  });

  it("any profile and toggles: the schema accepts the plan", () => {
    fc.assert(
      fc.property(fc.constantFrom(...PROFILES), togglesArb, (name, t) => {
        const result = parseScenario(applyToggles(profile(name), t));
        expect(result.ok ? [] : result.issues).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it("toggles that change nothing leave the profile as it was", () => {
    for (const name of PROFILES) {
      const plan = profile(name);
      expect(applyToggles(plan, togglesOf(plan))).toEqual(plan);
    }
  });

  it("any JSON object: the address carries it unchanged, and a fragment without one says so", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (plan) => {
        const back = planFromHash(planToHash(plan));
        expect(back).toEqual({ plan: JSON.parse(JSON.stringify(plan)) });
      }),
    );
    expect(planFromHash("")).toBeNull();
    expect(planFromHash("#plan=%7Bnope")).toMatchObject({
      error: expect.stringMatching(/^#plan: not JSON/),
    });
    expect(planFromHash("#plan=%5B1%5D")).toEqual({
      error: "#plan: expected a JSON object (a scenario)",
    });
  });

  it("a profile becomes one short plan: variants dropped, 5 s after a 1 s warm-up", () => {
    const plan = profile("cache-plans");
    expect(plan.variants).toBeUndefined();
    expect([plan.duration, plan.warmup]).toEqual(["5s", "1s"]);
  });
});

describe("playground imports", () => {
  it("the page imports the library through its public name only (no path into src/)", () => {
    const dir = "playground/src";
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
      const text = readFileSync(join(dir, file), "utf8");
      const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1]);
      for (const specifier of specifiers) {
        expect(`${file}: ${specifier}`).toMatch(/: (dbsim|\.\/[\w-]+\.js)$/);
      }
    }
  });
});
