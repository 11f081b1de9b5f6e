// The values the cache's nodes hold, as rows of typed arrays: key, version,
// snapshot LSN, the version's LSN and expiry. The history's compaction asks the
// cache for the least snapshot it may serve, which is a pass over every value
// held; over entry objects scattered in the heap that pass cost a few cache-line
// misses per entry (some 7 % of a cached read-heavy run), over rows it is a
// sequential read. A value's snapshot LSN lives here while it is held, so the
// pass moves it with one store.
//
// A row's four numbers sit side by side (32 bytes, two rows to a cache line), and
// with the key space known each key's row is found by key: a hit then reads one
// line of the rows and touches neither the store's entry nor the value object,
// two dependent cache misses on a hit when the entries are cold; and a value that
// leaves is released by its key, without touching it or the value whose row
// moves into its place.
import type { CachedVersion } from "./app-cache.js";

const INITIAL_ROWS = 1024;

/**
 * The numbers of a row, at `ROW_FIELDS * row` in {@link CachedRows.data}: the
 * version, its snapshot LSN, the version's LSN, its expiry.
 *
 * @remarks Since 0.2.0
 */
export const ROW_FIELDS = 4;
/** @internal */
export const ROW_VERSION = 0;
/** @internal */
export const ROW_LSN = 1;
/** @internal */
export const ROW_VERSION_LSN = 2;
/** @internal */
export const ROW_EXPIRES_AT = 3;

/**
 * The rows of the values held, dense (a released row is filled by the last).
 * A key has at most one value held, on the node it is placed on.
 *
 * @remarks Since 0.2.0
 */
export class CachedRows {
  /** Rows in use: 0 … count − 1. */
  count = 0;
  /** The key of each row. */
  key = new Float64Array(INITIAL_ROWS);
  /** Each row's numbers, {@link ROW_FIELDS} per row. */
  data = new Float64Array(INITIAL_ROWS * ROW_FIELDS);
  /**
   * The row of each key in [0, keySpace), −1 when none is held; null when the key
   * space was not given (then a value's row is read from the value).
   */
  readonly rowOf: Int32Array | null;
  private owners: (CachedVersion | null)[] = new Array<CachedVersion | null>(INITIAL_ROWS).fill(
    null,
  );

  /**
   * @param keySpace - keys are integers in [0, keySpace): each key's row is then
   *   found by key (4 bytes a key); undefined for any key
   */
  constructor(keySpace?: number) {
    if (keySpace !== undefined && !(Number.isInteger(keySpace) && keySpace > 0)) {
      throw new RangeError(`CachedRows key space ${keySpace}; expected an integer > 0`);
    }
    this.rowOf = keySpace === undefined ? null : new Int32Array(keySpace).fill(-1);
  }

  /**
   * `value` is now held for `key` until `expiresAt`: it gets a row, which keeps its
   * LSN (and, unless rows are found by key, the value learns its row).
   */
  add(value: CachedVersion, key: number, expiresAt: number): void {
    const rowOf = this.rowOf;
    if (rowOf !== null && !(Number.isInteger(key) && key >= 0 && key < rowOf.length)) {
      throw new RangeError(`CachedRows: key ${key} is outside the key space [0, ${rowOf.length})`);
    }
    if (rowOf !== null && (rowOf[key] as number) >= 0) {
      throw new Error(`CachedRows: key ${key} already has a value held (row ${rowOf[key]})`);
    }
    if (this.count === this.key.length) this.grow();
    const row = this.count++;
    this.key[row] = key;
    const at = ROW_FIELDS * row;
    const data = this.data;
    data[at + ROW_VERSION] = value.version;
    data[at + ROW_LSN] = value.lsn;
    data[at + ROW_VERSION_LSN] = value.versionLsn;
    data[at + ROW_EXPIRES_AT] = expiresAt;
    if (rowOf !== null) rowOf[key] = row;
    else {
      this.owners[row] = value;
      value.row = row;
    }
  }

  /**
   * `value`, held for `key`, is no longer held (dropped, or replaced by a newer
   * set). Unless rows are found by key, its LSN goes back to it; with them the value
   * is not touched (no one reads a released value's LSN).
   */
  release(value: CachedVersion, key: number): void {
    const rowOf = this.rowOf;
    const row = rowOf === null ? value.row : (rowOf[key] ?? -1);
    if (row < 0) return;
    const data = this.data;
    if (rowOf === null) {
      value.lsn = data[ROW_FIELDS * row + ROW_LSN] as number;
      value.row = -1;
    } else rowOf[key] = -1;
    const last = --this.count;
    if (row !== last) {
      const moving = this.key[last] as number;
      this.key[row] = moving;
      const to = ROW_FIELDS * row;
      const from = ROW_FIELDS * last;
      data[to + ROW_VERSION] = data[from + ROW_VERSION] as number;
      data[to + ROW_LSN] = data[from + ROW_LSN] as number;
      data[to + ROW_VERSION_LSN] = data[from + ROW_VERSION_LSN] as number;
      data[to + ROW_EXPIRES_AT] = data[from + ROW_EXPIRES_AT] as number;
      if (rowOf !== null) rowOf[moving] = row;
      else {
        const moved = this.owners[last] as CachedVersion;
        this.owners[row] = moved;
        moved.row = row;
      }
    }
    this.owners[last] = null;
  }

  private grow(): void {
    const size = this.key.length * 2;
    const key = new Float64Array(size);
    key.set(this.key);
    this.key = key;
    const data = new Float64Array(size * ROW_FIELDS);
    data.set(this.data);
    this.data = data;
    for (let i = this.owners.length; i < size; i++) this.owners.push(null);
  }
}
