// A pgbouncer-style connection pooler in front of one database node, after
// pgbouncer 1.25's doc/config.md and usage.md. Clients connect to the pooler
// cheaply (no backend is started); the pooler keeps a pool of server connections
// and lends one to a client:
// - pool_mode=session: from the client's first statement until it disconnects;
// - transaction: for one transaction (here: one operation) — the mode that
//   multiplexes best, and that breaks session state (SET, LISTEN, SQL PREPARE,
//   WITH HOLD cursors, session advisory locks);
// - statement: for one statement; multi-statement transactions are refused.
// Waiting clients queue first come, first served (cl_waiting). Once the oldest
// has waited reserve_pool_timeout, up to reserve_pool_size extra connections
// open. A client that gets no server within query_wait_timeout is disconnected
// with an error. Past max_client_conn new clients are refused. Server
// connections close after server_idle_timeout idle (down to min_pool_size) and
// are not reused past server_lifetime. Opening one costs round trips to the
// server plus its backend start; a server that refuses (max_connections) is
// tried again after server_login_retry.
// Left out: auth_query, several databases or users per pooler (one pool per
// node), server_check_query, TLS, pause/resume, the admin console.

import {
  type EventHandle,
  type RandomStream,
  type Simulation,
  WaitLine,
} from "../../kernel/index.js";
import { Histogram, TimeWeighted } from "../../metrics/index.js";
import type { ErrorKind, Operation, PortConnection, ServerPort } from "../operation.js";

/**
 * Settings of a {@link PgBouncer}, named as pgbouncer's (in ms where pgbouncer
 * uses seconds).
 *
 * @remarks Since 0.1.0
 */
export interface PgBouncerConfig {
  /** The pooler's name in reports. */
  readonly name: string;
  /** When a server connection goes back to the pool. */
  readonly poolMode: "session" | "transaction" | "statement";
  /** Server connections per pool (default 20). */
  readonly defaultPoolSize: number;
  /** Server connections kept open even when idle (default 0). */
  readonly minPoolSize: number;
  /** Extra connections allowed once a client has waited reservePoolTimeoutMs (default 0). */
  readonly reservePoolSize: number;
  /** How long the oldest client waits before the reserve opens (default 5 s). */
  readonly reservePoolTimeoutMs: number;
  /** Client connections accepted at most (default 100). */
  readonly maxClientConn: number;
  /** Server connections to the database at most; 0 = no limit (default). */
  readonly maxDbConnections: number;
  /** A client waiting longer than this for a server is disconnected (default 120 s; 0 = never). */
  readonly queryWaitTimeoutMs: number;
  /** An idle server connection closes after this (default 600 s; 0 = never). */
  readonly serverIdleTimeoutMs: number;
  /** A server connection older than this is closed when released (default 3600 s; 0 = never). */
  readonly serverLifetimeMs: number;
  /** A server connection attempt that takes longer fails (default 15 s). */
  readonly serverConnectTimeoutMs: number;
  /** After a failed server login, wait this long before trying again (default 15 s). */
  readonly serverLoginRetryMs: number;
  /** Protocol-level prepared statements tracked per connection; > 0 makes them work in transaction mode (default 200). */
  readonly maxPreparedStatements: number;
  /** Round trip between the pooler and the database (ms). */
  readonly serverRoundTripMs: (rng: RandomStream) => number;
  /** Round trips to open a server connection (TCP, startup, authentication). */
  readonly serverConnectRoundTrips: number;
}

/** A server connection held by the pooler. */
class ServerConn {
  readonly backend: PortConnection;
  readonly openedAt: number;
  /** Opened from the reserve pool. */
  readonly reserve: boolean;
  /** When its server_idle_timeout runs out, while it waits idle with one running; else NaN. */
  idleDeadline = Number.NaN;
  constructor(backend: PortConnection, openedAt: number, reserve: boolean) {
    this.backend = backend;
    this.openedAt = openedAt;
    this.reserve = reserve;
  }
}

/**
 * A client connection to the pooler. It runs one statement at a time, so the
 * statement in flight lives here and the callbacks are bound once per
 * connection rather than made per statement (the pooler's hot path).
 */
class ClientConn {
  /** The server connection it holds (session mode, or inside a transaction). */
  server: ServerConn | null = null;
  closed = false;
  op: Operation | null = null;
  index = 0;
  done: ((error: ErrorKind | null) => void) | null = null;
  half = 0;
  error: ErrorKind | null = null;
  /** When it joined the line for a server connection (cl_waiting). */
  waitingSince = 0;
  /**
   * The queue entry of its last event, reused for the next: one statement at a time,
   * and its answer's trip back is scheduled only once its trip out has run, the next
   * statement's trip only once the answer has. Re-timing an entry writes its time in
   * place, where a fresh one per event would be a young object stored into the event
   * queue's old arrays, each store through the collector's write barrier.
   */
  entry: EventHandle | null = null;
  /** Receives a server connection (or a refusal) from the pool. */
  readonly granted: (server: ServerConn | null, error: ErrorKind | null) => void;
  /** The statement reaches the server. */
  readonly arrive: () => void;
  /** The server has run it. */
  readonly ran: (error: ErrorKind | null) => void;
  /** The answer is back at the pooler. */
  readonly answer: () => void;

  constructor(bouncer: PgBouncer) {
    this.granted = (server, error) => bouncer._granted(this, server, error);
    this.arrive = () => bouncer._arrive(this);
    this.ran = (error) => {
      this.error = error;
      bouncer._answerLater(this);
    };
    this.answer = () => bouncer._answer(this);
  }
}

/**
 * SHOW POOLS / SHOW STATS style figures (reset at the warm-up cut).
 *
 * @remarks Since 0.1.0
 */
export interface PoolStats {
  /** Transactions (operations) that got a server connection. */
  xactCount: number;
  /** Statements run. */
  queryCount: number;
  /** Operations that relied on session state while the pool mode does not keep it. */
  sessionStateBroken: number;
  /** Failed server connection attempts. */
  serverLoginFailures: number;
  /** Server connections opened. */
  serverConnectionsOpened: number;
}

/**
 * A pgbouncer in front of one database node. It is a {@link ServerPort} for
 * the application's driver and a client of the node's port.
 *
 * @remarks Since 0.1.0
 */
export class PgBouncer implements ServerPort {
  /** The pooler's settings. */
  readonly config: PgBouncerConfig;
  /** Client connections (cl_active + cl_waiting + idle clients). */
  readonly clients: TimeWeighted;
  /** Clients waiting for a server connection (cl_waiting). */
  readonly waiting: TimeWeighted;
  /** Server connections lent out (sv_active). */
  readonly serversActive: TimeWeighted;
  /** Server connections open (sv_active + sv_idle + opening). */
  readonly serversOpen: TimeWeighted;
  /** Server connections idle in the pool (sv_idle). */
  readonly serversIdle: TimeWeighted;
  /** Time clients waited for a server connection (every grant, waits of 0 included). */
  readonly waitMs = new Histogram();
  /** Counters. */
  stats: PoolStats = PgBouncer.emptyStats();

  private readonly sim: Simulation;
  private readonly backend: ServerPort;
  private readonly rng: RandomStream;
  private readonly idle: ServerConn[] = [];
  /** Clients waiting for a server connection, oldest first (cl_waiting). */
  private readonly waiters: WaitLine<ClientConn>;
  private opening = 0;
  private reserveInUse = 0;
  private reserveTimer: EventHandle | null = null;
  private retryTimer: EventHandle | null = null;
  /**
   * One timer for every idle connection's server_idle_timeout: the one that runs
   * out first (`idleTimerFor`). In transaction mode a connection goes idle at every
   * release and is lent again at the next statement; a timer per release, set and
   * cancelled each time, cost an event entry per statement and filled the event
   * queue with cancelled ones. The idle list is in release order and every
   * connection waits the same timeout, so the first with a deadline runs out first.
   */
  private idleTimer: EventHandle | null = null;
  private idleTimerFor: ServerConn | null = null;
  private readonly onIdleTimer = (): void => this.idleTimedOut();
  /** When the pooler last restarted: server connections opened before it close when released. */
  private restartedAtMs = Number.NEGATIVE_INFINITY;

  /**
   * @param sim - the simulation
   * @param config - pgbouncer's settings
   * @param backend - the database node behind it
   */
  constructor(sim: Simulation, config: PgBouncerConfig, backend: ServerPort) {
    this.sim = sim;
    this.config = config;
    this.backend = backend;
    this.rng = sim.rng(`pool.${config.name}`);
    this.clients = new TimeWeighted(sim.now);
    this.waiting = new TimeWeighted(sim.now);
    this.serversActive = new TimeWeighted(sim.now);
    this.serversOpen = new TimeWeighted(sim.now);
    this.serversIdle = new TimeWeighted(sim.now);
    this.waiters = new WaitLine(sim, (client) => {
      this.waiting.add(this.sim.now, -1);
      // pgbouncer closes the client connection with "query_wait_timeout".
      client.granted(null, "query_wait_timeout");
    });
    // min_pool_size opens through the same capped path as any connection (max_db_connections).
    for (let i = 0; i < config.minPoolSize && this.canOpen(false); i++) this.openServer(false);
  }

  private static emptyStats(): PoolStats {
    return {
      xactCount: 0,
      queryCount: 0,
      sessionStateBroken: 0,
      serverLoginFailures: 0,
      serverConnectionsOpened: 0,
    };
  }

  /** The pooler's name. */
  get name(): string {
    return this.config.name;
  }

  /** Restarts the figures at the warm-up cut. */
  resetStats(now: number): void {
    this.stats = PgBouncer.emptyStats();
    this.waitMs.reset();
    // Every SHOW POOLS gauge restarts together, so sv_active + sv_idle ≤ open in the window too.
    const gauges = [
      this.clients,
      this.waiting,
      this.serversActive,
      this.serversOpen,
      this.serversIdle,
    ];
    for (const t of gauges) t.reset(now);
  }

  connect(done: (conn: PortConnection | null, error: ErrorKind | null) => void): void {
    if (this.clients.value >= this.config.maxClientConn) {
      done(null, "max_client_conn");
      return;
    }
    this.clients.add(this.sim.now, 1);
    done(new ClientConn(this), null);
  }

  disconnect(conn: PortConnection): void {
    const client = conn as ClientConn;
    if (client.closed) return;
    client.closed = true;
    this.clients.add(this.sim.now, -1);
    if (client.server !== null) {
      const server = client.server;
      client.server = null;
      this.release(server);
    }
  }

  execute(
    conn: PortConnection,
    op: Operation,
    index: number,
    done: (error: ErrorKind | null) => void,
  ): void {
    const client = conn as ClientConn;
    const mode = this.config.poolMode;
    if (index === 0) {
      if (mode === "statement" && op.statements > 1) {
        done("statement_mode_transaction");
        return;
      }
      const state = op.sessionState;
      const survives =
        state === null ||
        mode === "session" ||
        (state === "protocol-prepare" && this.config.maxPreparedStatements > 0);
      if (!survives) this.stats.sessionStateBroken++;
    }
    client.op = op;
    client.index = index;
    client.done = done;
    if (client.server !== null) this.run(client);
    else this.acquire(client);
  }

  /** @internal The pool answered a client's request for a server connection. */
  _granted(client: ClientConn, server: ServerConn | null, error: ErrorKind | null): void {
    if (server === null) {
      this.finishStatement(client, error);
      return;
    }
    if (client.index === 0) this.stats.xactCount++;
    client.server = server;
    this.run(client);
  }

  /** Sends the client's statement over the pooler ↔ server link. */
  private run(client: ClientConn): void {
    this.stats.queryCount++;
    client.half = this.config.serverRoundTripMs(this.rng) / 2;
    client.entry = this.sim._scheduleOwned(client.half, client.arrive, client.entry);
  }

  /** @internal The statement reached the server. */
  _arrive(client: ClientConn): void {
    const server = client.server as ServerConn;
    this.backend.execute(server.backend, client.op as Operation, client.index, client.ran);
  }

  /** @internal The server has run the client's statement: the answer crosses the link back. */
  _answerLater(client: ClientConn): void {
    client.entry = this.sim._scheduleOwned(client.half, client.answer, client.entry);
  }

  /** @internal The answer is back: release the server connection as the mode says. */
  _answer(client: ClientConn): void {
    const op = client.op as Operation;
    const error = client.error;
    const last = client.index >= op.statements - 1 || error !== null;
    const mode = this.config.poolMode;
    if (mode === "statement" || (mode === "transaction" && last)) {
      const server = client.server as ServerConn;
      client.server = null;
      this.release(server);
    }
    this.finishStatement(client, error);
  }

  private finishStatement(client: ClientConn, error: ErrorKind | null): void {
    const done = client.done as (error: ErrorKind | null) => void;
    client.op = null;
    client.done = null;
    client.error = null;
    done(error);
  }

  /** Lends a server connection: an idle one, a new one, or after a wait. */
  private acquire(client: ClientConn): void {
    const now = this.sim.now;
    if (this.waiting.value === 0) {
      const idle = this.idle.pop();
      this.serversIdle.set(now, this.idle.length);
      if (idle !== undefined) {
        this.lend(idle);
        this.waitMs.record(0);
        client.granted(idle, null);
        return;
      }
    }
    client.waitingSince = now;
    const timeout = this.config.queryWaitTimeoutMs;
    this.waiters.push(client, timeout > 0 ? timeout : Number.POSITIVE_INFINITY);
    this.waiting.add(now, 1);
    if (this.retryTimer === null && this.canOpen(false)) this.openServer(false);
    this.checkReserve();
  }

  private lend(server: ServerConn): void {
    if (!Number.isNaN(server.idleDeadline)) {
      server.idleDeadline = Number.NaN;
      if (this.idleTimerFor === server) {
        this.sim.cancel(this.idleTimer as EventHandle);
        this.idleTimer = null;
        this.idleTimerFor = null;
        this.armIdleTimer();
      }
    }
    this.serversActive.add(this.sim.now, 1);
  }

  /** A server connection comes back: to the oldest waiter, to the idle list, or closed. */
  private release(server: ServerConn): void {
    const now = this.sim.now;
    this.serversActive.add(now, -1);
    const lifetime = this.config.serverLifetimeMs;
    if (
      (lifetime > 0 && now - server.openedAt >= lifetime) ||
      server.openedAt < this.restartedAtMs
    ) {
      this.closeServer(server);
      if (this.waiting.value > 0 && this.retryTimer === null && this.canOpen(false)) {
        this.openServer(false);
      }
      return;
    }
    this.handOut(server);
  }

  /** Gives a free server connection to the oldest waiter, or makes it idle. */
  private handOut(server: ServerConn): void {
    const now = this.sim.now;
    const client = this.nextWaiter();
    if (client !== undefined) {
      this.serversActive.add(now, 1);
      this.waitMs.record(now - client.waitingSince);
      client.granted(server, null);
      return;
    }
    this.idle.push(server);
    this.serversIdle.set(now, this.idle.length);
    const idleTimeout = this.config.serverIdleTimeoutMs;
    if (idleTimeout > 0) {
      // The instant a timer set now for idleTimeout would run at (the kernel's clock + delay).
      server.idleDeadline = now + idleTimeout;
      if (this.idleTimer === null) this.armIdleTimer();
    }
  }

  /** Sets the idle timer for the first idle connection with a deadline, if any. */
  private armIdleTimer(): void {
    for (const server of this.idle) {
      if (Number.isNaN(server.idleDeadline)) continue;
      this.idleTimerFor = server;
      this.idleTimer = this.sim.at(server.idleDeadline, this.onIdleTimer);
      return;
    }
  }

  /** A connection has been idle for server_idle_timeout: closed, unless min_pool_size needs it. */
  private idleTimedOut(): void {
    const server = this.idleTimerFor as ServerConn;
    this.idleTimer = null;
    this.idleTimerFor = null;
    server.idleDeadline = Number.NaN;
    if (this.serversOpen.value > this.config.minPoolSize) {
      this.idle.splice(this.idle.indexOf(server), 1);
      this.serversIdle.set(this.sim.now, this.idle.length);
      this.closeServer(server);
    }
    this.armIdleTimer();
  }

  /**
   * A restart (SHUTDOWN, then a new process): the new process holds no server
   * connection, so the idle ones close now and those lent out close when they
   * come back (dbsim cannot abort the transaction on one midway); the pool
   * opens min_pool_size again and any other connection on demand, each paying
   * its set-up.
   *
   * @remarks Since 0.2.0
   */
  dropServers(): void {
    const now = this.sim.now;
    this.restartedAtMs = now;
    if (this.idleTimer !== null) this.sim.cancel(this.idleTimer);
    this.idleTimer = null;
    this.idleTimerFor = null;
    for (const server of this.idle) {
      server.idleDeadline = Number.NaN;
      this.closeServer(server);
    }
    this.idle.length = 0;
    this.serversIdle.set(now, 0);
    while (this.serversOpen.value < this.config.minPoolSize && this.canOpen(false)) {
      this.openServer(false);
    }
  }

  private nextWaiter(): ClientConn | undefined {
    const client = this.waiters.shift();
    if (client !== undefined) this.waiting.add(this.sim.now, -1);
    return client;
  }

  /** Whether one more server connection may open: a normal one, or one from the reserve. */
  private canOpen(reserve: boolean): boolean {
    const open = this.serversOpen.value;
    const maxDb = this.config.maxDbConnections;
    if (maxDb > 0 && open >= maxDb) return false;
    if (reserve) return this.reserveInUse < this.config.reservePoolSize;
    return open - this.reserveInUse < this.config.defaultPoolSize;
  }

  /**
   * Opens a reserve connection for the oldest waiter once it has waited
   * reserve_pool_timeout, and looks again for the next one. Bounded: each pass
   * opens a connection or stops, and the reserve is finite.
   */
  private checkReserve(): void {
    // After a failed login every new connection, reserve included, waits server_login_retry.
    if (this.config.reservePoolSize === 0 || this.reserveTimer !== null) return;
    if (this.retryTimer !== null) return;
    const oldest = this.waiters.peek();
    if (oldest === undefined || !this.canOpen(true)) return;
    const due = Math.max(this.sim.now, oldest.waitingSince + this.config.reservePoolTimeoutMs);
    this.reserveTimer = this.sim.at(due, () => {
      this.reserveTimer = null;
      const first = this.waiters.peek();
      if (first === undefined) return;
      // Compared with the due time, not by subtraction: (since + t) − since can round below t.
      const waited = this.sim.now >= first.waitingSince + this.config.reservePoolTimeoutMs;
      if (waited && this.waiting.value > this.opening && this.canOpen(true)) {
        this.reserveInUse++;
        this.openServer(true);
      }
      if (this.waiting.value > this.opening) this.checkReserve();
    });
  }

  /** Opens a server connection: round trips, then the node's connect. */
  private openServer(reserve: boolean): void {
    this.serversOpen.add(this.sim.now, 1);
    this.opening++;
    let setup = 0;
    for (let i = 0; i < this.config.serverConnectRoundTrips; i++) {
      setup += this.config.serverRoundTripMs(this.rng);
    }
    const started = this.sim.now;
    this.sim.schedule(setup, () => {
      this.backend.connect((backend, _error) => {
        this.opening--;
        const tooSlow = this.sim.now - started > this.config.serverConnectTimeoutMs;
        if (backend === null || tooSlow) {
          if (backend !== null) this.backend.disconnect(backend);
          this.stats.serverLoginFailures++;
          this.serversOpen.add(this.sim.now, -1);
          if (reserve) this.reserveInUse--;
          this.scheduleRetry();
          return;
        }
        this.stats.serverConnectionsOpened++;
        const server = new ServerConn(backend, this.sim.now, reserve);
        this.serversActive.add(this.sim.now, 1);
        this.release(server);
      });
    });
  }

  /** After a failed login, try again later if clients still wait. */
  private scheduleRetry(): void {
    if (this.retryTimer !== null) return;
    this.retryTimer = this.sim.schedule(this.config.serverLoginRetryMs, () => {
      this.retryTimer = null;
      if (this.waiters.length > 0 && this.canOpen(false)) this.openServer(false);
      this.checkReserve();
    });
  }

  private closeServer(server: ServerConn): void {
    this.serversOpen.add(this.sim.now, -1);
    if (server.reserve) this.reserveInUse--;
    this.backend.disconnect(server.backend);
  }
}
