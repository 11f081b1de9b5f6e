// One application cache in front of a sharded plan (src/scenario/components/cache-shards.ts):
// - cache-aside in front of 4 shards: the shards' primaries together serve
//   reads × (1 − H), and H is Che's approximation for the one cache's capacity —
//   not for four caches of it, which a cache built once per shard would be;
// - stale reads, counted by the cache against the newest acknowledged version of
//   the key in the shard that owns it, lie between two counts taken from the
//   recorded history alone, sharded or not (the invariant below);
// - a cache with a resharding is refused, naming the path.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  type CheckResult,
  checkMonotonicReads,
  checkMonotonicReadsPerKey,
  checkMonotonicWrites,
  checkReadYourWrites,
  checkWritesFollowReads,
  type HistoryOp,
  resolveScenario,
  resolveVariants,
  runScenario,
  runScenarioDetailed,
  type ScenarioInput,
} from "../../src/index.js";
import { arbScenario } from "../../src/testing/index.js";
import { che, zipf } from "../validation/cache-zipf.js";

function sharded(cache: ScenarioInput["cache"], shards: number): ScenarioInput {
  return {
    seed: 3,
    duration: 20_000,
    warmup: 5_000,
    workload: {
      rate: 1000,
      readRatio: 1,
      keys: { count: 2_000, popularity: { kind: "zipf", s: 1.0 } },
    },
    sharding: { strategy: "jump", shards },
    ...(cache === undefined ? {} : { cache }),
  };
}

describe("cache-aside in front of 4 shards", () => {
  const report = runScenario(sharded({ engine: "lru", capacity: { items: 200 } }, 4));
  const c = report.cache;
  if (c === undefined) throw new Error("no cache section in the report");
  const shardReads = report.nodes.reduce((sum, n) => sum + n.readsServed, 0);

  it("is one cache: its hit ratio is Che's for 200 items, not for 4 × 200", () => {
    // As test/validation/cache-aside.test.ts: 20,000 reads, SE ≈ 0.0035, Che's own error
    // < 0.005 (Fricker, Robert & Roberts 2012). Four caches of 200 would be near che(…, 800).
    const one = che(zipf(2_000, 1.0), 200);
    expect(Math.abs(c.hitRatio - one)).toBeLessThan(0.015);
    expect(che(zipf(2_000, 1.0), 800) - one).toBeGreaterThan(0.1);
    expect(c.nodes).toHaveLength(1);
  });

  it("sends the misses to the shards: their reads = reads × (1 − H), H by Che", () => {
    const reads = c.hits + c.misses;
    expect(c.databaseLoads).toBe(c.misses);
    // Reads in flight across the cut and the end differ by a few (rate × latency).
    expect(Math.abs(shardReads - reads * (1 - c.hitRatio))).toBeLessThan(10);
    // Against the theory: the misses are binomial over 20,000 reads, SE √(20,000·H(1−H)) ≈ 70;
    // Che's error (< 0.005 × 20,000 = 100) added: 4 SE + 100.
    const h = che(zipf(2_000, 1.0), 200);
    expect(Math.abs(shardReads - reads * (1 - h))).toBeLessThan(4 * 70 + 100);
    // Every shard serves some: the misses spread over the shards that own their keys.
    expect(report.nodes.filter((n) => n.name.endsWith("/primary"))).toHaveLength(4);
    for (const n of report.nodes) expect(n.readsServed).toBeGreaterThan(0);
  });

  it("draws the cache in front of the shard router", () => {
    const r = runScenarioDetailed(sharded({ engine: "lru", capacity: { items: 200 } }, 2));
    const edges = r.graph.edges.map((e) => `${e.from}->${e.to}`);
    expect(edges[0]).toBe("workload->cache");
    expect(edges).toContain("cache->shard_router");
    expect(r.graph.nodes.map((n) => n.id).filter((id) => id.includes("cache"))).toEqual(["cache"]);
  });
});

describe.each(["cache-aside", "read-through", "write-through", "write-behind"] as const)(
  "%s in front of 4 shards",
  (pattern) => {
    it("sends the shard router its misses and its writes (write-behind: its flushes)", () => {
      const report = runScenario({
        ...sharded(
          {
            engine: "redis",
            capacity: { megabytes: 1 },
            pattern,
            ...(pattern === "write-behind" ? { flushInterval: 50 } : {}),
          },
          4,
        ),
        duration: 5_000,
        warmup: 1_000,
        workload: {
          rate: 1000,
          readRatio: 0.8,
          keys: { count: 2_000, popularity: { kind: "zipf", s: 1.0 } },
        },
      });
      const c = report.cache;
      const shards = report.sharding?.shards ?? [];
      if (c === undefined || shards.length !== 4) throw new Error("no cache or no 4 shards");
      expect(report.errors.total).toBe(0);
      const atShards = shards.reduce((sum, s) => sum + s.operations, 0);
      // Write-behind sends each acknowledged write to its shard once, at a flush.
      const writes =
        pattern === "write-behind" ? (c.flushedWrites ?? 0) : report.latency.write.count;
      expect(writes).toBeGreaterThan(500);
      // Operations in flight across the cut and the end: a few (rate × latency, flush batches).
      expect(Math.abs(atShards - (c.databaseLoads + writes))).toBeLessThan(30);
      for (const s of shards) expect(s.operations).toBeGreaterThan(0);
    });
  },
);

/**
 * The stale reads the cache counts, bounded from the history alone. The cache
 * counts a hit as stale when the version it returns is older than the newest
 * version of the key acknowledged (its write completed) at the hit's instant,
 * in the key's cluster; the hit lies between the read's invocation and
 * completion. Every cache read issued after the warm-up cut `fromMs` is counted,
 * so the count is at least those of them older than a write acknowledged before
 * the read was issued, and at most those older than a write acknowledged by its
 * completion, plus the counted hits the history cannot judge (`hits` less those
 * reads: reads issued before the cut, or still in flight when the run stopped).
 */
function staleBounds(
  ops: readonly HistoryOp[],
  fromMs: number,
  hits: number,
): { low: number; high: number } {
  const writes = new Map<string, { at: number; version: number }[]>();
  for (const op of ops) {
    if (op.kind !== "write" || !op.ok) continue;
    const k = `${op.cluster ?? 0}/${op.key}`;
    const list = writes.get(k) ?? [];
    list.push({ at: op.completeMs, version: op.version });
    writes.set(k, list);
  }
  const newestBy = (k: string, t: number, inclusive: boolean): number => {
    let v = 0;
    for (const w of writes.get(k) ?? [])
      if ((inclusive ? w.at <= t : w.at < t) && w.version > v) v = w.version;
    return v;
  };
  let low = 0;
  let high = 0;
  let judged = 0;
  for (const op of ops) {
    if (op.kind !== "read" || !op.ok || !op.node.startsWith("cache")) continue;
    if (op.invokeMs < fromMs) continue;
    judged++;
    const k = `${op.cluster ?? 0}/${op.key}`;
    if (op.version < newestBy(k, op.invokeMs, false)) low++;
    if (op.version < newestBy(k, op.completeMs, true)) high++;
  }
  return { low, high: high + hits - judged };
}

describe("stale reads in front of shards", () => {
  test.prop([arbScenario({ cache: "always", sharding: "always" })], { numRuns: 8 })(
    "are counted against the shard that owns the key, within the history's bounds",
    (scenario) => {
      const run = runScenarioDetailed(scenario, { history: true });
      const c = run.report.cache;
      if (c === undefined || run.history === null) throw new Error("no cache or no history");
      const { low, high } = staleBounds([...run.history], resolveScenario(scenario).warmup, c.hits);
      expect(c.staleReads).toBeGreaterThanOrEqual(low);
      expect(c.staleReads).toBeLessThanOrEqual(high);
    },
  );

  test.prop([arbScenario({ cache: "always", sharding: "never" })], { numRuns: 8 })(
    "are counted the same way without shards (the same bounds hold)",
    (scenario) => {
      const run = runScenarioDetailed(scenario, { history: true });
      const c = run.report.cache;
      if (c === undefined || run.history === null) throw new Error("no cache or no history");
      const { low, high } = staleBounds([...run.history], resolveScenario(scenario).warmup, c.hits);
      expect(c.staleReads).toBeGreaterThanOrEqual(low);
      expect(c.staleReads).toBeLessThanOrEqual(high);
    },
  );

  it("finds the stale reads of a TTL-only cache in front of 4 shards (not zero, as versions from shard 0 would give)", () => {
    const input: ScenarioInput = {
      ...sharded({ engine: "lru", capacity: { items: 500 }, invalidation: "none", ttl: 2_000 }, 4),
      workload: {
        rate: 1000,
        readRatio: 0.8,
        keys: { count: 500, popularity: { kind: "zipf", s: 1.0 } },
      },
    };
    const run = runScenarioDetailed(input, { history: true });
    const c = run.report.cache;
    if (c === undefined || run.history === null) throw new Error("no cache or no history");
    const { low, high } = staleBounds([...run.history], 5_000, c.hits);
    expect(low).toBeGreaterThan(100);
    expect(c.staleReads).toBeGreaterThanOrEqual(low);
    expect(c.staleReads).toBeLessThanOrEqual(high);
  });
});

/**
 * A TTL-only cache (no invalidation) in front of 4 shards with a replica each:
 * sessions read their own writes from the cache for seconds after each write,
 * across the history's compactions. Were the cache's LSNs left out of a shard's
 * compaction, the monitor would forget a write before the stale reads of it and
 * count fewer read-your-writes violations than the checkers find.
 */
const STALE_FOR_SECONDS: ScenarioInput = {
  seed: 11,
  duration: 6_000,
  warmup: 1_000,
  workload: {
    rate: 400,
    readRatio: 0.7,
    sessions: 20,
    readOwnWrites: 0.5,
    keys: { count: 200, popularity: { kind: "zipf", s: 1.0 } },
  },
  replication: { replicas: 1 },
  sharding: { strategy: "jump", shards: 4 },
  cache: { engine: "lru", capacity: { items: 200 }, invalidation: "none", ttl: 4_000 },
};

/**
 * The offline checkers' violations among the operations that completed in the
 * measured window (as test/properties/replication.test.ts counts them): the
 * run's monitor sees every operation but restarts its counts at the cut.
 */
function offline(ops: readonly HistoryOp[], warmupMs: number): Record<string, number> {
  const all = { maxExamples: Number.MAX_SAFE_INTEGER };
  const counted = (result: CheckResult): number =>
    result.violations.filter((v) => v.op.completeMs >= warmupMs).length;
  return {
    readYourWrites: counted(checkReadYourWrites(ops, all)),
    monotonicReads: counted(checkMonotonicReads(ops, all)),
    monotonicReadsPerKey: counted(checkMonotonicReadsPerKey(ops, all)),
    monotonicWrites: counted(checkMonotonicWrites(ops, { ...all, parts: "session-order" })),
    writesFollowReads: counted(checkWritesFollowReads(ops, all)),
  };
}

describe("the session guarantees with a cache in front of shards with replicas", () => {
  test.prop([arbScenario({ cache: "always", sharding: "always", replication: "always" })], {
    numRuns: 8,
    examples: [[STALE_FOR_SECONDS]],
  })(
    "the online counts (compacted by each shard's log, the cache's LSNs included) equal the offline checkers'",
    (scenario) => {
      const run = runScenarioDetailed(scenario, { history: true });
      if (run.history === null) throw new Error("no history");
      const online = run.report.consistency?.violations;
      expect(online).toEqual(offline([...run.history], resolveScenario(scenario).warmup));
    },
  );
});

describe("a cache with sharding and a resharding", () => {
  it("is refused, naming the sharding section and the reshard event", () => {
    const input = {
      workload: { rate: 100 },
      sharding: { strategy: "jump", shards: 2 },
      cache: { capacity: { items: 100 } },
      timeline: [{ at: "1s", kind: "reshard", shards: 3 }],
    };
    expect(() => resolveScenario(input as Parameters<typeof resolveScenario>[0])).toThrow(
      /sharding.*a cache in front of a sharded plan that reshards is not supported yet/s,
    );
  });
});

describe("examples/cache-in-front-of-shards.json", () => {
  it("takes the hits off the shards: their reads fall to reads × (1 − H) of the plan without the cache", () => {
    const file = JSON.parse(
      readFileSync(
        join(import.meta.dirname, "..", "..", "examples", "cache-in-front-of-shards.json"),
        "utf8",
      ),
    );
    // Shortened: 1 s warm-up + 4 s, about 7,200 reads measured.
    const resolved = resolveVariants({ ...file, warmup: 1_000, duration: 4_000 });
    if (!resolved.ok) throw new Error(resolved.issues.map((i) => i.message).join("\n"));
    const reports = new Map(resolved.variants.map((v) => [v.name, runScenario(v.scenario)]));
    const shardReads = (name: string): number =>
      (reports.get(name)?.nodes ?? []).reduce((sum, n) => sum + n.readsServed, 0);
    const c = reports.get("base")?.cache;
    if (c === undefined) throw new Error("no cache in the base plan");
    for (const r of reports.values()) expect(r.errors.total).toBe(0);
    expect(reports.get("no cache")?.cache).toBeUndefined();
    // The same seed draws the same requests: without the cache every read reaches a shard.
    const reads = shardReads("no cache");
    expect(Math.abs(reads - (c.hits + c.misses))).toBeLessThan(20);
    expect(Math.abs(shardReads("base") - reads * (1 - c.hitRatio))).toBeLessThan(20);
    // Write-through keeps written keys cached instead of deleting them: more hits.
    expect(reports.get("write-through")?.cache?.hitRatio).toBeGreaterThan(c.hitRatio);
  });
});
