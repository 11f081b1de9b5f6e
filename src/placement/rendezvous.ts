// Rendezvous (highest random weight) hashing (Thaler and Ravishankar, "Using
// name-based mappings to increase hit rates", IEEE/ACM ToN 1998): a key goes to
// the node with the highest weight w(key, node); removing a node moves only its
// keys, adding one moves to it only the keys it now wins. The weight here is
// MurmurHash3's 32-bit finaliser (fmix32, Appleby's MurmurHash3.cpp) over the
// key's 32-bit hash mixed with the node's seed; ties go to the lower index.

/** MurmurHash3's fmix32: a bijection on 32-bit integers with full avalanche. */
function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The 32-bit hash of an integer key that rendezvous and hash-mod placement
 * use: fmix32 of the low 32 bits XOR fmix32 of the high bits plus a constant
 * (so keys that differ only above bit 31 still differ).
 *
 * @remarks Since 0.2.0
 */
export function intKeyHash(key: number): number {
  if (!Number.isSafeInteger(key))
    throw new RangeError(`Placement key ${key} is not a safe integer`);
  const low = key >>> 0;
  const high = Math.floor(key / 2 ** 32) >>> 0;
  return (fmix32(low) ^ fmix32((high + 0x9e3779b9) >>> 0)) >>> 0;
}

/**
 * The weight of (key hash, node): fmix32 of the key hash XOR the node's
 * golden-ratio-spaced seed, mixed again so that nodes' weights for one key are
 * as good as independent.
 *
 * @remarks Since 0.2.0
 */
export function rendezvousWeight(keyHash: number, node: number): number {
  const seed = fmix32(Math.imul(node + 1, 0x9e3779b9));
  return fmix32((keyHash ^ seed) >>> 0);
}

/**
 * The node (0 … nodes − 1) with the highest {@link rendezvousWeight} for an
 * integer key; nodes are named by index, so node i keeps its weights when
 * nodes are added after it.
 *
 * @example
 * ```ts
 * rendezvousHash(42, 5); // one of 0 … 4; with 6 nodes, the same or 5
 * ```
 *
 * @remarks Since 0.2.0
 */
export function rendezvousHash(key: number, nodes: number): number {
  if (!Number.isInteger(nodes) || nodes < 1) {
    throw new RangeError(`Rendezvous nodes ${nodes}; expected an integer ≥ 1`);
  }
  const keyHash = intKeyHash(key);
  let best = 0;
  let bestWeight = -1;
  for (let node = 0; node < nodes; node++) {
    const weight = rendezvousWeight(keyHash, node);
    if (weight > bestWeight) {
      best = node;
      bestWeight = weight;
    }
  }
  return best;
}

/**
 * Hash-mod placement: {@link intKeyHash}(key) mod nodes — libmemcached's
 * MEMCACHED_DISTRIBUTION_MODULA shape (`hash % server_count`, hash.cc
 * dispatch_host). Growing n → n + 1 moves about n/(n + 1) of the keys.
 *
 * @remarks Since 0.2.0
 */
export function hashMod(key: number, nodes: number): number {
  if (!Number.isInteger(nodes) || nodes < 1) {
    throw new RangeError(`Hash-mod nodes ${nodes}; expected an integer ≥ 1`);
  }
  return intKeyHash(key) % nodes;
}
