// MD5 (RFC 1321), written out because the placement layer is browser-safe and
// may not import Node's crypto. Ketama needs it: libmemcached hashes server
// labels and keys with MD5 (src/libhashkit/md5.cc, hashkit_md5). Not for
// security: MD5 is broken as a cryptographic hash, which does not matter for
// spreading keys over nodes.

/** Per-round left-rotation amounts (RFC 1321 §3.4). */
const SHIFTS = [
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14,
  20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6,
  10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
];

/** T[i] = floor(2^32 · |sin(i + 1)|) (RFC 1321 §3.4). */
const SINES = Int32Array.from({ length: 64 }, (_, i) =>
  Math.floor(2 ** 32 * Math.abs(Math.sin(i + 1))),
);

/** The message padded to a multiple of 64 bytes with its bit length (RFC 1321 §3.1–3.2). */
function pad(message: Uint8Array): Uint8Array {
  const length = message.length;
  const padded = new Uint8Array((((length + 8) >>> 6) + 1) << 6);
  padded.set(message);
  padded[length] = 0x80;
  const bits = length * 8;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, bits >>> 0, true);
  view.setUint32(padded.length - 4, Math.floor(bits / 2 ** 32), true);
  return padded;
}

/** One 64-byte block folded into the state `h` (RFC 1321 §3.4). */
function compress(h: Int32Array, view: DataView, offset: number, words: Int32Array): void {
  for (let i = 0; i < 16; i++) words[i] = view.getInt32(offset + i * 4, true);
  let a = h[0] as number;
  let b = h[1] as number;
  let c = h[2] as number;
  let d = h[3] as number;
  for (let i = 0; i < 64; i++) {
    let f: number;
    let g: number;
    if (i < 16) {
      f = (b & c) | (~b & d);
      g = i;
    } else if (i < 32) {
      f = (d & b) | (~d & c);
      g = (5 * i + 1) & 15;
    } else if (i < 48) {
      f = b ^ c ^ d;
      g = (3 * i + 5) & 15;
    } else {
      f = c ^ (b | ~d);
      g = (7 * i) & 15;
    }
    const sum = (a + f + (SINES[i] as number) + (words[g] as number)) | 0;
    const shift = SHIFTS[i] as number;
    a = d;
    d = c;
    c = b;
    b = (b + ((sum << shift) | (sum >>> (32 - shift)))) | 0;
  }
  h[0] = ((h[0] as number) + a) | 0;
  h[1] = ((h[1] as number) + b) | 0;
  h[2] = ((h[2] as number) + c) | 0;
  h[3] = ((h[3] as number) + d) | 0;
}

/**
 * The MD5 digest (RFC 1321) of `message`: 16 bytes.
 *
 * @example
 * ```ts
 * md5(new TextEncoder().encode("abc")); // 90 01 50 98 3c d2 4f b0 d6 96 3f 7d 28 e1 7f 72
 * ```
 *
 * @remarks Since 0.2.0
 */
export function md5(message: Uint8Array): Uint8Array {
  const padded = pad(message);
  const view = new DataView(padded.buffer);
  const h = Int32Array.of(0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476);
  const words = new Int32Array(16);
  for (let offset = 0; offset < padded.length; offset += 64) compress(h, view, offset, words);
  const digest = new Uint8Array(16);
  const out = new DataView(digest.buffer);
  for (let i = 0; i < 4; i++) out.setInt32(i * 4, h[i] as number, true);
  return digest;
}
