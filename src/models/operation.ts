// The request path's contract, shared by every model: an Operation travels from
// the workload through the components of a scaling plan to a database node and
// back, and carries its own outcome (one mutable object per request keeps the
// hot path free of allocation). Models never import each other; they meet here.

/**
 * The kinds of error an operation can end with.
 *
 * @remarks Since 0.1.0
 */
export type ErrorKind =
  /** The server refused a new connection: `max_connections` reached. */
  | "too_many_clients"
  /** The client waited longer than its connection timeout for a connection. */
  | "connection_timeout";

/**
 * The error kinds, in report order.
 *
 * @remarks Since 0.1.0
 */
export const ERROR_KINDS: readonly ErrorKind[] = ["too_many_clients", "connection_timeout"];

/**
 * Read or write.
 *
 * @remarks Since 0.1.0
 */
export type OperationKind = "read" | "write";

/**
 * One request of the workload, with its outcome filled in on the way back.
 *
 * @remarks Since 0.1.0
 */
export class Operation {
  /** Sequence number in the workload, from 0. */
  readonly id: number;
  /** The session (user) it belongs to. */
  readonly session: number;
  /** Read or write. */
  readonly kind: OperationKind;
  /** The key it reads or writes. */
  readonly key: number;
  /** Statements it runs: 1 for a single statement, more for a multi-statement transaction. */
  readonly statements: number;
  /** When the workload issued it (ms). */
  readonly issuedAt: number;
  /** When it completed (ms), or NaN while in flight. */
  completedAt = Number.NaN;
  /** The error it ended with, or null when it succeeded. */
  error: ErrorKind | null = null;
  /** The name of the node that served it ("" until served). */
  node = "";
  /** The version of its key that it read or wrote (0 = the initial version). */
  version = 0;
  /** For a write, its commit LSN; for a read, the serving node's applied LSN when it read (its snapshot). */
  lsn = 0;
  /** For a write, when it committed at the primary (ms); NaN for reads and failures. */
  commitMs = Number.NaN;

  /**
   * @param id - sequence number
   * @param session - session number
   * @param kind - read or write
   * @param key - key id
   * @param statements - statements in it (≥ 1)
   * @param issuedAt - issue time (ms)
   */
  constructor(
    id: number,
    session: number,
    kind: OperationKind,
    key: number,
    statements: number,
    issuedAt: number,
  ) {
    this.id = id;
    this.session = session;
    this.kind = kind;
    this.key = key;
    this.statements = statements;
    this.issuedAt = issuedAt;
  }

  /** True when it is a multi-statement transaction. */
  get isTransaction(): boolean {
    return this.statements > 1;
  }
}

/**
 * Called once when an operation completes, successfully or not.
 *
 * @remarks Since 0.1.0
 */
export type Done = (op: Operation) => void;

/**
 * A component on the request path: it takes an operation and calls `done`
 * exactly once when the operation has completed or failed.
 *
 * @remarks Since 0.1.0
 */
export interface Service {
  /** Sends the operation through this component. */
  submit(op: Operation, done: Done): void;
}
