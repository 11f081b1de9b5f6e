// Citus's hash distribution: PostgreSQL hashes the distribution column with
// its type's hash function (hashint4 / hashint8: Bob Jenkins's lookup3 final
// mix, src/common/hashfn.c hash_bytes_uint32; src/backend/access/hash/
// hashfunc.c hashint8), and Citus splits the signed 32-bit hash space into
// shardCount equal ranges (citus.shard_count: 32 by default, 1 to 64000,
// shared_library_init.c), the last one
// taking the remainder: shard i holds INT32_MIN + i·⌊2³²/n⌋ … the next start
// − 1 (CreateShardsWithRoundRobinPolicy), and a hash finds its shard as
// (hash − INT32_MIN) / ⌊2³²/n⌋, capped at n − 1.

const TWO_32 = 4294967296;
const INT32_MIN = -2147483648;

function rot(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * PostgreSQL's `hash_bytes_uint32(k)` (lookup3's final mix on one word), as
 * an unsigned 32-bit number.
 *
 * @remarks Since 0.2.0
 */
export function pgHashUint32(k: number): number {
  let a = (0x9e3779b9 + 4 + 3923095) | 0;
  let b = a;
  let c = a;
  a = (a + (k | 0)) | 0;
  c ^= b;
  c = (c - rot(b, 14)) | 0;
  a ^= c;
  a = (a - rot(c, 11)) | 0;
  b ^= a;
  b = (b - rot(a, 25)) | 0;
  c ^= b;
  c = (c - rot(b, 16)) | 0;
  a ^= c;
  a = (a - rot(c, 4)) | 0;
  b ^= a;
  b = (b - rot(a, 14)) | 0;
  c ^= b;
  c = (c - rot(b, 24)) | 0;
  return c >>> 0;
}

/**
 * PostgreSQL's `hashint4(v)`, as the signed 32-bit value SQL shows (and
 * Citus's `worker_hash` returns).
 *
 * @remarks Since 0.2.0
 */
export function pgHashInt4(v: number): number {
  if (!Number.isInteger(v) || v < INT32_MIN || v > 2147483647) {
    throw new RangeError(`hashint4 takes a 32-bit integer, not ${v}`);
  }
  return pgHashUint32(v) | 0;
}

/**
 * PostgreSQL's `hashint8(v)` for a safe integer, as a signed 32-bit value: the
 * low word xor the high word (its complement for negative values), hashed, so
 * that an int8 within the int4 range hashes as the int4 does.
 *
 * @remarks Since 0.2.0
 */
export function pgHashInt8(v: number): number {
  if (!Number.isSafeInteger(v))
    throw new RangeError(`hashint8 here takes a safe integer, not ${v}`);
  const hi = Math.floor(v / TWO_32);
  const lo = v - hi * TWO_32;
  const hiWord = hi >>> 0;
  const mixed = (lo ^ (v >= 0 ? hiWord : ~hiWord)) >>> 0;
  return pgHashUint32(mixed) | 0;
}

/**
 * The shard (0 … shardCount − 1) of a signed 32-bit hash under Citus's uniform
 * hash distribution.
 *
 * @remarks Since 0.2.0
 */
export function citusShardIndex(hash: number, shardCount: number): number {
  const increment = Math.floor(TWO_32 / shardCount);
  const index = Math.floor((hash - INT32_MIN) / increment);
  return index >= shardCount ? shardCount - 1 : index;
}

/**
 * The hash ranges Citus gives `shardCount` shards: `[min, max]`, inclusive,
 * signed 32-bit, the last one ending at 2³¹ − 1.
 *
 * @remarks Since 0.2.0
 */
export function citusShardRanges(shardCount: number): { min: number; max: number }[] {
  if (!Number.isInteger(shardCount) || shardCount < 1 || shardCount > 64000) {
    throw new RangeError(`a shard count is an integer from 1 to 64000, not ${shardCount}`);
  }
  const increment = Math.floor(TWO_32 / shardCount);
  return Array.from({ length: shardCount }, (_, i) => {
    const min = INT32_MIN + i * increment;
    return { min, max: i === shardCount - 1 ? 2147483647 : min + increment - 1 };
  });
}
