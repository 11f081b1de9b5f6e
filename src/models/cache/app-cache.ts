// The application's cache on the request path: a Service in front of the
// database tier. Point reads ask the cache node the key is placed on; a hit
// returns the version the entry holds, a miss loads from the database and sets
// the entry (cache-aside: the application sets it, half a hop later;
// read-through: the cache sets it as the load returns). Writes go to the
// database and then delete the key, update it (write-through), or leave it to
// the TTL. So the stale-set race happens as in the real systems: a reader's set
// of an old version can land after a writer's delete. Leases (a token per
// miss, refused after a delete) and coalescing (one load per key at a time)
// are the cures. Scans and multi-statement transactions bypass the cache.
// XFetch's early refresh is optional: the reader reloads as on a miss. A node
// can be lost (emptied). Write-behind (write-behind.ts) acknowledges a write
// once the cache holds it and loads misses itself, as read-through does; a
// load does not overwrite a key whose newer writes wait to be flushed. Every
// command at a node (get, set, delete) waits for one of the node's threads
// (command-queue.ts) when the node has a queue: Redis one, Memcached `-t`.
import type { EventHandle, RandomStream, Simulation } from "../../kernel/index.js";
import type { Done, Operation, Service, VersionHolder } from "../operation.js";
import {
  type CachedRows,
  ROW_EXPIRES_AT,
  ROW_FIELDS,
  ROW_LSN,
  ROW_VERSION,
  ROW_VERSION_LSN,
} from "./cached-rows.js";
import type { Coalescer } from "./coalescer.js";
import type { Command, CommandQueue } from "./command-queue.js";
import type { CacheStore } from "./entry.js";
import type { LeaseTable } from "./leases.js";
import { LoadCounts } from "./load-counts.js";
import type { TtlPolicy } from "./ttl.js";
import type { WriteBehind } from "./write-behind.js";
import { xfetchShouldRefresh } from "./xfetch.js";

/**
 * What an entry holds: the version a read saw and its log positions.
 *
 * @remarks Since 0.2.0
 */
export interface CachedVersion {
  readonly version: number;
  /**
   * A snapshot LSN the value is valid at: the filling read's, moved up to the
   * newest LSN the cache has seen whenever the value is found still current
   * (no newer version committed). It never decreases.
   */
  lsn: number;
  readonly versionLsn: number;
  /** How long the load that fetched it took (XFetch's δ); 0 when it was not loaded (a write's set). */
  readonly loadMs: number;
  /**
   * Its row in the nodes' {@link CachedRows} while a node holds it (which then
   * keeps its `lsn`); −1 otherwise, and always when the rows find a key's row by
   * key (`CachedRows.rowOf`).
   */
  row: number;
}

/**
 * One cache node: its name, memory, and (optionally) leases and coalescing.
 *
 * @remarks Since 0.2.0
 */
export interface CacheNode {
  readonly name: string;
  readonly store: CacheStore<CachedVersion>;
  readonly leases: LeaseTable | null;
  readonly coalescer: Coalescer<Operation> | null;
  /**
   * The node's threads executing commands; absent: a command costs no time at
   * the node (the reference cache).
   *
   * @remarks Since 0.2.0
   */
  readonly commands?: CommandQueue;
}

/**
 * The application cache's settings.
 *
 * @remarks Since 0.2.0
 */
export interface AppCacheConfig {
  readonly pattern: "cache-aside" | "read-through" | "write-through" | "write-behind";
  /** What a write does to the key after the database acknowledged it. */
  readonly invalidation: "delete" | "update" | "none";
  readonly nodes: readonly CacheNode[];
  /** The node index of a key (placement). */
  readonly nodeOf: (key: number) => number;
  readonly ttl: TtlPolicy;
  /** The bytes a set stores for a value. */
  readonly valueBytes: number;
  /** A round trip to a cache node plus its memory read (ms). */
  readonly hopMs: (rng: RandomStream) => number;
  /** How long a miss told to wait by a lease waits before asking again (ms). */
  readonly leaseRetryMs: number;
  /** XFetch's β: a hit reloads early when now − δ·β·ln(u) ≥ expiry; null for never. */
  readonly earlyRefreshBeta: number | null;
  /** The newest acknowledged version of a key: a hit older than it is stale. */
  readonly newestAcked: (key: number) => number;
  /** The newest committed version of a key: an entry holding it is current. */
  readonly newestCommitted: (key: number) => number;
  /**
   * Write-behind's queues, with pattern `write-behind` (absent otherwise).
   *
   * @remarks Since 0.2.0
   */
  readonly writeBehind?: WriteBehind;
  /**
   * The cluster whose log a key's versions and LSNs belong to (a sharded plan:
   * the key's shard); absent: every key is in cluster 0.
   *
   * @remarks Since 0.2.0
   */
  readonly clusterOf?: (key: number) => number;
  /**
   * The clusters behind the cache (1 when absent).
   *
   * @remarks Since 0.2.0
   */
  readonly clusters?: number;
  /**
   * Operations that must bypass the cache although they read one key (a
   * sharded plan's cross-shard queries); absent: none.
   *
   * @remarks Since 0.2.0
   */
  readonly bypass?: (op: Operation) => boolean;
  /**
   * The rows of the values the nodes hold, when every node's store releases
   * its values into it (`onRelease`); absent: the entries are scanned instead.
   *
   * @remarks Since 0.2.0
   */
  readonly rows?: CachedRows;
  /**
   * Keys are integers in [0, keySpace): the loads in flight are then counted per
   * key in an array (4 bytes a key) instead of a Map; absent: any key.
   *
   * @remarks Since 0.2.0
   */
  readonly keySpace?: number;
}

/**
 * The counters of the cache, since the last reset.
 *
 * @remarks Since 0.2.0
 */
export interface AppCacheStats {
  hits: number;
  misses: number;
  staleReads: number;
  sets: number;
  rejectedSets: number;
  oomSets: number;
  tooLargeSets: number;
  databaseLoads: number;
  /** The most loads of one key in flight at once. */
  loadsAtOnceMax: number;
  leaseWaits: number;
  coalesced: number;
  /** Hits that reloaded the key early (XFetch). */
  earlyRefreshes: number;
  /** Entries lost with a node. */
  entriesLost: number;
  /** Write-behind: loads that returned an older version than the newest acknowledged write. */
  staleLoads: number;
}

/**
 * Per-node counters.
 *
 * @remarks Since 0.2.0
 */
export interface CacheNodeStats {
  hits: number;
  misses: number;
}

/** The clock: `_scheduleOwned` lets a point read move one event entry from hop to hop. */
type Clock = Pick<Simulation, "now" | "schedule" | "_scheduleOwned">;

/**
 * A point read on its way to the cache node and, on a hit, back: one object
 * per read in flight, reused, whose callback and event entry serve both hops
 * and whose `executed` is its command at the node, so a hit allocates nothing.
 */
class PointRead implements Command {
  op: Operation | null = null;
  done: Done | null = null;
  /** The node the key is placed on. */
  index = 0;
  /** The hit's answer is on its way back (the second hop). */
  answered = false;
  handle: EventHandle | null = null;
  readonly hop: () => void;

  constructor(private readonly cache: AppCache) {
    this.hop = () => cache._hopped(this);
  }

  executed(): void {
    this.cache._lookup(this);
  }
}

/**
 * A miss's load, reused as {@link PointRead} is: its event entry serves the hop
 * to the database's caller and, for cache-aside, the set's hop back to the node;
 * `finished` is the database's callback and `executed` the set at the node. So a
 * miss allocates the value it stores and no closure.
 */
class Load implements Command {
  op: Operation | null = null;
  done: Done | null = null;
  node: CacheNode | null = null;
  token = 0;
  sentAt = 0;
  /** The value on its way to the node (cache-aside), once loaded. */
  value: CachedVersion | null = null;
  /** While at the database: the LSN seen when it was sent, a lower bound on its snapshot. */
  sentLsn = 0;
  /** Its place among the cache's loads in use (at the database or setting), or −1. */
  activeAt = -1;
  handle: EventHandle | null = null;
  readonly hop: () => void;
  readonly finished: () => void;

  constructor(private readonly cache: AppCache) {
    this.hop = () => cache._loadHop(this);
    this.finished = () => cache._loaded(this);
  }

  executed(): void {
    this.cache._set(this);
  }
}

/**
 * `x`, as a small integer when it is one. A number read from a Float64Array is a
 * double to V8, and storing it into an object's field that held small integers
 * turns that field into a boxed double for every object of its shape (each
 * operation would then allocate a box for its version); `x | 0` stays a small
 * integer. The same number either way (−0 becomes 0; versions are never −0).
 */
function small(x: number): number {
  return (x | 0) === x ? x | 0 : x;
}

/**
 * A write that deletes or updates its key after the database acknowledged it,
 * reused as {@link PointRead} is: `acked` is the database's callback, its event
 * entry serves the hop to the node and the hop back, and `executed` is its
 * command at the node. So a write allocates no closure (four before).
 */
class Write implements Command {
  op: Operation | null = null;
  done: Done | null = null;
  node: CacheNode | null = null;
  /** The key's update at the node is done: the acknowledgement is on its way back. */
  answered = false;
  handle: EventHandle | null = null;
  readonly acked: () => void;
  readonly hop: () => void;

  constructor(private readonly cache: AppCache) {
    this.acked = () => cache._writeAcked(this);
    this.hop = () => cache._writeHop(this);
  }

  executed(): void {
    this.cache._writeAtNode(this);
  }
}

function zeroStats(): AppCacheStats {
  return {
    hits: 0,
    misses: 0,
    staleReads: 0,
    sets: 0,
    rejectedSets: 0,
    oomSets: 0,
    tooLargeSets: 0,
    databaseLoads: 0,
    loadsAtOnceMax: 0,
    leaseWaits: 0,
    coalesced: 0,
    earlyRefreshes: 0,
    entriesLost: 0,
    staleLoads: 0,
  };
}

/**
 * The application's cache: a {@link Service} in front of the database tier and
 * a {@link VersionHolder} of what it may still serve.
 *
 * @remarks Since 0.2.0
 */
export class AppCache implements Service, VersionHolder {
  stats: AppCacheStats = zeroStats();
  readonly nodeStats: CacheNodeStats[];
  /** Loads in flight per key. */
  private readonly loading: LoadCounts;
  /** Read-through's reads whose value is on its way into the cache: their snapshot LSNs are still in use. */
  private readonly pendingSets = new Set<Operation>();
  /**
   * Per cluster, the newest log position of any operation completed through the
   * cache (every operation passes it): a prefix of that cluster's log already
   * committed, so a current entry is what a read at this snapshot would return.
   * LSNs of different clusters are different logs and are never compared.
   */
  private readonly lsnSeen: number[];
  /**
   * Loads whose LSN is still in use, unordered: at the database (with the LSN seen
   * when each was sent: a lower bound on its snapshot) or, cache-aside, with the
   * value on its way into the cache (its snapshot). Each knows its place, so one
   * leaves without a search and a miss makes no map entry.
   */
  private readonly active: Load[] = [];
  /** Per cluster, the entries' floor at the last scan; and the operations since. */
  private readonly entriesFloor: number[];
  private opsSinceScan = 0;
  /** Read-through and write-behind: the cache loads a miss itself. */
  private readonly loadsItself: boolean;
  private readonly queue: WriteBehind | null;
  private readonly clusterOf: (key: number) => number;
  private readonly bypass: ((op: Operation) => boolean) | null;
  /** Point reads done with, for the next ones. */
  private readonly spareReads: PointRead[] = [];
  /** Loads done with, for the next ones. */
  private readonly spareLoads: Load[] = [];
  /** Writes done with, for the next ones. */
  private readonly spareWrites: Write[] = [];
  private readonly rows: CachedRows | null;
  /** Each key's row, when the rows know it: a hit then reads its row alone. */
  private readonly rowOf: Int32Array | null;
  // The settings a hit reads, taken out of the config once per run: the hit path
  // then loads them from this object instead of through `config` each time.
  private readonly cacheNodes: readonly CacheNode[];
  private readonly hopMs: (rng: RandomStream) => number;
  private readonly nodeOf: (key: number) => number;
  private readonly newestAcked: (key: number) => number;
  private readonly newestCommitted: (key: number) => number;
  private readonly renewOnRead: boolean;
  private readonly earlyRefreshBeta: number | null;

  constructor(
    private readonly sim: Clock,
    readonly config: AppCacheConfig,
    private readonly database: Service,
    private readonly rng: RandomStream,
  ) {
    this.nodeStats = config.nodes.map(() => ({ hits: 0, misses: 0 }));
    this.loadsItself = config.pattern === "read-through" || config.pattern === "write-behind";
    this.queue = config.writeBehind ?? null;
    this.clusterOf = config.clusterOf ?? (() => 0);
    this.bypass = config.bypass ?? null;
    this.rows = config.rows ?? null;
    this.rowOf = this.rows?.rowOf ?? null;
    this.loading = new LoadCounts(config.keySpace);
    this.cacheNodes = config.nodes;
    this.hopMs = config.hopMs;
    this.nodeOf = config.nodeOf;
    this.newestAcked = config.newestAcked;
    this.newestCommitted = config.newestCommitted;
    this.renewOnRead = config.ttl.renewOnRead;
    this.earlyRefreshBeta = config.earlyRefreshBeta;
    const clusters = config.clusters ?? 1;
    this.lsnSeen = new Array<number>(clusters).fill(0);
    this.entriesFloor = new Array<number>(clusters).fill(Number.POSITIVE_INFINITY);
  }

  /** The cache nodes. */
  get nodes(): readonly CacheNode[] {
    return this.config.nodes;
  }

  submit(op: Operation, done: Done): void {
    this.opsSinceScan++;
    if (op.kind === "write") this.write(op, done);
    else if (
      op.statements === 1 &&
      op.range === null &&
      !op.forUpdate &&
      (this.bypass === null || !this.bypass(op))
    )
      this.read(op, done);
    else this.database.submit(op, done);
  }

  /** Node `index` restarts empty: its entries and outstanding leases are gone. */
  loseNode(index: number): void {
    const node = this.config.nodes[index] as CacheNode;
    this.stats.entriesLost += node.store.items;
    node.store.clear();
    node.leases?.clear();
    this.config.writeBehind?.lose(index);
  }

  /** Restarts the counters at the warm-up cut. */
  resetStats(): void {
    this.stats = zeroStats();
    this.config.writeBehind?.resetStats();
    for (const node of this.nodeStats) {
      node.hits = 0;
      node.misses = 0;
    }
    for (const node of this.config.nodes) {
      node.store.evictions = 0;
      node.store.expirations = 0;
      node.commands?.resetStats();
    }
  }

  /**
   * The least snapshot LSN, in `cluster`'s log, of what it may serve: entries
   * found current move up to the newest LSN seen (so a cold entry does not hold
   * back the history's compaction); a stale entry keeps the last snapshot it was
   * current at; a load in flight will hold at least the LSN seen when it was
   * sent. Scanning the entries is amortised: at most once per as many operations
   * as there are entries (a floor found earlier stays a lower bound: snapshots
   * never go down), and one scan finds every cluster's floor.
   */
  oldestLsnInUse(cluster = 0): number {
    let items = 0;
    for (const node of this.config.nodes) items += node.store.items;
    if (this.opsSinceScan >= items || !Number.isFinite(this.entriesFloor[cluster] as number)) {
      this.opsSinceScan = 0;
      this.scanEntries();
    }
    let oldest = this.entriesFloor[cluster] as number;
    for (const op of this.pendingSets)
      if (op.lsn < oldest && op.cluster === cluster) oldest = op.lsn;
    const oneCluster = this.lsnSeen.length === 1;
    for (const load of this.active) {
      const op = load.op as Operation;
      if (load.value !== null) {
        if (op.lsn < oldest && op.cluster === cluster) oldest = op.lsn;
      } else if (load.sentLsn < oldest && (oneCluster || op.cluster === cluster))
        oldest = load.sentLsn;
    }
    return oldest;
  }

  private activate(load: Load): void {
    load.activeAt = this.active.push(load) - 1;
  }

  /** Swap-removes `load` from the loads in use. */
  private deactivate(load: Load): void {
    const at = load.activeAt;
    const last = this.active.pop() as Load;
    if (last !== load) {
      this.active[at] = last;
      last.activeAt = at;
    }
    load.activeAt = -1;
  }

  private scanEntries(): void {
    const floor = this.entriesFloor;
    floor.fill(Number.POSITIVE_INFINITY);
    const now = this.sim.now;
    if (this.rows !== null) {
      this.scanRows(this.rows, now);
      return;
    }
    for (const node of this.config.nodes) {
      for (const entry of node.store.values()) {
        if (entry.expiresAt <= now) continue;
        const cluster = this.clusterOf(entry.key);
        this.refresh(entry.value, entry.key, cluster);
        if (entry.value.lsn < (floor[cluster] as number)) floor[cluster] = entry.value.lsn;
      }
    }
  }

  /** As the entries' scan, over the rows: the same moves and floor, in another order. */
  private scanRows(rows: CachedRows, now: number): void {
    const floor = this.entriesFloor;
    const { key: keys, data } = rows;
    for (let row = 0; row < rows.count; row++) {
      const base = ROW_FIELDS * row;
      if ((data[base + ROW_EXPIRES_AT] as number) <= now) continue;
      const key = keys[row] as number;
      const cluster = this.clusterOf(key);
      const seen = this.lsnSeen[cluster] as number;
      let at = data[base + ROW_LSN] as number;
      if (at < seen && data[base + ROW_VERSION] === this.config.newestCommitted(key)) {
        at = seen;
        data[base + ROW_LSN] = seen;
      }
      if (at < (floor[cluster] as number)) floor[cluster] = at;
    }
  }

  /** Moves a current value's snapshot up to the newest LSN seen in its key's cluster. */
  private refresh(value: CachedVersion, key: number, cluster: number): void {
    this.refreshed(value, key, cluster);
  }

  /** As {@link refresh}, and gives the value's snapshot LSN after it (a hit reads its row once). */
  private refreshed(value: CachedVersion, key: number, cluster: number): number {
    const seen = this.lsnSeen[cluster] as number;
    const row = value.row;
    if (row >= 0) {
      const data = (this.rows as CachedRows).data;
      const at = ROW_FIELDS * row + ROW_LSN;
      const lsn = data[at] as number;
      if (lsn < seen && value.version === this.newestCommitted(key)) {
        data[at] = seen;
        return seen;
      }
      return lsn;
    }
    if (value.lsn < seen && value.version === this.newestCommitted(key)) value.lsn = seen;
    return value.lsn;
  }

  /** Notes an operation's log position, in its cluster's log, as it completes through the cache. */
  private seen(op: Operation): void {
    if (op.error === null && op.lsn > (this.lsnSeen[op.cluster] as number))
      this.lsnSeen[op.cluster] = op.lsn;
  }

  private half(): number {
    return this.hopMs(this.rng) / 2;
  }

  private read(op: Operation, done: Done): void {
    const read = this.spareReads.pop() ?? new PointRead(this);
    read.op = op;
    read.done = done;
    read.index = this.nodeOf(op.key);
    read.answered = false;
    read.handle = this.sim._scheduleOwned(this.half(), read.hop, read.handle);
  }

  /** @internal A point read's hop has arrived: at the node, a command; back at the application, the answer. */
  _hopped(read: PointRead): void {
    if (!read.answered) {
      const node = this.cacheNodes[read.index] as CacheNode;
      if (node.commands === undefined) this._lookup(read);
      else node.commands.execute(read);
      return;
    }
    const op = read.op as Operation;
    const done = read.done as Done;
    this.release(read);
    done(op);
  }

  private release(read: PointRead): void {
    read.op = null;
    read.done = null;
    this.spareReads.push(read);
  }

  /** A command at the node: it waits for a thread and executes (at once with no queue). */
  private execute(node: CacheNode, command: () => void): void {
    if (node.commands === undefined) command();
    else node.commands.execute(command);
  }

  /** @internal At the cache node: a hit goes back; a miss loads, waits for a lease, or joins a load. */
  _lookup(read: PointRead): void {
    const op = read.op as Operation;
    const index = read.index;
    const node = this.cacheNodes[index] as CacheNode;
    const entry = node.store.get(op.key, this.sim.now);
    const early =
      entry !== undefined &&
      this.earlyRefreshBeta !== null &&
      this.refreshesEarly(op.key, entry.expiresAt, entry.value);
    if (entry !== undefined && !early) {
      // With each key's row known, a hit reads the row alone (see cached-rows.ts).
      const rowOf = this.rowOf;
      if (rowOf !== null) this.hitRow(op, index, rowOf[op.key] as number);
      else this.hit(op, index, entry.value);
      if (this.renewOnRead) {
        entry.expiresAt = this.config.ttl.expiryAt(this.sim.now, this.rng.next());
        const row = rowOf === null ? entry.value.row : (rowOf[op.key] as number);
        if (row >= 0)
          (this.rows as CachedRows).data[ROW_FIELDS * row + ROW_EXPIRES_AT] = entry.expiresAt;
      }
      read.answered = true;
      read.handle = this.sim._scheduleOwned(this.half(), read.hop, read.handle);
      return;
    }
    const done = read.done as Done;
    this.release(read);
    if (early) {
      this.stats.earlyRefreshes++;
      this.stats.databaseLoads++;
      this.sendLoad(this.half(), op, node, 0, done);
      return;
    }
    this.miss(op, index, done);
  }

  /** A miss at the node: it loads, waits for a lease, or joins a load. */
  private miss(op: Operation, index: number, done: Done): void {
    const node = this.config.nodes[index] as CacheNode;
    this.stats.misses++;
    (this.nodeStats[index] as CacheNodeStats).misses++;
    let token = 0;
    if (node.leases !== null) {
      token = node.leases.onMiss(op.key, this.sim.now);
      if (token === 0) {
        this.stats.leaseWaits++;
        this.sim.schedule(this.half() + this.config.leaseRetryMs, () => this.read(op, done));
        return;
      }
    }
    if (
      node.coalescer !== null &&
      !node.coalescer.join(op.key, (loaded) => this.joined(op, loaded, done))
    ) {
      this.stats.coalesced++;
      return;
    }
    // Counted with the miss (at one instant, so both fall on one side of the warm-up cut).
    this.stats.databaseLoads++;
    const back = this.loadsItself ? 0 : this.half();
    this.sendLoad(back, op, node, token, done);
  }

  /** After `delay`, the load goes to the database. */
  private sendLoad(delay: number, op: Operation, node: CacheNode, token: number, done: Done): void {
    const load = this.spareLoads.pop() ?? new Load(this);
    load.op = op;
    load.done = done;
    load.node = node;
    load.token = token;
    load.handle = this.sim._scheduleOwned(delay, load.hop, load.handle);
  }

  /** @internal A load's hop: to the database, or (its value set) back at the node. */
  _loadHop(load: Load): void {
    if (load.value === null) {
      this.load(load);
      return;
    }
    const node = load.node as CacheNode;
    if (node.commands === undefined) this._set(load);
    else node.commands.execute(load);
  }

  /** @internal A cache-aside load's set at the node. */
  _set(load: Load): void {
    const op = load.op as Operation;
    this.deactivate(load);
    this.store(op.key, load.value as CachedVersion, load.node as CacheNode, load.token);
    this.releaseLoad(load);
  }

  private releaseLoad(load: Load): void {
    load.op = null;
    load.done = null;
    load.node = null;
    load.value = null;
    this.spareLoads.push(load);
  }

  /** XFetch (Vattani et al., VLDB 2015): reload before the expiry, unless a load of the key is already out. */
  private refreshesEarly(key: number, expiresAt: number, value: CachedVersion): boolean {
    const beta = this.config.earlyRefreshBeta;
    if (beta === null || value.loadMs === 0 || this.loading.get(key) > 0) return false;
    return xfetchShouldRefresh(this.sim.now, expiresAt, value.loadMs, beta, 1 - this.rng.next());
  }

  private hit(op: Operation, index: number, value: CachedVersion): void {
    this.stats.hits++;
    (this.nodeStats[index] as CacheNodeStats).hits++;
    if (value.version < this.newestAcked(op.key)) this.stats.staleReads++;
    const lsn = this.refreshed(value, op.key, op.cluster);
    op.version = value.version;
    // A write-behind version not yet committed is in no log prefix: the read has no
    // snapshot LSN, so the monitor keeps it until the end (a later read of the older
    // committed version, after an eviction or a loss, still counts against it).
    op.lsn = this.queue !== null && value.version > this.newestCommitted(op.key) ? Number.NaN : lsn;
    op.versionLsn = value.versionLsn;
    op.node = (this.cacheNodes[index] as CacheNode).name;
  }

  /** As {@link hit}, for the value in `row` of the rows, read from the row alone. */
  private hitRow(op: Operation, index: number, row: number): void {
    this.stats.hits++;
    (this.nodeStats[index] as CacheNodeStats).hits++;
    const data = (this.rows as CachedRows).data;
    const at = ROW_FIELDS * row;
    const version = data[at + ROW_VERSION] as number;
    if (version < this.newestAcked(op.key)) this.stats.staleReads++;
    // As `refreshed`: a current value's snapshot moves up to the newest LSN seen.
    const seen = this.lsnSeen[op.cluster] as number;
    let lsn = data[at + ROW_LSN] as number;
    if (lsn < seen && version === this.newestCommitted(op.key)) {
      data[at + ROW_LSN] = seen;
      lsn = seen;
    }
    op.version = small(version);
    op.lsn = this.queue !== null && version > this.newestCommitted(op.key) ? Number.NaN : lsn;
    op.versionLsn = small(data[at + ROW_VERSION_LSN] as number);
    op.node = (this.cacheNodes[index] as CacheNode).name;
  }

  /** A miss that joined another's load gets its result. */
  private joined(op: Operation, loaded: Operation, done: Done): void {
    op.error = loaded.error;
    op.version = loaded.version;
    op.lsn = loaded.lsn;
    op.versionLsn = loaded.versionLsn;
    op.node = loaded.node;
    this.sim.schedule(this.half(), () => done(op));
  }

  /** Reads the key from the database, then sets it (read-through: at the cache; cache-aside: from the application). */
  private load(load: Load): void {
    const op = load.op as Operation;
    const inFlight = this.loading.get(op.key) + 1;
    this.loading.set(op.key, inFlight);
    if (inFlight > this.stats.loadsAtOnceMax) this.stats.loadsAtOnceMax = inFlight;
    load.sentLsn = this.lsnSeen[op.cluster] as number;
    this.activate(load);
    load.sentAt = this.sim.now;
    this.database.submit(op, load.finished);
  }

  /** @internal A load's answer from the database. */
  _loaded(load: Load): void {
    const op = load.op as Operation;
    const node = load.node as CacheNode;
    const token = load.token;
    const done = load.done as Done;
    const loadMs = this.sim.now - load.sentAt;
    this.seen(op);
    this.loading.set(op.key, this.loading.get(op.key) - 1);
    node.coalescer?.settle(op.key, op);
    if (op.error !== null) {
      this.deactivate(load);
      this.releaseLoad(load);
      done(op);
      return;
    }
    if (this.loadsItself) {
      this.deactivate(load);
      this.releaseLoad(load);
      this.pendingSets.add(op);
      this.execute(node, () => {
        this.pendingSets.delete(op);
        this.fill(op, node, token, loadMs);
      });
      this.sim.schedule(this.half(), () => done(op));
      return;
    }
    // Still active: its value, at the read's snapshot, is on its way into the cache.
    load.value = {
      version: op.version,
      lsn: op.lsn,
      versionLsn: op.versionLsn,
      loadMs,
      row: -1,
    };
    load.handle = this.sim._scheduleOwned(this.half(), load.hop, load.handle);
    done(op);
  }

  private fill(op: Operation, node: CacheNode, token: number, loadMs: number): void {
    const behind = this.queue;
    if (behind !== null) {
      const index = this.config.nodeOf(op.key);
      if (op.version < this.config.newestAcked(op.key)) this.stats.staleLoads++;
      // The cache's own newer version waits to be flushed: the database's is older.
      if (behind.pending(index, op.key)) return;
    }
    this.store(
      op.key,
      { version: op.version, lsn: op.lsn, versionLsn: op.versionLsn, loadMs, row: -1 },
      node,
      token,
    );
  }

  /** A set at the node: refused with an invalid lease token; else stored as the memory allows. */
  private store(key: number, value: CachedVersion, node: CacheNode, token: number): void {
    if (node.leases !== null && token !== 0 && !node.leases.redeem(key, token)) {
      this.stats.rejectedSets++;
      return;
    }
    this.refresh(value, key, this.clusterOf(key));
    const now = this.sim.now;
    const expiresAt = this.config.ttl.expiryAt(now, this.rng.next());
    const outcome = node.store.set(key, value, this.config.valueBytes, expiresAt, now);
    if (outcome === "stored") {
      this.stats.sets++;
      this.rows?.add(value, key, expiresAt);
    } else if (outcome === "oom") this.stats.oomSets++;
    else this.stats.tooLargeSets++;
  }

  /** A write: the database first; then the key is deleted, updated or left, and the write acknowledged. */
  private write(op: Operation, done: Done): void {
    if (this.queue !== null) {
      const node = this.config.nodes[this.config.nodeOf(op.key)] as CacheNode;
      this.sim.schedule(this.half(), () => this.execute(node, () => this.writeBehind(op, done)));
      return;
    }
    const write = this.spareWrites.pop() ?? new Write(this);
    write.op = op;
    write.done = done;
    this.database.submit(op, write.acked);
  }

  private invalidation(): "delete" | "update" | "none" {
    return this.config.pattern === "write-through" ? "update" : this.config.invalidation;
  }

  /** @internal The database acknowledged a write: the key is deleted or updated at its node, or left. */
  _writeAcked(write: Write): void {
    const op = write.op as Operation;
    this.seen(op);
    if (op.error !== null || this.invalidation() === "none") {
      this.answerWrite(write);
      return;
    }
    write.node = this.cacheNodes[this.nodeOf(op.key)] as CacheNode;
    write.answered = false;
    write.handle = this.sim._scheduleOwned(this.half(), write.hop, write.handle);
  }

  /** @internal A write's hop: at the node, a command; back at the application, the acknowledgement. */
  _writeHop(write: Write): void {
    if (write.answered) {
      this.answerWrite(write);
      return;
    }
    const node = write.node as CacheNode;
    if (node.commands === undefined) this._writeAtNode(write);
    else node.commands.execute(write);
  }

  /** @internal A write's delete or update at the node; the value is the acknowledged write's. */
  _writeAtNode(write: Write): void {
    const op = write.op as Operation;
    const node = write.node as CacheNode;
    node.leases?.invalidate(op.key);
    if (this.invalidation() === "delete") node.store.delete(op.key);
    else {
      const value: CachedVersion = {
        version: op.version,
        lsn: op.lsn,
        versionLsn: op.versionLsn,
        loadMs: 0,
        row: -1,
      };
      this.store(op.key, value, node, 0);
    }
    write.answered = true;
    write.handle = this.sim._scheduleOwned(this.half(), write.hop, write.handle);
  }

  private answerWrite(write: Write): void {
    const op = write.op as Operation;
    const done = write.done as Done;
    write.op = null;
    write.done = null;
    write.node = null;
    this.spareWrites.push(write);
    done(op);
  }

  /**
   * Write-behind at the cache node: the write takes its version from the queue,
   * sets the key, and is acknowledged. It has no log position until the database
   * commits it at a flush, so its LSNs are NaN (the checkers then use its version alone).
   */
  private writeBehind(op: Operation, done: Done): void {
    const index = this.config.nodeOf(op.key);
    const node = this.config.nodes[index] as CacheNode;
    const queue = this.queue as WriteBehind;
    node.leases?.invalidate(op.key);
    const version = queue.accept(op, index, this.config.newestCommitted(op.key));
    const lsn = this.lsnSeen[op.cluster] as number;
    this.store(op.key, { version, lsn, versionLsn: Number.NaN, loadMs: 0, row: -1 }, node, 0);
    op.version = version;
    op.lsn = Number.NaN;
    op.versionLsn = Number.NaN;
    op.node = node.name;
    this.sim.schedule(this.half(), () => done(op));
  }
}
