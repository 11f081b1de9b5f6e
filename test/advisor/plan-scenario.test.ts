// planScenario is total: every plan the schema accepts, for any profile, makes a
// scenario the scenario schema accepts (so a plan never fails at run time on
// validation), and it carries the profile's workload through unchanged.
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { planScenario, rowsAtHorizon } from "../../src/advisor/plan-scenario.js";
import { PlanSchema, ProfileSchema } from "../../src/advisor/profile.js";
import { nodeSizeNames } from "../../src/models/server/node-sizes.js";
import { parseScenario } from "../../src/scenario/parse.js";

const arbPlan = fc.record(
  {
    size: fc.constantFrom(...nodeSizeNames()),
    replicas: fc.record({
      count: fc.integer({ min: 1, max: 15 }),
      mode: fc.constantFrom("async", "semi-sync", "sync"),
    }),
    pool: fc.record({
      mode: fc.constantFrom("session", "transaction", "statement"),
      size: fc.integer({ min: 1, max: 200 }),
    }),
    cache: fc.record({
      pattern: fc.constantFrom("cache-aside", "read-through", "write-through", "write-behind"),
      ttl: fc.integer({ min: 1, max: 3_600_000 }),
      megabytes: fc.integer({ min: 1, max: 4096 }),
    }),
    shards: fc.record({
      count: fc.integer({ min: 2, max: 64 }),
      strategy: fc.constantFrom("hash-mod", "consistent-hash", "jump", "rendezvous"),
    }),
  },
  { requiredKeys: ["size"] },
);

const arbProfile = fc.record({
  workload: fc.record({
    rate: fc.integer({ min: 1, max: 100_000 }),
    readShare: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  data: fc.record({
    keys: fc.integer({ min: 1, max: 1_000_000 }),
    growthPerMonth: fc.double({ min: 0, max: 1, noNaN: true }),
    horizonMonths: fc.integer({ min: 0, max: 24 }),
  }),
  clients: fc.oneof(
    fc.record({
      connections: fc.constant("per-request"),
      instances: fc.integer({ min: 1, max: 500 }),
    }),
    fc.record({
      connections: fc.constant("persistent"),
      instances: fc.integer({ min: 1, max: 50 }),
      poolSize: fc.integer({ min: 1, max: 50 }),
    }),
  ),
  slo: fc.constant({ readP99Ms: 10, writeP99Ms: 10 }),
});

describe("planScenario", () => {
  test.prop([arbProfile, arbPlan])("makes a valid scenario from every plan", (input, planInput) => {
    const profile = ProfileSchema.parse(input);
    const plan = PlanSchema.parse(planInput);
    const parsed = parseScenario(planScenario(profile, plan));
    expect(parsed.ok, JSON.stringify(parsed)).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.scenario.workload.readRatio).toBe(profile.workload.readShare);
    expect(parsed.scenario.workload.keys.count).toBe(rowsAtHorizon(profile));
    expect(parsed.scenario.sharding === undefined).toBe(plan.shards === undefined);
    expect(parsed.scenario.cache === undefined).toBe(plan.cache === undefined);
  });
});
