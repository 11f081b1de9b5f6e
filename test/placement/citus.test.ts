// PostgreSQL's integer hashes and Citus's hash distribution against published
// and real values:
// - hashint4(1…4) = -1905060026, 1134484726, -28094569, -1011077333 (Citus's
//   regression tests, e.g. multi_hash_pruning.sql: "Hash value of 1, 2, 3 and
//   4 are consecutively …"), and worker_hash(3) falling in the second of four
//   shards (a comment in Citus's MERGE regression test);
// - hashint8 of eleven values as PostgreSQL 15.18 (Debian 15.18-0+deb12u1)
//   returned them for `SELECT hashint8(v)`, run once by hand on loopback;
// - four shards' ranges as Citus's citus_split_shard_by_split_points tests list
//   them (-2147483648…-1073741825, -1073741824…-1, 0…1073741823,
//   1073741824…2147483647);
// - hashint8(v) = hashint4(v) for every int4 v: the property hashfunc.c's
//   hashint8 is written for ("the hash of a value that fits in int4 is the
//   same as the int4 hash", so cross-type hash joins work).
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  citusShardIndex,
  citusShardRanges,
  pgHashInt4,
  pgHashInt8,
} from "../../src/placement/citus.js";

describe("PostgreSQL's hashint4 and hashint8", () => {
  it("hashint4(1…4) as Citus's tests give them", () => {
    expect([1, 2, 3, 4].map(pgHashInt4)).toEqual([-1905060026, 1134484726, -28094569, -1011077333]);
  });

  it("hashint8 as PostgreSQL 15.18 computes it, negative and beyond 32 bits included", () => {
    const values = [0, 1, 17, 42, 550273, 207112489, -1, -42, 2 ** 40 + 5, -(2 ** 40), 2 ** 53 - 1];
    const postgres = [
      -272711505, -1905060026, -917053276, 1509752520, 340943895, 1104236721, 385747274, -487492805,
      -68907723, -1811739487, 2016522077,
    ];
    expect(values.map(pgHashInt8)).toEqual(postgres);
  });

  test.prop([fc.integer()])("hashint8 of an int4 value equals its hashint4", (v) => {
    expect(pgHashInt8(v)).toBe(pgHashInt4(v));
  });

  it("refuses what the SQL types cannot hold", () => {
    expect(() => pgHashInt4(2 ** 31)).toThrow(/32-bit integer, not 2147483648/);
    expect(() => pgHashInt8(0.5)).toThrow(/safe integer, not 0.5/);
  });
});

describe("Citus's hash distribution", () => {
  it("four shards split the hash space as Citus's tests list", () => {
    expect(citusShardRanges(4)).toEqual([
      { min: -2147483648, max: -1073741825 },
      { min: -1073741824, max: -1 },
      { min: 0, max: 1073741823 },
      { min: 1073741824, max: 2147483647 },
    ]);
  });

  it("worker_hash(3) = -28094569 lands in the second of four shards", () => {
    expect(citusShardIndex(pgHashInt4(3), 4)).toBe(1);
  });

  test.prop([fc.integer({ min: 1, max: 64000 }), fc.integer()])(
    "a hash lands in the shard whose range holds it; the ranges tile the 32-bit space",
    (shards, hash) => {
      const ranges = citusShardRanges(shards);
      const i = citusShardIndex(hash, shards);
      expect(ranges[i]?.min).toBeLessThanOrEqual(hash);
      expect(ranges[i]?.max).toBeGreaterThanOrEqual(hash);
      expect(ranges[0]?.min).toBe(-(2 ** 31));
      expect(ranges.at(-1)?.max).toBe(2 ** 31 - 1);
    },
  );

  it("refuses a shard count Citus would", () => {
    expect(() => citusShardRanges(0)).toThrow(/integer from 1 to 64000, not 0/);
  });
});
