// The shard map and router as models: every strategy places every key on one
// of its shards; range boundaries and keyranges are checked; moving to n + 1
// shards moves n/(n+1) of the keys under hash-mod and 1/(n+1) under jump (the
// table-level form of the placement properties); the router sends point
// operations to their shard and marks their cluster, and scatters reads that
// span shards, failing the whole when a part fails.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/kernel/index.js";
import { type Done, Operation, type Service } from "../../src/models/operation.js";
import { DirectoryLookup } from "../../src/models/sharding/directory.js";
import { Migration } from "../../src/models/sharding/migration.js";
import { ShardMap, type ShardStrategy } from "../../src/models/sharding/shard-map.js";
import { ShardRouter } from "../../src/models/sharding/shard-router.js";

const KEYS = 4000;

describe("ShardMap", () => {
  const strategies: ShardStrategy[] = [
    { strategy: "hash-mod", shards: 7 },
    { strategy: "consistent-hash", shards: 7 },
    { strategy: "jump", shards: 7 },
    { strategy: "rendezvous", shards: 7 },
    { strategy: "citus", shards: 7 },
    { strategy: "range", boundaries: [500, 1000, 1500, 2000, 2500, 3000] },
    {
      strategy: "keyspace",
      keyranges: ["-20", "20-40", "40-60", "60-80", "80-a0", "a0-c0", "c0-"],
    },
  ];

  it.each(strategies.map((s) => [s.strategy, s] as const))(
    "%s: every key on one of 7 shards, every shard holding keys",
    (_, strategy) => {
      const map = new ShardMap(strategy, KEYS);
      const counts = map.keysPerShard();
      expect(map.shards).toBe(7);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(KEYS);
      expect(Math.min(...counts)).toBeGreaterThan(0);
    },
  );

  it("range: shard i holds [boundary i−1, boundary i)", () => {
    const map = new ShardMap({ strategy: "range", boundaries: [10, 20] }, 30);
    expect([0, 9, 10, 19, 20, 29].map((k) => map.shardOf(k))).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it.each([
    [[10, 10], /boundary 1 \(10\) is not an integer above boundary 0 \(10\)/],
    [[0], /boundary 0 \(0\) is not an integer above 0/],
    [[20, 10], /boundary 1 \(10\)/],
  ])("range boundaries %j are refused", (boundaries, message) => {
    expect(() => new ShardMap({ strategy: "range", boundaries }, 30)).toThrow(message);
  });

  it("refuses a shard count of 0 and keyranges with a gap", () => {
    expect(() => new ShardMap({ strategy: "jump", shards: 0 }, 10)).toThrow(/not 0/);
    expect(() => new ShardMap({ strategy: "keyspace", keyranges: ["-40", "80-"] }, 10)).toThrow(
      /gap/,
    );
  });

  it("growing 10 → 11 shards moves 10/11 of the keys under hash-mod and 1/11 under jump", () => {
    const moved = (s: "hash-mod" | "jump") =>
      new ShardMap({ strategy: s, shards: 10 }, KEYS).movedTo(
        new ShardMap({ strategy: s, shards: 11 }, KEYS),
      ) / KEYS;
    // Binomial spread over 4000 keys: 5 sd ≈ 0.023 at p = 10/11, 0.023 at p = 1/11.
    expect(Math.abs(moved("hash-mod") - 10 / 11)).toBeLessThan(0.025);
    expect(Math.abs(moved("jump") - 1 / 11)).toBeLessThan(0.025);
  });

  it("a snapshot keeps the layout it was taken at: a later move copies the map's table first", () => {
    // Arrange
    const map = new ShardMap({ strategy: "hash-mod", shards: 4 }, 100);
    const snapshot = map.snapshot();
    // Without a move the snapshot is the layout now (and one array with the map's).
    expect(Array.from(snapshot, (_, key) => map.shardOf(key))).toEqual(Array.from(snapshot));
    const before = map.shardOf(5);
    const to = (before + 1) % 4;
    // Act
    map.move(5, to);
    // Assert: the map moved the key; the snapshot still places it where it was.
    expect(map.shardOf(5)).toBe(to);
    expect(snapshot[5]).toBe(before);
    expect(map.snapshot()[5]).toBe(to);
  });

  it("a directory move changes one key's shard", () => {
    const map = new ShardMap({ strategy: "jump", shards: 4 }, 100);
    const before = map.shardOf(42);
    map.move(42, (before + 1) % 4);
    expect(map.shardOf(42)).toBe((before + 1) % 4);
    expect(() => map.move(1, 4)).toThrow(/not one of 0 … 3/);
  });
});

/** A shard answering after a fixed delay; `fail` makes it end operations with an error. */
function shard(sim: Simulation, delayMs: number, seen: Operation[], fail = false): Service {
  return {
    submit(op: Operation, done: Done): void {
      seen.push(op);
      sim.schedule(delayMs, () => {
        op.completedAt = sim.now;
        if (fail) op.error = "too_many_clients";
        done(op);
      });
    },
  };
}

describe("ShardRouter", () => {
  function setup(failShard = -1) {
    const sim = new Simulation({ seed: 1 });
    const map = new ShardMap({ strategy: "range", boundaries: [100, 200, 300] }, 400);
    const seen: Operation[][] = [[], [], [], []];
    const shards = seen.map((s, i) => shard(sim, 1 + i, s, i === failShard));
    const router = new ShardRouter(sim, { map, shards, rowsPerShard: 10, mergeMsPerRow: 0.01 });
    return { sim, router, seen };
  }

  test.prop([fc.integer({ min: 0, max: 399 }), fc.constantFrom("read" as const, "write" as const)])(
    "a point operation goes to its key's shard, which becomes its cluster",
    (key, kind) => {
      const { sim, router, seen } = setup();
      const op = new Operation(0, 0, kind, key, 1, 0);
      router.submit(op, () => {});
      sim.run();
      const expected = Math.floor(key / 100);
      expect(op.cluster).toBe(expected);
      expect(seen.map((s) => s.length)).toEqual([0, 1, 2, 3].map((i) => (i === expected ? 1 : 0)));
    },
  );

  it("a scan over two shards waits for the slower, then merges 20 rows", () => {
    const { sim, router, seen } = setup();
    const op = new Operation(0, 0, "read", 150, 1, 0);
    op.range = { from: 150, to: 250 };
    let doneAt = Number.NaN;
    router.submit(op, (o) => {
      doneAt = o.completedAt;
    });
    sim.run();
    // Shards 1 and 2 answer after 2 and 3 ms; 2 × 10 rows at 0.01 ms.
    expect(seen.map((s) => s.length)).toEqual([0, 1, 1, 0]);
    expect(doneAt).toBeCloseTo(3 + 0.2, 12);
    expect(router.meanFanOut).toBe(2);
    expect(router.singleShardShare).toBe(0);
  });

  it("a cross-shard query over all shards touches each once; a write never scatters", () => {
    const { sim, router, seen } = setup();
    const query = new Operation(0, 0, "read", 5, 1, 0);
    router.fanOut(query, { shards: "all" });
    const write = new Operation(1, 0, "write", 5, 1, 0);
    write.range = { from: 0, to: 400 };
    router.submit(query, () => {});
    router.submit(write, () => {});
    sim.run();
    expect(seen.map((s) => s.length)).toEqual([2, 1, 1, 1]);
    expect(router.singleShardShare).toBe(0.5);
  });

  it("a finished operation counts in its shard's latency only when the router kept it on one shard", () => {
    // Arrange: shard 1 answers after 2 ms, shards 0 … 3 scatter in 4 ms + 40 rows × 0.01 ms.
    const { sim, router } = setup();
    const point = new Operation(0, 0, "read", 150, 1, 0);
    const query = new Operation(1, 0, "read", 150, 1, 0);
    router.fanOut(query, { shards: "all" });
    // One answered in front of the router (a cache's hit) has its shard but was never routed.
    const answeredBefore = new Operation(2, 0, "read", 150, 1, 0);
    answeredBefore.cluster = 1;
    // Act
    router.submit(point, (o) => router.completed(o));
    router.submit(query, (o) => router.completed(o));
    sim.schedule(1, () => router.completed(answeredBefore));
    sim.run();
    // Assert: the router records from the operation's own cluster and span.
    expect([point.spans, query.spans]).toEqual([1, 4]);
    expect(router.shardLatency(1).count).toBe(1);
    expect(router.shardLatency(1).max).toBeCloseTo(2, 9);
    expect([0, 2, 3].map((i) => router.shardLatency(i).count)).toEqual([0, 0, 0]);
    expect(router.scatterLatency.max).toBeCloseTo(4.4, 9);
  });

  it("marks a cross-shard query on the operation itself", () => {
    const { router } = setup();
    const op = new Operation(0, 0, "read", 5, 1, 0);
    router.fanOut(op, { shards: "all" });
    expect(op.spans).toBe(Number.POSITIVE_INFINITY);
    router.fanOut(op, { shards: 3 });
    expect(op.spans).toBe(3);
  });

  it("a failed part fails the whole with its error", () => {
    const { sim, router } = setup(2);
    const op = new Operation(0, 0, "read", 0, 1, 0);
    router.fanOut(op, { shards: 3 });
    router.submit(op, () => {});
    sim.run();
    expect(op.error).toBe("too_many_clients");
  });
});

describe("DirectoryLookup", () => {
  it("a move makes the cached answer stale: one misroute, then a fresh lookup", () => {
    // Arrange
    const sim = new Simulation({ seed: 1 });
    const map = new ShardMap({ strategy: "jump", shards: 4 }, 100);
    const arrived: number[] = [];
    const next: Service = {
      submit(op: Operation, done: Done) {
        arrived.push(map.shardOf(op.key));
        done(op);
      },
    };
    const directory = new DirectoryLookup(
      sim,
      { map, workers: 1, lookupMs: () => 1, cacheTtlMs: 1000, cacheEntries: 10 },
      next,
    );
    const read = (at: number) =>
      sim.at(at, () => directory.submit(new Operation(at, 0, "read", 42, 1, at), () => {}));
    // Act: cached at t = 1; moved at t = 5; read again at 10 and 20
    read(0);
    read(2);
    const target = (map.shardOf(42) + 1) % 4;
    sim.at(5, () => map.move(42, target));
    read(10);
    read(20);
    sim.run();
    // Assert
    expect(directory.lookups).toBe(2);
    expect(directory.cacheHits).toBe(2);
    expect(directory.misroutes).toBe(1);
    expect(arrived.at(-1)).toBe(target);
  });

  it("queues lookups beyond its workers, first come first served", () => {
    const sim = new Simulation({ seed: 1 });
    const map = new ShardMap({ strategy: "jump", shards: 2 }, 10);
    const order: number[] = [];
    const next: Service = {
      submit(op: Operation, done: Done) {
        order.push(op.id);
        done(op);
      },
    };
    const directory = new DirectoryLookup(
      sim,
      { map, workers: 2, lookupMs: () => 1, cacheTtlMs: 0, cacheEntries: 0 },
      next,
    );
    for (let i = 0; i < 5; i++) directory.submit(new Operation(i, 0, "read", i, 1, 0), () => {});
    sim.run();
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(directory.waitingMax).toBe(3);
    expect(sim.now).toBe(3);
  });
});

describe("Migration", () => {
  function grow(keys: number) {
    const sim = new Simulation({ seed: 1 });
    const live = new ShardMap({ strategy: "jump", shards: 10 }, keys);
    live.grow(11);
    const target = new ShardMap({ strategy: "jump", shards: 11 }, keys);
    const handed: number[] = new Array(11).fill(0);
    const migration = new Migration(sim, live, target, {
      rowsPerSec: 1000,
      batchRows: 100,
      copyMs: 0.1,
      cutoverMs: 5,
      applyMs: 0.1,
      rowBytes: 200,
      work: (shard, ms, done) => {
        handed[shard] = (handed[shard] as number) + ms;
        sim.schedule(ms, done);
      },
    });
    return { sim, live, target, handed, migration };
  }

  it("switches every moved key to its new shard, batch by batch, at the throttle's pace", () => {
    // Arrange
    const { sim, live, target, handed, migration } = grow(10_000);
    const toMove = migration.figures().keysToMove;
    // Act
    migration.start();
    sim.run();
    // Assert: the live layout is the target; each batch took its rows at 1000/s, then 5 ms
    const f = migration.figures();
    expect(live.movedTo(target)).toBe(0);
    expect(f.keysMoved).toBe(toMove);
    expect(f.bytesMoved).toBe(toMove * 200);
    const batches = Math.ceil(toMove / 100);
    expect(f.finishedMs - f.startedMs).toBeCloseTo(toMove + 5 * batches, 6);
    // Every moved row cost copyMs on its source and on its target (shard 10)
    expect(handed[10]).toBeCloseTo(0.1 * toMove, 6);
    expect(handed.reduce((a, b) => a + b, 0)).toBeCloseTo(2 * 0.1 * toMove, 6);
  });

  it("holds a batch's writes during its cut-over, and no others", () => {
    const { sim, target, live, migration } = grow(1000);
    const moving = Array.from({ length: 1000 }, (_, k) => k).filter(
      (k) => live.shardOf(k) !== target.shardOf(k),
    );
    const staying = Array.from({ length: 1000 }, (_, k) => k).find(
      (k) => live.shardOf(k) === target.shardOf(k),
    ) as number;
    migration.start();
    // The first batch (the first 100 moved keys) is copied at 1 ms per row, then cut over
    // for 5 ms (no write was made, so there is nothing to catch up on).
    const copyEnd = Math.min(100, moving.length);
    sim.run({ until: copyEnd + 1 });
    expect(migration.holds(moving[0] as number)).toBe(true);
    expect(migration.holds(staying)).toBe(false);
    sim.run({ until: copyEnd + 5 + 1e-9 });
    expect(migration.holds(moving[0] as number)).toBe(false);
    expect(live.shardOf(moving[0] as number)).toBe(target.shardOf(moving[0] as number));
  });

  it("refuses layouts of different shard counts and a zero throttle", () => {
    const sim = new Simulation({ seed: 1 });
    const a = new ShardMap({ strategy: "jump", shards: 10 }, 100);
    const b = new ShardMap({ strategy: "jump", shards: 11 }, 100);
    const config = {
      rowsPerSec: 1,
      batchRows: 1,
      copyMs: 0,
      cutoverMs: 0,
      applyMs: 0,
      rowBytes: 0,
      work: () => {},
    };
    expect(() => new Migration(sim, a, b, config)).toThrow(/grow the live map/);
    a.grow(11);
    expect(() => new Migration(sim, a, b, { ...config, rowsPerSec: 0 })).toThrow(
      /rowsPerSec must be > 0, not 0/,
    );
  });
});
