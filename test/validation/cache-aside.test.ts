// Validation of cache-aside in a scenario, through runScenario:
// - every miss loads the key from the database once (no leases, no coalescing),
//   so the database's read load is reads × (1 − hit ratio);
// - with a high hit ratio the median read is a hit: one same-datacenter round
//   trip plus a memory read (the latency table's 500 µs and 100 ns rows);
// - hit ratio under Zipf with exact LRU near Che's approximation (the workload's
//   Zipf keys are independent references; Che, Tung & Wang 2002).
import { describe, expect, it } from "vitest";
import { runScenario, type ScenarioInput } from "../../src/index.js";
import { che, zipf } from "./cache-zipf.js";

function readHeavy(cache: ScenarioInput["cache"], readRatio = 1): ScenarioInput {
  return {
    seed: 3,
    duration: 20_000,
    warmup: 5_000,
    workload: {
      rate: 1000,
      readRatio,
      keys: { count: 2_000, popularity: { kind: "zipf", s: 1.0 } },
    },
    ...(cache === undefined ? {} : { cache }),
  };
}

describe("cache-aside on a read-heavy workload", () => {
  const report = runScenario(readHeavy({ engine: "lru", capacity: { items: 200 } }));
  const c = report.cache;
  if (c === undefined) throw new Error("no cache section in the report");

  it("loads each miss from the database once: database reads = reads × (1 − hit ratio)", () => {
    expect(c.databaseLoads).toBe(c.misses);
    const reads = c.hits + c.misses;
    const primaryReads = report.nodes[0]?.readsServed ?? 0;
    // Reads in flight across the cut and the end differ by a few (about rate × latency).
    expect(Math.abs(primaryReads - reads * (1 - c.hitRatio))).toBeLessThan(10);
  });

  it("has Che's hit ratio for exact LRU of 200 items over Zipf(1.0) on 2000 keys", () => {
    // 20,000 reads after a 5,000-read warm-up: standard error √(H(1−H)/20,000) ≈ 0.0035;
    // Che's own error below 0.005 (Fricker, Robert & Roberts 2012): 0.015 is their sum with 3 SE.
    expect(Math.abs(c.hitRatio - che(zipf(2_000, 1.0), 200))).toBeLessThan(0.015);
  });

  it("serves the median read at the cache hop when most reads hit", () => {
    expect(c.hitRatio).toBeGreaterThan(0.5);
    // 0.5 ms round trip + 100 ns memory read; the latency histogram's bucket resolution is under 1 %.
    expect(Math.abs(report.latency.read.p50 - 0.5001) / 0.5001).toBeLessThan(0.01);
    // Without the cache a read is the same round trip plus the server's work on it:
    // at least the 0.05 ms of CPU of the default read cost (uniform 0.05–0.15 ms).
    const without = runScenario(readHeavy(undefined));
    expect(without.latency.read.p50).toBeGreaterThan(report.latency.read.p50 + 0.05);
  });
});

describe("the cache section's bad input", () => {
  it.each([
    [{ capacity: { items: 0 } }, /cache.capacity/],
    [
      { engine: "memcached", capacity: { megabytes: 1 }, maxmemoryPolicy: "allkeys-lru" },
      /maxmemoryPolicy/,
    ],
    [{ engine: "redis", capacity: { items: 10 } }, /engine redis sizes its memory in bytes/],
    [{ capacity: { megabytes: 1 }, ttl: -5 }, /cache.ttl/],
    [
      { capacity: { megabytes: 1 }, pattern: "write-behind" },
      /cache\.flushInterval: expected a duration > 0 with pattern write-behind/,
    ],
  ])("refuses %j naming the path", (cache, message) => {
    expect(() => runScenario(readHeavy(cache as ScenarioInput["cache"]))).toThrow(message);
  });
});
