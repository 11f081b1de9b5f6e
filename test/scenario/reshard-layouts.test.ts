// Resharding the layouts that a shard count does not define: a range split at
// a key (the upper part of the range moves to a new shard), a Vitess keyrange
// split (the source shard's keys are copied into one new shard per part, then
// switched together, as Vitess's Reshard workflow does: "copying", then
// "running", then SwitchTraffic — vitess examples/local README: `Reshard create
// --source-shards '0' --target-shards '-80,80-'`, then `switchtraffic`), and a
// directory's move of a tenant (the directory changes at the cut-over; the
// application's cached answers go stale until refused).
import { describe, expect, it } from "vitest";
import { parseScenario, runScenario, type ScenarioInput } from "../../src/index.js";

const KEYS = 4_000;

function plan(
  sharding: NonNullable<ScenarioInput["sharding"]>,
  reshard: Record<string, unknown>,
): ScenarioInput {
  return {
    seed: 7,
    warmup: 200,
    duration: 1_800,
    workload: {
      rate: 400,
      readRatio: 0.9,
      keys: { count: KEYS, popularity: { kind: "uniform" } },
    },
    sharding,
    timeline: [
      { at: 500, kind: "reshard", rowsPerSec: 5_000, batchRows: 200, ...reshard },
    ] as ScenarioInput["timeline"],
  };
}

describe("a range split", () => {
  it("moves the upper part of the range: split at the midpoint of [2000, 4000), half its keys", () => {
    // Shard 1 holds [2000, 4000); cut at 3000, keys 3000 … 3999 go to the new shard 2:
    // 1000 keys, 1/4 of the key space, half of shard 1's.
    const s = runScenario(
      plan({ strategy: "range", boundaries: [2_000] }, { split: 3_000 }),
    ).sharding;
    expect(s?.resharding?.fromShards).toBe(2);
    expect(s?.resharding?.toShards).toBe(3);
    expect(s?.resharding?.keysToMove).toBe(1_000);
    expect(s?.resharding?.keysMoved).toBe(1_000);
    expect(s?.shards.map((r) => r.keys)).toEqual([2_000, 1_000, 1_000]);
    expect(s?.shards[2]?.operations).toBeGreaterThan(0);
    // Light copy work: the throttle's time plus a 50 ms cut-over per batch of 200.
    expect(s?.resharding?.finishedMs).toBeCloseTo(500 + (1_000 / 5_000) * 1_000 + 5 * 50, 3);
  });

  it("splits tenants when sharding by tenant: the tenants from the split on move with all their keys", () => {
    const s = runScenario(
      plan(
        {
          strategy: "range",
          boundaries: [5],
          key: "tenant",
          tenants: { count: 10, sizeExponent: 0 },
        },
        { split: 8 },
      ),
    ).sharding;
    // Ten equal tenants of 400 keys: tenants 8 and 9 move, 800 keys.
    expect(s?.resharding?.keysToMove).toBe(800);
    expect(s?.shards.map((r) => r.keys)).toEqual([2_000, 1_200, 800]);
  });
});

describe("a keyspace split", () => {
  it("copies the whole source keyrange into the new shards, then switches once", () => {
    // The hash vindex spreads ids uniformly over the keyspace: "-80" holds about half of
    // them, "-40" and "40-80" a quarter each (binomial, 4000 keys: sd ≤ 0.008).
    const s = runScenario(
      plan(
        { strategy: "keyspace", keyranges: ["-80", "80-"] },
        { split: "-80", into: ["-40", "40-80"] },
      ),
    ).sharding;
    const moved = s?.resharding?.keysToMove ?? 0;
    expect(Math.abs(moved / KEYS - 0.5)).toBeLessThan(0.04);
    expect(s?.resharding?.toShards).toBe(4);
    const keys = s?.shards.map((r) => r.keys) ?? [];
    expect(keys[0]).toBe(0);
    expect((keys[2] ?? 0) + (keys[3] ?? 0)).toBe(moved);
    for (const k of [keys[2], keys[3]]) expect(Math.abs((k ?? 0) / KEYS - 0.25)).toBeLessThan(0.04);
    // Every batch copied at the throttle, then one cut-over of 50 ms for all of them.
    expect(s?.resharding?.finishedMs).toBeCloseTo(500 + (moved / 5_000) * 1_000 + 50, 3);
  });
});

describe("a directory move", () => {
  const move = (cacheTtl: number) =>
    runScenario(
      plan(
        {
          strategy: "directory",
          shards: 3,
          key: "tenant",
          tenants: { count: 8, sizeExponent: 1 },
          directory: { cacheTtl },
        },
        { move: { tenant: 0, shard: 2 } },
      ),
    ).sharding;

  it("moves the tenant's keys to the shard named, and stale cached answers are refused and looked up again", () => {
    const s = move(60_000);
    const moved = s?.resharding?.keysToMove ?? 0;
    // Tenant 0 is the largest of 8 with sizes ∝ 1/rank: 4000 / H₈ ≈ 1468 keys (tenant
    // blocks are whole keys, so within a few), all on the one shard the directory's
    // starting hash gives tenant 0, all moving to shard 2.
    const h8 = [1, 2, 3, 4, 5, 6, 7, 8].reduce((a, r) => a + 1 / r, 0);
    expect(Math.abs(moved - KEYS / h8)).toBeLessThan(8);
    expect(s?.shards[2]?.keys).toBeGreaterThanOrEqual(moved);
    expect(s?.resharding?.keysMoved).toBe(moved);
    // Each moved key's cached answer is refused at most once, then replaced.
    const misroutes = s?.resharding?.misroutes ?? -1;
    expect(misroutes).toBeGreaterThan(0);
    expect(misroutes).toBeLessThanOrEqual(moved);
  });

  it("without a cache, nothing is misrouted", () => {
    expect(move(0)?.resharding?.misroutes).toBe(0);
  });
});

describe("bad resharding input", () => {
  const problems = (input: ScenarioInput): string => {
    const result = parseScenario(input);
    return result.ok ? "" : result.issues.map((i) => `${i.path}: ${i.message}`).join("\n");
  };

  it("names a range reshard given a shard count, and a split on a boundary", () => {
    const range = { strategy: "range" as const, boundaries: [2_000] };
    expect(problems(plan(range, { shards: 3 }))).toMatch(
      /timeline\.0\.shards: a reshard of strategy range takes split, not shards/,
    );
    expect(problems(plan(range, { split: 2_000 }))).toMatch(
      /timeline\.0\.split: 2000 is already a boundary/,
    );
    expect(problems(plan(range, { split: 4_000 }))).toMatch(
      /timeline\.0\.split: expected a key from 1 to 3999/,
    );
  });

  it("names a keyrange split whose parts do not cover the source, and an unknown source", () => {
    const ks = { strategy: "keyspace" as const, keyranges: ["-80", "80-"] };
    expect(problems(plan(ks, { split: "-80", into: ["-40", "50-80"] }))).toMatch(
      /timeline\.0\.into: \["-40","50-80"\] must cover "-80" in order/,
    );
    expect(problems(plan(ks, { split: "-40", into: ["-20", "20-40"] }))).toMatch(
      /timeline\.0\.split: expected one of the shards' keyranges/,
    );
  });

  it("names a directory move to a shard not built, and a tenant without tenants", () => {
    const dir = { strategy: "directory" as const, shards: 3 };
    expect(problems(plan(dir, { move: { from: 0, to: 10, shard: 3 } }))).toMatch(
      /timeline\.0\.move\.shard: expected a shard from 0 to 2/,
    );
    expect(problems(plan(dir, { move: { tenant: 1, shard: 1 } }))).toMatch(
      /timeline\.0\.move\.tenant: moving a tenant needs a tenants section/,
    );
  });
});
