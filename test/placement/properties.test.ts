// Universal statements about placement: balance, minimal movement when a node is
// added (Karger et al. 1997 for consistent hashing; Lamping and Veach 2014 §2 for
// jump; Thaler and Ravishankar 1998 for rendezvous), and determinism.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  hashMod,
  jumpHash,
  jumpHashInt,
  KetamaRing,
  RedisClusterSlots,
  rendezvousHash,
} from "../../src/placement/index.js";

const KEYS = 20_000;
const ringOf = (n: number): KetamaRing =>
  new KetamaRing(Array.from({ length: n }, (_, i) => ({ label: `10.0.0.${i + 1}:11211` })));

/** Each key's node under `place` with n and n + 1 nodes. */
function moves(place: (key: number, nodes: number) => number, n: number) {
  let moved = 0;
  let movedElsewhere = 0;
  for (let key = 0; key < KEYS; key++) {
    const before = place(key, n);
    const after = place(key, n + 1);
    if (before !== after) {
      moved++;
      if (after !== n) movedElsewhere++;
    }
  }
  return { share: moved / KEYS, movedElsewhere };
}

/** Binomial standard deviation of a share p over KEYS keys; 5 sd bounds a fixed-seed check. */
const tolerance = (p: number): number => 5 * Math.sqrt((p * (1 - p)) / KEYS);

describe("adding a node", () => {
  const rings = new Map<number, KetamaRing>();
  const ketama = (key: number, nodes: number): number => {
    let ring = rings.get(nodes);
    if (ring === undefined) {
      ring = ringOf(nodes);
      rings.set(nodes, ring);
    }
    return ring.node(key);
  };

  it.each([
    ["jump", jumpHashInt],
    ["rendezvous", rendezvousHash],
  ] as const)("under %s moves 1/(n+1) of the keys, all to the new node", (_, place) => {
    for (const n of [1, 4, 10]) {
      const { share, movedElsewhere } = moves(place, n);
      expect(movedElsewhere).toBe(0);
      expect(Math.abs(share - 1 / (n + 1))).toBeLessThan(tolerance(1 / (n + 1)));
    }
  });

  it("under ketama moves only keys to the new server, about 1/(n+1) of them", () => {
    for (const n of [4, 10]) {
      const { share, movedElsewhere } = moves(ketama, n);
      expect(movedElsewhere).toBe(0);
      // A ring's share has coefficient of variation √((n−1)/(nv+1)) (v = 160 points);
      // the new server's share lies within 4 of those of 1/(n+1).
      const cv = Math.sqrt(n / ((n + 1) * 160 + 1));
      expect(Math.abs(share - 1 / (n + 1))).toBeLessThan((4 * cv) / (n + 1));
    }
  });

  it("under hash-mod moves about n/(n+1) of the keys", () => {
    for (const n of [4, 10]) {
      const { share } = moves(hashMod, n);
      expect(Math.abs(share - n / (n + 1))).toBeLessThan(tolerance(n / (n + 1)));
    }
  });
});

describe("balance", () => {
  it.each([
    ["jump", jumpHashInt],
    ["rendezvous", rendezvousHash],
    ["hash-mod", hashMod],
  ] as const)("%s gives each of 8 nodes 1/8 of the keys, within binomial noise", (_, place) => {
    const counts = new Array<number>(8).fill(0);
    for (let key = 0; key < KEYS; key++)
      counts[place(key, 8)] = (counts[place(key, 8)] as number) + 1;
    for (const count of counts) {
      expect(Math.abs(count / KEYS - 1 / 8)).toBeLessThan(tolerance(1 / 8));
    }
  });

  it("Redis Cluster spreads integer keys over its slots' owners in proportion to their slots", () => {
    const cluster = new RedisClusterSlots(3);
    const counts = [0, 0, 0];
    for (let key = 0; key < KEYS; key++)
      counts[cluster.node(key)] = (counts[cluster.node(key)] as number) + 1;
    // Slots 0–5460, 5461–10922, 10923–16383: 5461, 5462, 5461 of 16384.
    for (const [node, slots] of [5461, 5462, 5461].entries()) {
      expect(Math.abs((counts[node] as number) / KEYS - slots / 16384)).toBeLessThan(
        tolerance(1 / 3),
      );
    }
  });
});

describe("determinism and range", () => {
  test.prop([fc.maxSafeInteger().filter((k) => k >= 0), fc.integer({ min: 1, max: 5000 })])(
    "jumpHashInt agrees with the BigInt reference and stays in range",
    (key, buckets) => {
      const bucket = jumpHashInt(key, buckets);
      expect(bucket).toBe(jumpHash(BigInt(key), buckets));
      expect(bucket).toBeGreaterThanOrEqual(0);
      expect(bucket).toBeLessThan(buckets);
    },
  );

  test.prop([fc.maxSafeInteger(), fc.integer({ min: 1, max: 64 })])(
    "rendezvous and hash-mod are pure and in range",
    (key, nodes) => {
      for (const place of [rendezvousHash, hashMod]) {
        const node = place(key, nodes);
        expect(place(key, nodes)).toBe(node);
        expect(node).toBeGreaterThanOrEqual(0);
        expect(node).toBeLessThan(nodes);
      }
    },
  );

  test.prop([fc.string({ maxLength: 40 })])("two rings built alike place keys alike", (key) => {
    expect(ringOf(5).node(key)).toBe(ringOf(5).node(key));
  });

  it("rendezvous removing the last node moves only that node's keys", () => {
    for (let key = 0; key < KEYS; key++) {
      const before = rendezvousHash(key, 6);
      if (before !== 5) expect(rendezvousHash(key, 5)).toBe(before);
    }
  });
});
