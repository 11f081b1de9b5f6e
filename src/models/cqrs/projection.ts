// A CQRS projection (read model): a consumer of the command side's commit log,
// in LSN order, with its own apply capacity (`threads` appliers, each taking up
// to `batch` committed transactions at a time), so its backlog grows at λ − μ
// events per second when writes (λ) outrun it (μ) — the backlog arithmetic of a
// replica's applier (replication.ts). A batch becomes visible at once, in log
// order, as one read-model transaction. It keeps the versions it has applied;
// queries read those. A replay rebuilds it from history (event-store.ts) while
// its live consumer waits. Lag figures are exact (integrated at each change),
// not sampled. Left out: the read model's own storage engine.
import type { Simulation } from "../../kernel/index.js";
import type { RowWrites, VersionHolder } from "../operation.js";
import { LagIntegral } from "./lag-integral.js";

/**
 * How a projection consumes the log.
 *
 * @remarks Since 0.2.0
 */
export interface ProjectionConfig {
  /** Its name (the node name its query reads report). */
  readonly name: string;
  /** Draws the apply work of one event (one row written), in ms. */
  readonly applyMs: () => number;
  /** Appliers working at once. */
  readonly threads: number;
  /** Committed transactions an applier takes at once (made visible together). */
  readonly batch: number;
}

/**
 * Where a projection keeps each key's applied version and the LSN that
 * committed it (the server's KeyVersions meets it).
 *
 * @remarks Since 0.2.0
 */
export interface VersionTable {
  version(key: number): number;
  lsn(key: number): number;
  set(key: number, version: number, lsn: number): void;
}

/** One committed transaction in the log, as the projection keeps it until applied. */
interface LogEntry {
  readonly lsn: number;
  readonly commitMs: number;
  readonly keys: readonly number[];
  readonly versions: readonly number[];
  /** Applied (visible once every earlier entry is). */
  done: boolean;
}

/**
 * A query read from a projection: the version it returned, that version's commit
 * LSN, and the projection's applied LSN (the read's snapshot).
 *
 * @remarks Since 0.2.0
 */
export interface ProjectionRead {
  readonly version: number;
  readonly versionLsn: number;
  readonly lsn: number;
}

/**
 * A read model fed from the command side's log.
 *
 * @remarks Since 0.2.0
 */
export class Projection implements VersionHolder {
  /** Events (rows) made visible since the last reset (live consumption only). */
  eventsApplied = 0;
  /** The highest LSN made visible. */
  appliedLsn = 0;
  private readonly log: LogEntry[] = [];
  /** Index in `log` of the oldest entry not yet visible. */
  private head = 0;
  /** Index in `log` of the next entry an applier takes. */
  private next = 0;
  private idle: number;
  private committedRows = 0;
  private visibleRows = 0;
  /** Replays under way: the live consumer takes nothing while any is. */
  private replaying = 0;
  private readonly lag = new LagIntegral();

  /**
   * @param sim - the simulation
   * @param config - its consumer
   * @param versions - the versions it holds (sized for the cluster's keys)
   */
  constructor(
    private readonly sim: Simulation,
    readonly config: ProjectionConfig,
    private readonly versions: VersionTable,
  ) {
    this.idle = config.threads;
  }

  /** Events committed and not yet visible here. */
  get backlog(): number {
    return this.committedRows - this.visibleRows;
  }

  /** Age of the oldest committed event not yet visible here (ms; 0 when caught up). */
  lagMs(now: number): number {
    const oldest = this.log[this.head];
    return oldest === undefined ? 0 : now - oldest.commitMs;
  }

  /** The log's new record: a transaction committed at `lsn`, writing `key` (or `rows`). */
  commit(lsn: number, key: number, version: number, rows: RowWrites | null): void {
    this.mark();
    const keys = rows === null ? [key] : rows.keys;
    this.log.push({
      lsn,
      commitMs: this.sim.now,
      keys,
      versions: rows === null ? [version] : rows.versions,
      done: false,
    });
    this.committedRows += keys.length;
    this.lag.sawBacklog(this.backlog);
    this.take();
  }

  /** What a query of `key` reads now. */
  read(key: number): ProjectionRead {
    return {
      version: this.versions.version(key),
      versionLsn: this.versions.lsn(key),
      lsn: this.appliedLsn,
    };
  }

  /** Queries read at least the log prefix it has applied. */
  oldestLsnInUse(): number {
    return this.appliedLsn;
  }

  /**
   * Rebuilds it from history: `work` runs the rebuild (with every applier) and
   * calls back when done; meanwhile the live consumer takes nothing. Once rebuilt
   * it holds everything committed up to `lsn` (the log at the replay's start) and
   * goes on from there.
   */
  replay(lsn: number, work: (done: () => void) => void, done: () => void): void {
    this.replaying++;
    work(() => {
      this.replaying--;
      this.mark();
      this.lag.sawLag(this.lagMs(this.sim.now));
      let entry = this.log[this.head];
      while (entry !== undefined && entry.lsn <= lsn) {
        this.makeVisible(entry, false);
        entry = this.log[this.head];
      }
      this.next = Math.max(this.next, this.head);
      this.trim();
      done();
      this.take();
    });
  }

  /** Restarts the lag figures at `now` (the warm-up cut). */
  resetStats(now: number): void {
    this.eventsApplied = 0;
    this.lag.reset(now, this.backlog, this.lagMs(now));
  }

  /** Backlog (events) and lag (ms) over the window to `now`: at the end, time-mean and max. */
  figures(now: number): {
    backlogEvents: { end: number; mean: number; max: number };
    lagMs: { end: number; mean: number; max: number };
  } {
    this.mark();
    return this.lag.figures(now, this.backlog, this.lagMs(now));
  }

  /** Integrates the lag up to now, before anything changes it. */
  private mark(): void {
    const oldest = this.log[this.head];
    this.lag.advance(this.sim.now, this.backlog, oldest?.commitMs);
  }

  /** Idle appliers take the next entries, up to `batch` each, in log order. */
  private take(): void {
    while (this.replaying === 0 && this.idle > 0 && this.next < this.log.length) {
      const from = this.next;
      const to = Math.min(this.log.length, from + this.config.batch);
      this.next = to;
      this.idle--;
      const batch = this.log.slice(from, to);
      let work = 0;
      for (const entry of batch) for (const _ of entry.keys) work += this.config.applyMs();
      this.sim.schedule(work, () => this.applied(batch));
    }
  }

  private applied(batch: readonly LogEntry[]): void {
    this.mark();
    this.lag.sawLag(this.lagMs(this.sim.now));
    for (const entry of batch) entry.done = true;
    let entry = this.log[this.head];
    while (entry?.done === true) {
      this.makeVisible(entry, true);
      entry = this.log[this.head];
    }
    this.trim();
    this.idle++;
    this.take();
  }

  private makeVisible(entry: LogEntry, live: boolean): void {
    entry.keys.forEach((key, i) => {
      this.versions.set(key, entry.versions[i] as number, entry.lsn);
    });
    this.appliedLsn = entry.lsn;
    this.visibleRows += entry.keys.length;
    if (live) this.eventsApplied += entry.keys.length;
    this.head++;
  }

  /** Drops visible entries from the front now and then, so the log holds what is unapplied. */
  private trim(): void {
    if (this.head < 4096 || this.head * 2 < this.log.length) return;
    const drop = Math.min(this.head, this.next);
    this.log.splice(0, drop);
    this.head -= drop;
    this.next -= drop;
  }
}
