// A statement as the server spends time on it, composed of the mechanisms beside
// this file: its pages (index leaf + heap page of its key) through the buffer pool,
// the missing ones read from the node's disk one after the other (no core held);
// for a write, the row lock (held until the transaction ends; waits hold no core);
// then its CPU — parse, plan and execute plus a RAM read per page found — on the
// node's processor-sharing cores (DatabaseServer.runWork). A commit of a
// transaction that wrote flushes the log (group commit) before its locks go.
// Every mechanism is optional: with none, a statement is its CPU work alone,
// which is the pure processor-sharing server (Erlang C and the USL still hold).
// Left out: the network round trip (the client's), scans touching many pages,
// page writes and checkpoints, lock waits of reads (MVCC readers do not block).
import type { BufferPool } from "./buffer-pool.js";
import type { DiskStation } from "./disk.js";
import type { LockErrorKind, LockTransaction, RowLocks } from "./locks.js";
import type { DatabaseServer } from "./server.js";
import type { WalFlusher } from "./wal.js";

/**
 * The mechanisms a {@link StatementPipeline} uses; null = off.
 *
 * @remarks Since 0.2.0
 */
export interface ServerMechanisms {
  /** The buffer pool; off = every page is in memory. */
  readonly bufferPool: BufferPool | null;
  /** The disk that serves the pool's misses; required when the pool is on. */
  readonly disk: DiskStation | null;
  /** Row locks; off = writes never wait. */
  readonly locks: RowLocks | null;
  /** The log flush; off = a commit needs no flush. */
  readonly wal: WalFlusher | null;
  /** CPU per page found in the pool (core-ms): the latency table's RAM read row. */
  readonly ramReadMs: number;
  /**
   * The pages a replica's applier touches for one replicated row write: `"heap"`,
   * the heap page alone — PostgreSQL's redo names the blocks it changes, and an
   * update that changes no indexed column is HOT, logging the heap block only
   * (heapam.c heap_update, log_heap_update); `"index-and-heap"` (the default),
   * the index leaf and the heap page, as MySQL's applier finds the row by its key
   * before changing it (Rows_log_event::do_apply_event).
   *
   * @remarks Since 0.2.0
   */
  readonly applyPages?: "heap" | "index-and-heap";
}

/**
 * A transaction on one node, as the pipeline tracks it.
 *
 * @remarks Since 0.2.0
 */
export class ServerTransaction {
  /** Its locks, when row locks are on and it may write. */
  readonly locks: LockTransaction | null;
  /** True when it may write: it counts among the open transactions. */
  readonly counted: boolean;
  /** True once it has written (its commit then needs a flush). */
  wrote = false;
  /** True once committed or rolled back. */
  ended = false;
  /**
   * @param locks - its lock-manager transaction, or null
   * @param counted - whether it may write (counted in openTransactions)
   */
  constructor(locks: LockTransaction | null, counted = true) {
    this.locks = locks;
    this.counted = counted;
  }
}

/**
 * Runs statements and commits through the mechanisms of one node.
 *
 * @remarks Since 0.2.0
 */
export class StatementPipeline {
  private readonly server: DatabaseServer;
  private readonly mechanisms: ServerMechanisms;
  private open = 0;

  /**
   * @param server - the node whose cores run the CPU work
   * @param mechanisms - the optional mechanisms
   */
  constructor(server: DatabaseServer, mechanisms: ServerMechanisms) {
    if (mechanisms.bufferPool !== null && mechanisms.disk === null) {
      throw new RangeError(`node ${server.name}: a buffer pool needs a disk for its misses`);
    }
    if (!(mechanisms.ramReadMs >= 0)) {
      throw new RangeError(`node ${server.name}: ramReadMs ${mechanisms.ramReadMs} is not ≥ 0`);
    }
    this.server = server;
    this.mechanisms = mechanisms;
  }

  /**
   * Transactions begun that may write and not ended: what `commit_siblings`
   * counts, plus one (PostgreSQL's MinimumActiveBackends skips backends with no
   * transaction ID, which a read-only transaction never gets).
   */
  get openTransactions(): number {
    return this.open;
  }

  /**
   * Starts a transaction; a read-only one (`mayWrite` false) takes no locks, is
   * not counted, and costs no lock-manager state.
   */
  begin(mayWrite = true): ServerTransaction {
    if (!mayWrite) return new ServerTransaction(null, false);
    this.open++;
    const locks = this.mechanisms.locks;
    return new ServerTransaction(locks === null ? null : locks.begin());
  }

  /**
   * Runs one statement on `key` with `cpuMs` of parse/plan/execute work. On a
   * lock error the transaction is rolled back and `done` gets the error kind.
   */
  statement(
    txn: ServerTransaction,
    key: number,
    kind: "read" | "write",
    cpuMs: number,
    done: (error: LockErrorKind | null) => void,
  ): void {
    const pool = this.mechanisms.bufferPool;
    const misses = pool === null ? 0 : pool.accessKey(key);
    const work = pool === null ? cpuMs : cpuMs + (2 - misses) * this.mechanisms.ramReadMs;
    // The common case, every page in memory, allocates no continuation.
    if (misses === 0) this.lockThenCompute(txn, key, kind, work, done);
    else this.readPages(misses, () => this.lockThenCompute(txn, key, kind, work, done));
  }

  private lockThenCompute(
    txn: ServerTransaction,
    key: number,
    kind: "read" | "write",
    work: number,
    done: (error: LockErrorKind | null) => void,
  ): void {
    const locks = this.mechanisms.locks;
    if (kind === "write") txn.wrote = true;
    if (kind === "read" || locks === null || txn.locks === null) {
      this.server.runWork(work, () => done(null));
      return;
    }
    locks.acquire(txn.locks, key, (error) => {
      if (error === null) this.server.runWork(work, () => done(null));
      else {
        this.rollback(txn);
        done(error);
      }
    });
  }

  /**
   * A replica applies one replicated row write: its page(s) through the buffer
   * pool (a miss is a disk read, one after the other, the applier waiting and
   * holding no core), then `cpuMs` of apply work on the cores. No row locks (the
   * applier's writes are already ordered by the log) and no log flush (the
   * replica's own flush is the replication link's).
   *
   * @remarks Since 0.2.0
   */
  apply(key: number, cpuMs: number, done: () => void): void {
    const pool = this.mechanisms.bufferPool;
    if (pool === null) {
      this.server.runWork(cpuMs, done);
      return;
    }
    const heapOnly = this.mechanisms.applyPages === "heap";
    const touched = heapOnly ? 1 : 2;
    const misses = heapOnly ? (pool.access(pool.heapPageOf(key)) ? 0 : 1) : pool.accessKey(key);
    const work = cpuMs + (touched - misses) * this.mechanisms.ramReadMs;
    if (misses === 0) this.server.runWork(work, done);
    else this.readPages(misses, () => this.server.runWork(work, done));
  }

  /** Commits: flushes the log if it wrote (group commit), then frees its locks. */
  commit(txn: ServerTransaction, done: () => void): void {
    this.durable(txn, () => {
      this.end(txn);
      done();
    });
  }

  /**
   * Makes the transaction durable: flushes the log if it wrote (group commit),
   * then calls `done`; its locks stay until {@link StatementPipeline.end}.
   */
  durable(txn: ServerTransaction, done: () => void): void {
    const wal = this.mechanisms.wal;
    if (wal === null || !txn.wrote) done();
    else wal.commit(done);
  }

  /** Rolls back: frees its locks (no flush: an abort need not be durable). */
  rollback(txn: ServerTransaction): void {
    this.end(txn);
  }

  /** Ends the transaction (after its commit or on rollback): frees its locks. */
  end(txn: ServerTransaction): void {
    if (txn.ended) return;
    txn.ended = true;
    if (!txn.counted) return;
    this.open--;
    const locks = this.mechanisms.locks;
    if (locks !== null && txn.locks !== null) locks.release(txn.locks);
  }

  /** The mechanisms in use (null = off). */
  get parts(): ServerMechanisms {
    return this.mechanisms;
  }

  /** Restarts every mechanism's statistics at the warm-up cut (not its state). */
  resetStats(now: number): void {
    const { bufferPool, disk, locks, wal } = this.mechanisms;
    bufferPool?.resetStats();
    disk?.resetStats(now);
    locks?.resetStats();
    wal?.resetStats();
  }

  /** Reads `count` pages from disk one after another, then calls `then`. */
  private readPages(count: number, then: () => void): void {
    const disk = this.mechanisms.disk;
    if (count === 0 || disk === null) {
      then();
      return;
    }
    disk.read(() => this.readPages(count - 1, then));
  }
}
