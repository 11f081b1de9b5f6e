// A shard's buffer pool holds only its own rows' pages (issue 13): each shard is
// its own table, its rows packed into its heap pages (PostgreSQL: tuples go into
// the relation's own pages, src/backend/access/heap/hio.c
// RelationGetBufferForTuple; a table's size is its pages of BLCKSZ bytes), with
// an index over just those rows. The key → page mapping is the key's dense slot
// among the shard's keys; a key a resharding moves in is appended.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BufferPool,
  runScenario,
  type ScenarioInput,
  ShardKeySlots,
  ShardRows,
} from "../../src/index.js";

const PAGE = 8192;

function slotsOf(home: readonly number[], shards: number): ShardKeySlots[] {
  return ShardKeySlots.ofLayout(Uint16Array.from(home), shards);
}

function shardPool(slots: ShardKeySlots, shard: number, live: (key: number) => number, mb = 1) {
  const rows = new ShardRows(slots, shard, live);
  return new BufferPool({
    size: { sharedBuffersMB: mb },
    keyCount: rows.size,
    rows,
    rowBytes: 128,
    indexEntryBytes: 20,
  });
}

describe("a shard's pages are its own rows' pages", () => {
  it("a shard of 1000 of 4000 keys has the pages of 1000 rows: ⌈1000/64⌉ heap + ⌈1000/409⌉ leaf", () => {
    // 8192-byte pages: ⌊8192/128⌋ = 64 rows, ⌊8192/20⌋ = 409 index entries per page.
    const home = Array.from({ length: 4000 }, (_, k) => k % 4);
    const [s1] = slotsOf(home, 4).slice(1);
    const pool = shardPool(s1 as ShardKeySlots, 1, (k) => home[k] as number);
    expect(pool.dataPages).toBe(16);
    expect(pool.indexPages).toBe(3);
    // Shard 1's keys 1, 5, 9, … are its rows 0, 1, 2, …: rows 0 … 63 share heap page 0.
    expect(pool.heapPageOf(1)).toBe(0);
    expect(pool.heapPageOf(4 * 63 + 1)).toBe(0);
    expect(pool.heapPageOf(4 * 64 + 1)).toBe(1);
    expect(pool.indexPageOf(4 * 409 + 1)).toBe(16 + 1);
  });

  it("a key a resharding moves in gets new pages past the shard's own, touched like any other", () => {
    const home = Array.from({ length: 4000 }, (_, k) => k % 4);
    const live = [...home];
    const [s0] = slotsOf(home, 4);
    const pool = shardPool(s0 as ShardKeySlots, 0, (k) => live[k] as number);
    const own = pool.totalPages;
    live[3] = 0; // key 3 moves from shard 3 to shard 0
    expect(pool.accessKey(3)).toBe(2); // a new leaf and heap page: both misses
    expect(pool.totalPages).toBe(own + 2);
    expect(pool.accessKey(3)).toBe(0);
    live[7] = 0; // the next moved key shares those pages (rows packed)
    expect(pool.accessKey(7)).toBe(0);
    expect(pool.totalPages).toBe(own + 2);
  });

  it("a scattered part's key held by another shard reads one of this shard's rows: no new page", () => {
    const home = Array.from({ length: 4000 }, (_, k) => k % 4);
    const [s0] = slotsOf(home, 4);
    const pool = shardPool(s0 as ShardKeySlots, 0, (k) => home[k] as number);
    const own = pool.totalPages;
    for (let k = 0; k < 4000; k++) pool.accessKey(k);
    expect(pool.totalPages).toBe(own);
  });

  it("a new shard with no rows yet reads no page for a key it does not hold", () => {
    const home = Array.from({ length: 100 }, () => 0);
    const [, s1] = slotsOf(home, 2);
    const pool = shardPool(s1 as ShardKeySlots, 1, () => 0);
    expect(pool.totalPages).toBe(0);
    expect(pool.accessKey(5)).toBe(0);
    expect(pool.hits + pool.misses).toBe(0);
  });

  it("rejects a keyCount that is not the rows' size", () => {
    const [s0] = slotsOf([0, 0, 1], 2);
    const rows = new ShardRows(s0 as ShardKeySlots, 0, () => 0);
    expect(
      () =>
        new BufferPool({
          size: { sharedBuffersMB: 1 },
          keyCount: 3,
          rows,
          rowBytes: 128,
          indexEntryBytes: 20,
        }),
    ).toThrow("keyCount 3 is not the rows' size 2");
  });

  it("property: the shards' pages add up to the unsharded table's, up to one partial page per shard", () => {
    // Σ⌈n_s/r⌉ lies in [⌈N/r⌉, ⌈N/r⌉ + S − 1] for Σ n_s = N: each shard rounds up at most once.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 3000 }),
        fc.integer({ min: 16, max: 4096 }),
        (shards, draws, rowBytes) => {
          const home = draws.map((d) => d % shards);
          const slots = slotsOf(home, shards);
          const make = (keyCount: number, rows?: ShardRows) =>
            new BufferPool({
              size: { sharedBuffersMB: 1 },
              keyCount,
              ...(rows === undefined ? {} : { rows }),
              rowBytes,
              indexEntryBytes: 20,
            });
          const whole = make(home.length);
          const parts = slots.map((s, i) =>
            make(s.size, new ShardRows(s, i, (k) => home[k] as number)),
          );
          const data = parts.reduce((t, p) => t + p.dataPages, 0);
          const index = parts.reduce((t, p) => t + p.indexPages, 0);
          expect(data).toBeGreaterThanOrEqual(whole.dataPages);
          expect(data).toBeLessThanOrEqual(whole.dataPages + shards - 1);
          expect(index).toBeGreaterThanOrEqual(whole.indexPages);
          expect(index).toBeLessThanOrEqual(whole.indexPages + shards - 1);
          expect(PAGE).toBe(whole.pageBytes);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("a reshard's new shard", () => {
  it("starts with no pages and gets pages only for the rows moved into it", () => {
    // Range [2000, 4000) of shard 1 split at 3000: keys 3000 … 3999 move to the new
    // shard 2. Its table holds at most those 1000 rows: ⌈1000/64⌉ heap + ⌈1000/409⌉ leaf = 19 pages.
    const report = runScenario({
      seed: 7,
      warmup: 200,
      duration: 1_800,
      workload: {
        rate: 400,
        readRatio: 0.9,
        keys: { count: 4000, popularity: { kind: "uniform" } },
      },
      sharding: { strategy: "range", boundaries: [2_000] },
      timeline: [{ at: 500, kind: "reshard", rowsPerSec: 5_000, batchRows: 200, split: 3_000 }],
    } as ScenarioInput);
    const pool = (name: string) => report.nodes.find((n) => n.name === name)?.server?.bufferPool;
    const moved = pool("s2/primary");
    expect(moved?.pages).toBeGreaterThan(0);
    expect(moved?.pages).toBeLessThanOrEqual(19);
    // Shard 0 keeps its 2000 rows: 32 heap + 5 leaf pages.
    expect(pool("s0/primary")?.pages).toBe(37);
  });
});
