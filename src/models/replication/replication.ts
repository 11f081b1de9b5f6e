// Log shipping from a primary to replicas: PostgreSQL WAL streaming or the MySQL
// binlog. Every commit appends a record (LSN, its rows and their versions, bytes,
// commit time) to the log; each replica receives the records in order over its
// own network link (a TCP stream: a record never overtakes the one before it),
// writes and flushes them, and applies them with `applyWorkers` threads whose
// work runs on the replica's own cores (so a replica busy with reads applies more
// slowly), each first reading the rows' pages through the replica's buffer pool
// when the port offers it (`applyWork`), waiting for its disk on a miss.
// PostgreSQL replays only flushed WAL, so there apply starts after the flush;
// MySQL's applier reads the relay log once written (`replayFrom`).
// Applied records become visible in LSN order (MySQL's
// replica_preserve_commit_order, PostgreSQL's single startup process), so a
// replica always holds a prefix of the log.
//
// Modes (PostgreSQL docs, "synchronous_commit"; MySQL 8.4 manual, 19.4.10
// "Semisynchronous Replication"; facts gathered in docs/reference.md):
// - async: a commit returns at once;
// - semi-sync (MySQL AFTER_SYNC): a commit waits until `acks` replicas have
//   received it; after `timeoutMs` without enough acks the source goes async,
//   and back to semi-sync once a replica has caught up with the source;
// - sync (PostgreSQL synchronous_commit with ANY `acks` standbys): a commit
//   waits until `acks` standbys report it written (remote_write), flushed (on)
//   or applied (remote_apply). No timeout: PostgreSQL waits forever.
// Lag is reported as replay lag (per record, commit to visible on the replica),
// the age of the oldest record not yet applied (0 when caught up), bytes
// (pg_wal_lsn_diff of the primary's LSN and the replay LSN), and as MySQL's
// Seconds_Behind_Source would show it (rpl_replica.cc, show_slave_status_send_data):
// 0 when the applier has applied all it received and the receiver is connected,
// however much is still in transit; NULL when it has applied all it received
// and the receiver is cut off (an outage).
// After a failover the promoted replica's log is this one (a new timeline from
// the promoted position), the others stream from it, and one that had received
// the lost branch waits for a rewind (`rejoin`); see docs/faults.md.
// Left out: the receiver's own CPU, WAL archiving, cascading replicas, conflicts
// between replay and queries on the standby, network partitions other than
// outage windows.
import type { EventHandle, RandomStream, Simulation } from "../../kernel/index.js";
import { Histogram } from "../../metrics/index.js";
import type { RowWrites, VersionHolder } from "../operation.js";

/**
 * What replication needs of a replica's database node.
 *
 * @remarks Since 0.1.0
 */
export interface ReplicaPort {
  /** The node's name. */
  readonly name: string;
  /** Runs `work` core-ms on the node's cores; calls `done` when finished. */
  runWork(work: number, done: () => void): void;
  /** Makes a replicated write visible. */
  applyReplicated(key: number, version: number, lsn: number): void;
  /**
   * Applies one replicated row write of `key` with `work` core-ms of apply work:
   * the node reads the row's page(s) through its buffer pool (a miss waits for
   * its disk) before the work. Omitted: the work alone ({@link ReplicaPort.runWork}).
   *
   * @remarks Since 0.2.0
   */
  applyWork?(key: number, work: number, done: () => void): void;
  /**
   * The version of `key` the node holds now and the LSN that wrote it: what a
   * rewind of a diverged replica puts back (the promoted node's, as of the fork).
   * Omitted: a rewind cannot put the lost branch's rows back.
   *
   * @remarks Since 0.2.0
   */
  versionOf?(key: number): readonly [version: number, lsn: number];
  /**
   * Installs what runs at each of the node's commits before it is acknowledged:
   * once promoted, its commits are the log's records. Omitted: a promoted node's
   * commits are not shipped.
   *
   * @remarks Since 0.2.0
   */
  onCommit?(
    hook: (
      lsn: number,
      key: number,
      version: number,
      ack: () => void,
      rows: RowWrites | null,
    ) => void,
  ): void;
}

/**
 * A window during which a replica's receiver is cut off from the primary: it
 * receives nothing, and once it has applied what it had, MySQL's
 * Seconds_Behind_Source reads NULL. The replica itself keeps serving reads.
 *
 * @remarks Since 0.1.0
 */
export interface Outage {
  /** Start (ms). */
  readonly fromMs: number;
  /** End (ms); records sent meanwhile arrive after it. */
  readonly toMs: number;
}

/**
 * One replica's link and applier.
 *
 * @remarks Since 0.1.0
 */
export interface ReplicaLinkConfig {
  /** A network round trip between primary and this replica (ms); each direction takes half a draw. */
  readonly roundTripMs: (rng: RandomStream) => number;
  /** Time to flush received records to disk (ms). */
  readonly flushMs: (rng: RandomStream) => number;
  /** Work to apply one transaction (core-ms on the replica). */
  readonly applyMs: (rng: RandomStream) => number;
  /** Parallel applier threads (1 = single-threaded). */
  readonly applyWorkers: number;
  /** Windows when the replica is unreachable, sorted and disjoint. */
  readonly outages: readonly Outage[];
  /**
   * Whether its acks count toward a semi-sync or sync commit (default true):
   * false for a standby that PostgreSQL's `synchronous_standby_names` does not
   * list, which streams the log but never holds a commit.
   *
   * @remarks Since 0.2.0
   */
  readonly synchronous?: boolean;
}

/**
 * How commits wait for replicas.
 *
 * @remarks Since 0.1.0
 */
export type ReplicationMode =
  | { readonly kind: "async" }
  | { readonly kind: "semi-sync"; readonly acks: number; readonly timeoutMs: number }
  | {
      readonly kind: "sync";
      readonly acks: number;
      readonly synchronousCommit: "remote_write" | "on" | "remote_apply";
    };

/**
 * Settings of {@link Replication}.
 *
 * @remarks Since 0.1.0
 */
export interface ReplicationConfig {
  /** How commits wait. */
  readonly mode: ReplicationMode;
  /** Log bytes per row a commit wrote (a transaction of k rows logs k × this). */
  readonly bytesPerWrite: number;
  /** One link per replica, in the order of the replica ports. */
  readonly replicas: readonly ReplicaLinkConfig[];
  /**
   * Where the applier may read up to. `"flushed"` (the default): PostgreSQL's
   * startup process replays only WAL the walreceiver has flushed
   * (xlogrecovery.c, WaitForWALToBecomeAvailable reads up to
   * GetWalRcvFlushRecPtr), so a record is applied after its flush, never in
   * parallel with it. `"received"`: MySQL's applier reads the relay log as soon
   * as the receiver has written an event (the relay log is synced only every
   * `sync_relay_log` events, 10 000 by default), so apply overlaps the flush.
   *
   * @remarks Since 0.2.0
   */
  readonly replayFrom?: "flushed" | "received";
}

/** A log record, shared by every replica's stream. */
class LogRecord {
  readonly lsn: number;
  readonly key: number;
  readonly version: number;
  readonly commitMs: number;
  /** Bytes of the log up to and including this record. */
  readonly endBytes: number;
  /** Every row of a multi-row transaction (`key` last), or null for one row. */
  readonly rows: RowWrites | null;
  /** Replicas that have acknowledged it at the stage the mode waits for. */
  acks = 0;
  /** Called when enough acks arrived (sync, semi-sync); null when nobody waits. */
  waiter: (() => void) | null = null;
  timeout: EventHandle | null = null;
  constructor(
    lsn: number,
    key: number,
    version: number,
    commitMs: number,
    endBytes: number,
    rows: RowWrites | null,
  ) {
    this.rows = rows;
    this.lsn = lsn;
    this.key = key;
    this.version = version;
    this.commitMs = commitMs;
    this.endBytes = endBytes;
  }
}

/** Waiting for a replica to apply an LSN. */
interface LsnWaiter {
  readonly lsn: number;
  readonly done: (applied: boolean) => void;
  timer: EventHandle | null;
  settled: boolean;
}

/** One replica's state. */
class ReplicaState {
  readonly port: ReplicaPort;
  readonly link: ReplicaLinkConfig;
  readonly rng: RandomStream;
  /** Arrival time of the last record sent (in-order delivery). */
  lastArrivalMs = 0;
  lastFlushMs = 0;
  /** Highest LSN received (written) and flushed. */
  receivedLsn = 0;
  flushedLsn = 0;
  /** Highest LSN visible to queries. */
  appliedLsn = 0;
  /** Promoted, or cut off for good: it takes no more records from this log. */
  fenced = false;
  /** Cut off for good: the log keeps no records for it. */
  gone = false;
  /** Bumped when what it was sent can no longer arrive (its source crashed, or it was re-pointed). */
  stream = 0;
  /** Bumped at a rewind: records it received or applied before it are discarded. */
  rewinds = 0;
  appliedBytes = 0;
  /** Records received and waiting for an applier, in LSN order. */
  readonly applyQueue: LogRecord[] = [];
  applyHead = 0;
  busyWorkers = 0;
  /** Records applied but not yet visible because an earlier one is still applying. */
  readonly appliedAhead = new Set<number>();
  /** Index in the shared log of the next record to make visible. */
  nextVisible = 0;
  readonly waiters: LsnWaiter[] = [];
  /** Commit-to-visible delay of each record made visible since the last reset (ms). */
  readonly replayLagMs = new Histogram();
  /** Most log bytes committed and not yet applied since the last reset (peaks at commits). */
  lagBytesMax = 0;
  constructor(port: ReplicaPort, link: ReplicaLinkConfig, rng: RandomStream) {
    this.port = port;
    this.link = link;
    this.rng = rng;
  }
}

/**
 * Lag of one replica at an instant.
 *
 * @remarks Since 0.1.0
 */
export interface LagSample {
  /**
   * Age of the oldest committed record not yet visible on the replica (ms); 0 when caught up.
   *
   * @remarks Since 0.2.0
   */
  readonly oldestUnappliedAgeMs: number;
  /**
   * The same figure as {@link LagSample.oldestUnappliedAgeMs}.
   *
   * @deprecated Since 0.2.0: read `oldestUnappliedAgeMs`; removed in 0.3.0.
   */
  readonly lagMs: number;
  /** Log bytes committed on the primary and not yet applied. */
  readonly lagBytes: number;
  /**
   * What MySQL's Seconds_Behind_Source would show (whole seconds), or `null` —
   * MySQL's NULL — when the applier has applied all it received while the
   * receiver is cut off from the source (an outage).
   */
  readonly secondsBehindSource: number | null;
}

/**
 * The replication log from a primary to its replicas.
 *
 * @remarks Since 0.1.0
 */
export class Replication implements VersionHolder {
  /** Commits that returned without their semi-sync acks (released when the source fell back to async). */
  semiSyncTimeouts = 0;
  /** Times the source switched from semi-sync to async. */
  semiSyncFallbacks = 0;
  /** How long each commit waited for replicas before it could return (ms; 0 for async). */
  readonly commitWaitMs = new Histogram();
  private readonly sim: Simulation;
  private readonly config: ReplicationConfig;
  private readonly states: ReplicaState[];
  /** Records not yet visible on every replica; `logBase` is the index of log[0]. */
  private log: LogRecord[] = [];
  private logBase = 0;
  private primaryLsn = 0;
  private primaryBytes = 0;
  /** False while a semi-sync source has fallen back to async. */
  private semiSyncActive = true;
  /** When the primary crashed (ms): records it had not sent by then never leave it. */
  private crashedAtMs = Number.POSITIVE_INFINITY;
  /** The replica promoted in place of the crashed primary, once its replay is done; -1 before. */
  private promotedIndex = -1;
  /** Fork points not yet taken by {@link Replication.takeForks}. */
  private forks: number[] = [];
  /** Rows the crashed primary's node committed without logging them (after its crash). */
  private unlogged: number[] = [];
  /** After a promotion: the records of the lost branch, and each of their rows' version as of the fork. */
  private fork: ForkPoint | null = null;

  /**
   * @param sim - the simulation
   * @param config - mode, bytes per write, links
   * @param replicas - the replica nodes, in the order of `config.replicas`
   */
  constructor(sim: Simulation, config: ReplicationConfig, replicas: readonly ReplicaPort[]) {
    this.sim = sim;
    this.config = config;
    this.states = replicas.map(
      (port, i) =>
        new ReplicaState(
          port,
          config.replicas[i] as ReplicaLinkConfig,
          sim.rng(`replication.${port.name}`),
        ),
    );
  }

  /** Number of replicas. */
  get replicaCount(): number {
    return this.config.replicas.length;
  }

  /** The primary's latest LSN. */
  get lsn(): number {
    return this.primaryLsn;
  }

  /** Whether a semi-sync source is waiting for acks now (false after a fallback). */
  get semiSyncOn(): boolean {
    return this.semiSyncActive;
  }

  /** The LSN replica `i` has made visible. */
  appliedLsn(i: number): number {
    return (this.states[i] as ReplicaState).appliedLsn;
  }

  /**
   * The highest LSN replica `i` has received (written to its log).
   *
   * @remarks Since 0.2.0
   */
  receivedLsn(i: number): number {
    return (this.states[i] as ReplicaState).receivedLsn;
  }

  /**
   * The primary crashed now: a record not delivered to a replica by now never is
   * (the host's send buffer and its connections went with it), and no commit waits
   * for acks any more — the clients of those commits lost their connection too.
   *
   * @remarks Since 0.2.0
   */
  primaryCrashed(): void {
    this.crashedAtMs = this.sim.now;
    for (const s of this.states) s.stream++;
    for (const record of this.log) {
      record.waiter = null;
      if (record.timeout !== null) this.sim.cancel(record.timeout);
      record.timeout = null;
    }
  }

  /**
   * Cuts replica `i` off for good (it crashed and does not come back): it takes
   * no more records, and the log no longer keeps records for it.
   *
   * @remarks Since 0.2.0
   */
  detach(i: number): void {
    const s = this.states[i] as ReplicaState;
    s.fenced = true;
    s.gone = true;
  }

  /**
   * Promotes replica `i` (PostgreSQL's pg_promote, after the primary crashed):
   * it takes no more records, replays what it has received, then calls `done`
   * with its position — the new primary continues its log from there.
   *
   * @remarks Since 0.2.0
   */
  promote(i: number, done: (lsn: number) => void): void {
    const s = this.states[i] as ReplicaState;
    s.fenced = true;
    const target = s.receivedLsn;
    const promoted = (): void => {
      this.promotedIndex = i;
      this.forks.push(target);
      this.repoint(s, target);
      done(target);
    };
    if (s.appliedLsn >= target) {
      promoted();
      return;
    }
    s.waiters.push({ lsn: target, done: promoted, timer: null, settled: false });
  }

  /**
   * The promoted replica's log is the log from now on: what the old primary
   * logged beyond `forkLsn` is cut off (the lost branch), and every other replica
   * streams from the new primary (Patroni rewrites `primary_conninfo`, which
   * PostgreSQL 13 and later apply on a reload by restarting the WAL receiver).
   * One that already holds records of the lost branch has diverged: it takes
   * nothing until {@link Replication.rejoin} (pg_rewind); its rows of that branch
   * go back to the fork's versions now, since nobody reads it meanwhile (it was
   * down at the promotion: the promoted replica had received the most of those up).
   */
  private repoint(promoted: ReplicaState, forkLsn: number): void {
    const index = this.states.indexOf(promoted);
    promoted.port.onCommit?.((lsn, key, version, ack, rows) =>
      this.commitOnReplica(index, lsn, key, version, ack, rows),
    );
    promoted.fenced = true;
    promoted.gone = true;
    promoted.nextVisible = Number.MAX_SAFE_INTEGER;
    let keep = this.log.length;
    while (keep > 0 && (this.log[keep - 1] as LogRecord).lsn > forkLsn) keep--;
    const lost = this.log.slice(keep);
    this.log.length = keep;
    const versions = new Map<number, readonly [number, number]>();
    const versionOf = promoted.port.versionOf?.bind(promoted.port);
    if (versionOf !== undefined) {
      for (const r of lost)
        for (const key of r.rows?.keys ?? [r.key]) versions.set(key, versionOf(key));
    }
    this.fork = {
      lsn: forkLsn,
      bytes: promoted.appliedBytes,
      index: this.logBase + keep,
      lost,
      versions,
    };
    this.primaryLsn = forkLsn;
    this.primaryBytes = promoted.appliedBytes;
    this.semiSyncActive = true;
    this.crashedAtMs = Number.POSITIVE_INFINITY;
    for (const s of this.states) {
      if (s.gone) continue;
      s.stream++;
      if (s.receivedLsn > forkLsn) this.discardLostBranch(s, this.fork);
      else this.resend(s);
    }
  }

  /** Rows of the lost branch back to the fork's versions, positions back to the fork; it takes nothing until rejoined. */
  private discardLostBranch(s: ReplicaState, fork: ForkPoint): void {
    s.fenced = true;
    s.rewinds++;
    for (const r of fork.lost) {
      if (r.lsn > s.appliedLsn) break;
      for (const key of r.rows?.keys ?? [r.key]) {
        const at = fork.versions.get(key);
        if (at !== undefined) s.port.applyReplicated(key, at[0], at[1]);
      }
    }
    if (s.appliedLsn > fork.lsn) {
      s.appliedLsn = fork.lsn;
      s.appliedBytes = fork.bytes;
      s.nextVisible = fork.index;
    }
    s.receivedLsn = s.appliedLsn;
    s.flushedLsn = s.appliedLsn;
    s.applyQueue.length = 0;
    s.applyHead = 0;
    s.appliedAhead.clear();
  }

  /** Ships again, from the new primary, every record of the log it has not received. */
  private resend(s: ReplicaState): void {
    for (let i = 0; i < this.log.length; i++) {
      const record = this.log[i] as LogRecord;
      if (record.lsn > s.receivedLsn) this.ship(s, record);
    }
  }

  /**
   * The crashed primary's node is back and joins as a replica of the new primary
   * (Patroni starts it as a standby; with `use_pg_rewind` it is rewound first):
   * it has diverged — every record of the lost branch, and what it committed
   * without logging after its crash, is on it — so its rows of that branch go
   * back to the new primary's versions, and it streams nothing until
   * {@link Replication.rejoin}. It streams over `via`'s link (the promoted
   * replica's link to it). Returns its index, past the configured replicas
   * ({@link Replication.replicaCount} does not count it).
   *
   * @remarks Since 0.2.0
   */
  addOldPrimary(port: ReplicaPort, via: number): number {
    const fork = this.fork;
    if (fork === null) throw new Error("Replication.addOldPrimary: no promotion yet");
    const link = (this.states[via] as ReplicaState).link;
    const s = new ReplicaState(
      port,
      { ...link, outages: [] },
      this.sim.rng(`replication.${port.name}`),
    );
    const source = (this.states[this.promotedIndex] as ReplicaState).port;
    const keys = [...fork.lost.flatMap((r) => r.rows?.keys ?? [r.key]), ...this.unlogged];
    this.unlogged = [];
    // The new primary's rows now: the replay from the fork brings each to its version at the consistency point.
    for (const key of keys) {
      const at = fork.versions.get(key) ?? source.versionOf?.(key);
      if (at !== undefined) s.port.applyReplicated(key, at[0], at[1]);
    }
    s.appliedLsn = fork.lsn;
    s.receivedLsn = fork.lsn;
    s.flushedLsn = fork.lsn;
    s.appliedBytes = fork.bytes;
    s.nextVisible = fork.index;
    s.fenced = true;
    this.states.push(s);
    return this.states.length - 1;
  }

  /**
   * Whether replica `i` diverged at the last promotion (it had received records
   * of the lost branch) and has not rejoined since.
   *
   * @remarks Since 0.2.0
   */
  diverged(i: number): boolean {
    const s = this.states[i] as ReplicaState;
    return s.fenced && !s.gone;
  }

  /**
   * A diverged replica rejoins now, rewound (pg_rewind: its data directory as a
   * base backup of the new primary's): it streams from the new primary from the
   * fork on, and `consistent` is called once it has replayed up to the new
   * primary's position at this instant — the point from which a hot standby
   * serves reads again. Does nothing to a replica that did not diverge.
   *
   * @remarks Since 0.2.0
   */
  rejoin(i: number, consistent: () => void): void {
    const s = this.states[i] as ReplicaState;
    if (!this.diverged(i)) return;
    s.fenced = false;
    s.stream++;
    this.resend(s);
    const target = this.primaryLsn;
    if (s.appliedLsn >= target) consistent();
    else s.waiters.push({ lsn: target, done: consistent, timer: null, settled: false });
  }

  /**
   * A commit on replica `i`'s node: once it is the promoted primary, its log's
   * next record (the same as {@link Replication.commit} of the old primary).
   * Before that a replica commits nothing; a commit of another node is acknowledged
   * and not logged.
   *
   * @remarks Since 0.2.0
   */
  commitOnReplica(
    i: number,
    lsn: number,
    key: number,
    version: number,
    ack: () => void,
    rows: RowWrites | null = null,
  ): void {
    if (i !== this.promotedIndex) {
      ack();
      return;
    }
    const head = this.states[i] as ReplicaState;
    // The primary itself: never behind its own log.
    head.appliedBytes =
      this.primaryBytes + this.config.bytesPerWrite * (rows === null ? 1 : rows.keys.length);
    head.appliedLsn = lsn;
    head.receivedLsn = lsn;
    this.append(lsn, key, version, ack, rows);
  }

  /**
   * The LSNs at which the log forked (each promotion's position) since the last
   * call, oldest first: a consistency monitor must keep the entries beyond each
   * ({@link VersionHolder.takeForks}).
   *
   * @remarks Since 0.2.0
   */
  takeForks(): readonly number[] {
    if (this.forks.length === 0) return NO_FORKS;
    const taken = this.forks;
    this.forks = [];
    return taken;
  }

  /** The smallest LSN visible on every replica. */
  minAppliedLsn(): number {
    let min = this.primaryLsn;
    for (const s of this.states) if (s.appliedLsn < min) min = s.appliedLsn;
    return min;
  }

  /**
   * {@link VersionHolder}: the primary and every replica serve reads from at least
   * the log prefix up to {@link Replication.minAppliedLsn}.
   *
   * @remarks Since 0.2.0
   */
  oldestLsnInUse(): number {
    // After a failover the log is the new primary's (its head on the new timeline),
    // and a replica that diverged serves nothing until it has rejoined.
    let min = this.primaryLsn;
    for (const s of this.states) {
      if (!s.gone && !(s.fenced && this.promotedIndex >= 0) && s.appliedLsn < min)
        min = s.appliedLsn;
    }
    return min;
  }

  /** Replica `i`'s lag now. */
  lag(i: number): LagSample {
    const s = this.states[i] as ReplicaState;
    const age = this.lagMs(i);
    return {
      oldestUnappliedAgeMs: age,
      lagMs: age,
      lagBytes: this.primaryBytes - s.appliedBytes,
      secondsBehindSource: this.secondsBehindSource(s),
    };
  }

  /**
   * Replica `i`'s byte lag now: {@link LagSample.lagBytes} without the sample
   * object (a periodic sampler reads it for every replica at every tick).
   *
   * @remarks Since 0.2.0
   */
  lagBytesNow(i: number): number {
    return this.primaryBytes - (this.states[i] as ReplicaState).appliedBytes;
  }

  /**
   * Replica `i`'s {@link LagSample.secondsBehindSource} now, without the sample object.
   *
   * @remarks Since 0.2.0
   */
  secondsBehindSourceNow(i: number): number | null {
    return this.secondsBehindSource(this.states[i] as ReplicaState);
  }

  /**
   * MySQL's rule (sql/rpl_replica.cc, show_slave_status_send_data): with the
   * applier at the receiver's position, 0 if the receiver is connected, else
   * NULL; otherwise now minus the source timestamp of the event being applied.
   */
  private secondsBehindSource(s: ReplicaState): number | null {
    if (s.appliedLsn >= s.receivedLsn) return this.receiverConnected(s) ? 0 : null;
    const pending = this.recordAt(s.nextVisible) as LogRecord;
    return Math.floor((this.sim.now - pending.commitMs) / 1000);
  }

  private receiverConnected(s: ReplicaState): boolean {
    const now = this.sim.now;
    // Its source crashed, or it diverged and waits to be rewound.
    if (now >= this.crashedAtMs || (s.fenced && !s.gone)) return false;
    for (const o of s.link.outages) if (now >= o.fromMs && now < o.toMs) return false;
    return true;
  }

  /** Age of replica `i`'s oldest unapplied record (ms), 0 when caught up. */
  lagMs(i: number): number {
    const s = this.states[i] as ReplicaState;
    const pending = this.recordAt(s.nextVisible);
    if (pending === undefined) return 0;
    // After the primary crashed, what a replica never received will never come: not lag.
    if (this.sim.now >= this.crashedAtMs && pending.lsn > s.receivedLsn) return 0;
    return this.sim.now - pending.commitMs;
  }

  /**
   * Replay lag of replica `i`: for every record it made visible since the last
   * {@link Replication.resetLagStats}, the time from its commit on the primary.
   * At the instant a record becomes visible it was the oldest unapplied one, so
   * these are also the peaks of the oldest-unapplied age.
   *
   * @remarks Since 0.2.0
   */
  replayLagMs(i: number): Histogram {
    return (this.states[i] as ReplicaState).replayLagMs;
  }

  /**
   * Restarts every figure at the warm-up cut: the commit waits, the semi-sync
   * counts, and the replay-lag histograms.
   *
   * @param _now - the cut's time, unused (every model's reset takes it)
   * @remarks Since 0.2.0
   */
  resetStats(_now?: number): void {
    this.commitWaitMs.reset();
    this.semiSyncTimeouts = 0;
    this.semiSyncFallbacks = 0;
    this.resetLagStats();
  }

  /**
   * Restarts the replay-lag histograms (the warm-up cut).
   *
   * @remarks Since 0.2.0
   */
  resetLagStats(): void {
    for (const s of this.states) {
      s.replayLagMs.reset();
      s.lagBytesMax = this.primaryBytes - s.appliedBytes;
    }
  }

  /**
   * The most log bytes replica `i` had committed and not applied since the last
   * {@link Replication.resetLagStats}: exact, since the byte lag peaks at commits.
   *
   * @remarks Since 0.2.0
   */
  lagBytesMax(i: number): number {
    return (this.states[i] as ReplicaState).lagBytesMax;
  }

  /**
   * Calls `done(true)` once replica `i` has applied `lsn` (at once if it has),
   * or `done(false)` after `timeoutMs`.
   */
  waitForLsn(i: number, lsn: number, timeoutMs: number, done: (applied: boolean) => void): void {
    const s = this.states[i] as ReplicaState;
    if (s.appliedLsn >= lsn) {
      done(true);
      return;
    }
    const waiter: LsnWaiter = { lsn, done, timer: null, settled: false };
    s.waiters.push(waiter);
    waiter.timer = this.sim.schedule(timeoutMs, () => {
      if (waiter.settled) return;
      waiter.settled = true;
      const at = s.waiters.indexOf(waiter);
      if (at >= 0) s.waiters.splice(at, 1);
      done(false);
    });
  }

  /**
   * The commit hook: appends a record and ships it; calls `ack` when the mode
   * lets the commit return. `rows`, for a transaction that wrote several rows,
   * lists them all with their versions: one record, applied and made visible
   * together, of `bytesPerWrite` per row.
   */
  commit(
    lsn: number,
    key: number,
    version: number,
    ack: () => void,
    rows: RowWrites | null = null,
  ): void {
    // A crashed primary logs, ships and answers nothing (after a failover, nor ever again).
    if (this.sim.now >= this.crashedAtMs || this.promotedIndex >= 0) {
      // A transaction under way at the crash still commits on the node (nothing
      // aborts it): its rows are of the lost branch too, for a rewind to undo.
      this.unlogged.push(...(rows?.keys ?? [key]));
      return;
    }
    this.append(lsn, key, version, ack, rows);
  }

  /** Appends a record of the primary's (the first, or the promoted one) and ships it. */
  private append(
    lsn: number,
    key: number,
    version: number,
    ack: () => void,
    rows: RowWrites | null,
  ): void {
    const started = this.sim.now;
    const acked = (): void => {
      this.commitWaitMs.record(this.sim.now - started);
      ack();
    };
    this.primaryLsn = lsn;
    this.primaryBytes += this.config.bytesPerWrite * (rows === null ? 1 : rows.keys.length);
    const record = new LogRecord(lsn, key, version, this.sim.now, this.primaryBytes, rows);
    this.log.push(record);
    for (const s of this.states) {
      const behind = this.primaryBytes - s.appliedBytes;
      if (behind > s.lagBytesMax) s.lagBytesMax = behind;
    }
    const mode = this.config.mode;
    const waits = mode.kind === "sync" || (mode.kind === "semi-sync" && this.semiSyncActive);
    if (waits && this.states.length > 0) {
      record.waiter = acked;
      if (mode.kind === "semi-sync") {
        record.timeout = this.sim.schedule(mode.timeoutMs, () => {
          record.timeout = null;
          if (record.waiter === null) return;
          // The source switches semi-sync off: every commit still waiting returns.
          if (this.semiSyncActive) {
            this.semiSyncActive = false;
            this.semiSyncFallbacks++;
          }
          this.releaseUnacknowledged();
        });
      }
    }
    for (const s of this.states) this.ship(s, record);
    if (!waits || this.states.length === 0) acked();
  }

  /** Returns every commit still waiting for acks (semi-sync fell back to async). */
  private releaseUnacknowledged(): void {
    for (const record of this.log) {
      const waiter = record.waiter;
      if (waiter === null) continue;
      record.waiter = null;
      if (record.timeout !== null) this.sim.cancel(record.timeout);
      record.timeout = null;
      this.semiSyncTimeouts++;
      waiter();
    }
  }

  private recordAt(index: number): LogRecord | undefined {
    return this.log[index - this.logBase];
  }

  /** Sends a record down a replica's link: in order, delayed past outages. */
  private ship(s: ReplicaState, record: LogRecord): void {
    if (s.fenced) return;
    let sendMs = this.sim.now;
    for (const o of s.link.outages) {
      if (sendMs >= o.fromMs && sendMs < o.toMs) sendMs = o.toMs;
    }
    // Cut off for good (a replica that never comes back): nothing to send.
    if (sendMs === Number.POSITIVE_INFINITY) return;
    const arrival = Math.max(s.lastArrivalMs, sendMs + s.link.roundTripMs(s.rng) / 2);
    s.lastArrivalMs = arrival;
    const stream = s.stream;
    this.sim.at(arrival, () => this.received(s, record, stream));
  }

  private received(s: ReplicaState, record: LogRecord, stream: number): void {
    // Not delivered before its source crashed or it was re-pointed, or to a promoted replica.
    if (stream !== s.stream || s.fenced) return;
    s.receivedLsn = record.lsn;
    this.stageReached(s, record, "remote_write");
    const flushAt = Math.max(s.lastFlushMs, this.sim.now + s.link.flushMs(s.rng));
    s.lastFlushMs = flushAt;
    const afterFlush = this.config.replayFrom !== "received";
    const rewinds = s.rewinds;
    this.sim.at(flushAt, () => {
      if (rewinds !== s.rewinds) return;
      s.flushedLsn = record.lsn;
      this.stageReached(s, record, "on");
      if (afterFlush) this.queueForApply(s, record);
    });
    if (!afterFlush) this.queueForApply(s, record);
  }

  private queueForApply(s: ReplicaState, record: LogRecord): void {
    s.applyQueue.push(record);
    this.startApplying(s);
  }

  private startApplying(s: ReplicaState): void {
    while (s.busyWorkers < s.link.applyWorkers && s.applyHead < s.applyQueue.length) {
      const record = s.applyQueue[s.applyHead] as LogRecord;
      s.applyHead++;
      s.busyWorkers++;
      const rewinds = s.rewinds;
      const done = (): void => {
        s.busyWorkers--;
        if (rewinds === s.rewinds) this.applied(s, record);
        this.startApplying(s);
      };
      const work = s.link.applyMs(s.rng);
      // An applier waits for its pages itself: PostgreSQL's single startup process
      // stalls on each miss (recovery_prefetch is not modelled), MySQL's workers each on their own.
      if (s.port.applyWork === undefined) s.port.runWork(work, done);
      else if (record.rows === null) s.port.applyWork(record.key, work, done);
      else applyRows(s.port, record.rows.keys, work, done);
    }
    if (s.applyHead > 1024 && s.applyHead * 2 > s.applyQueue.length) {
      s.applyQueue.splice(0, s.applyHead);
      s.applyHead = 0;
    }
  }

  /** A record's apply work is done; make visible every record whose turn has come. */
  private applied(s: ReplicaState, record: LogRecord): void {
    s.appliedAhead.add(record.lsn);
    for (;;) {
      const next = this.recordAt(s.nextVisible);
      if (next === undefined || !s.appliedAhead.delete(next.lsn)) break;
      const rows = next.rows;
      if (rows !== null) {
        for (let i = 0; i < rows.keys.length; i++) {
          s.port.applyReplicated(rows.keys[i] as number, rows.versions[i] as number, next.lsn);
        }
      } else s.port.applyReplicated(next.key, next.version, next.lsn);
      s.appliedLsn = next.lsn;
      s.appliedBytes = next.endBytes;
      s.nextVisible++;
      s.replayLagMs.record(this.sim.now - next.commitMs);
      this.stageReached(s, next, "remote_apply");
    }
    this.releaseWaiters(s);
    this.trimLog();
  }

  private releaseWaiters(s: ReplicaState): void {
    if (s.waiters.length === 0) return;
    let kept = 0;
    for (const w of s.waiters) {
      if (w.lsn <= s.appliedLsn && !w.settled) {
        w.settled = true;
        if (w.timer !== null) this.sim.cancel(w.timer);
        w.done(true);
      } else if (!w.settled) {
        s.waiters[kept++] = w;
      }
    }
    s.waiters.length = kept;
  }

  /** Counts a replica's ack of a record at a stage, if that is the stage the mode waits for. */
  private stageReached(
    s: ReplicaState,
    record: LogRecord,
    stage: "remote_write" | "on" | "remote_apply",
  ): void {
    const mode = this.config.mode;
    if (mode.kind === "async") return;
    if (mode.kind === "semi-sync") {
      if (stage !== "remote_write") return;
      // Back to semi-sync once a replica has caught up with the source.
      if (!this.semiSyncActive && record.lsn >= this.primaryLsn) this.semiSyncActive = true;
    } else if (stage !== mode.synchronousCommit) {
      return;
    }
    if (record.waiter === null || s.link.synchronous === false) return;
    // The ack travels back to the primary.
    const back = s.link.roundTripMs(s.rng) / 2;
    this.sim.schedule(back, () => {
      record.acks++;
      if (record.waiter !== null && record.acks >= mode.acks) {
        const waiter = record.waiter;
        record.waiter = null;
        if (record.timeout !== null) this.sim.cancel(record.timeout);
        waiter();
      }
    });
  }

  /** Drops records every replica has made visible. */
  private trimLog(): void {
    let min = Number.POSITIVE_INFINITY;
    for (const s of this.states) if (!s.gone && s.nextVisible < min) min = s.nextVisible;
    if (min === Number.POSITIVE_INFINITY) return;
    const drop = min - this.logBase;
    if (drop > 1024 && drop * 2 > this.log.length) {
      this.log = this.log.slice(drop);
      this.logBase = min;
    }
  }
}

const NO_FORKS: readonly number[] = [];

/** Where the log forked at a promotion, and what of the lost branch a rewind must undo. */
interface ForkPoint {
  readonly lsn: number;
  /** Log bytes up to it. */
  readonly bytes: number;
  /** Index in the log of the first record after it. */
  readonly index: number;
  /** The records of the lost branch, in LSN order. */
  readonly lost: readonly LogRecord[];
  /** Each of their rows' version and its LSN on the promoted node, as of the fork. */
  readonly versions: ReadonlyMap<number, readonly [number, number]>;
}

/**
 * One applier applies a transaction's rows one after the other, each through the
 * replica's pages, the transaction's apply work shared evenly among them.
 */
function applyRows(
  port: ReplicaPort,
  keys: readonly number[],
  work: number,
  done: () => void,
): void {
  const share = work / keys.length;
  const step = (i: number): void => {
    const next = i + 1 < keys.length ? () => step(i + 1) : done;
    (port.applyWork as NonNullable<ReplicaPort["applyWork"]>)(keys[i] as number, share, next);
  };
  step(0);
}
