// Per-shard overrides: `sharding.overrides[i]` merges its sections into the
// top-level ones (a JSON merge patch, RFC 7396) for one shard; the shard is then
// built from them and the rest from the top-level sections; every override is
// checked as the whole scenario it makes, its problems under its own path.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseScenario, runScenario, type ScenarioInput } from "../../src/index.js";

const BASE: ScenarioInput = {
  seed: 5,
  warmup: 500,
  duration: 3_000,
  workload: { rate: 600, readRatio: 0, keys: { count: 3_000, popularity: { kind: "uniform" } } },
  replication: { replicas: 1, applyWorkers: 1 },
  sharding: { strategy: "hash-mod", shards: 3 },
};

function issuesOf(input: ScenarioInput): { path: string; message: string }[] {
  const r = parseScenario(input);
  return r.ok ? [] : r.issues.map((i) => ({ path: i.path, message: i.message }));
}

describe("per-shard overrides", () => {
  it("builds the overridden shard from its merged sections, the others from the top level", () => {
    const report = runScenario({
      ...BASE,
      duration: 500,
      database: { cores: 4 },
      sharding: {
        strategy: "hash-mod",
        shards: 3,
        overrides: [{ shard: 1, database: { cores: 16 }, replication: { replicas: 2 } }],
      },
    });
    const cores = Object.fromEntries(report.nodes.map((n) => [n.name, n.cores]));
    expect(cores).toEqual({
      "s0/primary": 4,
      "s0/replica-1": 4,
      "s1/primary": 16,
      "s1/replica-1": 16,
      "s1/replica-2": 16,
      "s2/primary": 4,
      "s2/replica-1": 4,
    });
    // Merged, not replaced: shard 1 keeps the top level's one applier.
    expect(report.sharding?.shards[1]?.replication?.replicas).toHaveLength(2);
  });

  it("a slow applier on one shard makes that shard's replica, and the plan, fall behind", () => {
    // 600 writes/s by hash-mod over 3 shards: 200/s each. Shard 2's one applier
    // at 10 ms a transaction applies 100/s (its log grows ~100/s); the others'
    // default applier (an SSD read, well under 5 ms) keeps up.
    const report = runScenario({
      ...BASE,
      sharding: {
        strategy: "hash-mod",
        shards: 3,
        overrides: [{ shard: 2, replication: { applyTime: 10 } }],
      },
    });
    const behind = report.verdict.reasons.filter((r) => r.code === "replica-falling-behind");
    expect(behind.map((r) => r.subject)).toEqual(["s2/replica-1"]);
    expect(report.verdict.status).toBe("overloaded");
    const growth = Object.fromEntries(
      report.verdict.replicas.map((r) => [r.name, r.backlogGrowth]),
    );
    // ~100/s over the 3 s window: about 300 records.
    expect(growth["s2/replica-1"]).toBeGreaterThan(200);
    expect(growth["s2/replica-1"]).toBeLessThan(400);
    expect(growth["s0/replica-1"]).toBeLessThan(10);
  });

  it("leaves a plan without overrides as it was", () => {
    const plain = runScenario({ ...BASE, duration: 500 });
    const empty = runScenario({
      ...BASE,
      duration: 500,
      sharding: { strategy: "hash-mod", shards: 3, overrides: [] },
    });
    expect(empty).toEqual(plain);
  });

  it("refuses a shard that is not built, or named twice, with its path and value", () => {
    const issues = issuesOf({
      ...BASE,
      sharding: {
        strategy: "hash-mod",
        shards: 3,
        overrides: [{ shard: 3 }, { shard: 1 }, { shard: 1 }],
      },
    });
    expect(issues).toContainEqual({
      path: "sharding.overrides.0.shard",
      message: "shard 3 is not built: expected 0 … 2 (the plan has 3 shards); got 3",
    });
    expect(issues).toContainEqual({
      path: "sharding.overrides.2.shard",
      message: "shard 1 is overridden twice: merge the two; got 1",
    });
  });

  it("checks each override as the whole scenario it makes, under its own path", () => {
    // acks ≤ replicas is a cross-field check of the replication section (schema.ts).
    const issues = issuesOf({
      ...BASE,
      sharding: {
        strategy: "hash-mod",
        shards: 3,
        overrides: [
          { shard: 0, replication: { mode: "semi-sync", acks: 2 }, database: { cores: 0 } },
        ],
      },
    });
    const paths = issues.map((i) => i.path);
    expect(paths).toContain("sharding.overrides.0.replication.acks");
    expect(paths).toContain("sharding.overrides.0.database.cores");
  });
});

describe("for any shard", () => {
  it("an override that patches nothing, or sets what the top level has, changes nothing", () => {
    const top = { ...BASE, duration: 300, warmup: 100, database: { cores: 4 } };
    const plain = runScenario(top);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), fc.boolean(), (shard, same) => {
        const override = same
          ? { shard, database: { cores: 4 }, replication: { replicas: 1 } }
          : { shard };
        const report = runScenario({
          ...top,
          sharding: { strategy: "hash-mod", shards: 3, overrides: [override] },
        });
        expect(report).toEqual(plain);
      }),
      { numRuns: 6 },
    );
  });
});
