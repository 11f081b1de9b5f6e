// The application's connections to a pgbouncer that restarts, as a ServerPort
// in front of it. An immediate restart (SHUTDOWN, SIGQUIT, then a start):
// while it is down, a connection attempt is refused at once
// (connection_refused) and a transaction started on a connection from before
// fails at once (server_closed_connection, libpq's "server closed the
// connection unexpectedly"); a transaction under way when it went down fails
// when its last answer comes back (dbsim cannot abort one midway, so the node
// finishes it: a commit under way commits, an outcome the application does
// not learn). Once it is back, a connection from before is replaced by a new
// one at its next use (HikariCP evicts a broken connection). An online restart
// (pgbouncer -R) keeps every connection: what arrives meanwhile waits.
import type { Simulation } from "../../kernel/index.js";
import type { ErrorKind, Operation, PortConnection, ServerPort } from "../../models/operation.js";
import type { EventCounts } from "./network-port.js";

/** @internal A connection attempt refused: the pooler is not listening. */
export const CONNECTION_REFUSED = "connection_refused";
/** @internal The pooler closed the connection under a transaction. */
export const SERVER_CLOSED = "server_closed_connection";

/** @internal One restart of the pooler, as a window. */
export interface RestartWindow {
  readonly fromMs: number;
  readonly toMs: number;
  readonly online: boolean;
  /** Its row in the report. */
  readonly event: number;
}

/** The application's connection: the pooler's, and the restarts it has lived through. */
class PoolerConn {
  inner: PortConnection;
  epoch: number;
  constructor(inner: PortConnection, epoch: number) {
    this.inner = inner;
    this.epoch = epoch;
  }
}

/** @internal A pgbouncer's port under its restarts. */
export class RestartingPort implements ServerPort {
  readonly name: string;
  private readonly sim: Simulation;
  private readonly inner: ServerPort;
  private readonly restarts: readonly RestartWindow[];
  private readonly counts: readonly EventCounts[];

  constructor(
    sim: Simulation,
    inner: ServerPort,
    restarts: readonly RestartWindow[],
    counts: readonly EventCounts[],
  ) {
    this.sim = sim;
    this.inner = inner;
    this.name = inner.name;
    this.restarts = restarts;
    this.counts = counts;
  }

  connect(done: (conn: PortConnection | null, error: ErrorKind | null) => void): void {
    const down = this.downAt(this.sim.now);
    if (down !== undefined) {
      const counts = this.counts[down.event] as EventCounts;
      if (down.online) {
        counts.held++;
        this.sim.at(down.toMs, () => this.connect(done));
        return;
      }
      counts.fail(CONNECTION_REFUSED);
      done(null, CONNECTION_REFUSED);
      return;
    }
    this.inner.connect((conn, error) => {
      done(conn === null ? null : new PoolerConn(conn, this.epochAt(this.sim.now)), error);
    });
  }

  disconnect(conn: PortConnection): void {
    this.inner.disconnect((conn as PoolerConn).inner);
  }

  execute(
    conn: PortConnection,
    op: Operation,
    index: number,
    done: (error: ErrorKind | null) => void,
  ): void {
    const c = conn as PoolerConn;
    const now = this.sim.now;
    const down = this.downAt(now);
    if (down !== undefined && (down.online || index === 0)) {
      const counts = this.counts[down.event] as EventCounts;
      if (down.online) {
        counts.held++;
        this.sim.at(down.toMs, () => this.execute(conn, op, index, done));
        return;
      }
      counts.fail(SERVER_CLOSED);
      done(SERVER_CLOSED);
      return;
    }
    if (index === 0 && c.epoch < this.epochAt(now)) {
      this.reconnect(c, () => this.forward(c, op, index, done), done);
      return;
    }
    this.forward(c, op, index, done);
  }

  /** Sends the statement on; its last answer fails if the pooler went down meanwhile. */
  private forward(
    c: PoolerConn,
    op: Operation,
    index: number,
    done: (error: ErrorKind | null) => void,
  ): void {
    this.inner.execute(c.inner, op, index, (error) => {
      const last = error !== null || index === op.statements - 1;
      const lost = last ? this.restartSince(c.epoch) : undefined;
      if (lost === undefined) {
        done(error);
        return;
      }
      (this.counts[lost.event] as EventCounts).fail(SERVER_CLOSED);
      done(SERVER_CLOSED);
    });
  }

  /** Replaces a connection from before a restart by a new one (the driver evicts the broken one). */
  private reconnect(
    c: PoolerConn,
    then: () => void,
    done: (error: ErrorKind | null) => void,
  ): void {
    this.inner.disconnect(c.inner);
    this.inner.connect((conn, error) => {
      if (conn === null) {
        done(error);
        return;
      }
      c.inner = conn;
      c.epoch = this.epochAt(this.sim.now);
      then();
    });
  }

  /** The restart under way at `now`, if any. */
  private downAt(now: number): RestartWindow | undefined {
    for (const r of this.restarts) if (now >= r.fromMs && now < r.toMs) return r;
    return undefined;
  }

  /** Immediate restarts begun by `now`: a connection opened after fewer of them is broken. */
  private epochAt(now: number): number {
    let n = 0;
    for (const r of this.restarts) if (!r.online && r.fromMs <= now) n++;
    return n;
  }

  /** The first immediate restart begun after a connection of epoch `epoch` opened, if one has by now. */
  private restartSince(epoch: number): RestartWindow | undefined {
    if (this.epochAt(this.sim.now) <= epoch) return undefined;
    return this.restarts.filter((r) => !r.online)[epoch];
  }
}
