// Redis Cluster's key → slot → node mapping. A key's slot is CRC16 (the XMODEM
// variant: polynomial 0x1021, initial value 0, no reflection) of the key modulo
// 16384, hashing only the first non-empty `{…}` hash tag when there is one
// (keyHashSlot in src/cluster.h, crc16 in src/crc16.c; the Redis Cluster
// specification, "Keys distribution model"). Slots are given to masters in
// contiguous ranges as `redis-cli --cluster create` does
// (clusterManagerCommandCreate in src/redis-cli.c).
import { keyBytes } from "./key-bytes.js";

/**
 * The number of hash slots in a Redis Cluster (CLUSTER_SLOTS).
 *
 * @remarks Since 0.2.0
 */
export const REDIS_CLUSTER_SLOTS = 16384;

/** The byte-at-a-time table for polynomial 0x1021, built once. */
const TABLE = Uint16Array.from({ length: 256 }, (_, byte) => {
  let crc = byte << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
  return crc & 0xffff;
});

/**
 * CRC-16/XMODEM of `bytes[start, end)`: `crc16("123456789") = 0x31c3`.
 *
 * @remarks Since 0.2.0
 */
export function crc16Xmodem(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc = ((crc << 8) ^ (TABLE[((crc >>> 8) ^ (bytes[i] as number)) & 0xff] as number)) & 0xffff;
  }
  return crc;
}

const OPEN = 0x7b; // "{"
const CLOSE = 0x7d; // "}"

/**
 * The hash slot of a key (0 … 16383), keyHashSlot's rules: with a `{` followed
 * later by a `}` and something between them, only what lies between the first
 * `{` and the first `}` after it is hashed; otherwise the whole key.
 *
 * @example
 * ```ts
 * redisHashSlot("{user1000}.following") === redisHashSlot("{user1000}.followers"); // true
 * ```
 *
 * @remarks Since 0.2.0
 */
export function redisHashSlot(key: number | string | Uint8Array): number {
  const bytes = keyBytes(key);
  const open = bytes.indexOf(OPEN);
  if (open >= 0) {
    const close = bytes.indexOf(CLOSE, open + 1);
    if (close > open + 1) return crc16Xmodem(bytes, open + 1, close) & 0x3fff;
  }
  return crc16Xmodem(bytes) & 0x3fff;
}

/**
 * The first slot of each of `masters` nodes, as `redis-cli --cluster create`
 * assigns them (contiguous ranges, the cursor kept in C `float`): for 3
 * masters, 0, 5461 and 10923.
 *
 * @remarks Since 0.2.0
 */
export function redisSlotRanges(masters: number): number[] {
  if (!Number.isInteger(masters) || masters < 1 || masters > REDIS_CLUSTER_SLOTS) {
    throw new RangeError(`Redis Cluster masters ${masters}; expected an integer in 1 … 16384`);
  }
  const perNode = Math.fround(REDIS_CLUSTER_SLOTS / Math.fround(masters));
  const firsts: number[] = [];
  let first = 0;
  let cursor = 0;
  for (let i = 0; i < masters; i++) {
    firsts.push(first);
    // lround rounds half away from zero; the values are positive.
    let last = Math.floor(Math.fround(Math.fround(cursor + perNode) - 1) + 0.5);
    if (last > REDIS_CLUSTER_SLOTS || i === masters - 1) last = REDIS_CLUSTER_SLOTS - 1;
    if (last < first) last = first;
    first = last + 1;
    cursor = Math.fround(cursor + perNode);
  }
  return firsts;
}

/**
 * A Redis Cluster's slot table: which master serves each slot.
 *
 * @remarks Since 0.2.0
 */
export class RedisClusterSlots {
  private readonly owners = new Uint16Array(REDIS_CLUSTER_SLOTS);

  /** @param masters - the number of masters; slots are assigned as {@link redisSlotRanges} says */
  constructor(masters: number) {
    const firsts = redisSlotRanges(masters);
    for (let node = 0; node < masters; node++) {
      const end = firsts[node + 1] ?? REDIS_CLUSTER_SLOTS;
      this.owners.fill(node, firsts[node], end);
    }
  }

  /** The master serving `slot`. */
  nodeOfSlot(slot: number): number {
    return this.owners[slot] as number;
  }

  /** The master serving `key`. */
  node(key: number | string | Uint8Array): number {
    return this.owners[redisHashSlot(key)] as number;
  }
}
