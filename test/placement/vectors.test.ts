// Placement functions against published values: RFC 1321's MD5 test suite,
// CRC-16/XMODEM's check value, Redis's documented slots, redis-cli's slot
// ranges, libmemcached's ketama test cases and ClickHouse's jump hash tests.
import { describe, expect, it } from "vitest";
import {
  crc16Xmodem,
  jumpHash,
  jumpHashInt,
  KetamaRing,
  ketamaKeyHash,
  keyBytes,
  md5,
  RedisClusterSlots,
  redisHashSlot,
  redisSlotRanges,
} from "../../src/placement/index.js";

const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");

describe("md5", () => {
  // RFC 1321, appendix A.5 ("Test suite").
  it.each([
    ["", "d41d8cd98f00b204e9800998ecf8427e"],
    ["a", "0cc175b9c0f1b6a831c399e269772661"],
    ["abc", "900150983cd24fb0d6963f7d28e17f72"],
    ["message digest", "f96b697d7cb7938d525a2f31aaf161d0"],
    ["abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"],
    [
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
      "d174ab98d277d9f5a5611c2c9f419d9f",
    ],
    [
      "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
      "57edf4a22be3c955ac49da2e2107b67a",
    ],
  ])("md5(%j) is RFC 1321's %s", (text, digest) => {
    expect(hex(md5(keyBytes(text)))).toBe(digest);
  });
});

describe("Redis Cluster slots", () => {
  it("CRC-16/XMODEM of 123456789 is 0x31C3 (the check value in Redis's src/crc16.c)", () => {
    expect(crc16Xmodem(keyBytes("123456789"))).toBe(0x31c3);
  });

  // Redis docs, CLUSTER KEYSLOT: somekey → 11058; foo{hash_tag} and bar{hash_tag} → 2515.
  it("gives the slots the CLUSTER KEYSLOT documentation shows", () => {
    expect(redisHashSlot("somekey")).toBe(11058);
    expect(redisHashSlot("foo{hash_tag}")).toBe(2515);
    expect(redisHashSlot("bar{hash_tag}")).toBe(2515);
  });

  // The Redis Cluster specification, "Hash tags", its four examples.
  it("follows the hash tag rules of keyHashSlot (src/cluster.h)", () => {
    expect(redisHashSlot("{user1000}.following")).toBe(redisHashSlot("user1000"));
    expect(redisHashSlot("foo{}{bar}")).toBe(crc16Xmodem(keyBytes("foo{}{bar}")) & 0x3fff);
    expect(redisHashSlot("foo{{bar}}zap")).toBe(redisHashSlot("{bar"));
    expect(redisHashSlot("foo{bar}{zap}")).toBe(redisHashSlot("bar"));
  });

  it("hashes an integer key as its decimal digits", () => {
    expect(redisHashSlot(42)).toBe(redisHashSlot("42"));
  });

  // redis-cli --cluster create prints "Master[0] -> Slots 0 - 5460",
  // "Master[1] -> Slots 5461 - 10922", "Master[2] -> Slots 10923 - 16383".
  it("splits the slots as redis-cli --cluster create does", () => {
    expect(redisSlotRanges(3)).toEqual([0, 5461, 10923]);
    const cluster = new RedisClusterSlots(3);
    expect([0, 5460, 5461, 10922, 10923, 16383].map((s) => cluster.nodeOfSlot(s))).toEqual([
      0, 0, 1, 1, 2, 2,
    ]);
    expect(() => redisSlotRanges(0)).toThrow(/masters 0/);
  });
});

describe("ketama", () => {
  // libmemcached test/tests/memcached/ketama.cpp ("memcached_ketama_compat") with
  // test/fixtures/ketama.hpp: servers 10.0.1.1 … 10.0.1.8 on the default port
  // 11211 (so labelled without it, hosts.cc update_continuum) with weights 600,
  // 300, 200, 350, 1000, 800, 950, 100; key → server (a sample of its 99 cases).
  const weights = [600, 300, 200, 350, 1000, 800, 950, 100];
  const ring = new KetamaRing(weights.map((weight, i) => ({ label: `10.0.1.${i + 1}`, weight })));
  it.each([
    ["SVa_]_V41)", 443691461, "10.0.1.7"],
    ["*/Z;?V(.\\8", 1422915503, "10.0.1.1"],
    ["30C1*Z*S/_", 1473165754, "10.0.1.2"],
    ["ERR:EC58G>", 2148406511, "10.0.1.7"],
    ["1I=cTMNTKF", 2882686667, "10.0.1.5"],
    ["/XLN0@+36;", 1623269830, "10.0.1.1"],
    ["726bW=9*a4", 4213440020, "10.0.1.7"],
    ["P1[Ma3=K1/", 1989324036, "10.0.1.8"],
    ["D[HE+cFXDK", 2117036136, "10.0.1.3"],
    ["FL;\\GWacaV", 458449508, "10.0.1.4"],
  ])("key %j hashes to %d and goes to %s", (key, hash, server) => {
    expect(ketamaKeyHash(key)).toBe(hash);
    expect(`10.0.1.${ring.node(key) + 1}`).toBe(server);
  });

  it("wraps past the last point to the first (VDEAAAAA hashes to 0xfffcd1b5)", () => {
    expect(ketamaKeyHash("VDEAAAAA")).toBe(0xfffcd1b5);
    expect(ring.node("VDEAAAAA")).toBe(ring.nodeOfHash(0));
  });

  it("puts 160 points per server in weighted mode with equal weights, 100 unweighted", () => {
    const labels = ["a:11211", "b:11211", "c:11211"].map((label) => ({ label }));
    expect(new KetamaRing(labels).size).toBe(480);
    expect(new KetamaRing(labels, "unweighted").size).toBe(300);
    expect(() => new KetamaRing([])).toThrow(/at least one server/);
    expect(() => new KetamaRing([{ label: "a", weight: 0 }])).toThrow(/"a" weight 0/);
  });
});

describe("jump consistent hash", () => {
  // ClickHouse tests/queries/0_stateless/00580_consistent_hashing_functions.sql and
  // its .reference: jumpConsistentHash(1, 1), (42, 57), (256, 1024),
  // (3735883980, 1), (3735883980, 666), (16045690984833335023, 255).
  it.each([
    [1n, 1, 0],
    [42n, 57, 43],
    [256n, 1024, 520],
    [3735883980n, 1, 0],
    [3735883980n, 666, 361],
    [16045690984833335023n, 255, 237],
  ])("jumpHash(%s, %d) = %d", (key, buckets, bucket) => {
    expect(jumpHash(key, buckets)).toBe(bucket);
    if (key < 2n ** 53n) expect(jumpHashInt(Number(key), buckets)).toBe(bucket);
  });

  it("refuses a bucket count below 1 and a negative integer key", () => {
    expect(() => jumpHash(1n, 0)).toThrow(/buckets 0/);
    expect(() => jumpHashInt(-1, 3)).toThrow(/key -1/);
  });
});

describe("keyBytes", () => {
  it("encodes strings as UTF-8 and integers as their decimal digits", () => {
    expect(hex(keyBytes("aé€😀"))).toBe("61c3a9e282acf09f9880");
    expect(hex(keyBytes(-42))).toBe("2d3432");
    expect(() => keyBytes(1.5)).toThrow(/1.5 is not a safe integer/);
  });
});
