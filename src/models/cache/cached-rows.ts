// The values the cache's nodes hold, as rows of typed arrays: key, version,
// snapshot LSN and expiry. The history's compaction asks the cache for the
// least snapshot it may serve, which is a pass over every value held; over
// entry objects scattered in the heap that pass cost a few cache-line misses
// per entry (some 7 % of a cached read-heavy run), over these columns it is a
// sequential read. A value's snapshot LSN lives here while it is held, so the
// pass moves it with one store into a column.
import type { CachedVersion } from "./app-cache.js";

const INITIAL_ROWS = 1024;

/**
 * The rows of the values held, dense (a released row is filled by the last).
 *
 * @remarks Since 0.2.0
 */
export class CachedRows {
  /** Rows in use: 0 … count − 1. */
  count = 0;
  key = new Float64Array(INITIAL_ROWS);
  version = new Float64Array(INITIAL_ROWS);
  lsn = new Float64Array(INITIAL_ROWS);
  expiresAt = new Float64Array(INITIAL_ROWS);
  private owners: (CachedVersion | null)[] = new Array<CachedVersion | null>(INITIAL_ROWS).fill(
    null,
  );

  /** `value` is now held for `key` until `expiresAt`: it gets a row, which keeps its LSN. */
  add(value: CachedVersion, key: number, expiresAt: number): void {
    if (this.count === this.key.length) this.grow();
    const row = this.count++;
    this.key[row] = key;
    this.version[row] = value.version;
    this.lsn[row] = value.lsn;
    this.expiresAt[row] = expiresAt;
    this.owners[row] = value;
    value.row = row;
  }

  /** `value` is no longer held (dropped, or replaced by a newer set): its LSN goes back to it. */
  release(value: CachedVersion): void {
    const row = value.row;
    if (row < 0) return;
    value.lsn = this.lsn[row] as number;
    value.row = -1;
    const last = --this.count;
    if (row !== last) {
      this.key[row] = this.key[last] as number;
      this.version[row] = this.version[last] as number;
      this.lsn[row] = this.lsn[last] as number;
      this.expiresAt[row] = this.expiresAt[last] as number;
      const moved = this.owners[last] as CachedVersion;
      this.owners[row] = moved;
      moved.row = row;
    }
    this.owners[last] = null;
  }

  private grow(): void {
    const size = this.key.length * 2;
    const wider = (old: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      const next = new Float64Array(size);
      next.set(old);
      return next;
    };
    this.key = wider(this.key);
    this.version = wider(this.version);
    this.lsn = wider(this.lsn);
    this.expiresAt = wider(this.expiresAt);
    for (let i = this.owners.length; i < size; i++) this.owners.push(null);
  }
}
