// A cache node's loss in the report's time series: before it the cache
// answers nearly every read; in the window after it every hot key misses at
// once, so the database takes a burst of loads (the stampede) and its CPU
// rises; as the keys are loaded again the loads fall back. Zipf(1) over 500
// keys at 2000 reads/s: the cache holds them all (capacity 1000).
import { describe, expect, it } from "vitest";
import { runScenario, type ScenarioInput } from "../../../src/index.js";

const LOSS = 1_500;

const input: ScenarioInput = {
  seed: 8,
  warmup: 500,
  duration: 1_500,
  workload: { rate: 2_000, readRatio: 1, keys: { count: 500, popularity: { kind: "zipf", s: 1 } } },
  cache: { engine: "lru", capacity: { items: 1_000 } },
  timeline: [{ at: LOSS, kind: "cache-node-loss", node: "cache" }],
};

describe("cache-node-loss in the time series", () => {
  it("shows the cold cache and the stampede on the database after the loss, then the refill", () => {
    // Act
    const report = runScenario(input, { timeSeries: { windowMs: 250 } });
    // Assert
    const windows = report.timeSeries?.windows ?? [];
    const at = (ms: number) => windows.find((w) => w.startMs <= ms && ms < w.endMs);
    const before = at(LOSS - 1);
    const after = at(LOSS);
    const last = windows[windows.length - 1];
    if (before === undefined || after === undefined || last === undefined)
      throw new Error("missing windows");
    const loads = (w: typeof before) => w.probes["loads.cache"] ?? Number.NaN;
    const misses = (w: typeof before) => w.probes["misses.cache"] ?? Number.NaN;
    const cpu = (w: typeof before) => w.probes["cpu.primary"] ?? Number.NaN;
    expect(loads(after)).toBeGreaterThan(5 * loads(before));
    expect(misses(after)).toBeGreaterThan(5 * misses(before));
    expect(cpu(after)).toBeGreaterThan(cpu(before));
    expect(loads(last)).toBeLessThan(loads(after) / 2);
  });
});
