// The cache node stores: exact LRU, Redis's maxmemory policies (src/evict.c),
// Memcached's slabs (slabs.c, items.c). Expected values come from the real
// systems' documented behaviour or from arithmetic written out here.
import { describe, expect, it } from "vitest";
import { RandomStream } from "../../src/kernel/index.js";
import {
  EVICTION_POOL_SIZE,
  EvictionPool,
  ExactLruStore,
  lfuDecayed,
  lfuLogIncr,
  MemcachedStore,
  memcachedItemBytes,
  RedisStore,
  slabChunkSizes,
} from "../../src/models/cache/index.js";

const NEVER = Number.POSITIVE_INFINITY;

describe("ExactLruStore", () => {
  it("evicts the least recently used item past its item capacity", () => {
    const store = new ExactLruStore<string>(2, "items");
    store.set(1, "a", 100, NEVER, 0);
    store.set(2, "b", 100, NEVER, 1);
    expect(store.get(1, 2)?.value).toBe("a");
    store.set(3, "c", 100, NEVER, 3);
    expect(store.get(2, 4)).toBeUndefined();
    expect([store.get(1, 4)?.value, store.get(3, 4)?.value]).toEqual(["a", "c"]);
    expect(store.evictions).toBe(1);
  });

  it("counts bytes when its capacity is in bytes, and refuses an item bigger than all of it", () => {
    const store = new ExactLruStore<number>(1000, "bytes");
    store.set(1, 1, 600, NEVER, 0);
    store.set(2, 2, 300, NEVER, 0);
    store.set(3, 3, 300, NEVER, 0); // 1200 > 1000: evicts key 1 (600)
    expect([store.items, store.usedBytes, store.evictions]).toEqual([2, 600, 1]);
    expect(store.set(4, 4, 1001, NEVER, 0)).toBe("too_large");
    expect(() => new ExactLruStore(0, "items")).toThrow(/capacity 0 items/);
  });

  it("drops an expired entry on lookup and counts it as an expiration", () => {
    const store = new ExactLruStore<number>(10, "items");
    store.set(1, 1, 1, 50, 0);
    expect(store.get(1, 49)?.value).toBe(1);
    expect(store.get(1, 50)).toBeUndefined();
    expect([store.items, store.expirations, store.evictions]).toEqual([0, 1, 0]);
  });
});

describe("Redis eviction pool (evict.c evictionPoolPopulate)", () => {
  it("keeps the 16 best candidates and gives the best first, skipping ghosts", () => {
    const pool = new EvictionPool();
    for (let key = 0; key < 40; key++) pool.offer(key, (key * 7) % 40);
    const taken: number[] = [];
    for (;;) {
      const key = pool.takeBest(() => true);
      if (Number.isNaN(key)) break;
      taken.push((key * 7) % 40);
    }
    // The 16 highest scores of 0 … 39, best first.
    expect(taken).toEqual(Array.from({ length: EVICTION_POOL_SIZE }, (_, i) => 39 - i));
    pool.offer(1, 5);
    pool.offer(2, 9);
    expect(pool.takeBest((key) => key !== 2)).toBe(1);
  });
});

describe("Redis LFU counter (evict.c LFULogIncr, LFUDecrAndReturn)", () => {
  it("increments with probability 1/((c − 5)·factor + 1) and saturates at 255", () => {
    expect(lfuLogIncr(5, 10, 0.999)).toBe(6); // base 0: p = 1
    expect(lfuLogIncr(15, 10, 1 / 101 - 1e-9)).toBe(16); // p = 1/101
    expect(lfuLogIncr(15, 10, 1 / 101)).toBe(15);
    expect(lfuLogIncr(255, 10, 0)).toBe(255);
  });

  it("decays by one per lfu-decay-time minutes, not below 0", () => {
    expect(lfuDecayed(10, 3, 7, 1)).toBe(6);
    expect(lfuDecayed(10, 3, 7, 2)).toBe(8);
    expect(lfuDecayed(2, 0, 60, 1)).toBe(0);
    expect(lfuDecayed(10, 0, 60, 0)).toBe(10);
  });
});

describe("RedisStore", () => {
  const stream = (): (() => number) => {
    const rng = new RandomStream(1, "redis-test");
    return () => rng.next();
  };

  it("noeviction: a write past maxmemory fails with OOM; reads still work", () => {
    const store = new RedisStore<number>(
      { maxmemoryBytes: 250, maxmemoryPolicy: "noeviction" },
      stream(),
    );
    expect(store.set(1, 1, 100, NEVER, 0)).toBe("stored");
    expect(store.set(2, 2, 100, NEVER, 0)).toBe("stored");
    // 200 ≤ 250: Redis checks memory before the command, so this one still goes in.
    expect(store.set(3, 3, 100, NEVER, 0)).toBe("stored");
    expect(store.set(4, 4, 100, NEVER, 0)).toBe("oom");
    expect(store.get(1, 0)?.value).toBe(1);
    expect(store.evictions).toBe(0);
  });

  it.each([
    ["in the entries", undefined],
    ["by key (a key space given)", 8],
  ])(
    "allkeys-lru with many samples evicts the idlest key (1 s LRU clock), clocks %s",
    (_, keySpace) => {
      const store = new RedisStore<number>(
        { maxmemoryBytes: 3, maxmemoryPolicy: "allkeys-lru", maxmemorySamples: 64 },
        stream(),
        keySpace,
      );
      for (let key = 1; key <= 4; key++) store.set(key, key, 1, NEVER, key * 1000);
      store.get(1, 5000); // key 2 is now the idlest
      store.set(5, 5, 1, NEVER, 6000);
      expect(store.get(2, 6000)).toBeUndefined();
      expect(store.items).toBe(4);
      // Key 1 again, then 3 is the idlest (its clock 3 s; 4's 4 s, 5's 6 s).
      store.get(1, 7000);
      store.set(6, 6, 1, NEVER, 8000);
      expect(store.get(3, 8000)).toBeUndefined();
    },
  );

  it("allkeys-lfu keeps the frequently read key and evicts a once-read one", () => {
    const store = new RedisStore<number>(
      { maxmemoryBytes: 2, maxmemoryPolicy: "allkeys-lfu", maxmemorySamples: 64 },
      stream(),
    );
    store.set(1, 1, 1, NEVER, 0);
    for (let i = 0; i < 50; i++) store.get(1, i);
    store.set(2, 2, 1, NEVER, 0);
    store.set(3, 3, 1, NEVER, 0);
    store.set(4, 4, 1, NEVER, 0);
    expect(store.get(1, 100)?.value).toBe(1);
    expect(store.evictions).toBe(1);
  });

  it("volatile-ttl evicts the key expiring soonest, and with no TTL keys is noeviction", () => {
    const store = new RedisStore<number>(
      { maxmemoryBytes: 2, maxmemoryPolicy: "volatile-ttl", maxmemorySamples: 64 },
      stream(),
    );
    store.set(1, 1, 1, 9000, 0);
    store.set(2, 2, 1, 5000, 0);
    store.set(3, 3, 1, 7000, 0);
    store.set(4, 4, 1, 8000, 0);
    expect(store.get(2, 0)).toBeUndefined();
    const noTtl = new RedisStore<number>(
      { maxmemoryBytes: 1, maxmemoryPolicy: "volatile-lru" },
      stream(),
    );
    noTtl.set(1, 1, 1, NEVER, 0);
    noTtl.set(2, 2, 1, NEVER, 0);
    expect(noTtl.set(3, 3, 1, NEVER, 0)).toBe("oom");
  });

  it("expires a key with a TTL on lookup beside keys without one, and a SET without a TTL removes it", () => {
    // Redis expires lazily on access (db.c expireIfNeeded: the key is gone once now ≥
    // its expire time), and a plain SET removes the key's TTL (db.c setKey:
    // removeExpire unless KEEPTTL).
    const store = new RedisStore<number>(
      { maxmemoryBytes: 0, maxmemoryPolicy: "allkeys-lru" },
      stream(),
    );
    store.set(1, 1, 1, NEVER, 0);
    store.set(2, 2, 1, 10, 0);
    store.set(3, 3, 1, 20, 0);
    expect([store.get(1, 5)?.value, store.get(2, 5)?.value]).toEqual([1, 2]);
    expect(store.get(2, 10)).toBeUndefined();
    expect([store.get(1, 10)?.value, store.expirations]).toEqual([1, 1]);
    store.set(3, 33, 1, NEVER, 15);
    store.set(4, 4, 1, 30, 15);
    expect([store.get(3, 25)?.value, store.get(4, 30), store.expirations]).toEqual([
      33,
      undefined,
      2,
    ]);
  });

  it("refuses bad settings naming the value", () => {
    expect(
      () => new RedisStore({ maxmemoryBytes: -1, maxmemoryPolicy: "noeviction" }, Math.random),
    ).toThrow(/maxmemory -1/);
    expect(
      () =>
        new RedisStore(
          { maxmemoryBytes: 1, maxmemoryPolicy: "allkeys-lru", maxmemorySamples: 0 },
          Math.random,
        ),
    ).toThrow(/maxmemory-samples 0/);
  });
});

describe("Memcached slabs", () => {
  // `memcached -vv` with the defaults prints "slab class 1: chunk size 96
  // perslab 10922", "slab class 2: chunk size 120 perslab 8738", … and ends
  // with the half-page class 524288 (sizeof(item) 48 + -n 48, × 1.25, 8-aligned).
  it("has the default chunk sizes memcached prints", () => {
    const sizes = slabChunkSizes();
    expect(sizes.slice(0, 6)).toEqual([96, 120, 152, 192, 240, 304]);
    expect(sizes.at(-1)).toBe(524288);
    expect(Math.floor((1024 * 1024) / (sizes[0] as number))).toBe(10922);
    // Each class is the previous × 1.25 rounded up to 8, until 524288 / 1.25.
    for (let i = 1; i < sizes.length - 1; i++) {
      const grown = Math.trunc((sizes[i - 1] as number) * 1.25);
      expect(sizes[i]).toBe(Math.ceil(grown / 8) * 8);
    }
  });

  it("refuses an item over the 1 MB item size limit", () => {
    const store = new MemcachedStore<number>();
    expect(store.set(1, 1, 1024 * 1024, NEVER, 0)).toBe("too_large");
    expect(store.set(1, 1, 900 * 1024, NEVER, 0)).toBe("stored");
  });

  it("evicts within an item's own slab class, and a class without pages cannot take memory from another", () => {
    // Two 1 MB pages, both taken by 96-byte chunks: 2 × 10922 small items.
    const store = new MemcachedStore<number>({ maxbytes: 2 * 1024 * 1024 });
    const small = 96 - memcachedItemBytes(5, 0); // value size that fills a 96-byte chunk with a 5-digit key
    for (let key = 10000; key < 10000 + 2 * 10922; key++) store.set(key, key, small, NEVER, 0);
    expect([store.pages, store.evictions]).toEqual([2, 0]);
    store.set(99999, 0, small, NEVER, 1);
    expect(store.evictions).toBe(1);
    expect(store.get(10000, 2)).toBeUndefined(); // the class's LRU tail
    // No automove: a 1000-byte item's class has no page and none is left.
    expect(store.set(50000, 0, 1000, NEVER, 2)).toBe("oom");
  });

  it("reclaims an expired tail item before evicting a live one", () => {
    const store = new MemcachedStore<number>({ maxbytes: 1024 * 1024 });
    const small = 96 - memcachedItemBytes(5, 0);
    store.set(10000, 0, small, 10, 0);
    for (let key = 10001; key < 10000 + 10922; key++) store.set(key, key, small, NEVER, 0);
    store.set(99999, 0, small, NEVER, 20);
    expect([store.expirations, store.evictions]).toEqual([1, 0]);
  });
});

describe("a store's key space", () => {
  it("refuses a key outside it, naming the key", () => {
    const store = new ExactLruStore<number>(10, "items", 100);
    expect(store.set(99, 1, 1, NEVER, 0)).toBe("stored");
    expect(() => store.set(100, 1, 1, NEVER, 0)).toThrow(
      /key 100 is outside the key space \[0, 100\)/,
    );
  });
});
