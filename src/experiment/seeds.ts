// Seeds for the runs of an experiment, derived from (master seed, point,
// replication) alone, so a run's seed does not depend on how many workers or
// shards ran it, nor in which order; and any run can be reproduced alone with
// `dbsim run --seed <its seed>` on its point's scenario.

/** One round of MurmurHash3's 32-bit finaliser (Appleby, MurmurHash3.cpp, fmix32). */
function fmix32(h: number): number {
  let x = h;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Mixes 32-bit words into one 32-bit hash, starting from `salt`. */
function mixWords(salt: number, words: readonly number[]): number {
  let h = salt >>> 0;
  for (const w of words) h = fmix32((h ^ fmix32(w >>> 0)) + 0x9e3779b9);
  return h;
}

/**
 * The seed of replication `replication` of point `point`: a 53-bit integer
 * hashed from the three numbers. With common random numbers pass `point` = 0
 * for every point, so replication r of every point shares its seed.
 *
 * @remarks Since 0.2.0
 */
export function deriveSeed(master: number, point: number, replication: number): number {
  for (const [name, v] of [
    ["master seed", master],
    ["point", point],
    ["replication", replication],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 0) {
      throw new RangeError(`${name}: expected a non-negative safe integer; got ${v}`);
    }
  }
  const words = [
    master % 0x1_0000_0000,
    Math.floor(master / 0x1_0000_0000),
    point % 0x1_0000_0000,
    Math.floor(point / 0x1_0000_0000),
    replication % 0x1_0000_0000,
    Math.floor(replication / 0x1_0000_0000),
  ];
  const high = mixWords(0x2545f491, words) & 0x1f_ffff; // 21 bits
  const low = mixWords(0x6a09e667, words);
  return high * 0x1_0000_0000 + low;
}
