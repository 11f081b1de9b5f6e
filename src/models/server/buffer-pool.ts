// A node's buffer pool: the pages of its data (keys × row size, packed into heap
// pages) and of one B-tree index (an entry per key in leaf pages), with an LRU
// over pages sized by PostgreSQL's `shared_buffers` (8 KiB pages, BLCKSZ) or
// InnoDB's `innodb_buffer_pool_size` (16 KiB pages, innodb_page_size). A point
// access touches the key's index leaf page and its heap page; a page found in the
// pool costs a RAM read, a missing one a read from the node's disk.
// Left out: the B-tree's inner pages (few and always hot), PostgreSQL's
// clock-sweep and InnoDB's midpoint insertion (modelled as plain LRU, whose hit
// ratio under independent references Che's approximation gives: Che, Tung & Wang,
// IEEE JSAC 2002; Fricker, Robert & Roberts, ITC 2012), the OS page cache, dirty
// pages and their write-back.
// A shard's node holds only its own rows (buffer-pool-rows.ts): its pages are
// those rows' pages, and rows a resharding moves in get new pages past them.
import type { PoolRows } from "./buffer-pool-rows.js";

/**
 * How much memory the pool has, by the real setting's name.
 *
 * @remarks Since 0.2.0
 */
export type BufferPoolSize =
  /** PostgreSQL `shared_buffers` (MB); pages of 8 KiB unless `pageBytes` says otherwise. */
  | { readonly sharedBuffersMB: number }
  /** InnoDB `innodb_buffer_pool_size` (MB); pages of 16 KiB unless `pageBytes` says otherwise. */
  | { readonly innodbBufferPoolSizeMB: number };

/**
 * Settings of a {@link BufferPool}.
 *
 * @remarks Since 0.2.0
 */
export interface BufferPoolConfig {
  /** Memory of the pool, by `shared_buffers` or `innodb_buffer_pool_size`. */
  readonly size: BufferPoolSize;
  /** Rows (keys) the node holds (at the start, when `rows` is given: 0 allowed). */
  readonly keyCount: number;
  /**
   * Which row each key is: omitted, key k is row k. A shard's node gives its
   * own rows (`rows.size` = `keyCount`); rows from `keyCount` on get pages added
   * as they are first touched.
   *
   * @remarks Since 0.2.0
   */
  readonly rows?: PoolRows;
  /** Bytes per row in a heap page, header included. */
  readonly rowBytes: number;
  /** Bytes per index entry in a leaf page (key + pointer + overhead). */
  readonly indexEntryBytes: number;
  /** Page size in bytes. Default 8192 for `shared_buffers`, 16384 for `innodb_buffer_pool_size`. */
  readonly pageBytes?: number;
}

const NONE = -1;

function rowCount(config: BufferPoolConfig): number {
  if (config.rows === undefined) return positive("keyCount", config.keyCount);
  const k = config.keyCount;
  if (!(k >= 0) || !Number.isInteger(k) || k !== config.rows.size) {
    throw new RangeError(
      `buffer pool: keyCount ${k} is not the rows' size ${config.rows.size} (a non-negative integer)`,
    );
  }
  return k;
}

function positive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`buffer pool: ${name} ${value} is not a positive finite number`);
  }
  return value;
}

/**
 * The pages of a node and an LRU over them. Memory is a few typed arrays over the
 * page count, whatever the run length.
 *
 * @remarks Since 0.2.0
 */
export class BufferPool {
  /** Heap pages (data). */
  readonly dataPages: number;
  /** Index leaf pages. */
  readonly indexPages: number;
  /** Pages the pool holds at most. */
  readonly capacityPages: number;
  /** Page size (bytes). */
  readonly pageBytes: number;
  /** Page accesses found in the pool. */
  hits = 0;
  /** Page accesses that had to read from disk. */
  misses = 0;
  private readonly rowsPerPage: number;
  private readonly entriesPerPage: number;
  private readonly keys: number;
  private readonly rows: PoolRows | null;
  // Pages of rows added after the start, interleaved: heap 2i, index leaf 2i + 1.
  private addedHeapPages = 0;
  private addedIndexPages = 0;
  private prev: Int32Array;
  private next: Int32Array;
  private resident: Uint8Array;
  private headPage = NONE; // most recently used
  private tailPage = NONE; // least recently used
  private count = 0;

  /** @param config - memory, data size and page size */
  constructor(config: BufferPoolConfig) {
    const { size } = config;
    const mb =
      "sharedBuffersMB" in size
        ? positive("sharedBuffersMB", size.sharedBuffersMB)
        : positive("innodbBufferPoolSizeMB", size.innodbBufferPoolSizeMB);
    this.pageBytes = positive(
      "pageBytes",
      config.pageBytes ?? ("sharedBuffersMB" in size ? 8192 : 16384),
    );
    const keys = rowCount(config);
    this.keys = keys;
    this.rows = config.rows ?? null;
    const rowBytes = positive("rowBytes", config.rowBytes);
    const entryBytes = positive("indexEntryBytes", config.indexEntryBytes);
    this.rowsPerPage = Math.max(1, Math.floor(this.pageBytes / rowBytes));
    this.entriesPerPage = Math.max(1, Math.floor(this.pageBytes / entryBytes));
    this.dataPages = Math.ceil(keys / this.rowsPerPage);
    this.indexPages = Math.ceil(keys / this.entriesPerPage);
    this.capacityPages = Math.floor((mb * 1024 * 1024) / this.pageBytes);
    const pages = this.dataPages + this.indexPages;
    this.prev = new Int32Array(pages).fill(NONE);
    this.next = new Int32Array(pages).fill(NONE);
    this.resident = new Uint8Array(pages);
  }

  /** Heap and index pages together. */
  get totalPages(): number {
    return this.dataPages + this.indexPages + this.addedHeapPages + this.addedIndexPages;
  }

  /** Pages in the pool now. */
  get residentPages(): number {
    return this.count;
  }

  /** Hits / accesses so far (0 before any access). */
  get hitRatio(): number {
    const total = this.hits + this.misses;
    return total === 0 ? 0 : this.hits / total;
  }

  /** The heap page holding `key`, or −1 when the node has no row for it. */
  heapPageOf(key: number): number {
    return this.heapPageOfRow(this.rows === null ? key : this.rows.rowOf(key));
  }

  /** The index leaf page holding `key`'s entry, or −1 when the node has no row for it. */
  indexPageOf(key: number): number {
    return this.indexPageOfRow(this.rows === null ? key : this.rows.rowOf(key));
  }

  /**
   * Touches `key`'s index leaf and heap page; returns how many of the two were
   * missing (each needs a disk read).
   */
  accessKey(key: number): number {
    const row = this.rows === null ? key : this.rows.rowOf(key);
    const a = this.access(this.indexPageOfRow(row)) ? 0 : 1;
    const b = this.access(this.heapPageOfRow(row)) ? 0 : 1;
    return a + b;
  }

  /**
   * Touches one page: true if it was in the pool (it becomes the most recent),
   * false if not (it is brought in, evicting the least recently used when full).
   * Page −1 (no row) touches nothing and counts nothing.
   */
  access(page: number): boolean {
    if (page < 0) return true;
    if (this.resident[page] === 1) {
      this.hits++;
      this.moveToFront(page);
      return true;
    }
    this.misses++;
    if (this.capacityPages === 0) return false;
    if (this.count >= this.capacityPages) this.evict();
    this.resident[page] = 1;
    this.count++;
    this.linkFront(page);
    return false;
  }

  /** Forgets the counters (not the pool's contents) at the warm-up cut. */
  resetStats(): void {
    this.hits = 0;
    this.misses = 0;
  }

  private heapPageOfRow(row: number): number {
    if (row < this.keys) return row < 0 ? -1 : Math.floor(row / this.rowsPerPage);
    const i = Math.floor((row - this.keys) / this.rowsPerPage);
    if (i >= this.addedHeapPages) this.addedHeapPages = i + 1;
    return this.addedPage(2 * i);
  }

  private indexPageOfRow(row: number): number {
    if (row < this.keys)
      return row < 0 ? -1 : this.dataPages + Math.floor(row / this.entriesPerPage);
    const i = Math.floor((row - this.keys) / this.entriesPerPage);
    if (i >= this.addedIndexPages) this.addedIndexPages = i + 1;
    return this.addedPage(2 * i + 1);
  }

  // The id of added page `i`, the arrays grown (doubled) to hold it.
  private addedPage(i: number): number {
    const page = this.dataPages + this.indexPages + i;
    if (page >= this.resident.length) {
      const length = Math.max(page + 1, 2 * this.resident.length);
      const prev = new Int32Array(length).fill(NONE);
      const next = new Int32Array(length).fill(NONE);
      const resident = new Uint8Array(length);
      prev.set(this.prev);
      next.set(this.next);
      resident.set(this.resident);
      this.prev = prev;
      this.next = next;
      this.resident = resident;
    }
    return page;
  }

  private evict(): void {
    const victim = this.tailPage;
    this.unlink(victim);
    this.resident[victim] = 0;
    this.count--;
  }

  private moveToFront(page: number): void {
    if (this.headPage === page) return;
    this.unlink(page);
    this.linkFront(page);
  }

  private linkFront(page: number): void {
    this.prev[page] = NONE;
    this.next[page] = this.headPage;
    if (this.headPage !== NONE) this.prev[this.headPage] = page;
    this.headPage = page;
    if (this.tailPage === NONE) this.tailPage = page;
  }

  private unlink(page: number): void {
    const p = this.prev[page] as number;
    const n = this.next[page] as number;
    if (p !== NONE) this.next[p] = n;
    else this.headPage = n;
    if (n !== NONE) this.prev[n] = p;
    else this.tailPage = p;
    this.prev[page] = NONE;
    this.next[page] = NONE;
  }
}
