// The commit's log flush with group commit. A commit is durable once the log up to
// its record is flushed (an fsync on the node's disk). One flush runs at a time;
// commits that arrive while it runs wait and the next flush takes all of them —
// PostgreSQL's XLogFlush (xlog.c): a backend that finds WALWriteLock taken waits
// for it, rechecks whether its record was flushed meanwhile, and otherwise flushes
// everything inserted so far. Trading latency for batch size:
// - PostgreSQL `commit_delay`: the backend holding WALWriteLock sleeps that long
//   before flushing, but only if at least `commit_siblings` other backends are in
//   active transactions (MinimumActiveBackends in procarray.c);
// - MySQL `binlog_group_commit_sync_delay`: the group waits that long before the
//   binlog fsync, cut short once `binlog_group_commit_sync_no_delay_count` are queued.
// Left out: WAL buffers filling, wal_writer_delay, synchronous_commit = off, the
// write (not flush) stage, redo vs binlog as two logs (one flush stands for both).
import type { EventHandle, RandomStream, Simulation } from "../../kernel/index.js";
import { Histogram } from "../../metrics/index.js";

/**
 * The delay a group waits before its flush, as PostgreSQL or MySQL sets it.
 *
 * @remarks Since 0.2.0
 */
export type GroupCommitDelay =
  | { readonly kind: "none" }
  | {
      readonly kind: "postgresql";
      /** `commit_delay` in ms (the setting is in µs; 0 = none). */
      readonly commitDelayMs: number;
      /** `commit_siblings`: other active transactions needed before sleeping (default 5). */
      readonly commitSiblings: number;
    }
  | {
      readonly kind: "mysql";
      /** `binlog_group_commit_sync_delay` in ms (the setting is in µs; 0 = none). */
      readonly binlogGroupCommitSyncDelayMs: number;
      /** `binlog_group_commit_sync_no_delay_count`: flush early once this many wait (0 = off). */
      readonly binlogGroupCommitSyncNoDelayCount: number;
    };

/**
 * Where the log lives and what a flush costs.
 *
 * @remarks Since 0.2.0
 */
export interface WalConfig {
  /** The node's name (the random stream is `wal.<name>`). */
  readonly name: string;
  /** Time of one fsync (ms). */
  readonly fsyncMs: (rng: RandomStream) => number;
  /** Runs a request of the given service time on the node's disk (a {@link DiskStation}'s `submit`). */
  readonly disk: (serviceMs: number, done: () => void) => void;
  /** The group commit delay. */
  readonly delay: GroupCommitDelay;
  /**
   * Transactions open on the node now, the committing one included (PostgreSQL's
   * commit_siblings counts the others). Only the PostgreSQL delay reads it.
   */
  readonly activeTransactions: () => number;
}

/**
 * The log flusher of one node.
 *
 * @remarks Since 0.2.0
 */
export class WalFlusher {
  /** Its settings. */
  readonly config: WalConfig;
  /** Flushes done. */
  flushes = 0;
  /** Commits per flush. */
  readonly commitsPerFlush = new Histogram({ lowestDiscernibleValue: 1 });
  private readonly sim: Simulation;
  private readonly rng: RandomStream;
  private waiting: (() => void)[] = [];
  private flushing = false;
  private delayTimer: EventHandle | null = null;

  /**
   * @param sim - the simulation
   * @param config - disk, fsync time and delay
   */
  constructor(sim: Simulation, config: WalConfig) {
    const delay = config.delay;
    const ms =
      delay.kind === "postgresql"
        ? delay.commitDelayMs
        : delay.kind === "mysql"
          ? delay.binlogGroupCommitSyncDelayMs
          : 0;
    if (!(ms >= 0) || !Number.isFinite(ms)) {
      throw new RangeError(`wal ${config.name}: group commit delay ${ms} ms is not a number ≥ 0`);
    }
    this.sim = sim;
    this.config = config;
    this.rng = sim.rng(`wal.${config.name}`);
  }

  /** Commits waiting for a flush now (not those in the flush under way). */
  get queued(): number {
    return this.waiting.length;
  }

  /** Makes a commit durable: `done` runs when a flush that includes it has finished. */
  commit(done: () => void): void {
    this.waiting.push(done);
    const delay = this.config.delay;
    if (
      this.delayTimer !== null &&
      delay.kind === "mysql" &&
      delay.binlogGroupCommitSyncNoDelayCount > 0 &&
      this.waiting.length >= delay.binlogGroupCommitSyncNoDelayCount
    ) {
      this.sim.cancel(this.delayTimer);
      this.delayTimer = null;
      this.flush();
      return;
    }
    if (!this.flushing && this.delayTimer === null) this.lead();
  }

  /** Restarts the statistics at the warm-up cut. */
  resetStats(): void {
    this.flushes = 0;
    this.commitsPerFlush.reset();
  }

  /** The first commit of a group takes the lead: it sleeps the delay, if any, then flushes. */
  private lead(): void {
    const delayMs = this.delayBeforeFlush();
    if (delayMs <= 0) {
      this.flush();
      return;
    }
    this.delayTimer = this.sim.schedule(delayMs, () => {
      this.delayTimer = null;
      this.flush();
    });
  }

  private delayBeforeFlush(): number {
    const delay = this.config.delay;
    if (delay.kind === "mysql") return delay.binlogGroupCommitSyncDelayMs;
    if (delay.kind === "none") return 0;
    const others = this.config.activeTransactions() - 1;
    return delay.commitSiblings === 0 || others >= delay.commitSiblings ? delay.commitDelayMs : 0;
  }

  private flush(): void {
    const group = this.waiting;
    this.waiting = [];
    this.flushing = true;
    this.config.disk(this.config.fsyncMs(this.rng), () => {
      this.flushes++;
      this.commitsPerFlush.record(group.length);
      // The group is acknowledged before the next leader is chosen, so commits made
      // at this same instant (by the acknowledged sessions) share the next flush
      // rather than the first of them flushing alone.
      for (const done of group) done();
      this.flushing = false;
      if (this.waiting.length > 0 && this.delayTimer === null) this.lead();
    });
  }
}
