// The cache section in a scenario: a cache node's loss on the timeline, and its
// checks. Read-only Zipf traffic through cache-aside; at 10 s the node restarts
// empty, so every key it held misses once more and the database takes those reads.
import { describe, expect, it } from "vitest";
import { runScenario, type ScenarioInput } from "../../src/index.js";

function withLoss(timeline: ScenarioInput["timeline"]): ScenarioInput {
  return {
    seed: 8,
    duration: 15_000,
    warmup: 0,
    workload: {
      rate: 1000,
      readRatio: 1,
      keys: { count: 500, popularity: { kind: "zipf", s: 1 } },
    },
    cache: { engine: "lru", capacity: { items: 1000 } },
    ...(timeline === undefined ? {} : { timeline }),
  };
}

describe("cache-node-loss", () => {
  it("empties the node: its entries are lost and reloaded, one database load each", () => {
    const steady = runScenario(withLoss(undefined)).cache;
    const lost = runScenario(
      withLoss([{ at: "10s", kind: "cache-node-loss", node: "cache" }]),
    ).cache;
    if (steady === undefined || lost === undefined) throw new Error("no cache section");
    // The cache holds every key it has seen (capacity 1000 > 500 keys): without a loss a
    // key misses once; with it, each key held at 10 s and read again misses a second time.
    expect(steady.entriesLost).toBe(0);
    expect(lost.entriesLost).toBeGreaterThan(100);
    expect(lost.databaseLoads - steady.databaseLoads).toBeGreaterThan(0);
    expect(lost.databaseLoads - steady.databaseLoads).toBeLessThanOrEqual(lost.entriesLost);
  });

  it("refuses a node the cache does not have, naming the path", () => {
    expect(() =>
      runScenario(withLoss([{ at: "10s", kind: "cache-node-loss", node: "cache-3" }])),
    ).toThrow(/timeline\.0\.node: expected the name of a cache node: one of cache/);
  });
});
