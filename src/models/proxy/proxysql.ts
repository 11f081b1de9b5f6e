// A ProxySQL-style proxy between the application and the database nodes, after
// ProxySQL 2.x's documentation (mysql_servers, mysql_query_rules, the query
// cache, the monitor) and source (lib/MySQL_Monitor.cpp,
// lib/MySQL_HostGroups_Manager.cpp). The application's driver
// opens frontend connections to it (refused past mysql-max_connections); each
// query is routed by the query rules to a hostgroup — writer (the primary) or
// reader (replicas by weight, optionally the primary) — and runs on a backend
// connection from that server's pool.
// - Query rules are tried in rule_id order; a matching rule may set
//   destination_hostgroup and cache_ttl (a later match overrides), apply=1 stops;
//   with no destination the query goes to the user's default hostgroup.
//   Rules match on what an operation is: read or write, locking read (SELECT …
//   FOR UPDATE), statement of a multi-statement transaction — the features a
//   regex on the query text would key on. Every statement of an operation
//   routes alike, so a transaction stays on one hostgroup
//   (transaction_persistent=1).
// - Multiplexing: a backend connection is lent per statement and returned after
//   it, except inside a multi-statement transaction (held to its end) and, for
//   good, once the frontend used session state (SET @var, GET_LOCK(), temporary
//   tables, SQL PREPARE): from then on the frontend keeps one backend connection
//   per server it reaches until it disconnects, and keeps using it even if that
//   server is shunned (sysown/proxysql issue #774). With multiplexing off, every
//   frontend behaves so from the start.
// - Backend pools: per mysql_servers row, at most max_connections; a free list;
//   queries wait first come, first served. Opening one costs round trips plus the
//   node's own connect. A query that finds no ONLINE server, or no connection,
//   within mysql-connect_timeout_server_max fails (hostgroup_unavailable).
// - Query cache: single-statement reads whose rule sets cache_ttl are answered
//   from the cache while the entry stored by the last miss is younger than the
//   TTL (expire-after-write; a hit does not extend it). Writes never invalidate,
//   so a hit can return a version older than the primary's: a stale hit. A hit
//   costs one `cacheHitMs` draw (the scenario charges the latency table's
//   ramRead: a hash lookup in the proxy's memory) and no backend trip.
//   Memory is bounded hard by query_cache_size_MB ÷ an entry-size estimate
//   with LRU eviction; ProxySQL itself has a soft limit enforced by a purge
//   thread, not LRU — an approximation.
// - Lag shunning: every monitor_replication_lag_interval the monitor reads each
//   replica's Seconds_Behind_Master: strictly greater than max_replication_lag
//   → SHUNNED (no new queries), back ONLINE at a later check at or under.
//   Seconds_Behind_Master reads 0 whenever the applier has drained the relay
//   log, so lag in transit (the network, a slow receiver) is invisible to it,
//   as in MySQL; only a check that catches an event being applied sees its age.
//   It reads NULL once the applier has drained the relay log while the receiver
//   is cut off; the monitor then takes mysql-monitor_slave_lag_when_null (60 s),
//   so a cut-off replica is shunned when that exceeds max_replication_lag.
// Left out: regex matching on query text, flagIN/flagOUT chains, mirroring,
// query rewriting, users and schemas (one user, whose default hostgroup is the
// writer), connection errors and shun_on_failures, the ping and read_only
// monitors, mysql_replication_hostgroups failover, free_connections_pct and
// idle backend closing, the cost of resetting a connection, ProxySQL's own CPU
// per query (it is not a queue here), cache soft TTL, request
// coalescing on a miss (there is none: concurrent misses each go to a backend),
// max_latency_ms and gtid-aware routing.
import { Fifo } from "../../kernel/fifo.js";
import type { EventHandle, RandomStream, Simulation } from "../../kernel/index.js";
import { Histogram, TimeWeighted } from "../../metrics/index.js";
import type {
  ErrorKind,
  Operation,
  OperationKind,
  PortConnection,
  ServerPort,
  VersionHolder,
} from "../operation.js";

/**
 * What a {@link QueryRule} matches; an absent feature matches anything.
 *
 * @remarks Since 0.1.0
 */
export interface QueryRuleMatch {
  /** Reads (SELECT) or writes. */
  readonly kind?: OperationKind;
  /** Locking reads (`SELECT … FOR UPDATE`) when true; everything else when false. */
  readonly forUpdate?: boolean;
  /** Statements of multi-statement transactions when true; single statements when false. */
  readonly inTransaction?: boolean;
}

/**
 * One row of `mysql_query_rules`.
 *
 * @remarks Since 0.1.0
 */
export interface QueryRule {
  /** `rule_id`: rules are tried in increasing order. */
  readonly ruleId: number;
  /** What it matches. */
  readonly match: QueryRuleMatch;
  /** `destination_hostgroup`, or null to leave the destination as it is. */
  readonly destinationHostgroup: number | null;
  /** `cache_ttl` (ms), or null to leave it as it is; only reads are cached. */
  readonly cacheTtlMs: number | null;
  /** `apply`: stop at this rule when it matches. */
  readonly apply: boolean;
}

/**
 * One row of `mysql_servers`: a server in a hostgroup. A server in two
 * hostgroups is two rows, each with its own connection pool.
 *
 * @remarks Since 0.1.0
 */
export interface ProxyServerConfig {
  /** `hostgroup_id`. */
  readonly hostgroup: number;
  /** The node (or the pooler in front of it) that the proxy connects to. */
  readonly port: ServerPort;
  /** `weight`: its share of the hostgroup's new queries (0 = none). */
  readonly weight: number;
  /** `max_connections`: backend connections to it from this row's pool. */
  readonly maxConnections: number;
  /** `max_replication_lag` in seconds; 0 = never shunned for lag. */
  readonly maxReplicationLagS: number;
  /**
   * Seconds_Behind_Master as the monitor reads it — a number, or `null` for
   * MySQL's NULL (the monitor then takes `monitorSlaveLagWhenNullS`); null
   * instead of a function for a server that is not a replica.
   */
  readonly secondsBehindMaster: (() => number | null) | null;
}

/**
 * Settings of a {@link ProxySql}, named as ProxySQL's (ms where ProxySQL uses ms).
 *
 * @remarks Since 0.1.0
 */
export interface ProxySqlConfig {
  /** The proxy's name in reports (and in `op.node` for cache hits). */
  readonly name: string;
  /** `mysql-max_connections`: frontend connections accepted (default 2048). */
  readonly maxConnections: number;
  /** The user's `default_hostgroup`: where queries no rule routes go. */
  readonly defaultHostgroup: number;
  /** `mysql_query_rules`, in any order (tried by `ruleId`). */
  readonly queryRules: readonly QueryRule[];
  /** `mysql-multiplexing` (default true). */
  readonly multiplexing: boolean;
  /** Round trip between the proxy and a backend (ms), paid per statement. */
  readonly backendRoundTripMs: (rng: RandomStream) => number;
  /** Round trips to open a backend connection (TCP, handshake, authentication). */
  readonly backendConnectRoundTrips: number;
  /** `mysql-query_cache_size_MB` (default 256). */
  readonly queryCacheSizeMB: number;
  /** Estimated bytes per cache entry (result set, key, bookkeeping). */
  readonly queryCacheEntryBytes: number;
  /** Cost of answering from the cache (ms). */
  readonly cacheHitMs: (rng: RandomStream) => number;
  /** `mysql-monitor_replication_lag_interval` (default 10 000 ms). */
  readonly monitorReplicationLagIntervalMs: number;
  /**
   * `mysql-monitor_slave_lag_when_null` (seconds, default 60): the lag the
   * monitor assumes when Seconds_Behind_Master is NULL. Absent: 60.
   *
   * @remarks Since 0.2.0
   */
  readonly monitorSlaveLagWhenNullS?: number;
  /** `mysql-connect_timeout_server_max` (default 10 000 ms). */
  readonly connectTimeoutServerMaxMs: number;
}

/**
 * Counters of a {@link ProxySql} (reset at the warm-up cut).
 *
 * @remarks Since 0.1.0
 */
export interface ProxyStats {
  /** Statements each rule matched, in `ruleId` order (see {@link ProxySql.rules}). */
  ruleHits: number[];
  /** Statements no rule gave a destination (they went to the default hostgroup). */
  unmatchedQueries: number;
  /** Statements sent to backends, per hostgroup (see {@link ProxySql.hostgroupIds}). */
  hostgroupQueries: number[];
  /** Reads answered from the query cache. */
  cacheHits: number;
  /** Of those, hits that returned an older version than the primary held. */
  cacheStaleHits: number;
  /** Cacheable reads that found no live entry. */
  cacheMisses: number;
  /** Entries evicted to stay within the cache's size. */
  cacheEvictions: number;
  /**
   * Frontend connections with multiplexing switched off by session state at some
   * time in the window: those still open and pinned at the warm-up cut, plus
   * those switched off after it.
   */
  multiplexingDisabled: number;
  /** Queries that got a backend connection (each statement outside a held connection). */
  backendAcquires: number;
  /** Of those, how many had to wait for one. */
  backendWaits: number;
  /** Queries failed because their hostgroup had no ONLINE server in time. */
  noOnlineServer: number;
  /** Queries failed because no backend connection came free in time. */
  backendWaitTimeouts: number;
  /** Frontend connections refused (`mysql-max_connections`). */
  frontendRefused: number;
}

/**
 * One `mysql_servers` row's figures, like `stats_mysql_connection_pool`.
 *
 * @remarks Since 0.1.0
 */
export interface ProxyServerStats {
  /** `hostgroup`. */
  readonly hostgroup: number;
  /** The server's name. */
  readonly server: string;
  /** Its weight. */
  readonly weight: number;
  /** ONLINE or SHUNNED now. */
  readonly status: "ONLINE" | "SHUNNED";
  /** Backend connections open (ConnUsed + ConnFree, opening included), most at once. */
  readonly connectionsMax: number;
  /** Backend connections in use (ConnUsed), most at once. */
  readonly connectionsUsedMax: number;
  /** Backend connections opened (ConnOK). */
  readonly connectionsOpened: number;
  /** Backend connection attempts the server refused (ConnERR). */
  readonly connectErrors: number;
  /** Statements run on it (Queries). */
  readonly queries: number;
  /** Times the monitor shunned it for replication lag. */
  readonly shunEvents: number;
  /** Time spent SHUNNED (ms). */
  readonly shunnedMs: number;
}

/** A backend connection, owned by one server row's pool. */
class BackendConn {
  readonly row: ServerRow;
  readonly conn: PortConnection;
  constructor(row: ServerRow, conn: PortConnection) {
    this.row = row;
    this.conn = conn;
  }
}

/** A query waiting for a backend connection of one row. */
class PoolWaiter {
  readonly since: number;
  readonly grant: (conn: BackendConn | null, error: ErrorKind | null) => void;
  timer: EventHandle | null = null;
  done = false;
  constructor(since: number, grant: (conn: BackendConn | null, error: ErrorKind | null) => void) {
    this.since = since;
    this.grant = grant;
  }
}

/** A query waiting for its hostgroup to have an ONLINE server. */
class HostgroupWaiter {
  readonly started: number;
  readonly grant: (conn: BackendConn | null, error: ErrorKind | null) => void;
  timer: EventHandle | null = null;
  done = false;
  constructor(started: number, grant: (conn: BackendConn | null, error: ErrorKind | null) => void) {
    this.started = started;
    this.grant = grant;
  }
}

/** A mysql_servers row: its settings, status and connection pool. */
class ServerRow {
  readonly config: ProxyServerConfig;
  readonly name: string;
  shunned = false;
  readonly free: BackendConn[] = [];
  readonly waiters = new Fifo<PoolWaiter>();
  /** Connections open or opening. */
  readonly open: TimeWeighted;
  /** Connections lent out. */
  readonly used: TimeWeighted;
  opened = 0;
  connectErrors = 0;
  queries = 0;
  shunEvents = 0;
  shunnedMs = 0;
  shunnedSince = 0;
  constructor(config: ProxyServerConfig, now: number) {
    this.config = config;
    this.name = config.port.name;
    this.open = new TimeWeighted(now);
    this.used = new TimeWeighted(now);
  }
}

/** A hostgroup: its rows and the queries waiting for one of them to be ONLINE. */
class Hostgroup {
  readonly id: number;
  /** Index in {@link ProxySql.hostgroupIds}. */
  readonly index: number;
  readonly rows: ServerRow[] = [];
  readonly pending = new Fifo<HostgroupWaiter>();
  constructor(id: number, index: number) {
    this.id = id;
    this.index = index;
  }
}

/** A frontend (client) connection to the proxy. */
class Frontend {
  closed = false;
  /** Multiplexing switched off for good by session state. */
  multiplexingDisabled = false;
  /** The backend connection the operation in flight uses. */
  current: BackendConn | null = null;
  /** Backend connections kept while multiplexing is off (one per row at most). */
  readonly held: BackendConn[] = [];
}

/** Where an operation with given features goes: the outcome of the rules. */
interface Route {
  readonly hostgroup: Hostgroup;
  /** Cache TTL (ms) for reads; 0 = not cached. */
  readonly cacheTtlMs: number;
  /** Indexes (in ruleId order) of the rules that matched. */
  readonly matched: readonly number[];
  /** True when no rule set a destination. */
  readonly unmatched: boolean;
}

/**
 * A query cache entry: the result a read got, when it expires, and its place in
 * the recency list (a doubly linked list: a hit relinks, no hash-table churn —
 * deleting and re-adding a hot key in a Map makes V8's table slow).
 */
class CacheEntry {
  readonly key: number;
  version = 0;
  lsn = 0;
  versionLsn = 0;
  expiresAt = 0;
  /** Less recently used neighbour. */
  prev: CacheEntry;
  /** More recently used neighbour. */
  next: CacheEntry;
  constructor(key: number) {
    this.key = key;
    this.prev = this;
    this.next = this;
  }

  unlink(): void {
    this.prev.next = this.next;
    this.next.prev = this.prev;
  }

  /** Links this entry just before `head` (the sentinel): most recently used. */
  linkBefore(head: CacheEntry): void {
    this.prev = head.prev;
    this.next = head;
    head.prev.next = this;
    head.prev = this;
  }
}

/**
 * A ProxySQL between the application's driver and the database nodes. It is a
 * {@link ServerPort} for the driver and a client of each backend's port.
 *
 * @remarks Since 0.1.0
 */
export class ProxySql implements ServerPort, VersionHolder {
  /** Its settings. */
  readonly config: ProxySqlConfig;
  /** The query rules, in `ruleId` order (the order of {@link ProxyStats.ruleHits}). */
  readonly rules: readonly QueryRule[];
  /** The hostgroup ids, ascending (the order of {@link ProxyStats.hostgroupQueries}). */
  readonly hostgroupIds: readonly number[];
  /** Frontend connections open. */
  readonly frontends: TimeWeighted;
  /** Time queries waited for a backend connection (every acquire, waits of 0 included). */
  readonly backendWaitMs = new Histogram();
  /** Most query cache entries held at once since the last reset. */
  cacheEntriesMax = 0;
  /** Counters. */
  stats: ProxyStats;

  private readonly sim: Simulation;
  private readonly networkRng: RandomStream;
  private readonly balanceRng: RandomStream;
  private readonly cacheRng: RandomStream;
  private readonly latestVersion: (key: number) => number;
  private readonly rows: ServerRow[];
  private readonly hostgroups = new Map<number, Hostgroup>();
  /** Routes by feature combination: kind × forUpdate × inTransaction. */
  private readonly routes: Route[];
  private readonly cache = new Map<number, CacheEntry>();
  /** The recency list's sentinel: `lru.next` is the least recently used entry. */
  private readonly lru = new CacheEntry(-1);
  /** The longest cache_ttl of any rule: no entry is served longer after it was stored. */
  private readonly maxCacheTtlMs: number;
  /**
   * Stores of the last maxCacheTtlMs as (time, lsn), lsn increasing from the head:
   * a sliding-window minimum (monotone deque) of the LSNs the cache can serve.
   */
  private floorTimes: number[] = [];
  private floorLsns: number[] = [];
  private floorHead = 0;
  /** Entries the cache may hold: query_cache_size_MB ÷ entry size. */
  readonly cacheCapacity: number;
  private monitorTimer: EventHandle | null = null;
  /** Open frontends whose multiplexing session state switched off. */
  private pinnedFrontends = 0;

  /**
   * @param sim - the simulation
   * @param config - ProxySQL's settings
   * @param servers - the mysql_servers rows
   * @param latestVersion - the primary's current version of a key (to count stale cache hits)
   */
  constructor(
    sim: Simulation,
    config: ProxySqlConfig,
    servers: readonly ProxyServerConfig[],
    latestVersion: (key: number) => number,
  ) {
    this.sim = sim;
    this.config = config;
    this.latestVersion = latestVersion;
    this.networkRng = sim.rng(`proxy.${config.name}.network`);
    this.balanceRng = sim.rng(`proxy.${config.name}.balance`);
    this.cacheRng = sim.rng(`proxy.${config.name}.cache`);
    this.frontends = new TimeWeighted(sim.now);
    this.rules = [...config.queryRules].sort((a, b) => a.ruleId - b.ruleId);
    const ids = new Set<number>([config.defaultHostgroup]);
    for (const s of servers) ids.add(s.hostgroup);
    for (const r of this.rules)
      if (r.destinationHostgroup !== null) ids.add(r.destinationHostgroup);
    this.hostgroupIds = [...ids].sort((a, b) => a - b);
    this.hostgroupIds.forEach((id, i) => {
      this.hostgroups.set(id, new Hostgroup(id, i));
    });
    this.rows = servers.map((s) => {
      const row = new ServerRow(s, sim.now);
      (this.hostgroups.get(s.hostgroup) as Hostgroup).rows.push(row);
      return row;
    });
    this.routes = [];
    for (const kind of ["read", "write"] as const) {
      for (const forUpdate of [false, true]) {
        for (const inTransaction of [false, true]) {
          this.routes.push(this.evaluateRules(kind, forUpdate, inTransaction));
        }
      }
    }
    this.maxCacheTtlMs = Math.max(0, ...this.rules.map((r) => r.cacheTtlMs ?? 0));
    this.cacheCapacity = Math.floor(
      (config.queryCacheSizeMB * 1024 * 1024) / Math.max(1, config.queryCacheEntryBytes),
    );
    this.stats = this.emptyStats();
    const monitored = this.rows.some(
      (r) => r.config.maxReplicationLagS > 0 && r.config.secondsBehindMaster !== null,
    );
    if (monitored) this.checkLag();
  }

  private emptyStats(): ProxyStats {
    return {
      ruleHits: new Array<number>(this.rules.length).fill(0),
      unmatchedQueries: 0,
      hostgroupQueries: new Array<number>(this.hostgroupIds.length).fill(0),
      cacheHits: 0,
      cacheStaleHits: 0,
      cacheMisses: 0,
      cacheEvictions: 0,
      multiplexingDisabled: 0,
      backendAcquires: 0,
      backendWaits: 0,
      noOnlineServer: 0,
      backendWaitTimeouts: 0,
      frontendRefused: 0,
    };
  }

  /** The proxy's name. */
  get name(): string {
    return this.config.name;
  }

  /** Entries in the query cache now (expired ones not yet evicted included). */
  get cacheEntries(): number {
    return this.cache.size;
  }

  /** Restarts the figures at the warm-up cut. */
  resetStats(now: number): void {
    this.stats = this.emptyStats();
    // A frontend pinned before the cut is still pinned in the window: it counts.
    this.stats.multiplexingDisabled = this.pinnedFrontends;
    this.backendWaitMs.reset();
    this.frontends.reset(now);
    this.cacheEntriesMax = this.cache.size;
    for (const row of this.rows) {
      row.open.reset(now);
      row.used.reset(now);
      row.opened = 0;
      row.connectErrors = 0;
      row.queries = 0;
      row.shunEvents = 0;
      row.shunnedMs = 0;
      row.shunnedSince = now;
    }
  }

  /** Figures of every mysql_servers row, in the order they were given. */
  serverStats(now: number): ProxyServerStats[] {
    return this.rows.map((row) => ({
      hostgroup: row.config.hostgroup,
      server: row.name,
      weight: row.config.weight,
      status: row.shunned ? "SHUNNED" : "ONLINE",
      connectionsMax: row.open.max,
      connectionsUsedMax: row.used.max,
      connectionsOpened: row.opened,
      connectErrors: row.connectErrors,
      queries: row.queries,
      shunEvents: row.shunEvents,
      shunnedMs: row.shunnedMs + (row.shunned ? now - row.shunnedSince : 0),
    }));
  }

  /** Whether row `i` (in the order given) is SHUNNED now. */
  isShunned(i: number): boolean {
    return this.rows[i]?.shunned === true;
  }

  /**
   * A lower bound on the LSN of every cache entry that can still be served
   * (+Infinity when none can): the smallest LSN stored within the longest TTL.
   * A read from now on sees at least this prefix of the log, so the consistency
   * monitor may compact below it. Amortised O(1).
   */
  cacheLsnFloor(): number {
    const now = this.sim.now;
    const times = this.floorTimes;
    while (
      this.floorHead < times.length &&
      (times[this.floorHead] as number) + this.maxCacheTtlMs <= now
    ) {
      this.floorHead++;
    }
    if (this.floorHead > 1024 && this.floorHead * 2 > times.length) {
      this.floorTimes = times.slice(this.floorHead);
      this.floorLsns = this.floorLsns.slice(this.floorHead);
      this.floorHead = 0;
    }
    const lsn = this.floorLsns[this.floorHead];
    return lsn === undefined ? Number.POSITIVE_INFINITY : lsn;
  }

  /**
   * {@link VersionHolder}: the query cache serves what it stored, so its floor is
   * {@link ProxySql.cacheLsnFloor}.
   *
   * @remarks Since 0.2.0
   */
  oldestLsnInUse(): number {
    return this.cacheLsnFloor();
  }

  private recordStore(now: number, lsn: number): void {
    const lsns = this.floorLsns;
    while (lsns.length > this.floorHead && (lsns[lsns.length - 1] as number) >= lsn) {
      lsns.pop();
      this.floorTimes.pop();
    }
    lsns.push(lsn);
    this.floorTimes.push(now);
  }

  connect(done: (conn: PortConnection | null, error: ErrorKind | null) => void): void {
    if (this.frontends.value >= this.config.maxConnections) {
      this.stats.frontendRefused++;
      done(null, "proxy_max_connections");
      return;
    }
    this.frontends.add(this.sim.now, 1);
    done(new Frontend(), null);
  }

  disconnect(conn: PortConnection): void {
    const fe = conn as Frontend;
    if (fe.closed) return;
    fe.closed = true;
    this.frontends.add(this.sim.now, -1);
    if (fe.multiplexingDisabled) this.pinnedFrontends--;
    // Held backend connections go back to the pool (ProxySQL resets them first; not
    // charged); one still running a statement goes back when the statement ends.
    for (const bc of fe.held.splice(0)) if (bc !== fe.current) this.release(bc);
  }

  execute(
    conn: PortConnection,
    op: Operation,
    index: number,
    done: (error: ErrorKind | null) => void,
  ): void {
    const fe = conn as Frontend;
    const route = this.routeOf(op);
    for (const r of route.matched) (this.stats.ruleHits[r] as number)++;
    if (route.unmatched) this.stats.unmatchedQueries++;
    const cacheTtl = op.kind === "read" && op.statements === 1 ? route.cacheTtlMs : 0;
    if (index === 0) {
      if (op.sessionState !== null && this.config.multiplexing && !fe.multiplexingDisabled) {
        fe.multiplexingDisabled = true;
        this.pinnedFrontends++;
        this.stats.multiplexingDisabled++;
      }
      if (cacheTtl > 0 && this.answerFromCache(op, done)) return;
    }
    const run = (bc: BackendConn): void => this.run(fe, bc, op, index, cacheTtl, done);
    const inUse = fe.current ?? this.heldIn(fe, route.hostgroup);
    if (inUse !== null) {
      fe.current = inUse;
      run(inUse);
      return;
    }
    this.acquire(route.hostgroup, (bc, error) => {
      if (bc === null) {
        done(error);
        return;
      }
      fe.current = bc;
      run(bc);
    });
  }

  /** Runs one statement on a backend connection, then returns or keeps the connection. */
  private run(
    fe: Frontend,
    bc: BackendConn,
    op: Operation,
    index: number,
    cacheTtl: number,
    done: (error: ErrorKind | null) => void,
  ): void {
    const row = bc.row;
    row.queries++;
    const hg = this.hostgroups.get(row.config.hostgroup) as Hostgroup;
    (this.stats.hostgroupQueries[hg.index] as number)++;
    const half = this.config.backendRoundTripMs(this.networkRng) / 2;
    this.sim.schedule(half, () => {
      row.config.port.execute(bc.conn, op, index, (error) => {
        this.sim.schedule(half, () => {
          const last = index >= op.statements - 1 || error !== null;
          if (last) {
            fe.current = null;
            const multiplexes = this.config.multiplexing && !fe.multiplexingDisabled;
            if (!fe.held.includes(bc)) {
              if (multiplexes || fe.closed) this.release(bc);
              else fe.held.push(bc);
            }
            if (error === null && cacheTtl > 0) this.store(op, cacheTtl);
          }
          done(error);
        });
      });
    });
  }

  /** A held connection of the frontend in hostgroup `hg`, or null. */
  private heldIn(fe: Frontend, hg: Hostgroup): BackendConn | null {
    for (const bc of fe.held) if (bc.row.config.hostgroup === hg.id) return bc;
    return null;
  }

  /** The rules' verdict for an operation, from the table built at construction. */
  private routeOf(op: Operation): Route {
    const k = (op.kind === "read" ? 0 : 4) + (op.forUpdate ? 2 : 0) + (op.isTransaction ? 1 : 0);
    return this.routes[k] as Route;
  }

  /** Runs the rules in ruleId order for one combination of features. */
  private evaluateRules(kind: OperationKind, forUpdate: boolean, inTransaction: boolean): Route {
    let destination: number | null = null;
    let cacheTtlMs = 0;
    const matched: number[] = [];
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i] as QueryRule;
      const m = rule.match;
      if (m.kind !== undefined && m.kind !== kind) continue;
      if (m.forUpdate !== undefined && m.forUpdate !== forUpdate) continue;
      if (m.inTransaction !== undefined && m.inTransaction !== inTransaction) continue;
      matched.push(i);
      if (rule.destinationHostgroup !== null) destination = rule.destinationHostgroup;
      if (rule.cacheTtlMs !== null) cacheTtlMs = rule.cacheTtlMs;
      if (rule.apply) break;
    }
    const id = destination ?? this.config.defaultHostgroup;
    return {
      hostgroup: this.hostgroups.get(id) as Hostgroup,
      cacheTtlMs: kind === "read" ? cacheTtlMs : 0,
      matched,
      unmatched: destination === null,
    };
  }

  /** Answers a read from the cache when a live entry exists; false on a miss. */
  private answerFromCache(op: Operation, done: (error: ErrorKind | null) => void): boolean {
    const now = this.sim.now;
    const entry = this.cache.get(op.key);
    // An expired entry stays until the miss's result replaces it (or it is evicted).
    if (entry === undefined || entry.expiresAt <= now) {
      this.stats.cacheMisses++;
      return false;
    }
    entry.unlink();
    entry.linkBefore(this.lru);
    this.stats.cacheHits++;
    if (entry.version < this.latestVersion(op.key)) this.stats.cacheStaleHits++;
    op.node = this.config.name;
    op.version = entry.version;
    op.lsn = entry.lsn;
    op.versionLsn = entry.versionLsn;
    this.sim.schedule(this.config.cacheHitMs(this.cacheRng), () => done(null));
    return true;
  }

  /** Stores a read's result, expiring `ttl` ms from now; evicts the least recently used past capacity. */
  private store(op: Operation, ttl: number): void {
    if (this.cacheCapacity <= 0) return;
    const key = op.key;
    let entry = this.cache.get(key);
    if (entry === undefined) {
      entry = new CacheEntry(key);
      this.cache.set(key, entry);
    } else {
      entry.unlink();
    }
    entry.version = op.version;
    entry.lsn = op.lsn;
    entry.versionLsn = op.versionLsn;
    entry.expiresAt = this.sim.now + ttl;
    entry.linkBefore(this.lru);
    this.recordStore(this.sim.now, op.lsn);
    if (this.cache.size > this.cacheCapacity) {
      const oldest = this.lru.next;
      oldest.unlink();
      this.cache.delete(oldest.key);
      this.stats.cacheEvictions++;
    }
    if (this.cache.size > this.cacheEntriesMax) this.cacheEntriesMax = this.cache.size;
  }

  /**
   * Gets a backend connection in hostgroup `hg`: picks an ONLINE server by
   * weight, or waits for one to come ONLINE, within connect_timeout_server_max.
   */
  private acquire(
    hg: Hostgroup,
    grant: (conn: BackendConn | null, error: ErrorKind | null) => void,
  ): void {
    const started = this.sim.now;
    const row = this.pickRow(hg);
    if (row !== null) {
      this.acquireFrom(row, started, grant);
      return;
    }
    const waiter = new HostgroupWaiter(started, grant);
    hg.pending.push(waiter);
    waiter.timer = this.sim.schedule(this.config.connectTimeoutServerMaxMs, () => {
      if (waiter.done) return;
      waiter.done = true;
      while (hg.pending.peek()?.done === true) hg.pending.shift();
      this.stats.noOnlineServer++;
      grant(null, "hostgroup_unavailable");
    });
  }

  /** Queries that waited for an ONLINE server in `hg` go to one now, if there is one. */
  private dispatchPending(hg: Hostgroup): void {
    for (;;) {
      const w = hg.pending.peek();
      if (w === undefined) return;
      if (w.done) {
        hg.pending.shift();
        continue;
      }
      const row = this.pickRow(hg);
      if (row === null) return;
      hg.pending.shift();
      w.done = true;
      if (w.timer !== null) this.sim.cancel(w.timer);
      this.acquireFrom(row, w.started, w.grant);
    }
  }

  /**
   * An ONLINE row of `hg` chosen by weight, preferring rows that have a free
   * connection or room to open one; null when none is ONLINE.
   */
  private pickRow(hg: Hostgroup): ServerRow | null {
    let total = 0;
    let roomTotal = 0;
    let only: ServerRow | null = null;
    let candidates = 0;
    for (const row of hg.rows) {
      if (row.shunned || row.config.weight <= 0) continue;
      candidates++;
      only = row;
      total += row.config.weight;
      if (this.hasRoom(row)) roomTotal += row.config.weight;
    }
    if (candidates <= 1) return only;
    const withRoom = roomTotal > 0;
    let x = this.balanceRng.next() * (withRoom ? roomTotal : total);
    let last: ServerRow | null = null;
    for (const row of hg.rows) {
      if (row.shunned || row.config.weight <= 0) continue;
      if (withRoom && !this.hasRoom(row)) continue;
      last = row;
      x -= row.config.weight;
      if (x < 0) return row;
    }
    return last;
  }

  private hasRoom(row: ServerRow): boolean {
    return row.free.length > 0 || row.open.value < row.config.maxConnections;
  }

  /** A connection from `row`'s pool: a free one, a new one, or after a wait (FIFO). */
  private acquireFrom(
    row: ServerRow,
    started: number,
    grant: (conn: BackendConn | null, error: ErrorKind | null) => void,
  ): void {
    const now = this.sim.now;
    this.stats.backendAcquires++;
    if (row.waiters.length === 0) {
      const free = row.free.pop();
      if (free !== undefined) {
        row.used.add(now, 1);
        this.backendWaitMs.record(0);
        grant(free, null);
        return;
      }
    }
    this.stats.backendWaits++;
    const waiter = new PoolWaiter(now, grant);
    row.waiters.push(waiter);
    const left = Math.max(0, started + this.config.connectTimeoutServerMaxMs - now);
    waiter.timer = this.sim.schedule(left, () => {
      if (waiter.done) return;
      waiter.done = true;
      while (row.waiters.peek()?.done === true) row.waiters.shift();
      this.stats.backendWaitTimeouts++;
      grant(null, "hostgroup_unavailable");
    });
    if (row.open.value < row.config.maxConnections) this.openBackend(row);
  }

  /** Opens a backend connection: round trips, then the node's connect. */
  private openBackend(row: ServerRow): void {
    row.open.add(this.sim.now, 1);
    let setup = 0;
    for (let i = 0; i < this.config.backendConnectRoundTrips; i++) {
      setup += this.config.backendRoundTripMs(this.networkRng);
    }
    this.sim.schedule(setup, () => {
      row.config.port.connect((conn, error) => {
        if (conn === null) {
          row.open.add(this.sim.now, -1);
          row.connectErrors++;
          // The query that asked for it gets the server's refusal.
          const waiter = this.nextWaiter(row);
          if (waiter !== undefined) waiter.grant(null, error ?? "too_many_clients");
          return;
        }
        row.opened++;
        row.used.add(this.sim.now, 1);
        this.release(new BackendConn(row, conn));
      });
    });
  }

  /** A backend connection comes back: to the row's oldest waiter, or to its free list. */
  private release(bc: BackendConn): void {
    const row = bc.row;
    const now = this.sim.now;
    row.used.add(now, -1);
    const waiter = this.nextWaiter(row);
    if (waiter === undefined) {
      row.free.push(bc);
      return;
    }
    row.used.add(now, 1);
    this.backendWaitMs.record(now - waiter.since);
    waiter.grant(bc, null);
  }

  private nextWaiter(row: ServerRow): PoolWaiter | undefined {
    for (;;) {
      const w = row.waiters.shift();
      if (w === undefined) return undefined;
      if (w.done) continue;
      w.done = true;
      if (w.timer !== null) this.sim.cancel(w.timer);
      return w;
    }
  }

  /**
   * The monitor's replication-lag check: SHUNNED while Seconds_Behind_Master is
   * strictly greater than max_replication_lag, ONLINE again at a check at or under.
   */
  private checkLag(): void {
    const now = this.sim.now;
    for (const row of this.rows) {
      const { maxReplicationLagS, secondsBehindMaster } = row.config;
      if (maxReplicationLagS <= 0 || secondsBehindMaster === null) continue;
      // MySQL_Monitor.cpp: repl_lag = mysql_thread___monitor_slave_lag_when_null,
      // replaced by Seconds_Behind_Master when the column is not NULL.
      const lagS = secondsBehindMaster() ?? this.config.monitorSlaveLagWhenNullS ?? 60;
      const shun = lagS > maxReplicationLagS;
      if (shun && !row.shunned) {
        row.shunned = true;
        row.shunEvents++;
        row.shunnedSince = now;
      } else if (!shun && row.shunned) {
        row.shunned = false;
        row.shunnedMs += now - row.shunnedSince;
        this.dispatchPending(this.hostgroups.get(row.config.hostgroup) as Hostgroup);
      }
    }
    this.monitorTimer = this.sim.schedule(this.config.monitorReplicationLagIntervalMs, () =>
      this.checkLag(),
    );
  }

  /** Stops the monitor (end of run). */
  stop(): void {
    if (this.monitorTimer !== null) this.sim.cancel(this.monitorTimer);
    this.monitorTimer = null;
  }
}
