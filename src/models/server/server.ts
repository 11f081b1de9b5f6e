// A database server. PostgreSQL runs a process per connection and the operating
// system time-shares the cores among them, so the server is a processor-sharing
// station: with N statements in service each one advances at R(N)/N, where
//
//   R(N) = min(N, c) / (1 + σ(N − 1) + κN(N − 1))       (core-ms of work per ms)
//
// is the Universal Scalability Law (Gunther) with the hardware ceiling of c
// cores: for N ≤ c it is Gunther's X(N) = λN / (1 + σ(N−1) + κN(N−1)) with
// λ = 1/E[S]; with σ = κ = 0 the number in service is the birth–death chain of
// M/M/c, so mean response times match Erlang C (Little's law). Contention
// penalises all N active statements, so past N* = √((1−σ)/κ) more connections
// finish less work: the connection-pool paradox.
//
// Simulated with virtual time (the attained service of every active statement):
// one pending completion event, moved whenever N changes. With a statement
// pipeline (statement.ts) a statement also reads its pages through the buffer
// pool and disk, waits for row locks, and a commit flushes the log — waits that
// hold no core; without one, a statement is its CPU work alone. Left out: memory
// pressure beyond counting it and the planner; a statement's work is one draw
// from its distribution.
import {
  type EventHandle,
  MinHeap,
  type RandomStream,
  type Simulation,
} from "../../kernel/index.js";
import { TimeWeighted } from "../../metrics/index.js";
import type { ErrorKind, Operation, PortConnection, RowWrites, ServerPort } from "../operation.js";
import { type KeySlots, KeyVersions } from "./key-versions.js";
import type { ServerTransaction, StatementPipeline } from "./statement.js";

/**
 * Settings of a {@link DatabaseServer}.
 *
 * @remarks Since 0.1.0
 */
export interface ServerConfig {
  /** The node's name in reports and diagrams. */
  readonly name: string;
  /** CPU cores (the processor-sharing ceiling). */
  readonly cores: number;
  /** USL contention (serialisation) σ ≥ 0. */
  readonly sigma: number;
  /** USL coherency (crosstalk) κ ≥ 0. */
  readonly kappa: number;
  /** `max_connections`: opening one more fails with "too many clients". */
  readonly maxConnections: number;
  /** Memory per open connection (MB). */
  readonly memoryPerConnectionMB: number;
  /** Number of keys (the data it holds). */
  readonly keyCount: number;
  /**
   * The keys it holds per-key state for densely (a shard's keys); omitted: all
   * of them. Other keys are kept aside as they are written.
   *
   * @remarks Since 0.2.0
   */
  readonly keySlots?: KeySlots;
  /** Work of a read statement (core-ms). */
  readonly readWorkMs: (rng: RandomStream) => number;
  /** Work of a write statement (core-ms). */
  readonly writeWorkMs: (rng: RandomStream) => number;
  /** Work to start a backend for a new connection (core-ms). */
  readonly connectWorkMs: (rng: RandomStream) => number;
}

/**
 * Runs at a commit, before it is acknowledged; calls `ack` when the commit may return.
 * `rows`, for a transaction that wrote several rows, lists them all (`key` last)
 * with their versions, every one at `lsn`; null for a single-row write.
 *
 * @remarks Since 0.1.0; `rows` since 0.2.0
 */
export type CommitHook = (
  lsn: number,
  key: number,
  version: number,
  ack: () => void,
  rows: RowWrites | null,
) => void;

/**
 * A consumer of a server's commits: the commit's LSN, the key and version it
 * wrote (the last row's, for a transaction), and every row a multi-row
 * transaction wrote (null for one row).
 *
 * @remarks Since 0.2.0
 */
export type CommitObserver = (
  lsn: number,
  key: number,
  version: number,
  rows: RowWrites | null,
) => void;

/** The token a server hands out for a connection (it counts connections, not identities). */
const SERVER_CONNECTION: PortConnection = Object.freeze({ server: true });

/**
 * A database node: processor-sharing cores with USL contention, a connection
 * limit, memory per connection, and the versions of its keys.
 *
 * @remarks Since 0.1.0
 */
export class DatabaseServer implements ServerPort {
  /** Its settings. */
  readonly config: ServerConfig;
  /** Statements completed. */
  statements = 0;
  /** Open connections over time. */
  readonly connections: TimeWeighted;
  /** Busy cores over time, as min(N, c). */
  readonly busyCores: TimeWeighted;
  /** Statements in service over time (N). */
  readonly inService: TimeWeighted;
  /**
   * Every key's current version (0 = initial) and the commit LSN of that version
   * (what a read reports as `op.versionLsn`, so checkers can tell which writes it
   * observed).
   *
   * @remarks Since 0.2.0
   */
  readonly keys: KeyVersions;
  /**
   * The current versions by slot: by key unless `config.keySlots` is given (see
   * {@link DatabaseServer.read}). Read-only to callers: the server writes it in
   * {@link DatabaseServer.write}, {@link DatabaseServer.commit} and
   * {@link DatabaseServer.applyReplicated}, which also note each key written.
   */
  readonly versions: Uint32Array;
  /**
   * The commit LSNs of the current versions by slot, as {@link DatabaseServer.versions}.
   *
   * @remarks Since 0.2.0
   */
  readonly versionLsns: Uint32Array;
  /** Writes committed: the log sequence number of the latest one. */
  lsn = 0;
  /**
   * When it holds every key: a bit per key (key k is bit k & 7 of byte k >> 3), set
   * once the key has been written here; a clear bit means version 0 and LSN 0. A
   * read of a key never written looks only here, 1/32 of the bytes of `versions`,
   * which stays in the processor's cache, instead of in two 4-byte arrays that
   * outgrow it. Empty when the node holds a shard's slots.
   */
  private readonly written: Uint8Array;

  private readonly sim: Simulation;
  private readonly rng: RandomStream;
  private commitHook: CommitHook | null = null;
  /** Who sees every commit without holding its acknowledgement back (CQRS projections); null for none. */
  private commitObservers: CommitObserver[] | null = null;
  /** Statements in service by the virtual time they finish at (ties: the first started first). */
  private readonly heap = new MinHeap<() => void>();
  private virtual = 0;
  private lastUpdate = 0;
  private pending: EventHandle | null = null;
  /** The completion's entry after it has run, until changed() reuses it. */
  private spent: EventHandle | null = null;
  private readonly onComplete = (): void => this.complete();
  private readonly rateTable: Float64Array;
  private pipelineInUse: StatementPipeline | null = null;
  /** Multi-statement transactions between their first and last statement. */
  private readonly transactions = new Map<Operation, ServerTransaction>();

  /**
   * @param sim - the simulation
   * @param config - its settings
   */
  constructor(sim: Simulation, config: ServerConfig) {
    this.sim = sim;
    this.config = config;
    this.rng = sim.rng(`node.${config.name}.work`);
    this.connections = new TimeWeighted(sim.now);
    this.busyCores = new TimeWeighted(sim.now);
    this.inService = new TimeWeighted(sim.now);
    this.keys = new KeyVersions(config.keyCount, config.keySlots ?? null);
    this.versions = this.keys.versions;
    this.versionLsns = this.keys.lsns;
    this.written = new Uint8Array(this.keys.whole ? (config.keyCount + 7) >> 3 : 0);
    // Per-statement speed R(N)/N for N up to the connection limit (N cannot exceed it
    // by much: each statement holds a connection), extended on demand.
    this.rateTable = new Float64Array(Math.max(2, config.maxConnections + 1));
    for (let n = 1; n < this.rateTable.length; n++) this.rateTable[n] = this.speed(n);
  }

  /** The node's name. */
  get name(): string {
    return this.config.name;
  }

  /** Statements in service now. */
  get active(): number {
    return this.heap.length;
  }

  /** Open connections now. */
  get openConnections(): number {
    return this.connections.value;
  }

  /**
   * Total work rate with `n` statements in service, in core-ms per ms:
   * min(n, c) / (1 + σ(n−1) + κn(n−1)).
   */
  capacity(n: number): number {
    if (n <= 0) return 0;
    const { cores, sigma, kappa } = this.config;
    return Math.min(n, cores) / (1 + sigma * (n - 1) + kappa * n * (n - 1));
  }

  /**
   * Opens a connection: refused with `too_many_clients` when `maxConnections`
   * are open, else the server starts a backend (`connectWorkMs` of work) and
   * hands the connection over.
   */
  connect(done: (conn: PortConnection | null, error: ErrorKind | null) => void): void {
    if (!this.openConnection()) {
      done(null, "too_many_clients");
      return;
    }
    this.runWork(this.config.connectWorkMs(this.rng), () => done(SERVER_CONNECTION, null));
  }

  /** Closes a connection. */
  disconnect(_conn: PortConnection): void {
    this.closeConnection();
  }

  /**
   * Runs statement `index` of `op`: its work on the cores (through the statement
   * pipeline when there is one, on the statement's own row in a multi-row
   * transaction — `op.statementKeys`), then, on the last statement, the read of the
   * key's version or the commit (which may wait for replicas, as the commit hook
   * says).
   */
  execute(
    _conn: PortConnection,
    op: Operation,
    index: number,
    done: (error: ErrorKind | null) => void,
  ): void {
    const work = op.kind === "read" ? this.config.readWorkMs : this.config.writeWorkMs;
    if (this.pipelineInUse !== null) {
      this.executeThrough(this.pipelineInUse, op, index, work(this.rng), done);
      return;
    }
    this.runWork(work(this.rng), () => {
      if (index < op.statements - 1) {
        done(null);
        return;
      }
      this.finish(op, done);
    });
  }

  /**
   * Sends every statement through `pipeline` (buffer pool, disk, row locks, log
   * flush) from now on; null goes back to CPU work alone.
   *
   * @remarks Since 0.2.0
   */
  usePipeline(pipeline: StatementPipeline | null): void {
    this.pipelineInUse = pipeline;
  }

  /** The statement pipeline in use, or null (pure processor sharing). */
  get pipeline(): StatementPipeline | null {
    return this.pipelineInUse;
  }

  private executeThrough(
    pipeline: StatementPipeline,
    op: Operation,
    index: number,
    cpuMs: number,
    done: (error: ErrorKind | null) => void,
  ): void {
    const last = index >= op.statements - 1;
    // A locking read (SELECT … FOR UPDATE) takes the row lock as a write does.
    const locking = op.kind === "write" || op.forUpdate ? "write" : "read";
    let txn = index === 0 ? undefined : this.transactions.get(op);
    if (txn === undefined) {
      txn = pipeline.begin(locking === "write");
      if (!last) this.transactions.set(op, txn);
    }
    const transaction = txn;
    pipeline.statement(transaction, statementKey(op, index), locking, cpuMs, (error) => {
      if (error !== null) {
        if (!last) this.transactions.delete(op);
        done(error);
        return;
      }
      if (!last) {
        done(null);
        return;
      }
      if (index > 0) this.transactions.delete(op);
      // Durable first (the log flush), then visible and shipped; the locks go
      // once the commit may return, as PostgreSQL releases them only after
      // RecordTransactionCommit (which waits for synchronous standbys).
      pipeline.durable(transaction, () =>
        this.finish(op, (error) => {
          pipeline.end(transaction);
          done(error);
        }),
      );
    });
  }

  /** The last statement's outcome: the read of the key's version, or the commit. */
  private finish(op: Operation, done: (error: ErrorKind | null) => void): void {
    op.node = this.config.name;
    if (op.kind === "read") {
      const keys = this.keys;
      const key = op.key;
      // Indexed directly when the node holds every key: the unsharded plans' hot path.
      // A key never written is told by its bit alone: most reads of a large key
      // space's tail would otherwise miss the cache twice, in each 4-byte array.
      if (!keys.whole) {
        op.version = keys.version(key);
        op.versionLsn = keys.lsn(key);
      } else if (((this.written[key >> 3] as number) & (1 << (key & 7))) !== 0) {
        op.version = this.versions[key] as number;
        op.versionLsn = this.versionLsns[key] as number;
      } else {
        op.version = 0;
        op.versionLsn = 0;
      }
      op.lsn = this.lsn;
      done(null);
      return;
    }
    op.commitMs = this.sim.now;
    if (op.statementKeys !== null && op.statementKeys.length > 1) {
      this.commitRows(op, done);
      return;
    }
    this.commit(op.key, (version, lsn) => {
      op.version = version;
      op.lsn = lsn;
      op.versionLsn = lsn;
      done(null);
    });
  }

  private markWritten(key: number): void {
    this.written[key >> 3] = (this.written[key >> 3] as number) | (1 << (key & 7));
  }

  /** Opens a connection; false when `maxConnections` are open ("too many clients"). */
  openConnection(): boolean {
    if (this.connections.value >= this.config.maxConnections) return false;
    this.connections.add(this.sim.now, 1);
    return true;
  }

  /** Closes a connection. */
  closeConnection(): void {
    this.connections.add(this.sim.now, -1);
  }

  /**
   * Runs `work` core-ms of a statement under processor sharing and calls `done`
   * when it has had that much service.
   */
  runWork(work: number, done: () => void): void {
    this.advance();
    this.heap.push(this.virtual + work, done);
    this.changed();
  }

  /** Applies a committed write to `key`: the next LSN and a new version. */
  write(key: number): number {
    this.lsn++;
    if (this.keys.whole) {
      const v = (this.versions[key] as number) + 1;
      this.versions[key] = v;
      this.versionLsns[key] = this.lsn;
      this.markWritten(key);
      return v;
    }
    const v = this.keys.version(key) + 1;
    this.keys.set(key, v, this.lsn);
    return v;
  }

  /**
   * Commits a write of `key` (see {@link DatabaseServer.write}) and calls `done`
   * when the commit may be acknowledged: at once, or when the commit hook
   * (replication) says so.
   */
  commit(key: number, done: (version: number, lsn: number) => void): void {
    const version = this.write(key);
    const lsn = this.lsn;
    if (this.commitObservers !== null) this.notifyCommit(lsn, key, version, null);
    if (this.commitHook === null) done(version, lsn);
    else this.commitHook(lsn, key, version, () => done(version, lsn), null);
  }

  /**
   * Commits a row copied in from another shard (a resharding's copy, or a change
   * its catch-up replays) at the version it holds there: a write of this node's
   * own log at the next LSN, shipped to the replicas like any other (Vitess's
   * VReplication inserts the copied rows on the target, vcopier.go). Nobody waits
   * for its acknowledgement.
   *
   * @remarks Since 0.2.0
   */
  commitCopy(key: number, version: number): void {
    this.lsn++;
    const lsn = this.lsn;
    this.keys.set(key, version, lsn);
    if (this.keys.whole) this.markWritten(key);
    if (this.commitObservers !== null) this.notifyCommit(lsn, key, version, null);
    this.commitHook?.(lsn, key, version, () => {}, null);
  }

  /**
   * Commits a transaction that wrote several rows (`op.statementKeys`): every
   * distinct row takes a new version at one commit LSN, as one transaction's
   * changes all become visible at its commit record; `op.version` is that of
   * `op.key`, `op.writtenRows` lists them all.
   */
  private commitRows(op: Operation, done: (error: ErrorKind | null) => void): void {
    const rows = distinctRows(op.statementKeys as readonly number[], op.key);
    this.lsn++;
    const lsn = this.lsn;
    const versions = rows.map((key) => {
      const v = this.keys.version(key) + 1;
      this.keys.set(key, v, lsn);
      if (this.keys.whole) this.markWritten(key);
      return v;
    });
    const written: RowWrites = { keys: rows, versions };
    const version = versions[versions.length - 1] as number;
    const settle = (): void => {
      op.version = version;
      op.lsn = lsn;
      op.versionLsn = lsn;
      op.writtenRows = written;
      done(null);
    };
    if (this.commitObservers !== null) this.notifyCommit(lsn, op.key, version, written);
    if (this.commitHook === null) settle();
    else this.commitHook(lsn, op.key, version, settle, written);
  }

  private notifyCommit(lsn: number, key: number, version: number, rows: RowWrites | null): void {
    for (const observe of this.commitObservers as CommitObserver[])
      observe(lsn, key, version, rows);
  }

  /**
   * Installs what runs at every commit before it is acknowledged: replication
   * ships the record and calls `ack` when the mode allows.
   */
  onCommit(hook: CommitHook | null): void {
    this.commitHook = hook;
  }

  /**
   * Adds a consumer of the commit log that sees every commit, in LSN order, as
   * it is made, without holding its acknowledgement back (a CQRS projection);
   * observers run in the order added, before the commit hook.
   *
   * @remarks Since 0.2.0
   */
  observeCommits(observer: CommitObserver): void {
    this.commitObservers ??= [];
    this.commitObservers.push(observer);
  }

  /** A replica makes a replicated write visible: `key` takes `version`, the applied LSN becomes `lsn`. */
  applyReplicated(key: number, version: number, lsn: number): void {
    if (this.keys.whole) {
      this.versions[key] = version;
      this.versionLsns[key] = lsn;
      this.markWritten(key);
    } else this.keys.set(key, version, lsn);
    this.lsn = lsn;
  }

  /**
   * A replica applies a replicated row write of `key`: through the statement
   * pipeline's buffer pool and disk when there is one, else `work` alone.
   *
   * @remarks Since 0.2.0
   */
  applyWork(key: number, work: number, done: () => void): void {
    if (this.pipelineInUse === null) this.runWork(work, done);
    else this.pipelineInUse.apply(key, work, done);
  }

  /**
   * The version of `key` held now and the LSN that wrote it (0 when the node keeps
   * versions only): what a rewound replica takes back after a failover.
   *
   * @remarks Since 0.2.0
   */
  versionOf(key: number): readonly [version: number, lsn: number] {
    if (this.keys.whole) return [this.versions[key] as number, this.versionLsns[key] ?? 0];
    return [this.keys.version(key), this.keys.lsn(key)];
  }

  /** The version of `key` held now. */
  read(key: number): number {
    return this.keys.whole ? (this.versions[key] as number) : this.keys.version(key);
  }

  /** Restarts the time averages at the warm-up cut. */
  resetStats(now: number): void {
    this.connections.reset(now);
    this.busyCores.reset(now);
    this.inService.reset(now);
    this.statements = 0;
    this.pipelineInUse?.resetStats(now);
  }

  private speed(n: number): number {
    return this.capacity(n) / n;
  }

  private rate(n: number): number {
    return n < this.rateTable.length ? (this.rateTable[n] as number) : this.speed(n);
  }

  /** Moves virtual time to now at the speed of the current N. */
  private advance(): void {
    const now = this.sim.now;
    const n = this.heap.length;
    if (n > 0) this.virtual += (now - this.lastUpdate) * this.rate(n);
    this.lastUpdate = now;
  }

  private complete(): void {
    // This event's entry: it has run, so changed() below may reuse it.
    this.spent = this.pending;
    this.pending = null;
    this.advance();
    const heap = this.heap;
    // The top finishes now (this event was scheduled for it); others may tie with it.
    const first = heap.pop() as () => void;
    const limit = this.virtual + 1e-9 * (1 + Math.abs(this.virtual));
    let finished: (() => void)[] | null = null;
    while (heap.peekKey() <= limit) {
      if (finished === null) finished = [];
      finished.push(heap.pop() as () => void);
    }
    this.statements += 1 + (finished === null ? 0 : finished.length);
    this.changed();
    first();
    if (finished !== null) for (const done of finished) done();
  }

  /** Records the new N and moves the one pending completion. */
  private changed(): void {
    const now = this.sim.now;
    const n = this.heap.length;
    this.inService.set(now, n);
    this.busyCores.set(now, Math.min(n, this.config.cores));
    if (this.pending !== null) {
      this.sim.cancel(this.pending);
      this.pending = null;
    }
    if (n === 0) return;
    const remaining = Math.max(0, this.heap.peekKey() - this.virtual);
    // Two moves per statement: reusing the entry spares the collector one object
    // each. The handle is dropped once it has run (complete) or been cancelled
    // (above), as the kernel's reuse of entries requires.
    const spent = this.spent;
    this.spent = null;
    this.pending = this.sim._scheduleOwned(remaining / this.rate(n), this.onComplete, spent);
  }
}

/** `rows` without repeats, in first-written order, with `key` (the operation's own) last. */
function distinctRows(rows: readonly number[], key: number): number[] {
  const out: number[] = [];
  for (const row of rows) if (row !== key && !out.includes(row)) out.push(row);
  out.push(key);
  return out;
}

/** The row statement `index` of `op` touches: its own in a multi-row transaction, else the operation's key. */
function statementKey(op: Operation, index: number): number {
  const keys = op.statementKeys;
  if (keys === null) return op.key;
  return keys[Math.min(index, keys.length - 1)] as number;
}
