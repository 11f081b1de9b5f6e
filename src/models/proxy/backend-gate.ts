// A backend as ProxySQL reaches it, for node crashes: while the node is down a
// connection attempt fails and so does a statement on a connection opened before
// (the socket died with the node); the statements running on it when it crashes
// fail at that instant, and its late answers are dropped. Left out: the TCP and
// connect timeouts before ProxySQL notices (mysql-connect_timeout_server, 1 s):
// it notices at once, as the application's NodeGate does.
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
 * One statement sent to the backend and not yet answered, linked to the ones sent
 * just before and after it. A class in a linked list, as the application's node
 * gate keeps its operations (src/models/faults/node-gate.ts, where an object
 * literal's allocation site was pretenured by V8 and a Set's table regrew as
 * entries came and went).
 */
class Running {
  /** Answered already (failed at the crash): the backend's late answer is dropped. */
  settled = false;
  next: Running | null = null;
  constructor(
    readonly done: (error: ErrorKind | null) => void,
    public prev: Running | null,
  ) {}
}

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
  /** The statements running, oldest first. */
  private head: Running | null = null;
  private tail: Running | null = null;

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
    const entry = new Running(done, this.tail);
    if (this.tail === null) this.head = entry;
    else this.tail.next = entry;
    this.tail = entry;
    this.port.execute(conn, op, index, (error) => {
      if (entry.settled) return;
      this.unlink(entry);
      done(error);
    });
  }

  /** The node crashed: the statements running on it fail now, every later one at once. */
  crash(): void {
    this.isDown = true;
    // In the order they were sent.
    let entry = this.head;
    this.head = null;
    this.tail = null;
    while (entry !== null) {
      const next = entry.next;
      entry.prev = null;
      entry.next = null;
      entry.settled = true;
      this.fail(entry.done);
      entry = next;
    }
  }

  /** The node is back (its data intact): connections to it open again. */
  restore(): void {
    this.isDown = false;
  }

  private unlink(entry: Running): void {
    const { prev, next } = entry;
    if (prev === null) this.head = next;
    else prev.next = next;
    if (next === null) this.tail = prev;
    else next.prev = prev;
    // An answered entry may have reached the old generation: it must not hold later ones.
    entry.prev = null;
    entry.next = null;
  }

  private fail(done: (error: ErrorKind | null) => void): void {
    this.failed++;
    done(NODE_DOWN);
  }
}
