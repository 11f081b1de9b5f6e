// How a key becomes the byte string a placement function hashes. dbsim's keys
// are integers; real clients hash the key's bytes, and an application would
// typically store row 42 under a key whose text contains "42". dbsim hashes the
// key's decimal digits in ASCII ("42" → 0x34 0x32), with no prefix, so a
// figure can be checked against a real client by hashing the same string.

/**
 * UTF-8 bytes of a string, written out: TextEncoder is a Web API, not part of
 * JavaScript, and a bare engine (a worker without it, a VM context) lacks it.
 */
function utf8(text: string): Uint8Array {
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code < 0x80) bytes.push(code);
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 63));
    else if (code < 0x10000) {
      bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
    } else {
      bytes.push(
        0xf0 | (code >> 18),
        0x80 | ((code >> 12) & 63),
        0x80 | ((code >> 6) & 63),
        0x80 | (code & 63),
      );
    }
  }
  return Uint8Array.from(bytes);
}

/**
 * The bytes a placement function hashes for `key`: an integer key's decimal
 * digits in ASCII (`42` → `"42"`), a string's UTF-8 encoding, bytes as they are.
 *
 * @example
 * ```ts
 * keyBytes(42);        // Uint8Array [0x34, 0x32]
 * keyBytes("user:42"); // the UTF-8 bytes of "user:42"
 * ```
 *
 * @remarks Since 0.2.0
 */
export function keyBytes(key: number | string | Uint8Array): Uint8Array {
  if (typeof key === "number") {
    if (!Number.isSafeInteger(key)) {
      throw new RangeError(`Placement key ${key} is not a safe integer`);
    }
    return utf8(String(key));
  }
  if (typeof key === "string") return utf8(key);
  return key;
}

/**
 * The first four bytes of a digest read as a little-endian unsigned 32-bit
 * integer from byte `4 · alignment` on — libmemcached's `ketama_server_hash`
 * (src/libmemcached/hosts.cc) and `hashkit_md5` (alignment 0).
 *
 * @remarks Since 0.2.0
 */
export function digestWord(digest: Uint8Array, alignment: number): number {
  const at = alignment * 4;
  return (
    (((digest[at + 3] as number) << 24) |
      ((digest[at + 2] as number) << 16) |
      ((digest[at + 1] as number) << 8) |
      (digest[at] as number)) >>>
    0
  );
}
