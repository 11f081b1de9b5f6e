// The version of every key a node holds, and the commit LSN of that version. A
// shard's nodes hold dense arrays only over the keys the initial shard map gives
// the shard (issue 13: 16 shards of 10^6 keys kept 16 × 3 full arrays, 384 MB);
// a key outside that set (a scattered read's part, a key a resharding moves in)
// lives in a small map and reads as the initial version until written — exactly
// what a full array would answer, so reports do not change.

/**
 * Which keys a node holds densely: `slotOf(key)` is the key's index in the
 * node's arrays, or −1 for a key kept aside. Shared by a cluster's nodes.
 *
 * @remarks Since 0.2.0
 */
export interface KeySlots {
  /** Keys held densely (the arrays' length). */
  readonly size: number;
  /** The key's slot in [0, size), or −1 when it is not one of them. */
  slotOf(key: number): number;
}

/**
 * The slots of one shard of a layout: `home[key]` is the shard that holds a
 * key, `rank[key]` its index among that shard's keys (both shared by every
 * shard of the plan).
 *
 * @remarks Since 0.2.0
 */
export class ShardKeySlots implements KeySlots {
  /** {@inheritDoc KeySlots.size} */
  readonly size: number;
  private readonly home: Uint16Array;
  private readonly rank: Uint16Array | Uint32Array;
  private readonly shard: number;

  /**
   * @param home - the shard of every key (not changed afterwards)
   * @param rank - every key's index among its shard's keys (a `Uint16Array` since 0.2.0)
   * @param shard - the shard these slots are for
   * @param size - how many keys `home` gives it
   */
  constructor(home: Uint16Array, rank: Uint16Array | Uint32Array, shard: number, size: number) {
    this.home = home;
    this.rank = rank;
    this.shard = shard;
    this.size = size;
  }

  /**
   * One {@link ShardKeySlots} per shard `0 … shards − 1` of the layout `home`
   * (a copy of the shard map's table, taken before any resharding moves keys).
   */
  static ofLayout(home: Uint16Array, shards: number): ShardKeySlots[] {
    const counts = new Uint32Array(shards);
    for (let key = 0; key < home.length; key++) {
      const s = home[key] as number;
      counts[s] = (counts[s] as number) + 1;
    }
    // Read on every access of every node: 2 bytes a key when every rank fits
    // (16 shards of 10^6 keys hold 62,500 each), half the cache lines of 4.
    let largest = 0;
    for (const c of counts) largest = Math.max(largest, c);
    const rank = largest <= 0x10000 ? new Uint16Array(home.length) : new Uint32Array(home.length);
    counts.fill(0);
    for (let key = 0; key < home.length; key++) {
      const s = home[key] as number;
      rank[key] = counts[s] as number;
      counts[s] = (counts[s] as number) + 1;
    }
    return Array.from(
      { length: shards },
      (_, s) => new ShardKeySlots(home, rank, s, counts[s] as number),
    );
  }

  /** @internal Bytes a key of the rank array takes: 2 when every shard holds at most 65,536 keys, else 4. */
  get rankBytes(): number {
    return this.rank.BYTES_PER_ELEMENT;
  }

  /** {@inheritDoc KeySlots.slotOf} */
  slotOf(key: number): number {
    return this.home[key] === this.shard ? (this.rank[key] as number) : -1;
  }
}

/**
 * Per key: its current version (0 = initial) and the LSN that committed it.
 *
 * @remarks Since 0.2.0
 */
export class KeyVersions {
  /** Versions by slot (by key when there are no slots). */
  readonly versions: Uint32Array;
  /** Commit LSNs by slot (empty when made without them). */
  readonly lsns: Uint32Array;
  /** Every key has its slot, slot = key: callers on a hot path may index the arrays directly. */
  readonly whole: boolean;
  private readonly slots: KeySlots | null;
  // Keys outside the slots: [version, lsn], created at their first write.
  private readonly aside = new Map<number, [number, number]>();

  /**
   * @param keyCount - keys 0 … keyCount − 1
   * @param slots - the keys held densely; null: all of them, slot = key
   * @param withLsns - false: versions only (every {@link KeyVersions.lsn} is 0), half the bytes
   */
  constructor(keyCount: number, slots: KeySlots | null, withLsns = true) {
    this.slots = slots;
    this.whole = slots === null;
    const size = slots === null ? keyCount : slots.size;
    this.versions = new Uint32Array(size);
    this.lsns = new Uint32Array(withLsns ? size : 0);
  }

  /** The current version of `key`. */
  version(key: number): number {
    const slot = this.slots === null ? key : this.slots.slotOf(key);
    if (slot >= 0) return this.versions[slot] as number;
    return this.aside.get(key)?.[0] ?? 0;
  }

  /** The LSN that committed the current version of `key` (0 for the initial one). */
  lsn(key: number): number {
    const slot = this.slots === null ? key : this.slots.slotOf(key);
    if (slot >= 0) return slot < this.lsns.length ? (this.lsns[slot] as number) : 0;
    return this.aside.get(key)?.[1] ?? 0;
  }

  /** `key` takes `version`, committed at `lsn`. */
  set(key: number, version: number, lsn: number): void {
    const slot = this.slots === null ? key : this.slots.slotOf(key);
    if (slot >= 0) {
      this.versions[slot] = version;
      // A check, not an out-of-bounds store, which V8 handles on a slow path.
      if (slot < this.lsns.length) this.lsns[slot] = lsn;
      return;
    }
    const entry = this.aside.get(key);
    // >>> 0: what a Uint32Array slot would hold.
    if (entry === undefined) this.aside.set(key, [version >>> 0, lsn >>> 0]);
    else {
      entry[0] = version >>> 0;
      entry[1] = lsn >>> 0;
    }
  }
}
