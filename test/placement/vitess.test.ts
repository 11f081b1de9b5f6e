// Vitess's `hash` vindex and keyranges against published values:
// - DES itself against FIPS/NIST known answers: NIST SP 800-17 table A.1
//   (key 01…01, one plaintext bit set) and the worked example of "The DES
//   Algorithm Illustrated" (J. O. Grabbe: key 133457799BBCDFF1);
// - the vindex against Vitess's own test, go/vt/vtgate/vindexes/hash_test.go
//   TestHashMap (ids 1–6; its Go byte strings decoded to hex here).
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { desEncrypt, desKeySchedule } from "../../src/placement/des.js";
import {
  checkKeyRanges,
  keyRangeIndex,
  parseKeyRange,
  vitessHash,
  vitessHashPrefix,
} from "../../src/placement/vitess.js";

const hexBytes = (s: string): Uint8Array =>
  Uint8Array.from((s.match(/../g) ?? []).map((h) => Number.parseInt(h, 16)));
const toHex = (b: Uint8Array): string =>
  [...b].map((x) => x.toString(16).padStart(2, "0")).join("");

function encrypt(key: string, plain: string): string {
  const p = new DataView(hexBytes(plain).buffer);
  const out = new Uint32Array(2);
  desEncrypt(p.getUint32(0), p.getUint32(4), desKeySchedule(hexBytes(key)), out);
  return (
    (out[0] as number).toString(16).padStart(8, "0") +
    (out[1] as number).toString(16).padStart(8, "0")
  );
}

describe("DES (FIPS 46-3) known answers", () => {
  it.each([
    ["133457799bbcdff1", "0123456789abcdef", "85e813540f0ab405"],
    ["0101010101010101", "8000000000000000", "95f8a5e5dd31d900"],
    ["0101010101010101", "4000000000000000", "dd7f121ca5015619"],
    ["0101010101010101", "0000000000000002", "06e7ea22ce92708f"],
    ["0101010101010101", "0000000000000001", "166b40b44aba4bd6"],
  ])("key %s, plaintext %s → %s", (key, plain, cipher) => {
    expect(encrypt(key, plain)).toBe(cipher);
  });

  it("refuses a key that is not 8 bytes", () => {
    expect(() => desKeySchedule(new Uint8Array(7))).toThrow(/8 bytes, not 7/);
  });
});

describe("vitessHash: Vitess's hash vindex", () => {
  it.each([
    [1n, "166b40b44aba4bd6"],
    [2n, "06e7ea22ce92708f"],
    [3n, "4eb190c9a2fa169c"],
    [4n, "d2fd8867d50d2dfe"],
    [5n, "70bb023c810ca87a"],
    [6n, "f098480ac4c4be71"],
  ])("id %s → keyspace id %s (hash_test.go TestHashMap)", (id, ksid) => {
    expect(toHex(vitessHash(id))).toBe(ksid);
  });

  test.prop([fc.maxSafeNat()])("the prefix is the keyspace id's first 4 bytes", (id) => {
    const ksid = vitessHash(BigInt(id));
    expect(vitessHashPrefix(id)).toBe(new DataView(ksid.buffer).getUint32(0));
  });

  it("takes a negative id as its two's complement, as Vitess does for signed columns", () => {
    expect(toHex(vitessHash(-1n))).toBe(toHex(vitessHash(2n ** 64n - 1n)));
  });

  it("refuses an id the prefix cannot take", () => {
    expect(() => vitessHashPrefix(-1)).toThrow(/safe integer ≥ 0, not -1/);
    expect(() => vitessHashPrefix(2 ** 53)).toThrow(/not 9007199254740992/);
  });
});

describe("keyranges", () => {
  it("parses Vitess's names: -80, 80-, 40-80, -", () => {
    expect(parseKeyRange("-80")).toEqual({ name: "-80", start: 0, end: 0x80000000 });
    expect(parseKeyRange("80-")).toEqual({ name: "80-", start: 0x80000000, end: 2 ** 32 });
    expect(parseKeyRange("40-80")).toEqual({ name: "40-80", start: 0x40000000, end: 0x80000000 });
    expect(parseKeyRange("-")).toEqual({ name: "-", start: 0, end: 2 ** 32 });
  });

  it.each([
    ["80", /expected start-end/],
    ["8-", /not 1 to 4 bytes of hex/],
    ["zz-", /not 1 to 4 bytes of hex/],
    ["0102030405-", /not 1 to 4 bytes of hex/],
    ["80-40", /start is not below its end/],
  ])("refuses %s", (name, message) => {
    expect(() => parseKeyRange(name)).toThrow(message);
  });

  it("accepts shards that cover the keyspace, refuses gaps and overlaps, naming them", () => {
    const ranges = (...names: string[]) => names.map(parseKeyRange);
    expect(() => checkKeyRanges(ranges("-40", "40-80", "80-c0", "c0-"))).not.toThrow();
    expect(() => checkKeyRanges(ranges("-40", "80-"))).toThrow(/"80-" leaves a gap after "-40"/);
    expect(() => checkKeyRanges(ranges("-80", "40-"))).toThrow(/"40-" overlaps "-80"/);
    expect(() => checkKeyRanges(ranges("-80"))).toThrow(/end at "-80", short of the end/);
  });

  test.prop([fc.integer({ min: 1, max: 16 }), fc.nat({ max: 2 ** 32 - 1 })])(
    "a prefix lands in the one range that holds it (binary search = linear scan)",
    (shards, prefix) => {
      const step = Math.floor(2 ** 32 / shards);
      const bounds = Array.from({ length: shards - 1 }, (_, i) =>
        ((i + 1) * step).toString(16).padStart(8, "0"),
      );
      const names = [...bounds, ""].map((end, i) => `${i === 0 ? "" : bounds[i - 1]}-${end}`);
      const ranges = names.map(parseKeyRange);
      checkKeyRanges(ranges);
      const linear = ranges.findIndex((r) => r.start <= prefix && prefix < r.end);
      expect(keyRangeIndex(ranges, prefix)).toBe(linear);
    },
  );
});
