// A 16-shard plan's buffer pools against theory (issue 13). Each shard holds a
// sixteenth of 409,600 uniformly popular keys, so a sixteenth of the pages; with
// 1 MB of shared_buffers per shard its pages-to-memory ratio is the unsharded
// node's with 16 MB, and LRU's hit ratio under independent uniform references
// depends only on that ratio. Che's approximation (Che, Tung & Wang, IEEE JSAC
// 2002; Fricker, Robert & Roberts, ITC 2012) gives it: the characteristic time t
// solves Σ_pages (1 − e^(−λ_p t)) = C, and the hit ratio is Σ λ_p (1 − e^(−λ_p t)) / Σ λ_p.
import { describe, expect, it } from "vitest";
import { type Report, runScenario, type ScenarioInput } from "../../src/index.js";

const KEYS = 409_600;
const SHARDS = 16;
// PostgreSQL 8 KiB pages (BLCKSZ): ⌊8192/128⌋ = 64 rows, ⌊8192/20⌋ = 409 leaf entries.
const ROWS_PER_PAGE = 64;
const ENTRIES_PER_PAGE = 409;
const HEAP = KEYS / ROWS_PER_PAGE; // 6400
const LEAF = Math.ceil(KEYS / ENTRIES_PER_PAGE); // 1002
const PAGES = HEAP + LEAF;

function plan(shardedMB: number | null): ScenarioInput {
  return {
    seed: 3,
    warmup: "2s",
    duration: "4s",
    workload: {
      rate: 3000,
      readRatio: 1,
      keys: { count: KEYS, popularity: { kind: "uniform" } },
    },
    database: { sharedBuffersMB: shardedMB ?? 16 },
    ...(shardedMB === null ? {} : { sharding: { strategy: "jump", shards: SHARDS } }),
  };
}

// Che's hit ratio for a statement touching one of `heap` heap pages and one of
// `leaf` leaf pages uniformly, with `capacity` pages of memory.
function cheHitRatio(heap: number, leaf: number, capacity: number): number {
  const filled = (t: number) => heap * (1 - Math.exp(-t / heap)) + leaf * (1 - Math.exp(-t / leaf));
  let lo = 0;
  let hi = 1e9;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (filled(mid) < capacity) lo = mid;
    else hi = mid;
  }
  return (1 - Math.exp(-lo / heap) + (1 - Math.exp(-lo / leaf))) / 2;
}

function pools(report: Report) {
  return report.nodes.flatMap((n) => (n.server === undefined ? [] : [n.server.bufferPool]));
}

describe("a 16-shard plan's buffer pools", () => {
  const sharded = pools(runScenario(plan(1)));
  const whole = pools(runScenario(plan(null)));

  it("each shard has a sixteenth of the pages (binomial spread of its keys)", () => {
    expect(sharded).toHaveLength(SHARDS);
    const [one] = whole;
    // 409,600 keys: 6400 heap + ⌈409600/409⌉ = 1002 leaf pages.
    expect(one?.pages).toBe(PAGES);
    // A shard's key count is Binomial(409600, 1/16): sd ≈ 155 keys ≈ 2.4 heap pages.
    for (const p of sharded) expect(Math.abs(p.pages - PAGES / SHARDS)).toBeLessThan(15);
    const sum = sharded.reduce((t, p) => t + p.pages, 0);
    expect(sum).toBeGreaterThanOrEqual(PAGES);
    expect(sum).toBeLessThanOrEqual(PAGES + 2 * (SHARDS - 1));
    // shared_buffers 1 MB = 128 pages per shard, 16 MB = 2048 unsharded.
    expect(sharded.every((p) => p.capacityPages === 128)).toBe(true);
    expect(one?.capacityPages).toBe(2048);
  });

  it("a shard's hit ratio is the unsharded node's with 16× the memory, both Che's", () => {
    const theory = cheHitRatio(HEAP, LEAF, 2048);
    const [one] = whole;
    // ~24,000 page accesses unsharded, ~1,500 per shard: sd ≲ 0.003 and ≲ 0.012.
    expect(Math.abs((one?.hitRatio ?? 0) - theory)).toBeLessThan(0.015);
    const mean = sharded.reduce((t, p) => t + p.hitRatio, 0) / SHARDS;
    expect(Math.abs(mean - theory)).toBeLessThan(0.015);
    for (const p of sharded) expect(Math.abs(p.hitRatio - theory)).toBeLessThan(0.06);
  });
});
