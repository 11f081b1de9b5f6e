// Row locks: a write locks its row until its transaction ends (strict two-phase
// locking, as PostgreSQL's tuple locks and InnoDB's record locks do for UPDATE);
// waiters queue first come, first served per row. A wait gives up after
// `lock_timeout` (PostgreSQL, 0 = never) or `innodb_lock_wait_timeout`. Deadlocks
// among multi-row transactions: PostgreSQL checks once a waiter has waited
// `deadlock_timeout` (proc.c, CheckDeadLock) and, on a hard deadlock, aborts that
// waiter — the one that ran the check (deadlock.c, DeadLockCheck: "the caller is
// then expected to abort the given proc's transaction"). InnoDB checks at once and
// rolls back the lightest transaction of the cycle, ties going to the one that
// closed it (lock0wait.cc, lock_wait_choose_victim with trx_weight_ge; weight =
// rows modified + locks held, here locks held).
// Left out: shared locks, lock modes and gap locks, PostgreSQL's soft edges and
// wait-queue rearrangement (all locks here conflict), InnoDB's high-priority trx.
import type { EventHandle, Simulation } from "../../kernel/index.js";
import { Histogram } from "../../metrics/index.js";
import { type HotRow, HotRows } from "./hot-rows.js";

/**
 * Why a lock request failed: `lock_timeout` (PostgreSQL SQLSTATE 55P03, or MySQL
 * error 1205 for `innodb_lock_wait_timeout`) or `deadlock` (PostgreSQL 40P01,
 * MySQL 1213). Either way the transaction must roll back.
 *
 * @remarks Since 0.2.0
 */
export type LockErrorKind = "lock_timeout" | "deadlock";

/**
 * Settings of {@link RowLocks}, named as the engine's: PostgreSQL's `lock_timeout`
 * and `deadlock_timeout`, or InnoDB's `innodb_lock_wait_timeout` (deadlocks found
 * at once, `innodb_deadlock_detect` on).
 *
 * @remarks Since 0.2.0
 */
export type RowLockConfig =
  | {
      readonly engine: "postgresql";
      /** `lock_timeout` in ms; 0 = wait for ever (PostgreSQL's default). */
      readonly lockTimeoutMs: number;
      /** `deadlock_timeout` in ms (default 1000, at least 1). */
      readonly deadlockTimeoutMs?: number;
      /** Rows kept by the hottest-rows counter (default 10). */
      readonly hotRowsK?: number;
    }
  | {
      readonly engine: "innodb";
      /** `innodb_lock_wait_timeout` in ms (MySQL's is in seconds, default 50); it has no "never". */
      readonly innodbLockWaitTimeoutMs: number;
      /** Rows kept by the hottest-rows counter (default 10). */
      readonly hotRowsK?: number;
    };

/** A request waiting for a row. */
class Waiter {
  constructor(
    readonly txn: LockTransaction,
    readonly row: number,
    readonly since: number,
    readonly done: (error: LockErrorKind | null) => void,
  ) {}
  timeout: EventHandle | null = null;
  deadlockCheck: EventHandle | null = null;
}

/**
 * A transaction as the lock manager sees it: the rows it holds and the one it waits for.
 *
 * @remarks Since 0.2.0
 */
export class LockTransaction {
  /** Rows it holds, in the order it locked them. */
  readonly held: number[] = [];
  /** @internal */
  waiting: Waiter | null = null;
  /** @param id - its number, from 0 */
  constructor(readonly id: number) {}
}

interface RowLock {
  holder: LockTransaction;
  readonly waiters: Waiter[];
}

/**
 * The lock table of one node.
 *
 * @remarks Since 0.2.0
 */
export class RowLocks {
  /** Its settings. */
  readonly config: RowLockConfig;
  /** Time every finished wait lasted (granted, timed out or chosen as deadlock victim), ms. */
  readonly waitMs = new Histogram();
  /** Waits that ended in `lock_timeout`. */
  timeouts = 0;
  /** Deadlocks resolved (one victim each). */
  deadlocks = 0;
  /** Rows by lock waits begun on them. */
  readonly hotRows: HotRows;
  private readonly sim: Simulation;
  private readonly locks = new Map<number, RowLock>();
  private readonly lockTimeoutMs: number;
  private readonly deadlockTimeoutMs: number;
  private nextId = 0;
  private open = 0;
  private waitingNow = 0;

  /**
   * @param sim - the simulation
   * @param config - timeouts and engine
   */
  constructor(sim: Simulation, config: RowLockConfig) {
    let timeoutMs: number;
    let deadlockTimeoutMs = Number.POSITIVE_INFINITY;
    if (config.engine === "postgresql") {
      timeoutMs = config.lockTimeoutMs;
      if (!(timeoutMs >= 0) || !Number.isFinite(timeoutMs)) {
        throw new RangeError(
          `row locks: lockTimeoutMs ${timeoutMs} is not a number ≥ 0 (0 = no timeout)`,
        );
      }
      deadlockTimeoutMs = config.deadlockTimeoutMs ?? 1000;
      if (!(deadlockTimeoutMs >= 1) || !Number.isFinite(deadlockTimeoutMs)) {
        throw new RangeError(
          `row locks: deadlockTimeoutMs ${deadlockTimeoutMs} is below PostgreSQL's minimum of 1 ms`,
        );
      }
    } else {
      timeoutMs = config.innodbLockWaitTimeoutMs;
      if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
        throw new RangeError(
          `row locks: innodbLockWaitTimeoutMs ${timeoutMs} is not a positive number (InnoDB always times out)`,
        );
      }
    }
    this.sim = sim;
    this.config = config;
    this.lockTimeoutMs = timeoutMs;
    this.deadlockTimeoutMs = deadlockTimeoutMs;
    this.hotRows = new HotRows(config.hotRowsK ?? 10);
  }

  /** Transactions waiting for a row now. */
  get waiting(): number {
    return this.waitingNow;
  }

  /** Transactions begun and not yet released. */
  get activeTransactions(): number {
    return this.open;
  }

  /** The hottest rows by lock waits, highest first. */
  hottest(): HotRow[] {
    return this.hotRows.top();
  }

  /** Starts a transaction. */
  begin(): LockTransaction {
    this.open++;
    return new LockTransaction(this.nextId++);
  }

  /**
   * Locks `row` for `txn`: `done(null)` when granted (at once if free or already
   * held), `done(kind)` if the wait gives up; then the caller must roll back
   * (call {@link RowLocks.release}).
   */
  acquire(txn: LockTransaction, row: number, done: (error: LockErrorKind | null) => void): void {
    const lock = this.locks.get(row);
    if (lock === undefined) {
      this.locks.set(row, { holder: txn, waiters: [] });
      txn.held.push(row);
      done(null);
      return;
    }
    if (lock.holder === txn) {
      done(null);
      return;
    }
    const waiter = new Waiter(txn, row, this.sim.now, done);
    lock.waiters.push(waiter);
    txn.waiting = waiter;
    this.waitingNow++;
    this.hotRows.add(row);
    if (this.lockTimeoutMs > 0) {
      waiter.timeout = this.sim.schedule(this.lockTimeoutMs, () => {
        waiter.timeout = null;
        this.timeouts++;
        this.giveUp(waiter, "lock_timeout");
      });
    }
    if (this.config.engine === "innodb") this.resolveAtOnce(txn);
    else {
      waiter.deadlockCheck = this.sim.schedule(this.deadlockTimeoutMs, () => {
        waiter.deadlockCheck = null;
        if (txn.waiting === waiter && this.cycleFrom(txn) !== null) {
          this.deadlocks++;
          this.giveUp(waiter, "deadlock");
        }
      });
    }
  }

  /** Ends `txn` (commit or rollback): frees its rows, granting each to its first waiter. */
  release(txn: LockTransaction): void {
    if (txn.waiting !== null) this.withdraw(txn.waiting);
    this.open--;
    for (const row of txn.held) {
      const lock = this.locks.get(row) as RowLock;
      const next = lock.waiters.shift();
      if (next === undefined) {
        this.locks.delete(row);
        continue;
      }
      lock.holder = next.txn;
      next.txn.held.push(row);
      this.endWait(next);
      next.done(null);
    }
    txn.held.length = 0;
  }

  /** Forgets the statistics at the warm-up cut (not the locks held). */
  resetStats(): void {
    this.waitMs.reset();
    this.timeouts = 0;
    this.deadlocks = 0;
    this.hotRows.reset();
  }

  /**
   * The transactions of the wait-for cycle through `start`, from `start` along
   * its wait, or null. Every lock has one holder, so each waiter has one outgoing
   * edge and the walk is a path; it is bounded by the transactions open.
   */
  private cycleFrom(start: LockTransaction): LockTransaction[] | null {
    const path: LockTransaction[] = [start];
    let current = start;
    for (let steps = 0; steps <= this.open; steps++) {
      const waiter = current.waiting;
      if (waiter === null) return null;
      const holder = (this.locks.get(waiter.row) as RowLock).holder;
      if (holder === start) return path;
      path.push(holder);
      current = holder;
    }
    return null;
  }

  /** InnoDB: on a new wait, find a cycle and roll back its victim at once. */
  private resolveAtOnce(requester: LockTransaction): void {
    const cycle = this.cycleFrom(requester);
    if (cycle === null) return;
    // lock_wait_choose_victim: the cycle rotated so the newest waiter comes last;
    // each next transaction replaces the choice when the choice weighs at least as much.
    const ordered = [...cycle.slice(1), requester];
    let victim = ordered[0] as LockTransaction;
    for (const trx of ordered) if (victim.held.length >= trx.held.length) victim = trx;
    this.deadlocks++;
    this.giveUp(victim.waiting as Waiter, "deadlock");
  }

  private giveUp(waiter: Waiter, kind: LockErrorKind): void {
    if (waiter.txn.waiting !== waiter) return;
    this.withdraw(waiter);
    waiter.done(kind);
  }

  private withdraw(waiter: Waiter): void {
    const lock = this.locks.get(waiter.row) as RowLock;
    const i = lock.waiters.indexOf(waiter);
    if (i >= 0) lock.waiters.splice(i, 1);
    this.endWait(waiter);
  }

  private endWait(waiter: Waiter): void {
    waiter.txn.waiting = null;
    this.waitingNow--;
    if (waiter.timeout !== null) this.sim.cancel(waiter.timeout);
    if (waiter.deadlockCheck !== null) this.sim.cancel(waiter.deadlockCheck);
    waiter.timeout = null;
    waiter.deadlockCheck = null;
    this.waitMs.record(this.sim.now - waiter.since);
  }
}
