// A backend as ProxySQL reaches it, for node crashes: while the node is down a
// connection attempt fails and so does a statement on a connection opened before
// (the socket died with the node); the statements running on it when it crashes
// fail at that instant, and its late answers are dropped. Left out: the TCP and
// connect timeouts before ProxySQL notices (mysql-connect_timeout_server, 1 s):
// it notices at once, as the application's NodeGate does.
import { InFlightList } from "../in-flight.js";
import type { ErrorKind, Operation, PortConnection, ServerPort } from "../operation.js";

/**
 * The error a statement or a connection attempt ends with when its backend is
 * down: the kind the application's own node gate uses (models never import each
 * other), so the report counts both as one.
 *
 * @remarks Since 0.2.0
 */
export const NODE_DOWN: ErrorKind = "node_down";

/**
 * A {@link ServerPort} in front of one backend that fails everything while the
 * node is down.
 *
 * @remarks Since 0.2.0
 */
export class BackendGate implements ServerPort {
  /** Statements and connection attempts failed with `node_down`, since the start of the run. */
  failed = 0;
  private readonly port: ServerPort;
  private isDown = false;
  /** The statements running, oldest first (a crash fails them in that order). */
  private readonly running = new InFlightList<Operation, (error: ErrorKind | null) => void>();

  /** @param port - the backend's own port (its node, or the pooler in front of it) */
  constructor(port: ServerPort) {
    this.port = port;
  }

  /** The backend's name. */
  get name(): string {
    return this.port.name;
  }

  /** Whether the node is down now. */
  get down(): boolean {
    return this.isDown;
  }

  /** {@inheritDoc ServerPort.connect} */
  connect(done: (conn: PortConnection | null, error: ErrorKind | null) => void): void {
    if (this.isDown) {
      this.failed++;
      done(null, NODE_DOWN);
      return;
    }
    this.port.connect(done);
  }

  /** {@inheritDoc ServerPort.disconnect} */
  disconnect(conn: PortConnection): void {
    this.port.disconnect(conn);
  }

  /** {@inheritDoc ServerPort.execute} */
  execute(
    conn: PortConnection,
    op: Operation,
    index: number,
    done: (error: ErrorKind | null) => void,
  ): void {
    if (this.isDown) {
      this.fail(done);
      return;
    }
    const entry = this.running.add(op, done);
    this.port.execute(conn, op, index, (error) => {
      if (entry.settled) return;
      this.running.remove(entry);
      done(error);
    });
  }

  /** The node crashed: the statements running on it fail now, every later one at once. */
  crash(): void {
    this.isDown = true;
    this.running.settleAll((_op, done) => this.fail(done));
  }

  /** The node is back (its data intact): connections to it open again. */
  restore(): void {
    this.isDown = false;
  }

  private fail(done: (error: ErrorKind | null) => void): void {
    this.failed++;
    done(NODE_DOWN);
  }
}
