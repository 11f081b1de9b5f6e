// The application cache's count of loads in flight per key: how many misses of a key
// are at the database at once (the stampede's measure, `loadsAtOnceMax`), and whether
// one is out (XFetch leaves a key alone then).

/**
 * The loads in flight per key, 0 for none. With the key space known an array: a
 * Map whose keys come and go with every miss rehashes as deleted entries fill its
 * table (V8's ordered hash tables reclaim them only then), some 150 bytes a miss.
 *
 * @internal
 */
export class LoadCounts {
  private readonly counts: Int32Array | null;
  private readonly map: Map<number, number> | null;

  constructor(keySpace: number | undefined) {
    if (keySpace !== undefined && !(Number.isInteger(keySpace) && keySpace > 0)) {
      throw new RangeError(`AppCache keySpace ${keySpace}; expected an integer > 0`);
    }
    this.counts = keySpace === undefined ? null : new Int32Array(keySpace);
    this.map = keySpace === undefined ? new Map() : null;
  }

  get(key: number): number {
    if (this.counts !== null) return this.counts[key] ?? 0;
    return (this.map as Map<number, number>).get(key) ?? 0;
  }

  set(key: number, count: number): void {
    const counts = this.counts;
    if (counts !== null && Number.isInteger(key) && key >= 0 && key < counts.length) {
      counts[key] = count;
      return;
    }
    if (counts !== null)
      throw new RangeError(`AppCache: key ${key} is outside the key space [0, ${counts.length})`);
    const map = this.map as Map<number, number>;
    if (count === 0) map.delete(key);
    else map.set(key, count);
  }
}
