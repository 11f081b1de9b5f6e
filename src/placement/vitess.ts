// Vitess's `hash` vindex and keyranges. The vindex maps a 64-bit id to an
// 8-byte keyspace id by a "null-key 3DES hash" (go/vt/vtgate/vindexes/hash.go:
// des.NewTripleDESCipher over 24 zero bytes, which with three equal keys is
// DES under the zero key) of the id's big-endian bytes; a shard owns the
// keyspace ids of its keyrange, named by hex bounds ("-80", "80-", "40-80"),
// start inclusive, end exclusive, an empty bound the end of the keyspace.
import { desEncrypt, desKeySchedule } from "./des.js";

const NULL_KEY = desKeySchedule(new Uint8Array(8));
const block = new Uint32Array(2);
const TWO_32 = 4294967296;

/**
 * The keyspace id Vitess's `hash` vindex gives an id: 8 bytes.
 *
 * @param id - the id as a 64-bit integer; negative ids are taken as their
 *   two's-complement unsigned value, as Vitess does for signed columns
 * @example `vitessHash(1n)` is `16 6b 40 b4 4a ba 4b d6`.
 * @remarks Since 0.2.0
 */
export function vitessHash(id: bigint): Uint8Array {
  const u = BigInt.asUintN(64, id);
  desEncrypt(Number(u >> 32n), Number(u & 0xffffffffn), NULL_KEY, block);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setUint32(0, block[0] as number);
  new DataView(out.buffer).setUint32(4, block[1] as number);
  return out;
}

/**
 * The first four bytes of {@link vitessHash}'s keyspace id, as an unsigned
 * 32-bit number, for an id that is a non-negative safe integer: enough to
 * place the id in keyranges of up to four bytes, without a BigInt or an
 * allocation (the simulation's hot path).
 *
 * @remarks Since 0.2.0
 */
export function vitessHashPrefix(id: number): number {
  if (!Number.isSafeInteger(id) || id < 0) {
    throw new RangeError(`a Vitess id here is a safe integer ≥ 0, not ${id}`);
  }
  const hi = Math.floor(id / TWO_32);
  desEncrypt(hi, id - hi * TWO_32, NULL_KEY, block);
  return block[0] as number;
}

/**
 * A shard's keyrange as 32-bit prefixes: `start` ≤ prefix < `end`, with `end`
 * 2³² for the end of the keyspace.
 *
 * @remarks Since 0.2.0
 */
export interface KeyRangePrefix {
  /** The keyrange's name as Vitess writes it ("-80", "80-c0", "-"). */
  readonly name: string;
  /** First prefix in the range. */
  readonly start: number;
  /** First prefix past the range (2³² = the end of the keyspace). */
  readonly end: number;
}

/** A keyrange bound ("80", "c0", "" ) as a 32-bit prefix; `empty` for "". */
function boundOf(hex: string, empty: number, name: string): number {
  if (hex === "") return empty;
  if (!/^[0-9a-f]+$/i.test(hex) || hex.length % 2 !== 0 || hex.length > 8) {
    throw new RangeError(
      `keyrange "${name}": bound "${hex}" is not 1 to 4 bytes of hex (e.g. "80", "c0", "4000")`,
    );
  }
  return Number.parseInt(hex.padEnd(8, "0"), 16);
}

/**
 * Parses a Vitess keyrange name ("-80", "80-", "40-80", "-" for the whole
 * keyspace) into 32-bit prefixes; bounds longer than 4 bytes are refused.
 *
 * @remarks Since 0.2.0
 */
export function parseKeyRange(name: string): KeyRangePrefix {
  const dash = name.indexOf("-");
  if (dash < 0 || name.indexOf("-", dash + 1) >= 0) {
    throw new RangeError(
      `keyrange "${name}": expected start-end in hex, e.g. "-80", "80-", "40-80"`,
    );
  }
  const start = boundOf(name.slice(0, dash), 0, name);
  const end = boundOf(name.slice(dash + 1), TWO_32, name);
  if (!(start < end)) {
    throw new RangeError(`keyrange "${name}": its start is not below its end`);
  }
  return { name, start, end };
}

/**
 * Checks that keyranges, in order, cover the keyspace from start to end with
 * no gap and no overlap, as a keyspace's shards must; throws a RangeError
 * naming the first two that do not meet.
 *
 * @remarks Since 0.2.0
 */
export function checkKeyRanges(ranges: readonly KeyRangePrefix[]): void {
  let at = 0;
  let previous = "(the start of the keyspace)";
  for (const r of ranges) {
    if (r.start !== at) {
      const what = r.start > at ? "leaves a gap after" : "overlaps";
      throw new RangeError(`keyrange "${r.name}" ${what} ${previous}`);
    }
    at = r.end;
    previous = `"${r.name}"`;
  }
  if (at !== TWO_32) {
    throw new RangeError(`the keyranges end at ${previous}, short of the end of the keyspace`);
  }
}

/**
 * The index of the keyrange (sorted, covering, as {@link checkKeyRanges}
 * accepts) that holds a keyspace-id prefix: binary search, no allocation.
 *
 * @remarks Since 0.2.0
 */
export function keyRangeIndex(ranges: readonly KeyRangePrefix[], prefix: number): number {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (prefix < (ranges[mid] as KeyRangePrefix).end) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
