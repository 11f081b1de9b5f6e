// The layout a reshard moves to, for any split: a range split at k inside
// [lo, hi) moves exactly the keys k … hi − 1, all onto the new shard; a
// keyrange split moves exactly the source shard's keys, each onto the new
// shard whose keyrange holds its keyspace id (Vitess's hash vindex); a
// directory move moves the keys named and no others.
import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import { ShardMap } from "../../src/models/sharding/shard-map.js";
import { keyRangeIndex, parseKeyRange, vitessHashPrefix } from "../../src/placement/index.js";
import type { Reshard } from "../../src/scenario/components/reshard-event.js";
import { reshardTarget } from "../../src/scenario/components/reshard-layout.js";
import { ShardingSchema } from "../../src/scenario/components/sharding-section.js";

const KEYS = 500;
const RUNS = { numRuns: 30 };
const layout = (map: ShardMap): number[] =>
  Array.from({ length: map.keys }, (_, k) => map.shardOf(k));
const event = (over: Partial<Reshard>): Reshard =>
  ({
    at: 0,
    kind: "reshard",
    rowsPerSec: 1,
    batchRows: 1,
    copyMsPerRow: 0,
    cutover: 0,
    rowBytes: 1,
    ...over,
  }) as Reshard;

test.prop(
  [
    fc.uniqueArray(fc.integer({ min: 1, max: KEYS - 1 }), { minLength: 1, maxLength: 6 }),
    fc.integer({ min: 1, max: KEYS - 1 }),
  ],
  RUNS,
)(
  "a range split at k moves the keys from k to the next boundary, onto the new shard",
  (cuts, split) => {
    const boundaries = [...cuts].sort((a, b) => a - b);
    fc.pre(!boundaries.includes(split));
    const spec = ShardingSchema.parse({ strategy: "range", boundaries });
    const before = new ShardMap({ strategy: "range", boundaries }, KEYS);
    const after = reshardTarget(spec, event({ split }), KEYS, undefined);
    const upper = boundaries.find((b) => b > split) ?? KEYS;
    expect(before.movedTo(after)).toBe(upper - split);
    expect(after.shards).toBe(boundaries.length + 2);
    const expected = layout(before).map((s, key) =>
      key >= split && key < upper ? boundaries.length + 1 : s,
    );
    expect(layout(after)).toEqual(expected);
  },
);

test.prop(
  [fc.constantFrom(["-80", "80-"], ["-40", "40-80", "80-"], ["-c0", "c0-"]), fc.nat()],
  RUNS,
)(
  "a keyrange split moves exactly the source shard's keys, each to the part holding its keyspace id",
  (drawn, pick) => {
    const keyranges: readonly string[] = drawn;
    const source = keyranges[pick % keyranges.length] as string;
    const whole = parseKeyRange(source);
    const mid = whole.start + Math.floor((whole.end - whole.start) / 2 / 2 ** 24) * 2 ** 24;
    fc.pre(mid > whole.start);
    const hex = (v: number) => v.toString(16).padStart(8, "0").slice(0, 2);
    const into = [`${source.split("-")[0]}-${hex(mid)}`, `${hex(mid)}-${source.split("-")[1]}`];
    const spec = ShardingSchema.parse({ strategy: "keyspace", keyranges });
    const before = new ShardMap({ strategy: "keyspace", keyranges }, KEYS);
    const after = reshardTarget(spec, event({ split: source, into }), KEYS, undefined);
    const parts = into.map(parseKeyRange);
    const from = keyranges.indexOf(source);
    const expected = layout(before).map((s, key) =>
      s === from ? keyranges.length + keyRangeIndex(parts, vitessHashPrefix(key)) : s,
    );
    expect(layout(after)).toEqual(expected);
    expect(before.movedTo(after)).toBe(before.keysPerShard()[from]);
  },
);

test.prop(
  [
    fc.integer({ min: 0, max: KEYS - 1 }),
    fc.integer({ min: 1, max: 200 }),
    fc.integer({ min: 0, max: 3 }),
  ],
  RUNS,
)(
  "a directory move of keys [from, to) to a shard moves those not already there, and no others",
  (from, length, shard) => {
    const to = Math.min(KEYS, from + length);
    const spec = ShardingSchema.parse({ strategy: "directory", shards: 4 });
    const before = new ShardMap({ strategy: "hash-mod", shards: 4 }, KEYS);
    const after = reshardTarget(spec, event({ move: { from, to, shard } }), KEYS, undefined);
    const named = (key: number) => key >= from && key < to;
    const expected = layout(before).map((s, key) => (named(key) ? shard : s));
    expect(layout(after)).toEqual(expected);
    const already = layout(before).filter((s, key) => named(key) && s === shard).length;
    expect(before.movedTo(after)).toBe(to - from - already);
  },
);
