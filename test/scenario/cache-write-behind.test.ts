// Write-behind in a scenario: its checks (the flush interval has no default),
// the writes a cache node's loss drops counted exactly against the recorded
// history, and the cache-plans built-in's write-behind variant against
// write-through (faster writes, paid for in lost writes).
import { describe, expect, it } from "vitest";
import { formatTable } from "../../src/cli/format.js";
import {
  BUILTIN_SCENARIOS,
  resolveVariants,
  runScenario,
  runScenarioDetailed,
  type ScenarioInput,
} from "../../src/index.js";

const HOP_MS = 1;

function writeBehind(cache: Record<string, unknown>, lossAt?: number): ScenarioInput {
  return {
    seed: 5,
    duration: 6000,
    warmup: 0,
    workload: {
      rate: 1000,
      readRatio: 0.5,
      keys: { count: 200, popularity: { kind: "zipf", s: 1 } },
    },
    cache: {
      engine: "lru",
      capacity: { items: 1000 },
      pattern: "write-behind",
      hop: HOP_MS,
      memoryRead: 0,
      ...cache,
    },
    ...(lossAt === undefined
      ? {}
      : { timeline: [{ at: lossAt, kind: "cache-node-loss", node: "cache" }] }),
  } as ScenarioInput;
}

describe("write-behind checks", () => {
  it("refuses write-behind without a flush interval, naming the path", () => {
    expect(() => runScenario(writeBehind({}))).toThrow(
      /cache\.flushInterval: expected a duration > 0 with pattern write-behind/,
    );
  });

  it("refuses a zero flush interval, and flush settings with another pattern", () => {
    expect(() => runScenario(writeBehind({ flushInterval: 0 }))).toThrow(
      /cache\.flushInterval: expected a duration > 0/,
    );
    expect(() =>
      runScenario(writeBehind({ pattern: "write-through", flushInterval: 100, flushBatch: 5 })),
    ).toThrow(/cache\.flushBatch: expected no flushBatch: pattern write-through/);
  });
});

describe("write-behind and a cache node's loss", () => {
  it("loses exactly the writes that reached the cache after its last flush", () => {
    // Flushes every 250 ms; the loss at 5100 ms comes 100 ms after the flush at 5000 ms
    // has drained. A write reaches the cache half a hop after it is issued (the hop is
    // fixed), so the writes lost are those issued with issue + hop/2 in (5000, 5100].
    const run = runScenarioDetailed(writeBehind({ flushInterval: 250 }, 5100), { history: true });
    const history = run.history;
    const cache = run.report.cache;
    if (history === null || cache === undefined) throw new Error("no history or cache section");
    const arrivedInWindow = history
      .toArray()
      .filter((op) => op.kind === "write" && op.ok)
      .filter((op) => op.invokeMs + HOP_MS / 2 > 5000 && op.invokeMs + HOP_MS / 2 <= 5100);
    expect(arrivedInWindow.length).toBeGreaterThan(20);
    expect(cache.writesLost).toBe(arrivedInWindow.length);
    // Every acknowledged write was acknowledged by the cache node, before any commit.
    const writes = history.toArray().filter((op) => op.kind === "write");
    expect(writes.every((op) => op.node === "cache" && Number.isNaN(op.commitMs))).toBe(true);
  });

  it("without a loss, loses nothing and flushes every write in batches of about λT", () => {
    const report = runScenario(writeBehind({ flushInterval: 250 }));
    const cache = report.cache;
    if (cache === undefined) throw new Error("no cache section");
    expect(cache.writesLost).toBe(0);
    // 500 writes/s, T = 250 ms: about 125 a flush; flushes at 250, 500, … 5750 ms — 23
    // (the run stops at 6000 ms, before the events of that instant).
    expect(cache.flushes).toBe(23);
    const perFlush = (cache.flushedWrites ?? 0) / (cache.flushes ?? 1);
    expect(perFlush).toBeGreaterThan(125 * 0.9);
    expect(perFlush).toBeLessThan(125 * 1.1);
    // The database's writes are the flushed ones: the primary commits each (the last
    // flush, at 5750 ms, has drained by the end), and its reads are the cache's loads.
    const primary = report.nodes[0];
    const commits = primary?.server?.commits;
    if (primary === undefined || commits === undefined) throw new Error("no primary figures");
    expect(Math.round(commits.flushes * commits.commitsPerFlush)).toBe(cache.flushedWrites);
    expect(primary.readsServed).toBe(cache.databaseLoads);
  });

  it("prints its line in the table, and only for write-behind", () => {
    const behind = formatTable(runScenario(writeBehind({ flushInterval: 250 }, 5100)));
    expect(behind).toMatch(
      /^ {4}writes lost +[1-9]\d* +unflushed at most \d+, \d+ flushed in 23 flushes$/m,
    );
    const through = formatTable(runScenario(writeBehind({ pattern: "write-through" })));
    expect(through).not.toMatch(/writes lost/);
  });
});

describe("cache-plans: write-through against write-behind", () => {
  const resolved = resolveVariants({
    ...BUILTIN_SCENARIOS["cache-plans"],
    duration: "32s",
    warmup: "1s",
  } as ScenarioInput);
  if (!resolved.ok) throw new Error("cache-plans does not resolve");
  const plan = (name: string) => {
    const found = resolved.variants.find((v) => v.name === name);
    if (found === undefined) throw new Error(`no variant ${name}`);
    return runScenario(found.scenario);
  };

  it("write-behind acknowledges writes at the cache hop, and loses the unflushed ones with the node", () => {
    const through = plan("write-through");
    const behind = plan("write-behind");
    // Write-through waits for the database's commit; write-behind for a Redis round trip.
    expect(behind.latency.write.p50).toBeLessThan(through.latency.write.p50 / 2);
    expect(through.cache?.writesLost).toBeUndefined();
    // About a second's writes (1500/s × 8 % writes) wait at once; the loss at 30 s drops some.
    expect(behind.cache?.unflushedMax).toBeGreaterThan(60);
    expect(behind.cache?.writesLost).toBeGreaterThan(0);
    expect(behind.cache?.writesLost).toBeLessThanOrEqual(behind.cache?.unflushedMax ?? 0);
  });
});
