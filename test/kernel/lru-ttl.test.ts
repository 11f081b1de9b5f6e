// LruTtlMap (src/kernel/lru-ttl.ts): capacity with least-recently-used eviction,
// an expiry per entry, expired entries kept until replaced. The reference model
// here is a plain array in recency order, scanned linearly.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { LruTtlMap, SimulationError } from "../../src/kernel/index.js";

describe("LruTtlMap", () => {
  it("returns a value until its expiry, not at it", () => {
    const map = new LruTtlMap<number, string>(4);
    map.set(1, "a", 100);

    expect([map.get(1, 0), map.get(1, 99.9), map.get(1, 100), map.get(2, 0)]).toEqual([
      "a",
      "a",
      undefined,
      undefined,
    ]);
    // An expired entry stays (a cache checks expiry on lookup) until it is set again.
    expect(map.size).toBe(1);
  });

  it("evicts the least recently used entry, where a hit counts as a use", () => {
    const map = new LruTtlMap<string, number>(2);
    map.set("a", 1, 1000);
    map.set("b", 2, 1000);
    map.get("a", 0); // "b" is now the least recently used

    expect(map.set("c", 3, 1000)).toBe(true);
    expect([map.get("a", 0), map.get("b", 0), map.get("c", 0), map.size]).toEqual([
      1,
      undefined,
      3,
      2,
    ]);
  });

  it("does not count a miss on an expired entry as a use", () => {
    const map = new LruTtlMap<string, number>(2);
    map.set("a", 1, 10);
    map.set("b", 2, 1000);
    map.get("a", 50); // expired: "a" stays the least recently used

    map.set("c", 3, 1000);

    expect([map.get("a", 0), map.get("b", 0)]).toEqual([undefined, 2]);
  });

  it("replaces a value and its expiry in place, without evicting", () => {
    const map = new LruTtlMap<string, number>(1);
    map.set("a", 1, 10);

    expect(map.set("a", 2, 20)).toBe(false);
    expect([map.get("a", 15), map.size]).toEqual([2, 1]);
  });

  it("deletes an entry (an invalidation)", () => {
    const map = new LruTtlMap<string, number>(2);
    map.set("a", 1, 10);

    expect([map.delete("a"), map.delete("a"), map.get("a", 0), map.size]).toEqual([
      true,
      false,
      undefined,
      0,
    ]);
  });

  it("holds nothing at capacity 0, and refuses a capacity that is not an integer ≥ 0", () => {
    const map = new LruTtlMap<string, number>(0);

    expect(map.set("a", 1, 10)).toBe(false);
    expect(map.size).toBe(0);
    expect(() => new LruTtlMap(-1)).toThrow(SimulationError);
    expect(() => new LruTtlMap(1.5)).toThrow("LruTtlMap capacity 1.5 is not an integer ≥ 0");
  });

  type Op = { set: number; expiresAt: number } | { get: number } | { del: number };
  const op = fc.oneof(
    fc
      .record({ set: fc.nat({ max: 6 }), expiresAt: fc.integer({ min: 0, max: 40 }) })
      .map((o): Op => o),
    fc.nat({ max: 6 }).map((k): Op => ({ get: k })),
    fc.nat({ max: 6 }).map((k): Op => ({ del: k })),
  );

  test.prop([fc.nat({ max: 4 }), fc.array(op, { maxLength: 100 })])(
    "agrees with a linear LRU list on every get, eviction and size",
    (capacity, script) => {
      const map = new LruTtlMap<number, number>(capacity);
      // Reference: entries from least to most recently used.
      let model: { key: number; value: number; expiresAt: number }[] = [];
      script.forEach((o, now) => {
        if ("set" in o) {
          if (capacity === 0) {
            expect(map.set(o.set, now, o.expiresAt)).toBe(false);
            return;
          }
          model = model.filter((e) => e.key !== o.set);
          model.push({ key: o.set, value: now, expiresAt: o.expiresAt });
          const evicts = model.length > capacity;
          if (evicts) model.shift();
          expect(map.set(o.set, now, o.expiresAt)).toBe(evicts);
        } else if ("get" in o) {
          const e = model.find((x) => x.key === o.get);
          const live = e !== undefined && e.expiresAt > now;
          if (live) model = [...model.filter((x) => x !== e), e];
          expect(map.get(o.get, now)).toBe(live ? e.value : undefined);
        } else {
          const had = model.some((x) => x.key === o.del);
          model = model.filter((x) => x.key !== o.del);
          expect(map.delete(o.del)).toBe(had);
        }
        expect(map.size).toBe(model.length);
      });
    },
  );
});
