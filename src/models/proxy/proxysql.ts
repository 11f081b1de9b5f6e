// A ProxySQL-style proxy between the application's driver and the database
// nodes (ProxySQL 2.x documentation and source; docs/proxy.md has the whole
// account). The façade owns the frontends and multiplexing and joins the parts:
// query-rules.ts routes a query to a hostgroup, query-cache.ts may answer a read,
// backend-pools.ts lends a backend connection, lag-monitor.ts shuns lagging
// replicas. Multiplexing: a backend connection is lent per statement, held to
// the end of a multi-statement transaction, and kept for good (one per row the
// frontend reaches, even if shunned: sysown/proxysql issue #774) once the
// frontend used session state. Left out: users and schemas, ProxySQL's own CPU,
// gtid-aware routing, max_latency_ms.
import type { RandomStream, Simulation } from "../../kernel/index.js";
import { type Histogram, TimeWeighted } from "../../metrics/index.js";
import type {
  ErrorKind,
  Operation,
  PortConnection,
  ServerPort,
  VersionHolder,
} from "../operation.js";
import { NODE_DOWN } from "./backend-gate.js";
import {
  type BackendConn,
  BackendPools,
  type ProxyServerConfig,
  type ProxyServerStats,
} from "./backend-pools.js";
import { LagMonitor } from "./lag-monitor.js";
import { QueryCache } from "./query-cache.js";
import { type QueryRule, QueryRules } from "./query-rules.js";
import { nextReadOnlyPollMs } from "./read-only-monitor.js";

export type { ProxyServerConfig, ProxyServerStats } from "./backend-pools.js";
export type { QueryRule, QueryRuleMatch } from "./query-rules.js";

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
   * monitor assumes when Seconds_Behind_Source is NULL. Absent: 60.
   *
   * @remarks Since 0.2.0
   */
  readonly monitorSlaveLagWhenNullS?: number;
  /** `mysql-connect_timeout_server_max` (default 10 000 ms). */
  readonly connectTimeoutServerMaxMs: number;
  /**
   * `mysql-monitor_read_only_interval` (ms): how often the monitor reads every
   * backend's read_only. Absent: 1000 (lib/MySQL_Thread.cpp).
   *
   * @remarks Since 0.2.0
   */
  readonly monitorReadOnlyIntervalMs?: number;
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
  /** Entries the query cache may hold: query_cache_size_MB ÷ entry size. */
  readonly cacheCapacity: number;

  private readonly sim: Simulation;
  private readonly networkRng: RandomStream;
  private readonly cacheRng: RandomStream;
  private readonly queryRules: QueryRules;
  private readonly cache: QueryCache;
  private readonly pools: BackendPools;
  private readonly monitor: LagMonitor;
  /** Frontends refused since the last reset. */
  private frontendRefused = 0;
  /** Frontends with multiplexing off at some time since the last reset. */
  private multiplexingDisabled = 0;
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
    this.networkRng = sim.rng(`proxy.${config.name}.network`);
    this.cacheRng = sim.rng(`proxy.${config.name}.cache`);
    this.frontends = new TimeWeighted(sim.now);
    this.queryRules = new QueryRules(config.queryRules, config.defaultHostgroup);
    this.rules = this.queryRules.rules;
    const ids = new Set<number>([config.defaultHostgroup]);
    for (const s of servers) ids.add(s.hostgroup);
    for (const id of this.queryRules.destinations()) ids.add(id);
    this.hostgroupIds = [...ids].sort((a, b) => a - b);
    this.cache = new QueryCache(
      config.queryCacheSizeMB,
      config.queryCacheEntryBytes,
      this.queryRules.maxCacheTtlMs,
      latestVersion,
    );
    this.cacheCapacity = this.cache.capacity;
    this.pools = new BackendPools(sim, config, servers, this.hostgroupIds, {
      network: this.networkRng,
      balance: sim.rng(`proxy.${config.name}.balance`),
    });
    const lagWhenNullS = config.monitorSlaveLagWhenNullS ?? 60;
    this.monitor = new LagMonitor(
      sim,
      { intervalMs: config.monitorReplicationLagIntervalMs, lagWhenNullS },
      this.pools.rows,
      (row) => this.pools.dispatchPending(row),
    );
    this.monitor.start();
  }

  /** The proxy's name. */
  get name(): string {
    return this.config.name;
  }

  /** Counters since the last reset (a new object each time). */
  get stats(): ProxyStats {
    const { queryRules: rules, cache, pools } = this;
    return {
      ruleHits: [...rules.hits],
      unmatchedQueries: rules.unmatched,
      hostgroupQueries: [...pools.hostgroupQueries],
      cacheHits: cache.hits,
      cacheStaleHits: cache.staleHits,
      cacheMisses: cache.misses,
      cacheEvictions: cache.evictions,
      multiplexingDisabled: this.multiplexingDisabled,
      backendAcquires: pools.acquires,
      backendWaits: pools.waits,
      noOnlineServer: pools.noOnlineServer,
      backendWaitTimeouts: pools.waitTimeouts,
      frontendRefused: this.frontendRefused,
    };
  }

  /** Time queries waited for a backend connection (every acquire, waits of 0 included). */
  get backendWaitMs(): Histogram {
    return this.pools.waitMs;
  }

  /** Most query cache entries held at once since the last reset. */
  get cacheEntriesMax(): number {
    return this.cache.entriesMax;
  }

  /** Entries in the query cache now (expired ones not yet evicted included). */
  get cacheEntries(): number {
    return this.cache.size;
  }

  /** Restarts the figures at the warm-up cut: the proxy's one reset. */
  resetStats(now: number): void {
    this.frontendRefused = 0;
    // A frontend pinned before the cut is still pinned in the window: it counts.
    this.multiplexingDisabled = this.pinnedFrontends;
    this.frontends.reset(now);
    this.queryRules.resetStats();
    this.cache.resetStats();
    this.pools.resetStats(now);
  }

  /** Figures of every mysql_servers row, in the order they were given. */
  serverStats(now: number): ProxyServerStats[] {
    return this.pools.serverStats(now);
  }

  /** Whether row `i` (in the order given) is SHUNNED now. */
  isShunned(i: number): boolean {
    return this.pools.rows[i]?.shunned === true;
  }

  /**
   * A lower bound on the LSN of every cache entry that can still be served
   * (+Infinity when none can): the smallest LSN stored within the longest TTL.
   * A read from now on sees at least this prefix of the log, so the consistency
   * monitor may compact below it. Amortised O(1).
   */
  cacheLsnFloor(): number {
    return this.cache.lsnFloor(this.sim.now);
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

  connect(done: (conn: PortConnection | null, error: ErrorKind | null) => void): void {
    if (this.frontends.value >= this.config.maxConnections) {
      this.frontendRefused++;
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
    for (const bc of fe.held.splice(0)) if (bc !== fe.current) this.pools.release(bc);
  }

  execute(
    conn: PortConnection,
    op: Operation,
    index: number,
    done: (error: ErrorKind | null) => void,
  ): void {
    const fe = conn as Frontend;
    const route = this.queryRules.route(op);
    const cacheTtl = op.kind === "read" && op.statements === 1 ? route.cacheTtlMs : 0;
    if (index === 0) {
      if (op.sessionState !== null && this.config.multiplexing && !fe.multiplexingDisabled) {
        fe.multiplexingDisabled = true;
        this.pinnedFrontends++;
        this.multiplexingDisabled++;
      }
      if (cacheTtl > 0 && this.cache.answer(op, this.sim.now)) {
        op.node = this.config.name;
        this.sim.schedule(this.config.cacheHitMs(this.cacheRng), () => done(null));
        return;
      }
    }
    const run = (bc: BackendConn): void => this.run(fe, bc, op, index, cacheTtl, done);
    const inUse = fe.current ?? this.heldIn(fe, route.hostgroup);
    if (inUse !== null) {
      fe.current = inUse;
      run(inUse);
      return;
    }
    this.pools.acquire(route.hostgroup, (bc, error) => {
      if (bc === null) {
        done(error);
        return;
      }
      fe.current = bc;
      run(bc);
    });
  }

  /**
   * The node behind `port` crashed: ProxySQL shuns its rows and kills their
   * connections (MySQL_HostGroups_Manager::shun_and_killall).
   *
   * @remarks Since 0.2.0
   */
  backendDown(port: ServerPort): void {
    this.pools.backendDown(port);
  }

  /**
   * The node behind `port` is back and reachable: its rows are ONLINE again (as
   * ProxySQL's monitor finds it answering pings).
   *
   * @remarks Since 0.2.0
   */
  backendUp(port: ServerPort): void {
    this.pools.backendUp(port);
  }

  /**
   * The server behind `port` now has read_only = 0 (it was promoted): at the
   * monitor's next read_only poll its reader row is copied into
   * `writerHostgroup`, and `seen` is told the poll's time.
   *
   * @remarks Since 0.2.0
   */
  readOnlyCleared(port: ServerPort, writerHostgroup: number, seen: (atMs: number) => void): void {
    const intervalMs = this.config.monitorReadOnlyIntervalMs ?? 1000;
    this.sim.at(nextReadOnlyPollMs(this.sim.now, intervalMs), () => {
      const rows = this.pools.rows;
      if (!rows.some((r) => r.config.port === port && r.config.hostgroup === writerHostgroup)) {
        const reader = rows.find((r) => r.config.port === port);
        if (reader !== undefined) {
          this.pools.addRow({
            ...reader.config,
            hostgroup: writerHostgroup,
            maxReplicationLagS: 0,
            secondsBehindSource: null,
          });
        }
      }
      seen(this.sim.now);
    });
  }

  /** Stops the monitor (end of run). */
  stop(): void {
    this.monitor.stop();
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
    this.pools.countQuery(bc.row);
    const half = this.config.backendRoundTripMs(this.networkRng) / 2;
    this.sim.schedule(half, () => {
      bc.row.config.port.execute(bc.conn, op, index, (error) => {
        this.sim.schedule(half, () => {
          const last = index >= op.statements - 1 || error !== null;
          if (last) {
            fe.current = null;
            const multiplexes = this.config.multiplexing && !fe.multiplexingDisabled;
            if (error === NODE_DOWN) {
              // The backend died: its connection is gone, held or not.
              const held = fe.held.indexOf(bc);
              if (held >= 0) fe.held.splice(held, 1);
              this.pools.drop(bc);
            } else if (!fe.held.includes(bc)) {
              if (multiplexes || fe.closed) this.pools.release(bc);
              else fe.held.push(bc);
            }
            if (error === null && cacheTtl > 0) this.cache.store(op, cacheTtl, this.sim.now);
          }
          done(error);
        });
      });
    });
  }

  /** A held connection of the frontend in hostgroup `id`, or null. */
  private heldIn(fe: Frontend, id: number): BackendConn | null {
    for (const bc of fe.held) if (bc.row.config.hostgroup === id) return bc;
    return null;
  }
}
