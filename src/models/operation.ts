// The request path's contract, shared by every model: an Operation travels from
// the workload through the components of a scaling plan to a database node and
// back, and carries its own outcome (one mutable object per request keeps the
// hot path free of allocation). Models never import each other; they meet here.

/**
 * The name of an error an operation can end with, in snake_case after the real
 * system's own wording (`too_many_clients`, `query_wait_timeout`, …). Each model
 * folder names the kinds its model ends operations with, and its component
 * declares them (`Component.errorKinds`); the report lists every declared kind,
 * in the order of `ERROR_KINDS`. A string, so that a new component adds its
 * kinds without touching this contract.
 *
 * @remarks Since 0.1.0; a string since 0.2.0 (a closed union before).
 */
export type ErrorKind = string;

/**
 * Session state an operation may rely on, which pgbouncer's transaction and
 * statement modes break (pgbouncer 1.25 docs) — except protocol-level prepared
 * statements, which work there when `max_prepared_statements` > 0.
 *
 * @remarks Since 0.1.0
 */
export type SessionStateFeature =
  | "set"
  | "listen"
  | "advisory-lock"
  | "sql-prepare"
  | "temp-table"
  | "protocol-prepare";

/**
 * Read or write.
 *
 * @remarks Since 0.1.0
 */
export type OperationKind = "read" | "write";

/**
 * The rows a committed transaction wrote and the version each got, in the order
 * they were first written; every one of them carries the same commit LSN.
 *
 * @remarks Since 0.2.0
 */
export interface RowWrites {
  /** The rows (keys), distinct. */
  readonly keys: readonly number[];
  /** The new version of each, in the order of `keys`. */
  readonly versions: readonly number[];
}

/**
 * A half-open range of keys, `from` ≤ key < `to`, as a scan reads it (Vitess's
 * key ranges and range sharding split the key space the same way).
 *
 * @remarks Since 0.2.0
 */
export interface KeyRange {
  /** The first key in the range. */
  readonly from: number;
  /** The first key past the range (`to` > `from`). */
  readonly to: number;
}

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
  /** The key it reads or writes; for a scan, the first key of its {@link Operation.range}. */
  readonly key: number;
  /**
   * The cluster (shard: one primary, its replicas and their log) it runs on: 0 in
   * an unsharded plan, and until a shard router on its path sets it. Log positions
   * (`lsn`, `versionLsn`) and versions are those of this cluster.
   *
   * @remarks Since 0.2.0
   */
  cluster = 0;
  /**
   * For a scan, the keys it reads, `[from, to)`; null for a point operation, which
   * reads or writes `key` alone.
   *
   * @remarks Since 0.2.0
   */
  range: KeyRange | null = null;
  /**
   * The shards it spans in a sharded plan: before it is routed, 0, or the
   * fan-out a cross-shard query asks for (a count ≥ 2, or `Infinity` for every
   * shard); once a shard router has sent it on, the shards it went to (1 when
   * it stayed on its key's shard). 0 for an operation no shard router saw.
   *
   * @remarks Since 0.2.0
   */
  spans = 0;
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
  /**
   * The commit LSN of the version it read or wrote (0 for the initial version): for
   * a write, its commit LSN; for a read, the LSN of the write that created the
   * version returned, at most `lsn`. Monotonic reads over all keys compares it with
   * later reads' snapshots.
   *
   * @remarks Since 0.2.0
   */
  versionLsn = 0;
  /** For a write, when it committed at the primary (ms); NaN for reads and failures. */
  commitMs = Number.NaN;
  /** The session state the operation relies on, or null (see {@link SessionStateFeature}). */
  sessionState: SessionStateFeature | null = null;
  /**
   * A locking read (`SELECT … FOR UPDATE`): it takes row locks, so it must run
   * on the primary; proxies route on it. Always false for writes.
   */
  forUpdate = false;
  /**
   * For a transaction whose statements touch several rows, the row (key) of each
   * statement in the order they run; statement `i` touches `statementKeys[i]`, or
   * the last entry past its end. Null: every statement touches `key`. `key` is one
   * of them, and the one `version` is about; every row of a write gets its new
   * version at the commit ({@link Operation.writtenRows}).
   *
   * @remarks Since 0.2.0
   */
  statementKeys: readonly number[] | null = null;
  /**
   * For a committed write whose statements touched several rows
   * ({@link Operation.statementKeys}), every row it wrote and its new version,
   * all at the commit LSN `lsn`; null for a single-row write (`key` and
   * `version` say it all) and for reads.
   *
   * @remarks Since 0.2.0
   */
  writtenRows: RowWrites | null = null;

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
 * An open connection, as a {@link ServerPort} hands it out. Opaque to the caller.
 *
 * @remarks Since 0.1.0
 */
export type PortConnection = object;

/**
 * A connection-oriented endpoint: a database node, or a pooler in front of one.
 * The client opens connections to it and runs an operation's statements on one.
 *
 * @remarks Since 0.1.0
 */
export interface ServerPort {
  /** The endpoint's name. */
  readonly name: string;
  /**
   * Opens a connection (the caller has paid its own network round trips); calls
   * `done` with the connection, or with null and the error that refused it.
   */
  connect(done: (conn: PortConnection | null, error: ErrorKind | null) => void): void;
  /** Closes a connection. */
  disconnect(conn: PortConnection): void;
  /**
   * Runs statement `index` (0-based) of `op` on `conn`. On the last statement
   * the node reads or commits and fills in `op.node`, `op.version`, `op.lsn`,
   * `op.versionLsn` (and `op.commitMs` for writes). Calls `done` with null, or with the error
   * the statement ended with.
   */
  execute(
    conn: PortConnection,
    op: Operation,
    index: number,
    done: (error: ErrorKind | null) => void,
  ): void;
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

/**
 * What the composition root knows of every cluster's writes, handed to the
 * components that must judge a version (a cache counting stale hits, the
 * consistency monitor measuring staleness) so that none reads a primary directly.
 * Versions are per (cluster, key): 1, 2, 3 … in the cluster's LSN order, 0 the
 * initial value.
 *
 * @remarks Since 0.2.0
 */
export interface VersionOracle {
  /**
   * The newest version of `key` in `cluster` whose write has been acknowledged to
   * its client: what a read issued now is stale against.
   */
  newestAckedVersion(cluster: number, key: number): number;
  /**
   * The newest version of `key` committed at `cluster`'s primary, acknowledged or
   * not (a synchronous commit waits for replicas after this): what the primary
   * would return now.
   */
  newestCommittedVersion(cluster: number, key: number): number;
}

/**
 * A component that holds versions of one cluster's keys and may serve them later —
 * a replica (its applied log prefix), a proxy's query cache, an application cache.
 * It reports the oldest log position it may still serve, so that what every holder
 * has moved past can be forgotten (history compaction: see
 * `ConsistencyMonitor.compact`). A component that holds versions of several
 * clusters offers one holder per cluster.
 *
 * @remarks Since 0.2.0
 */
export interface VersionHolder {
  /**
   * A lower bound, in its cluster's log, on the snapshot LSN of every read it may
   * serve from now on (a replica: its applied LSN; a cache: the snapshot of the read
   * that filled an entry still servable); +Infinity when it holds nothing it may
   * serve. A read it serves sees at least the log prefix up to this LSN.
   */
  oldestLsnInUse(): number;
  /**
   * The LSNs at which its cluster's log forked since the last call (a failover's
   * promotion: the LSNs beyond it named writes of the lost branch), oldest first.
   * Omitted: its log never forks.
   *
   * @remarks Since 0.2.0
   */
  takeForks?(): readonly number[];
}
