// DES (FIPS PUB 46-3), encryption of one 64-bit block: what Vitess's `hash`
// vindex is made of (a null-key 3DES, which is DES with the zero key). Written
// here because the placement layer is browser code without Node's crypto. The
// tables are the standard's, numbered from 1 at the most significant bit; the
// rounds use the usual combined S-and-P tables (one lookup per S-box), built
// once. Not for secrecy: DES is broken; this is a placement function.

const IP = [
  58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6, 64,
  56, 48, 40, 32, 24, 16, 8, 57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, 61, 53,
  45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
];
const FP = [
  40, 8, 48, 16, 56, 24, 64, 32, 39, 7, 47, 15, 55, 23, 63, 31, 38, 6, 46, 14, 54, 22, 62, 30, 37,
  5, 45, 13, 53, 21, 61, 29, 36, 4, 44, 12, 52, 20, 60, 28, 35, 3, 43, 11, 51, 19, 59, 27, 34, 2,
  42, 10, 50, 18, 58, 26, 33, 1, 41, 9, 49, 17, 57, 25,
];
const P = [
  16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13,
  30, 6, 22, 11, 4, 25,
];
const PC1 = [
  57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60,
  52, 44, 36, 63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21,
  13, 5, 28, 20, 12, 4,
];
const PC2 = [
  14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2, 41, 52,
  31, 37, 47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
];
const SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];
// S1 … S8, each 4 rows of 16 (row = outer bits b1b6, column = inner bits b2…b5).
const S = [
  "14 4 13 1 2 15 11 8 3 10 6 12 5 9 0 7 0 15 7 4 14 2 13 1 10 6 12 11 9 5 3 8 4 1 14 8 13 6 2 11 15 12 9 7 3 10 5 0 15 12 8 2 4 9 1 7 5 11 3 14 10 0 6 13",
  "15 1 8 14 6 11 3 4 9 7 2 13 12 0 5 10 3 13 4 7 15 2 8 14 12 0 1 10 6 9 11 5 0 14 7 11 10 4 13 1 5 8 12 6 9 3 2 15 13 8 10 1 3 15 4 2 11 6 7 12 0 5 14 9",
  "10 0 9 14 6 3 15 5 1 13 12 7 11 4 2 8 13 7 0 9 3 4 6 10 2 8 5 14 12 11 15 1 13 6 4 9 8 15 3 0 11 1 2 12 5 10 14 7 1 10 13 0 6 9 8 7 4 15 14 3 11 5 2 12",
  "7 13 14 3 0 6 9 10 1 2 8 5 11 12 4 15 13 8 11 5 6 15 0 3 4 7 2 12 1 10 14 9 10 6 9 0 12 11 7 13 15 1 3 14 5 2 8 4 3 15 0 6 10 1 13 8 9 4 5 11 12 7 2 14",
  "2 12 4 1 7 10 11 6 8 5 3 15 13 0 14 9 14 11 2 12 4 7 13 1 5 0 15 10 3 9 8 6 4 2 1 11 10 13 7 8 15 9 12 5 6 3 0 14 11 8 12 7 1 14 2 13 6 15 0 9 10 4 5 3",
  "12 1 10 15 9 2 6 8 0 13 3 4 14 7 5 11 10 15 4 2 7 12 9 5 6 1 13 14 0 11 3 8 9 14 15 5 2 8 12 3 7 0 4 10 1 13 11 6 4 3 2 12 9 5 15 10 11 14 1 7 6 0 8 13",
  "4 11 2 14 15 0 8 13 3 12 9 7 5 10 6 1 13 0 11 7 4 9 1 10 14 3 5 12 2 15 8 6 1 4 11 13 12 3 7 14 10 15 6 8 0 5 9 2 6 11 13 8 1 4 10 7 9 5 0 15 14 2 3 12",
  "13 2 8 4 6 15 11 1 10 9 3 14 5 0 12 7 1 15 13 8 10 3 7 4 12 5 6 11 0 14 9 2 7 11 4 1 9 12 14 2 0 6 10 13 15 3 5 8 2 1 14 7 4 10 8 13 15 12 9 0 3 5 6 11",
].map((row) => row.split(" ").map(Number));

/** Bit `n` (1 = most significant) of the 64-bit value `hi:lo`. */
function bit64(hi: number, lo: number, n: number): number {
  return n <= 32 ? (hi >>> (32 - n)) & 1 : (lo >>> (64 - n)) & 1;
}

/** `hi:lo` permuted by `table` (output bit i = input bit table[i]), into out[0..1]. */
function permute64(hi: number, lo: number, table: readonly number[], out: Uint32Array): void {
  let h = 0;
  let l = 0;
  for (let i = 0; i < 32; i++) h = (h << 1) | bit64(hi, lo, table[i] as number);
  for (let i = 32; i < 64; i++) l = (l << 1) | bit64(hi, lo, table[i] as number);
  out[0] = h >>> 0;
  out[1] = l >>> 0;
}

/** SP[i][x]: S-box i of the 6-bit x, at its place in the round's output, through P. */
const SP: Uint32Array[] = S.map((box, i) => {
  const table = new Uint32Array(64);
  for (let x = 0; x < 64; x++) {
    const row = ((x >> 4) & 2) | (x & 1);
    const col = (x >> 1) & 15;
    const s = (box[row * 16 + col] as number) << (28 - 4 * i);
    let p = 0;
    for (let j = 0; j < 32; j++) p = (p << 1) | ((s >>> (32 - (P[j] as number))) & 1);
    table[x] = p >>> 0;
  }
  return table;
});

/**
 * The 16 round keys of a 64-bit DES key, each as 8 groups of 6 bits (one per
 * S-box), 128 entries.
 *
 * @internal
 */
export function desKeySchedule(key: Uint8Array): Uint8Array {
  if (key.length !== 8) throw new RangeError(`a DES key has 8 bytes, not ${key.length}`);
  const keyBit = (n: number): number => ((key[(n - 1) >> 3] as number) >> (7 - ((n - 1) & 7))) & 1;
  let c = PC1.slice(0, 28).map(keyBit);
  let d = PC1.slice(28).map(keyBit);
  const schedule = new Uint8Array(128);
  for (let round = 0; round < 16; round++) {
    const s = SHIFTS[round] as number;
    c = [...c.slice(s), ...c.slice(0, s)];
    d = [...d.slice(s), ...d.slice(0, s)];
    const cd = [...c, ...d];
    for (let g = 0; g < 8; g++) {
      let v = 0;
      for (let b = 0; b < 6; b++) v = (v << 1) | (cd[(PC2[g * 6 + b] as number) - 1] as number);
      schedule[round * 8 + g] = v;
    }
  }
  return schedule;
}

/** The round function: E, the round key, S-boxes and P in one. */
function feistel(r: number, schedule: Uint8Array, round: number): number {
  let out = 0;
  for (let g = 0; g < 8; g++) {
    // E's group g is bits 4g … 4g+5 of r (1-indexed, cyclic): rotate bit 4g+5 to the bottom.
    const shift = 27 - 4 * g;
    const rotated = shift >= 0 ? (r >>> shift) | (r << (32 - shift)) : (r << 1) | (r >>> 31);
    const x = (rotated & 63) ^ (schedule[round * 8 + g] as number);
    out |= SP[g]?.[x] as number;
  }
  return out >>> 0;
}

/**
 * Encrypts the 64-bit block `hi:lo` (two unsigned 32-bit words, most
 * significant first) under a key schedule from {@link desKeySchedule}; the
 * result goes to `out[0]` (high word) and `out[1]` (low word).
 *
 * @internal
 */
export function desEncrypt(hi: number, lo: number, schedule: Uint8Array, out: Uint32Array): void {
  permute64(hi, lo, IP, out);
  let l = out[0] as number;
  let r = out[1] as number;
  for (let round = 0; round < 16; round++) {
    const next = (l ^ feistel(r, schedule, round)) >>> 0;
    l = r;
    r = next;
  }
  // The halves swap once more before the final permutation (R16 L16).
  permute64(r, l, FP, out);
}
