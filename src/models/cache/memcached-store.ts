// A Memcached node's memory: 1 MB pages handed to slab classes on demand until
// `-m` is used up; then a set evicts from the tail of its own class's LRU,
// reclaiming an expired tail item first (items.c lru_pull_tail). Memory never
// moves between classes here: the slab rebalancer (slab_reassign/automove) and
// the segmented HOT/WARM/COLD LRU with its background maintainer are left out,
// as is the once-per-60-s bump limit on hits. Items bigger than half a page
// take several chunks of the largest class.
import {
  type CacheEntry,
  type CacheStore,
  CacheEntry as Entry,
  RecencyList,
  type SetOutcome,
} from "./entry.js";
import { KeyIndex } from "./key-index.js";
import {
  type MemcachedMemoryConfig,
  memcachedItemBytes,
  slabChunkSizes,
} from "./memcached-slabs.js";

/** One slab class: its chunk size, free chunks, pages and LRU. */
interface SlabClass<V> {
  readonly chunkBytes: number;
  readonly perPage: number;
  freeChunks: number;
  pages: number;
  readonly lru: RecencyList<V>;
}

/**
 * A Memcached node: slab classes with per-class LRU, the item size limit,
 * lazy expiry. `set` takes the value's size; the item's size adds the key and
 * memcached's header (see {@link memcachedItemBytes}).
 *
 * @remarks Since 0.2.0
 */
export class MemcachedStore<V> implements CacheStore<V> {
  evictions = 0;
  expirations = 0;
  private readonly classes: SlabClass<V>[];
  private readonly entries: KeyIndex<V>;
  private readonly pageSize: number;
  private readonly totalPages: number;
  private readonly itemSizeMax: number;
  private pagesUsed = 0;
  private chunkBytesUsed = 0;

  /**
   * @param config - memory settings (memcached's defaults when left out)
   * @param keySpace - keys are integers in [0, keySpace) (faster lookups); undefined for any
   * @param onRelease - told of each value that leaves the store (dropped, or replaced by a set), with its key
   */
  constructor(
    config: MemcachedMemoryConfig = {},
    keySpace?: number,
    onRelease?: (value: V, key: number) => void,
  ) {
    this.entries = new KeyIndex<V>(keySpace, onRelease ?? null);
    this.pageSize = config.slabPageSize ?? 1024 * 1024;
    const maxbytes = config.maxbytes ?? 64 * 1024 * 1024;
    if (!(maxbytes >= this.pageSize)) {
      throw new RangeError(
        `Memcached memory ${maxbytes} bytes; expected at least one page (${this.pageSize})`,
      );
    }
    this.totalPages = Math.floor(maxbytes / this.pageSize);
    this.itemSizeMax = config.itemSizeMax ?? 1024 * 1024;
    this.classes = slabChunkSizes(config).map((chunkBytes) => ({
      chunkBytes,
      perPage: Math.floor(this.pageSize / chunkBytes),
      freeChunks: 0,
      pages: 0,
      lru: new RecencyList<V>(),
    }));
  }

  get items(): number {
    return this.entries.size;
  }

  /** Bytes of the chunks items occupy (what the slabs hold, not the pages). */
  get usedBytes(): number {
    return this.chunkBytesUsed;
  }

  /** 1 MB pages given to slab classes so far. */
  get pages(): number {
    return this.pagesUsed;
  }

  get(key: number, now: number): CacheEntry<V> | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.free(entry);
      this.expirations++;
      return undefined;
    }
    (this.classes[entry.slabClass] as SlabClass<V>).lru.touch(entry);
    return entry;
  }

  set(key: number, value: V, valueBytes: number, expiresAt: number, now: number): SetOutcome {
    const total = memcachedItemBytes(String(key).length, valueBytes);
    if (total > this.itemSizeMax) return "too_large";
    const old = this.entries.get(key);
    if (old !== undefined) this.free(old);
    const id = this.classOf(total);
    const slab = this.classes[id] as SlabClass<V>;
    const chunks = total > slab.chunkBytes ? Math.ceil(total / slab.chunkBytes) : 1;
    if (!this.reserve(slab, chunks, now)) return "oom";
    const entry = new Entry(key, value, total, expiresAt);
    entry.slabClass = id;
    entry.chunks = chunks;
    slab.freeChunks -= chunks;
    this.chunkBytesUsed += chunks * slab.chunkBytes;
    slab.lru.push(entry);
    this.entries.add(entry);
    return "stored";
  }

  *values(): IterableIterator<CacheEntry<V>> {
    for (const slab of this.classes) yield* slab.lru.values();
  }

  clear(): void {
    for (const entry of [...this.values()]) this.delete(entry.key);
  }

  delete(key: number): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined) return false;
    this.free(entry);
    return true;
  }

  /** slabs_clsid: the smallest class whose chunk holds `total` bytes (the largest otherwise). */
  private classOf(total: number): number {
    const last = this.classes.length - 1;
    for (let id = 0; id < last; id++) {
      if ((this.classes[id] as SlabClass<V>).chunkBytes >= total) return id;
    }
    return last;
  }

  /** Frees chunks in `slab` until `chunks` are free: a new page, else the LRU tail. */
  private reserve(slab: SlabClass<V>, chunks: number, now: number): boolean {
    while (slab.freeChunks < chunks) {
      if (this.pagesUsed < this.totalPages) {
        this.pagesUsed++;
        slab.pages++;
        slab.freeChunks += slab.perPage;
        continue;
      }
      const tail = slab.lru.oldest;
      if (tail === undefined) return false;
      this.free(tail);
      if (tail.expiresAt <= now) this.expirations++;
      else this.evictions++;
    }
    return true;
  }

  private free(entry: CacheEntry<V>): void {
    const slab = this.classes[entry.slabClass] as SlabClass<V>;
    slab.lru.remove(entry);
    slab.freeChunks += entry.chunks;
    this.chunkBytesUsed -= entry.chunks * slab.chunkBytes;
    this.entries.delete(entry.key);
  }
}
