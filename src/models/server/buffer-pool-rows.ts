// Which row of a shard's table a key is, for its buffer pool's pages (issue 13).
// Each shard is its own table holding only its rows, packed into its own heap
// pages in the order they were loaded, with an index over just those rows — so a
// shard of 1/16 of the keys has 1/16 of the pages (PostgreSQL: a table's size is
// its tuples' bytes over BLCKSZ pages, storage/page/README and
// access/heap/hio.c RelationGetBufferForTuple; InnoDB likewise per tablespace).
// The dense slot of a key among the shard's keys (key-versions.ts) is that row
// number. A key a resharding moves in arrives by copy (a Vitess VReplication
// copy, a pt-online-schema-change style backfill) and is appended: it gets the
// next row after the shard's own, in the order the shard first touches it. A
// scattered read's part carries the original key to every shard, but on a shard
// that does not hold it the part reads that shard's rows: it touches one of them.
import type { KeySlots } from "./key-versions.js";

/**
 * A node's rows for its buffer pool: `rowOf(key)` is the key's row in the
 * node's table, rows `0 … size − 1` being the ones it holds from the start and
 * rows from `size` on added later.
 *
 * @remarks Since 0.2.0
 */
export interface PoolRows {
  /** Rows the node holds from the start. */
  readonly size: number;
  /** The key's row, or −1 when the node has no row to read for it (an empty table). */
  rowOf(key: number): number;
}

/**
 * The rows of one shard: its own keys' dense slots, then the keys a resharding
 * moves in, appended at their first access.
 *
 * @remarks Since 0.2.0
 */
export class ShardRows implements PoolRows {
  /** {@inheritDoc PoolRows.size} */
  readonly size: number;
  private readonly slots: KeySlots;
  private readonly shard: number;
  private readonly liveShardOf: (key: number) => number;
  private readonly added = new Map<number, number>();

  /**
   * @param slots - the shard's keys at the start (their slots are its rows)
   * @param shard - the shard's index
   * @param liveShardOf - the shard holding a key now (the live shard map, which a resharding changes)
   */
  constructor(slots: KeySlots, shard: number, liveShardOf: (key: number) => number) {
    this.slots = slots;
    this.size = slots.size;
    this.shard = shard;
    this.liveShardOf = liveShardOf;
  }

  /** Rows moved in so far. */
  get addedRows(): number {
    return this.added.size;
  }

  /** {@inheritDoc PoolRows.rowOf} */
  rowOf(key: number): number {
    const slot = this.slots.slotOf(key);
    if (slot >= 0) return slot;
    if (this.liveShardOf(key) === this.shard) {
      const row = this.added.get(key);
      if (row !== undefined) return row;
      const next = this.size + this.added.size;
      this.added.set(key, next);
      return next;
    }
    // A scattered part on a shard that does not hold its key: one of this shard's rows.
    if (this.size > 0) return key % this.size;
    return this.added.size > 0 ? this.size : -1;
  }
}
