// The application's database driver. Either it opens a connection for every
// request (PHP, serverless: set-up cost every time, and "too many clients" when
// the server's max_connections are taken), or each application instance keeps a
// pool of persistent connections (HikariCP-style: opened on first need, kept
// open, a request waits FIFO for a free one up to connectionTimeout).
// Each statement costs a network round trip plus the server's work for it.
// Set-up costs `connectRoundTrips` round trips (TCP handshake, startup and
// authentication) plus what the endpoint charges (a database starts a backend;
// a pooler hands out a client connection almost for free).
// Left out: TLS, retries of failed connects, connection validation queries.

import {
  type EventHandle,
  type RandomStream,
  type Simulation,
  WaitLine,
} from "../../kernel/index.js";
import type {
  Done,
  ErrorKind,
  Operation,
  PortConnection,
  ServerPort,
  Service,
} from "../operation.js";

/**
 * How the client holds connections.
 *
 * @remarks Since 0.1.0
 */
export type ConnectionPolicy =
  | { readonly mode: "per-request" }
  | {
      readonly mode: "persistent";
      /** Application instances, each with its own pool. */
      readonly instances: number;
      /** Connections per instance. */
      readonly poolSize: number;
      /** How long a request waits for a free connection before failing (ms). */
      readonly connectionTimeoutMs: number;
    };

/**
 * Settings of a {@link DatabaseClient}.
 *
 * @remarks Since 0.1.0
 */
export interface ClientConfig {
  /** How connections are held. */
  readonly connections: ConnectionPolicy;
  /** A network round trip between client and server (ms). */
  readonly roundTripMs: (rng: RandomStream) => number;
  /** Round trips to set up a connection. */
  readonly connectRoundTrips: number;
  /** The label of the client's random stream (default "client.network"). */
  readonly rngLabel?: string;
  /**
   * A further round trip each statement and each connect round trip of `op`
   * pays on top of {@link ClientConfig.roundTripMs} (ms): the trip between the
   * session's region and the node's. Omitted: none.
   *
   * @remarks Since 0.2.0
   */
  readonly hopMs?: (op: Operation, rng: RandomStream) => number;
}

/** One instance's pool of persistent connections. */
class InstancePool {
  /** Connections opened or being opened. */
  open = 0;
  readonly idle: PortConnection[] = [];
  /** Requests waiting for a connection, each up to connectionTimeout. */
  readonly waiters: WaitLine<Call>;
  constructor(waiters: WaitLine<Call>) {
    this.waiters = waiters;
  }
}

/**
 * An operation in flight through the client. It carries the one callback the server
 * answers and the one queue entry its events (the two halves of each statement's
 * round trip) take in turn, so a statement allocates nothing; finished calls are
 * reused.
 */
class Call {
  op!: Operation;
  done!: Done;
  pool: InstancePool | null = null;
  conn: PortConnection | null = null;
  statement = 0;
  /** Half this statement's round trip (ms), drawn once for both directions. */
  half = 0;
  /** The server's answer to this statement. */
  error: ErrorKind | null = null;
  /** Whether the next event is the answer's arrival (else the statement's). */
  answered = false;
  /**
   * The queue entry of this call's last event, reused for the next: a call has at
   * most one event pending, and each is scheduled only once the one before has run
   * (the statement's arrival before the server answers, the answer before the next
   * statement or the call's release). Re-timing an entry writes its time in place,
   * where a fresh one per event would be a young object stored into the event
   * queue's old arrays, each store through the collector's write barrier.
   */
  entry: EventHandle | null = null;
  /** The server's callback for every statement of every operation this call carries. */
  readonly onExecuted: (error: ErrorKind | null) => void;
  /** What the kernel runs when the call's event comes due. */
  readonly onEvent: () => void;

  constructor(client: DatabaseClient) {
    this.onExecuted = (error) => {
      this.statement++;
      this.error = error;
      this.answered = true;
      client._answerLater(this);
    };
    this.onEvent = () => client._arrived(this);
  }
}

/**
 * The application's driver: takes operations, holds connections, and runs each
 * operation's statements on a server.
 *
 * @remarks Since 0.1.0
 */
export class DatabaseClient implements Service {
  /** Connections opened (set-ups paid) since the last {@link resetStats}. */
  connectsOpened = 0;
  /** Most requests waiting at once for a pooled connection since the last {@link resetStats}. */
  waitingMax = 0;
  private waitingNow = 0;
  private readonly sim: Simulation;
  private readonly config: ClientConfig;
  private readonly server: ServerPort;
  private readonly rng: RandomStream;
  private readonly pools: InstancePool[] = [];
  /** Finished calls, reused by later operations. */
  private readonly spare: Call[] = [];

  /**
   * @param sim - the simulation
   * @param config - connection policy and network
   * @param server - the node it talks to
   */
  constructor(sim: Simulation, config: ClientConfig, server: ServerPort) {
    this.sim = sim;
    this.config = config;
    this.server = server;
    this.rng = sim.rng(config.rngLabel ?? "client.network");
    if (config.connections.mode === "persistent") {
      const timedOut = (call: Call): void => {
        this.waitingNow--;
        this.finish(call, "connection_timeout");
      };
      for (let i = 0; i < config.connections.instances; i++) {
        this.pools.push(new InstancePool(new WaitLine(sim, timedOut)));
      }
    }
  }

  /** Client connections waiting for a pooled connection now (those that timed out have left). */
  get waiting(): number {
    return this.waitingNow;
  }

  /**
   * Restarts the figures at the warm-up cut: {@link waitingMax} from the number
   * waiting now, {@link connectsOpened} from 0.
   *
   * @param _now - the cut's time, unused (every model's reset takes it)
   * @remarks Since 0.2.0
   */
  resetStats(_now?: number): void {
    this.waitingMax = this.waitingNow;
    this.connectsOpened = 0;
  }

  /**
   * Restarts {@link waitingMax} from the number waiting now (at the warm-up cut).
   *
   * @deprecated Since 0.2.0: call {@link DatabaseClient.resetStats}; removed in 0.3.0.
   */
  resetWaitingMax(): void {
    this.waitingMax = this.waitingNow;
  }

  submit(op: Operation, done: Done): void {
    const call = this.spare.pop() ?? new Call(this);
    call.op = op;
    call.done = done;
    call.pool = null;
    call.conn = null;
    call.statement = 0;
    const policy = this.config.connections;
    if (policy.mode === "per-request") {
      this.connect(call);
      return;
    }
    const pool = this.pools[op.id % this.pools.length] as InstancePool;
    call.pool = pool;
    const idle = pool.idle.pop();
    if (idle !== undefined) {
      call.conn = idle;
      this.runStatement(call);
    } else if (pool.open < policy.poolSize) {
      pool.open++;
      this.connect(call);
    } else {
      pool.waiters.push(call, policy.connectionTimeoutMs);
      if (++this.waitingNow > this.waitingMax) this.waitingMax = this.waitingNow;
    }
  }

  /** Pays the set-up round trips, then opens a connection at the endpoint. */
  private connect(call: Call): void {
    const setup = this.roundTrips(this.config.connectRoundTrips, call.op);
    this.sim.schedule(setup, () => {
      this.server.connect((conn, error) => {
        if (conn === null) {
          const pool = call.pool;
          this.finish(call, error ?? "too_many_clients");
          if (pool !== null) {
            // The slot is free again: the next waiter tries its own connection.
            pool.open--;
            const next = this.takeWaiter(pool);
            if (next !== undefined) {
              pool.open++;
              this.connect(next);
            }
          }
          return;
        }
        this.connectsOpened++;
        call.conn = conn;
        this.runStatement(call);
      });
    });
  }

  private runStatement(call: Call): void {
    const hop = this.config.hopMs;
    const trip = this.config.roundTripMs(this.rng);
    call.half = (hop === undefined ? trip : trip + hop(call.op, this.rng)) / 2;
    call.answered = false;
    call.entry = this.sim._scheduleOwned(call.half, call.onEvent, call.entry);
  }

  /** @internal The statement has crossed the network (or its answer has). */
  _arrived(call: Call): void {
    if (!call.answered) {
      this.server.execute(call.conn as PortConnection, call.op, call.statement, call.onExecuted);
    } else if (call.error === null && call.statement < call.op.statements) {
      this.runStatement(call);
    } else this.release(call, call.error);
  }

  /** @internal The server has answered: the answer crosses the network back. */
  _answerLater(call: Call): void {
    call.entry = this.sim._scheduleOwned(call.half, call.onEvent, call.entry);
  }

  /** The operation is done with its connection: close it, or hand it to a waiter. */
  private release(call: Call, error: ErrorKind | null): void {
    const pool = call.pool;
    const conn = call.conn as PortConnection;
    if (pool === null) {
      this.server.disconnect(conn);
    } else {
      const next = this.takeWaiter(pool);
      if (next === undefined) pool.idle.push(conn);
      else {
        next.conn = conn;
        this.runStatement(next);
      }
    }
    this.finish(call, error);
  }

  /** The oldest request still waiting on `pool`, no longer waiting. */
  private takeWaiter(pool: InstancePool): Call | undefined {
    const next = pool.waiters.shift();
    if (next !== undefined) this.waitingNow--;
    return next;
  }

  private finish(call: Call, error: ErrorKind | null): void {
    const op = call.op;
    const done = call.done;
    call.pool = null;
    call.conn = null;
    this.spare.push(call);
    op.error = error;
    op.completedAt = this.sim.now;
    done(op);
  }

  private roundTrips(n: number, op: Operation): number {
    const hop = this.config.hopMs;
    let t = 0;
    for (let i = 0; i < n; i++) {
      t += this.config.roundTripMs(this.rng);
      if (hop !== undefined) t += hop(op, this.rng);
    }
    return t;
  }
}
