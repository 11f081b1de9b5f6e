// Ketama consistent hashing as Memcached clients do it (libketama by last.fm;
// libmemcached's update_continuum and dispatch_host in src/libmemcached/hosts.cc
// and hash.cc). Each server owns points on a circle of 2^32: the MD5 digests of
// "<label>-<i>", read four bytes at a time (ketama_server_hash); a key goes to
// the first point at or after the key's hash (MD5, first four bytes,
// hashkit_md5), wrapping past the last point to the first.

import { digestWord, keyBytes } from "./key-bytes.js";
import { md5 } from "./md5.js";

/**
 * A server on the continuum: its label (libmemcached hashes `"host:port-i"`,
 * or `"host-i"` when the port is the default 11211) and its weight.
 *
 * @remarks Since 0.2.0
 */
export interface KetamaServer {
  readonly label: string;
  /** Relative share of the points in weighted mode (1 by default). */
  readonly weight?: number;
}

/**
 * How the points are made: `weighted` is libketama's continuum and
 * libmemcached's `MEMCACHED_BEHAVIOR_KETAMA_WEIGHTED` (160 points per server
 * scaled by weight, four per MD5 digest); `unweighted` is libmemcached's
 * `MEMCACHED_DISTRIBUTION_CONSISTENT_KETAMA` (100 points per server, one per
 * digest).
 *
 * @remarks Since 0.2.0
 */
export type KetamaMode = "weighted" | "unweighted";

/** libmemcached's MEMCACHED_POINTS_PER_SERVER_KETAMA and MEMCACHED_POINTS_PER_SERVER (defaults.h). */
const POINTS_WEIGHTED = 160;
const POINTS_UNWEIGHTED = 100;

/** The points per server in weighted mode, in C `float` arithmetic as update_continuum does it. */
function weightedPoints(weight: number, total: number, servers: number): number {
  const f = Math.fround;
  const pct = f(f(weight) / f(total));
  return Math.floor(f(f(f(f(pct * POINTS_WEIGHTED) / 4) * f(servers)) + f(1e-10))) * 4;
}

/**
 * A ketama continuum over a list of servers; {@link KetamaRing.node} maps a
 * key to a server's index in that list.
 *
 * @example
 * ```ts
 * const ring = new KetamaRing([{ label: "10.0.1.1:11211" }, { label: "10.0.1.2:11211" }]);
 * ring.node(42); // 0 or 1, the same on every run and in every client that hashes "42"
 * ```
 *
 * @remarks Since 0.2.0
 */
export class KetamaRing {
  /** Points on the circle, ascending. */
  private readonly points: Uint32Array;
  /** The server index of each point. */
  private readonly owners: Int32Array;

  /**
   * @param servers - at least one, labels distinct
   * @param mode - `weighted` (libketama, the default) or `unweighted`
   */
  constructor(servers: readonly KetamaServer[], mode: KetamaMode = "weighted") {
    if (servers.length === 0) throw new RangeError("KetamaRing needs at least one server; got 0");
    const total = servers.reduce((sum, server) => sum + checkedWeight(server), 0);
    const made: { value: number; owner: number }[] = [];
    servers.forEach((server, owner) => {
      const perDigest = mode === "weighted" ? 4 : 1;
      const count =
        mode === "weighted"
          ? weightedPoints(checkedWeight(server), total, servers.length)
          : POINTS_UNWEIGHTED;
      for (let i = 0; i < count / perDigest; i++) {
        const digest = md5(keyBytes(`${server.label}-${i}`));
        for (let word = 0; word < perDigest; word++) {
          made.push({ value: digestWord(digest, word), owner });
        }
      }
    });
    // continuum_item_cmp: by value, then by server index.
    made.sort((a, b) => a.value - b.value || a.owner - b.owner);
    this.points = Uint32Array.from(made, (point) => point.value);
    this.owners = Int32Array.from(made, (point) => point.owner);
  }

  /** Points on the continuum. */
  get size(): number {
    return this.points.length;
  }

  /** The index of the server owning a 32-bit hash: the first point ≥ it, wrapping. */
  nodeOfHash(hash: number): number {
    let left = 0;
    let right = this.points.length;
    while (left < right) {
      const middle = (left + right) >>> 1;
      if ((this.points[middle] as number) < hash) left = middle + 1;
      else right = middle;
    }
    return this.owners[right === this.points.length ? 0 : right] as number;
  }

  /** The index of the server a key goes to (the key hashed as {@link keyBytes} says). */
  node(key: number | string | Uint8Array): number {
    return this.nodeOfHash(ketamaKeyHash(key));
  }
}

/**
 * A key's position on the continuum: the first four bytes of its MD5 digest,
 * little-endian (libhashkit's `hashkit_md5`).
 *
 * @remarks Since 0.2.0
 */
export function ketamaKeyHash(key: number | string | Uint8Array): number {
  return digestWord(md5(keyBytes(key)), 0);
}

function checkedWeight(server: KetamaServer): number {
  const weight = server.weight ?? 1;
  if (!(Number.isFinite(weight) && weight > 0)) {
    throw new RangeError(`KetamaRing server "${server.label}" weight ${weight}; expected > 0`);
  }
  return weight;
}
