// Jump consistent hash (Lamping and Veach, "A Fast, Minimal Memory, Consistent
// Hash Algorithm", 2014, arXiv:1406.2294): the reference algorithm on 64-bit
// keys — a linear congruential step key · 2862933555777941757 + 1 (mod 2^64),
// then a jump to (b + 1) · 2^31 / ((key >>> 33) + 1). Going from n to n + 1
// buckets moves a key with probability 1/(n + 1), always to the new bucket.
// jumpHashInt does the 64-bit arithmetic in four 16-bit limbs, so placing
// dbsim's integer keys allocates no BigInt.

const MULTIPLIER = 2862933555777941757n;
const MASK64 = (1n << 64n) - 1n;

function checkBuckets(buckets: number): void {
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > 2 ** 31 - 1) {
    throw new RangeError(`Jump hash buckets ${buckets}; expected an integer in 1 … 2^31 − 1`);
  }
}

/**
 * The bucket (0 … buckets − 1) of a 64-bit key, exactly the paper's
 * `JumpConsistentHash(uint64_t key, int32_t num_buckets)`.
 *
 * @example
 * ```ts
 * jumpHash(42n, 57); // 43
 * ```
 *
 * @remarks Since 0.2.0
 */
export function jumpHash(key: bigint, buckets: number): number {
  checkBuckets(buckets);
  let state = BigInt.asUintN(64, key);
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    state = (state * MULTIPLIER + 1n) & MASK64;
    j = Math.floor((b + 1) * (2 ** 31 / (Number(state >> 33n) + 1)));
  }
  return b;
}

/** The multiplier in 16-bit limbs, least significant first. */
const M0 = 0xb0fd;
const M1 = 0x87b0;
const M2 = 0x2ee6;
const M3 = 0x27bb;

/**
 * {@link jumpHash} for a non-negative safe integer key, without BigInt: the
 * same buckets for every key in 0 … 2^53 − 1.
 *
 * @remarks Since 0.2.0
 */
export function jumpHashInt(key: number, buckets: number): number {
  checkBuckets(buckets);
  if (!Number.isSafeInteger(key) || key < 0) {
    throw new RangeError(`Jump hash key ${key}; expected a safe integer ≥ 0`);
  }
  let k0 = key & 0xffff;
  let k1 = (key >>> 16) & 0xffff;
  const high = Math.floor(key / 2 ** 32);
  let k2 = high & 0xffff;
  let k3 = (high >>> 16) & 0xffff;
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    // (k · M + 1) mod 2^64, limb by limb with carries; every product < 2^32.
    let t = k0 * M0 + 1;
    const r0 = t & 0xffff;
    t = Math.floor(t / 65536) + k0 * M1 + k1 * M0;
    const r1 = t % 65536;
    t = Math.floor(t / 65536) + k0 * M2 + k1 * M1 + k2 * M0;
    const r2 = t % 65536;
    t = Math.floor(t / 65536) + k0 * M3 + k1 * M2 + k2 * M1 + k3 * M0;
    const r3 = t % 65536;
    k0 = r0;
    k1 = r1;
    k2 = r2;
    k3 = r3;
    // state >>> 33 = the top 31 bits: limbs 3 and 2 without the lowest bit of limb 2.
    const top = k3 * 32768 + (k2 >>> 1);
    j = Math.floor((b + 1) * (2 ** 31 / (top + 1)));
  }
  return b;
}
