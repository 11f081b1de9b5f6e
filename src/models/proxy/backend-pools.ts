// ProxySQL's backend connection pools: one per mysql_servers row, at most its
// max_connections, with a free list; a query picks an ONLINE row of its
// hostgroup by weight (preferring rows with a free connection or room to open
// one) and waits first come, first served for a connection. Opening one costs
// round trips plus the node's own connect. A query that finds no ONLINE row, or
// no connection, within mysql-connect_timeout_server_max fails
// (hostgroup_unavailable). Left out: connection errors and shun_on_failures,
// free_connections_pct and idle closing, the cost of resetting a connection.
// Source: ProxySQL 2.x lib/MySQL_HostGroups_Manager.cpp (MyHGC::get_random_MySrvC).
import { type RandomStream, type Simulation, WaitLine } from "../../kernel/index.js";
import { Histogram, TimeWeighted } from "../../metrics/index.js";
import type { ErrorKind, PortConnection, ServerPort } from "../operation.js";

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
   * Seconds_Behind_Source (Seconds_Behind_Master before MySQL 8.0.22) as the
   * monitor reads it — a number, or `null` for MySQL's NULL (the monitor then
   * takes `monitorSlaveLagWhenNullS`); null instead of a function for a server
   * that is not a replica.
   *
   * @remarks Since 0.2.0 (`secondsBehindMaster` in 0.1.0)
   */
  readonly secondsBehindSource: (() => number | null) | null;
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

/** Receives a backend connection, or the reason there is none. */
export type Grant = (conn: BackendConn | null, error: ErrorKind | null) => void;

/** A backend connection, owned by one server row's pool. */
export class BackendConn {
  readonly row: ServerRow;
  readonly conn: PortConnection;
  constructor(row: ServerRow, conn: PortConnection) {
    this.row = row;
    this.conn = conn;
  }
}

/** A query waiting for a backend connection, or for its hostgroup to have an ONLINE row. */
class PendingQuery {
  /** When its wait began (the hostgroup wait and the pool wait share one deadline). */
  readonly since: number;
  readonly grant: Grant;
  constructor(since: number, grant: Grant) {
    this.since = since;
    this.grant = grant;
  }
}

/** A mysql_servers row: its settings, status and connection pool. */
export class ServerRow {
  readonly config: ProxyServerConfig;
  readonly name: string;
  /** Its hostgroup's index among the proxy's hostgroup ids. */
  readonly hostgroupIndex: number;
  shunned = false;
  /** Its node crashed: shunned for good, whatever its replication lag (since 0.2.0). */
  down = false;
  readonly free: BackendConn[] = [];
  readonly waiters: WaitLine<PendingQuery>;
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
  constructor(
    config: ProxyServerConfig,
    hostgroupIndex: number,
    now: number,
    waiters: WaitLine<PendingQuery>,
  ) {
    this.config = config;
    this.name = config.port.name;
    this.hostgroupIndex = hostgroupIndex;
    this.open = new TimeWeighted(now);
    this.used = new TimeWeighted(now);
    this.waiters = waiters;
  }
}

/** A hostgroup: its rows and the queries waiting for one of them to be ONLINE. */
class Hostgroup {
  readonly rows: ServerRow[] = [];
  readonly pending: WaitLine<PendingQuery>;
  constructor(pending: WaitLine<PendingQuery>) {
    this.pending = pending;
  }
}

/** Settings the pools need, named as ProxySQL's. */
export interface BackendPoolsConfig {
  /** `mysql-connect_timeout_server_max` (ms). */
  readonly connectTimeoutServerMaxMs: number;
  /** Round trip between the proxy and a backend (ms). */
  readonly backendRoundTripMs: (rng: RandomStream) => number;
  /** Round trips to open a backend connection. */
  readonly backendConnectRoundTrips: number;
}

/** Every row's pool, the hostgroups over them, and the figures of both. */
export class BackendPools {
  /** The rows, in the order given, then those the read_only monitor added. */
  readonly rows: ServerRow[];
  /** Time queries waited for a backend connection (every acquire, waits of 0 included). */
  readonly waitMs = new Histogram();
  /** Queries that got a backend connection since the last reset. */
  acquires = 0;
  /** Of those, how many had to wait for one. */
  waits = 0;
  /** Queries failed because their hostgroup had no ONLINE server in time. */
  noOnlineServer = 0;
  /** Queries failed because no backend connection came free in time. */
  waitTimeouts = 0;
  /** Statements sent to backends, per hostgroup index. */
  hostgroupQueries: number[];
  private readonly sim: Simulation;
  private readonly config: BackendPoolsConfig;
  private readonly networkRng: RandomStream;
  private readonly balanceRng: RandomStream;
  private readonly hostgroups = new Map<number, Hostgroup>();

  /**
   * @param sim - the simulation
   * @param config - timeouts and the network to the backends
   * @param servers - the mysql_servers rows
   * @param hostgroupIds - every hostgroup id, ascending (rows' and rules' alike)
   * @param rngs - the network's and the balancer's random streams
   */
  constructor(
    sim: Simulation,
    config: BackendPoolsConfig,
    servers: readonly ProxyServerConfig[],
    hostgroupIds: readonly number[],
    rngs: { readonly network: RandomStream; readonly balance: RandomStream },
  ) {
    this.sim = sim;
    this.config = config;
    this.networkRng = rngs.network;
    this.balanceRng = rngs.balance;
    const timedOut = (why: "noOnlineServer" | "waitTimeouts") => (q: PendingQuery) => {
      this[why]++;
      q.grant(null, "hostgroup_unavailable");
    };
    for (const id of hostgroupIds) {
      this.hostgroups.set(id, new Hostgroup(new WaitLine(sim, timedOut("noOnlineServer"))));
    }
    const waitTimedOut = timedOut("waitTimeouts");
    this.rows = servers.map((s) => {
      const index = hostgroupIds.indexOf(s.hostgroup);
      const row = new ServerRow(s, index, sim.now, new WaitLine(sim, waitTimedOut));
      (this.hostgroups.get(s.hostgroup) as Hostgroup).rows.push(row);
      return row;
    });
    this.hostgroupQueries = new Array<number>(hostgroupIds.length).fill(0);
  }

  /**
   * Gets a backend connection in hostgroup `id`: picks an ONLINE row by
   * weight, or waits for one to come ONLINE, within connect_timeout_server_max.
   */
  acquire(id: number, grant: Grant): void {
    const started = this.sim.now;
    const hg = this.hostgroups.get(id) as Hostgroup;
    const row = this.pickRow(hg);
    if (row !== null) {
      this.acquireFrom(row, started, grant);
      return;
    }
    hg.pending.push(new PendingQuery(started, grant), this.config.connectTimeoutServerMaxMs);
  }

  /** Counts a statement run on `row`. */
  countQuery(row: ServerRow): void {
    row.queries++;
    (this.hostgroupQueries[row.hostgroupIndex] as number)++;
  }

  /** A backend connection comes back: to the row's oldest waiter, or to its free list. */
  release(bc: BackendConn): void {
    const row = bc.row;
    const now = this.sim.now;
    row.used.add(now, -1);
    const waiter = row.waiters.shift();
    if (waiter === undefined) {
      row.free.push(bc);
      return;
    }
    row.used.add(now, 1);
    this.waitMs.record(now - waiter.since);
    waiter.grant(bc, null);
  }

  /** Queries that waited for an ONLINE row in `row`'s hostgroup go to one now, if there is one. */
  dispatchPending(row: ServerRow): void {
    const hg = this.hostgroups.get(row.config.hostgroup) as Hostgroup;
    for (;;) {
      const query = hg.pending.peek();
      if (query === undefined) return;
      const online = this.pickRow(hg);
      if (online === null) return;
      hg.pending.shift();
      this.acquireFrom(online, query.since, query.grant);
    }
  }

  /**
   * A row added at run time (the read_only monitor copying a server into the
   * writer hostgroup); queries waiting for that hostgroup go to it.
   */
  addRow(config: ProxyServerConfig): ServerRow {
    const hg = this.hostgroups.get(config.hostgroup);
    if (hg === undefined)
      throw new Error(`hostgroup ${config.hostgroup} is not one of the proxy's hostgroups`);
    const index = [...this.hostgroups.keys()].indexOf(config.hostgroup);
    const waitTimedOut = (q: PendingQuery) => {
      this.waitTimeouts++;
      q.grant(null, "hostgroup_unavailable");
    };
    const row = new ServerRow(config, index, this.sim.now, new WaitLine(this.sim, waitTimedOut));
    hg.rows.push(row);
    this.rows.push(row);
    this.dispatchPending(row);
    return row;
  }

  /**
   * The node behind `port` crashed: its rows are shunned for good, their idle
   * connections closed, and the queries waiting for one of their connections
   * wait for the hostgroup instead (ProxySQL's session retries another server
   * within the same connect_timeout_server_max deadline).
   */
  backendDown(port: ServerPort): void {
    const now = this.sim.now;
    for (const row of this.rows) {
      if (row.config.port !== port || row.down) continue;
      row.down = true;
      if (!row.shunned) {
        row.shunned = true;
        row.shunnedSince = now;
      }
      row.open.add(now, -row.free.length);
      row.free.length = 0;
      const hg = this.hostgroups.get(row.config.hostgroup) as Hostgroup;
      // From when it began waiting for this row (a query that had waited for the
      // hostgroup before gets that wait again: a rare slack, not modelled).
      for (let q = row.waiters.shift(); q !== undefined; q = row.waiters.shift()) {
        const left = Math.max(0, q.since + this.config.connectTimeoutServerMaxMs - now);
        hg.pending.push(q, left);
      }
      this.dispatchPending(row);
    }
  }

  /** The node behind `port` is back: its rows are ONLINE again, and take the queries waiting for their hostgroup. */
  backendUp(port: ServerPort): void {
    const now = this.sim.now;
    for (const row of this.rows) {
      if (row.config.port !== port || !row.down) continue;
      row.down = false;
      row.shunned = false;
      row.shunnedMs += now - row.shunnedSince;
      this.dispatchPending(row);
    }
  }

  /** A connection whose backend died: it leaves its pool instead of going back. */
  drop(bc: BackendConn): void {
    const now = this.sim.now;
    bc.row.used.add(now, -1);
    bc.row.open.add(now, -1);
  }

  /** Figures of every row, in the order given. */
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

  /** Restarts the figures at the warm-up cut. */
  resetStats(now: number): void {
    this.waitMs.reset();
    this.acquires = 0;
    this.waits = 0;
    this.noOnlineServer = 0;
    this.waitTimeouts = 0;
    this.hostgroupQueries = new Array<number>(this.hostgroupQueries.length).fill(0);
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
      if (hasRoom(row)) roomTotal += row.config.weight;
    }
    if (candidates <= 1) return only;
    const withRoom = roomTotal > 0;
    let x = this.balanceRng.next() * (withRoom ? roomTotal : total);
    let last: ServerRow | null = null;
    for (const row of hg.rows) {
      if (row.shunned || row.config.weight <= 0) continue;
      if (withRoom && !hasRoom(row)) continue;
      last = row;
      x -= row.config.weight;
      if (x < 0) return row;
    }
    return last;
  }

  /** A connection from `row`'s pool: a free one, a new one, or after a wait (FIFO). */
  private acquireFrom(row: ServerRow, started: number, grant: Grant): void {
    const now = this.sim.now;
    this.acquires++;
    if (row.waiters.length === 0) {
      const free = row.free.pop();
      if (free !== undefined) {
        row.used.add(now, 1);
        this.waitMs.record(0);
        grant(free, null);
        return;
      }
    }
    this.waits++;
    const left = Math.max(0, started + this.config.connectTimeoutServerMaxMs - now);
    row.waiters.push(new PendingQuery(now, grant), left);
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
          row.waiters.shift()?.grant(null, error ?? "too_many_clients");
          return;
        }
        row.opened++;
        row.used.add(this.sim.now, 1);
        this.release(new BackendConn(row, conn));
      });
    });
  }
}

function hasRoom(row: ServerRow): boolean {
  return row.free.length > 0 || row.open.value < row.config.maxConnections;
}
