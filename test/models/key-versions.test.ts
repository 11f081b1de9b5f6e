// Per-key state held over a shard's keys only (issue 13): a node's arrays span
// the keys the starting shard map gives its shard, other keys are kept aside as
// they are written. The model is the full array per node the server kept before,
// so every answer must equal what a Uint32Array over the whole key space gives.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { resolveScenario } from "../../src/index.js";
import { Simulation } from "../../src/kernel/index.js";
import { KeyVersions, ShardKeySlots } from "../../src/models/server/key-versions.js";
import { buildTopology } from "../../src/scenario/build.js";
import { estimateWork } from "../../src/scenario/estimate.js";

describe("KeyVersions over a shard's slots", () => {
  it("answers every read as full arrays over the key space would, whatever the layout", () => {
    const keys = 40;
    const step = fc.record({
      key: fc.nat({ max: keys - 1 }),
      version: fc.nat(),
      lsn: fc.nat(),
    });
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 3 }), { minLength: keys, maxLength: keys }),
        fc.array(step, { maxLength: 60 }),
        (homes, writes) => {
          const slots = ShardKeySlots.ofLayout(Uint16Array.from(homes), 4);
          // Each shard's slots number its keys 0 … size − 1 in key order.
          for (const [s, own] of slots.entries()) {
            const mine = homes.flatMap((h, key) => (h === s ? [key] : []));
            expect(own.size).toBe(mine.length);
            expect(mine.map((key) => own.slotOf(key))).toEqual(mine.map((_, i) => i));
          }
          for (const own of slots) {
            const held = new KeyVersions(keys, own);
            const versions = new Uint32Array(keys);
            const lsns = new Uint32Array(keys);
            for (const w of writes) {
              held.set(w.key, w.version, w.lsn);
              versions[w.key] = w.version;
              lsns[w.key] = w.lsn;
            }
            for (let key = 0; key < keys; key++) {
              expect(held.version(key)).toBe(versions[key]);
              expect(held.lsn(key)).toBe(lsns[key]);
            }
          }
        },
      ),
    );
  });

  it("ranks keys in 2 bytes while every shard holds at most 65,536 keys, in 4 past that, and still counts past 65,535", () => {
    // A Uint16Array holds 0 … 65,535: ranks of a shard of 65,536 keys fit, of 65,537 they do not.
    for (const [held, width] of [
      [65_536, 2],
      [65_537, 4],
    ] as const) {
      const home = new Uint16Array(held + 3).fill(0);
      home.fill(1, held); // the last 3 keys are shard 1's
      const [s0, s1] = ShardKeySlots.ofLayout(home, 2) as [ShardKeySlots, ShardKeySlots];
      expect([s0.rankBytes, s1.rankBytes]).toEqual([width, width]);
      expect([s0.slotOf(held - 1), s0.slotOf(held), s1.slotOf(held + 2)]).toEqual([
        held - 1,
        -1,
        2,
      ]);
    }
  });

  it("keeps a value past 2^32 − 1 aside as a Uint32Array slot would (modulo 2^32)", () => {
    const held = new KeyVersions(4, ShardKeySlots.ofLayout(Uint16Array.from([0, 1, 0, 1]), 2)[0]!);
    held.set(1, 2 ** 32 + 5, 2 ** 32 + 7);
    expect([held.version(1), held.lsn(1)]).toEqual([5, 7]);
  });
});

describe("a sharded plan's nodes", () => {
  it("hold per-key arrays over their shard's keys only, not the whole key space", () => {
    // Range boundaries 300 and 700 split keys 0 … 999 into [0, 300), [300, 700), [700, 1000).
    const scenario = resolveScenario({
      duration: 100,
      workload: { rate: 10, keys: { count: 1000 } },
      replication: { replicas: 1 },
      sharding: { strategy: "range", boundaries: [300, 700] },
    });
    const topology = buildTopology(new Simulation({ seed: 1 }), scenario);
    const sizes = topology.clusters.map((c) => c.nodes.map((n) => n.server.versions.length));
    expect(sizes).toEqual([
      [300, 300],
      [400, 400],
      [300, 300],
    ]);
  });
});

describe("KeyVersions without LSNs", () => {
  it("holds versions only: half the bytes, every LSN read as 0", () => {
    const held = new KeyVersions(8, null, false);
    held.set(3, 2, 9);
    expect([held.version(3), held.lsn(3), held.versions.byteLength, held.lsns.byteLength]).toEqual([
      2, 0, 32, 0,
    ]);
  });
});

describe("the estimate of a sharded plan's memory", () => {
  it("counts the shards' key state once, plus 6 bytes of slots per key, whatever the shard count", () => {
    // Shard i's nodes hold arrays over its keys only: summed over the shards, the
    // one cluster's key versions the estimate counts; the slots add a 2-byte copy of
    // the layout and a 4-byte index per key.
    const memory = (shards: number) =>
      estimateWork(
        resolveScenario({
          duration: 100,
          workload: { rate: 10, keys: { count: 1000 } },
          replication: { replicas: 2 },
          sharding: { strategy: "hash-mod", shards },
        }),
      ).memory.filter((m) => /key/.test(m.what));
    const four = memory(4);
    expect(four.find((m) => m.what.startsWith("shard key slots"))?.bytes).toBe(6000);
    expect(memory(16)).toEqual(four);
  });
});
