// Which shard holds a key, for each strategy a sharded database uses, built
// once per layout into a table over the workload's keys: placing an operation
// is then one typed-array read (no hashing, BigInt or allocation on the hot
// path), and resharding is a comparison of two tables. The key → shard
// functions are the real systems' (src/placement/): hash-mod, ketama
// consistent hashing, jump, rendezvous, Citus's ranges over PostgreSQL's
// hashint8, Vitess's hash vindex with keyranges; range sharding cuts the key
// space at given boundaries; a directory starts from one of these and can move
// single keys (a tenant) later.
import {
  checkKeyRanges,
  citusShardIndex,
  hashMod,
  jumpHashInt,
  KetamaRing,
  keyRangeIndex,
  parseKeyRange,
  pgHashInt8,
  rendezvousHash,
  vitessHashPrefix,
} from "../../placement/index.js";
import type { TenantLayout } from "./tenants.js";

/**
 * How keys are spread over shards.
 *
 * @remarks Since 0.2.0
 */
export type ShardStrategy =
  /** hash(key) mod n (a 32-bit mix of the key). */
  | { readonly strategy: "hash-mod"; readonly shards: number }
  /** A ketama ring, `pointsPerShard` virtual nodes each (160, as libmemcached's weighted ketama). */
  | { readonly strategy: "consistent-hash"; readonly shards: number }
  /** Lamping and Veach's jump consistent hash. */
  | { readonly strategy: "jump"; readonly shards: number }
  /** Highest random weight. */
  | { readonly strategy: "rendezvous"; readonly shards: number }
  /**
   * Ranges of the key: shard i holds keys from `boundaries[i − 1]` (0 for the
   * first) up to `boundaries[i]` (exclusive); n − 1 ascending boundaries.
   */
  | { readonly strategy: "range"; readonly boundaries: readonly number[] }
  /** Citus: PostgreSQL's hashint8 of the key, in `shards` equal ranges of the 32-bit hash space. */
  | { readonly strategy: "citus"; readonly shards: number }
  /** Vitess: the `hash` vindex's keyspace id, in keyranges named as Vitess names shards ("-80", "80-"). */
  | { readonly strategy: "keyspace"; readonly keyranges: readonly string[] };

/**
 * The shard of every key of a layout.
 *
 * @remarks Since 0.2.0
 */
export class ShardMap {
  private shardCount: number;
  private table: Uint16Array;
  /** The table was handed out by {@link ShardMap.snapshot}: copy it before a move. */
  private shared = false;

  /**
   * @param strategy - the layout
   * @param keys - the key space, 0 … keys − 1
   * @param tenants - shard by tenant: place each tenant (its id is what the
   *   strategy hashes or ranges) with all its keys; omitted: place each key
   */
  constructor(strategy: ShardStrategy, keys: number, tenants?: TenantLayout) {
    if (!Number.isInteger(keys) || keys < 1) {
      throw new RangeError(`a shard map needs a key count ≥ 1, not ${keys}`);
    }
    if (tenants !== undefined && tenants.keys !== keys) {
      throw new RangeError(`the tenant layout covers ${tenants.keys} keys, not ${keys}`);
    }
    const place = placement(strategy);
    this.shardCount = place.shards;
    this.table = new Uint16Array(keys);
    if (tenants === undefined) {
      for (let key = 0; key < keys; key++) this.table[key] = place.shardOf(key);
      return;
    }
    for (let t = 0; t < tenants.tenants; t++) {
      const { from, to } = tenants.keysOf(t);
      this.table.fill(place.shardOf(t), from, to);
    }
  }

  /** Shards in the layout. */
  get shards(): number {
    return this.shardCount;
  }

  /**
   * Adds empty shards (numbered after the existing ones), keys where they are:
   * the live layout at the start of a resharding that adds shards.
   */
  grow(shards: number): void {
    if (!Number.isInteger(shards) || shards < this.shardCount || shards > MAX_SHARDS) {
      throw new RangeError(
        `a layout of ${this.shardCount} shards can grow to ${this.shardCount} … ${MAX_SHARDS}, not ${shards}`,
      );
    }
    this.shardCount = shards;
  }

  /** Keys in the key space. */
  get keys(): number {
    return this.table.length;
  }

  /** The shard that holds `key`. */
  shardOf(key: number): number {
    return this.table[key] as number;
  }

  /** Keys each shard holds. */
  keysPerShard(): number[] {
    const counts = new Array<number>(this.shardCount).fill(0);
    for (const s of this.table) counts[s] = (counts[s] as number) + 1;
    return counts;
  }

  /** Moves one key to another shard (a directory's move of a tenant's row). */
  move(key: number, shard: number): void {
    if (!(shard >= 0 && shard < this.shardCount && Number.isInteger(shard))) {
      throw new RangeError(`shard ${shard} is not one of 0 … ${this.shards - 1}`);
    }
    if (this.shared) {
      this.table = this.table.slice();
      this.shared = false;
    }
    this.table[key] = shard;
  }

  /**
   * The shard of every key now, as an array that no later {@link ShardMap.move}
   * changes (the first move copies the map's table instead). Without a move it
   * is the map's own table, so a plan whose layout never changes reads one
   * array for both, not two copies of it (2 bytes a key fewer in the caches).
   *
   * @remarks Since 0.2.0
   */
  snapshot(): Readonly<Uint16Array> {
    this.shared = true;
    return this.table;
  }

  /** Keys whose shard differs in `other` (a layout over the same key space). */
  movedTo(other: ShardMap): number {
    if (other.keys !== this.keys) {
      throw new RangeError(`the layouts cover ${this.keys} and ${other.keys} keys`);
    }
    let moved = 0;
    for (let key = 0; key < this.table.length; key++) {
      if (this.table[key] !== other.table[key]) moved++;
    }
    return moved;
  }
}

const MAX_SHARDS = 65535;

function checkCount(shards: number): number {
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) {
    throw new RangeError(`a shard count is an integer from 1 to ${MAX_SHARDS}, not ${shards}`);
  }
  return shards;
}

/** The key → shard function of a strategy, with its shard count. */
function placement(s: ShardStrategy): { shards: number; shardOf: (key: number) => number } {
  switch (s.strategy) {
    case "hash-mod":
      return { shards: checkCount(s.shards), shardOf: (k) => hashMod(k, s.shards) };
    case "jump":
      return { shards: checkCount(s.shards), shardOf: (k) => jumpHashInt(k, s.shards) };
    case "rendezvous":
      return { shards: checkCount(s.shards), shardOf: (k) => rendezvousHash(k, s.shards) };
    case "citus":
      return {
        shards: checkCount(s.shards),
        shardOf: (k) => citusShardIndex(pgHashInt8(k), s.shards),
      };
    case "consistent-hash": {
      const ring = new KetamaRing(
        Array.from({ length: checkCount(s.shards) }, (_, i) => ({ label: `shard-${i}` })),
      );
      return { shards: s.shards, shardOf: (k) => ring.node(k) };
    }
    case "range":
      return rangePlacement(s.boundaries);
    case "keyspace": {
      const ranges = s.keyranges.map(parseKeyRange);
      checkKeyRanges(ranges);
      return {
        shards: checkCount(ranges.length),
        shardOf: (k) => keyRangeIndex(ranges, vitessHashPrefix(k)),
      };
    }
  }
}

function rangePlacement(boundaries: readonly number[]): {
  shards: number;
  shardOf: (key: number) => number;
} {
  boundaries.forEach((b, i) => {
    const before = i === 0 ? 0 : (boundaries[i - 1] as number);
    if (!Number.isInteger(b) || b <= before) {
      throw new RangeError(
        `range boundary ${i} (${b}) is not an integer above ${i === 0 ? "0" : `boundary ${i - 1} (${before})`}: ranges must not overlap or be empty`,
      );
    }
  });
  return {
    shards: checkCount(boundaries.length + 1),
    shardOf: (key) => {
      let lo = 0;
      let hi = boundaries.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (key < (boundaries[mid] as number)) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    },
  };
}
