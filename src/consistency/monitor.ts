// The online form of the session-guarantee checks (Terry et al. 1994, "Session
// Guarantees for Weakly Consistent Replicated Data"; Viotti & Vukolić 2016), for use
// during a run without recording a history. Each check compares an operation with a
// bound taken when it was invoked — the newest thing its session had completed — so
// the monitor keeps, per session, only the newest completed write and read of each
// key, the largest write and read LSNs and the largest LSN of a version it read (the
// writes its reads observed, on any key), plus a few numbers per in-flight op.
// Fed in time order, it counts what checkers.ts finds offline (for monotonic writes,
// the session-order part only: the log-prefix part needs the whole log).
//
// Versions and LSNs belong to one cluster's log (a shard has its own primary), so the
// state is kept per (session, cluster) and an operation is compared only with its
// session's operations in the same cluster. The states of cluster 0 — every state of
// an unsharded run — sit in a map of their own, reached without a second lookup.
//
// Bounded memory, by compaction, cluster by cluster. Every node of a cluster applies
// its log in LSN order, so a node's state is a prefix of the log, and any read issued
// from now on sees at least the prefix up to the minimum applied LSN across the
// cluster's nodes, m; any write from now on commits at an LSN above m (the primary's
// LSN is at least every node's). Hence an entry whose LSN is ≤ m can never be
// violated again:
// - a read-your-writes entry (the session's newest write w of a key, w.lsn ≤ m): every
//   node holds version ≥ w.version of the key, so no later read returns less;
// - a monotonic-reads entry (the newest version v a session read of a key, at snapshot
//   L): the write of v, at LSN W ≤ L, once W ≤ m is in the prefix held everywhere, so
//   no later read returns less than v (the entry is kept by the lesser of W and L; a
//   read whose W or L is already at or below the last compaction's point adds none;
//   after a fork, by L alone: a cache may still serve a version of the lost branch);
// - the monotonic-writes bound (largest LSN of the session's writes) and the
//   writes-follow-reads bound (largest snapshot LSN of its reads), when ≤ m: any later
//   write commits above m, so above them;
// - the monotonic-reads bound over all keys (largest LSN of a version the session
//   read), when ≤ m: every later read's snapshot is at least m.
// `compact(m, cluster)` drops those entries. What remains is what has not yet reached every
// node, so memory is bounded by the writes and reads of the replication window (the
// most it has held at once: the tables keep their size), not by the length of the
// run. Entries without an LSN (NaN) are never dropped. For the same reason a session's
// LSN bound at or below the last compaction's point is not stored at all
// (session-states.ts), so it never holds a later compaction to a walk.
//
// Allocation-free once warm: the in-flight bounds (in-flight.ts: a ring by op id) and
// every cluster's session states (session-states.ts) live in typed arrays — hash tables
// (num-table.ts) and an array indexed by the session (session-bounds.ts) — entries
// removed in place, not in an object per session or per entry.

import type { Resettable } from "../metrics/warmup.js";
import type { HistoryOp } from "./history.js";
import { InFlightOps } from "./in-flight.js";
import { READ_LSN, READ_VERSION_LSN, SessionStates, WRITE_LSN } from "./session-states.js";

/** The largest cluster number, as the history stores it. */
const MAX_CLUSTER = 0xffff;

/**
 * Violations and staleness counted by a {@link ConsistencyMonitor}.
 *
 * @remarks Since 0.1.0
 */
export interface MonitorCounts {
  /** Reads that returned an older version than the session's own completed write. */
  readYourWrites: number;
  /**
   * Reads that broke monotonic reads over all keys (Terry et al.): served at a
   * snapshot LSN below the LSN of a version an earlier read of the session returned,
   * or returning an older version of a key than the session had read before.
   */
  monotonicReads: number;
  /**
   * Reads that returned an older version of their key than the session had read
   * before: the per-key form, which needs versions only.
   *
   * @remarks Since 0.2.0
   */
  monotonicReadsPerKey: number;
  /** Writes that committed at or below the LSN of an earlier write of the session (session-order part only). */
  monotonicWrites: number;
  /** Writes that committed at or below the snapshot LSN of an earlier read of the session. */
  writesFollowReads: number;
  /** Reads that returned an older version than the `latestVersion` given at their invocation. */
  staleReads: number;
  /** Mean of max(0, latestVersion − version returned) over the reads given a `latestVersion`; 0 when none. */
  versionsBehindMean: number;
  /** Largest such difference; 0 when none. */
  versionsBehindMax: number;
}

// What an in-flight op needs at completion, the bounds taken at its invocation, as the
// four values it holds in the in-flight table (in-flight.ts): first, for a read the RYW
// bound (version), for a write the MW bound (LSN); second, for a read the MR bound
// (version), for a write the WFR bound (LSN); third, for a read the MR bound over all
// keys (largest version LSN read), unused for a write; fourth, for a read the primary's
// version at invocation, or NaN when not given.

/**
 * Counts session-guarantee violations online, in bounded memory.
 *
 * Call {@link ConsistencyMonitor.onInvoke} when an operation is issued and
 * {@link ConsistencyMonitor.onComplete} when it completes, in simulated-time order.
 * Its counts equal those of the offline checkers on the same operations (for
 * monotonic reads over all keys, when every successful read carries its
 * `versionLsn`: the monitor cannot look up the write that created a version) when
 * completions at an instant are fed before invocations at that instant (the
 * checkers count `completeMs == invokeMs` as "before") and every operation takes
 * some time (an operation that completes at its own invocation instant is seen only
 * by operations invoked after its completion was fed). An operation is compared only
 * with its session's operations in the same cluster (`cluster`, absent = 0). Call
 * {@link ConsistencyMonitor.compact} now and then, per cluster, with the minimum
 * applied LSN across that cluster's nodes to bound memory (the argument is in this
 * file's header).
 *
 * Not promised: the log-prefix part of monotonic writes (see `checkMonotonicWrites`),
 * and staleness in milliseconds. The monitor keeps no reference to the objects it is
 * given.
 *
 * @example
 * ```ts
 * const monitor = new ConsistencyMonitor();
 * monitor.onInvoke(op, oracle.newestAckedVersion(op.cluster, op.key)); // when issued
 * monitor.onComplete(op); // when done, with version, lsn and ok filled in
 * monitor.compact(replication.oldestLsnInUse(), 0); // now and then, per cluster
 * monitor.counts().readYourWrites;
 * ```
 *
 * @remarks Since 0.1.0
 */
export class ConsistencyMonitor implements Resettable {
  /** The bounds of each op in flight, by op id. */
  private readonly inFlightOps = new InFlightOps();
  /** Cluster 0's session states, the only ones of an unsharded run. */
  private readonly firstCluster = new SessionStates();
  /** Every cluster's session states, by cluster then session. */
  private readonly clusters = new Map<number, SessionStates>([[0, this.firstCluster]]);
  private readYourWrites = 0;
  private monotonicReads = 0;
  private monotonicReadsPerKey = 0;
  private monotonicWrites = 0;
  private writesFollowReads = 0;
  private staleReads = 0;
  private measuredReads = 0;
  private versionsBehindSum = 0;
  private versionsBehindMax = 0;

  /**
   * An operation was issued: takes its session's bounds as they are now.
   *
   * @param op - the operation (its id, session, kind, key and cluster — absent: 0 — are read)
   * @param latestVersion - for a read, the newest acknowledged version of the key in
   *   its cluster (what the read is stale against), to measure staleness; omit to
   *   leave the read out of the staleness counts
   * @throws RangeError when the op id is already in flight, the cluster is not an
   *   integer in [0, 65 535] or `latestVersion` is not a finite number ≥ 0
   */
  onInvoke(
    op: Pick<HistoryOp, "id" | "session" | "kind" | "key" | "cluster">,
    latestVersion?: number,
  ): void {
    if (latestVersion !== undefined && !(latestVersion >= 0 && Number.isFinite(latestVersion))) {
      throw new RangeError(
        `ConsistencyMonitor.onInvoke: latestVersion of op ${op.id} must be a finite number >= 0, got ${latestVersion}`,
      );
    }
    const cluster = op.cluster ?? 0;
    const states = cluster === 0 ? this.firstCluster : this.clusterStates(cluster, op.id);
    const session = op.session;
    let first: number;
    let second: number;
    let third = Number.NEGATIVE_INFINITY;
    if (op.kind === "read") {
      first = states.writtenVersion(session, op.key);
      second = states.readVersion(session, op.key);
      third = states.bound(session, READ_VERSION_LSN);
    } else {
      first = states.bound(session, WRITE_LSN);
      second = states.bound(session, READ_LSN);
    }
    if (!this.inFlightOps.put(op.id, first, second, third, latestVersion ?? Number.NaN)) {
      throw new RangeError(`ConsistencyMonitor.onInvoke: op ${op.id} is already in flight`);
    }
  }

  /**
   * An operation completed: checks it against its bounds (when ok) and adds it to its
   * session's state. Failed operations are dropped unchecked.
   *
   * @param op - the operation with its outcome (ok, version, lsn, and for a read the
   *   version's LSN: without it the read adds no bound to monotonic reads over all keys),
   *   and the cluster it was invoked with
   * @throws RangeError when the op was not in flight
   */
  onComplete(
    op: Pick<
      HistoryOp,
      "id" | "session" | "kind" | "key" | "ok" | "version" | "lsn" | "versionLsn" | "cluster"
    >,
  ): void {
    const inFlight = this.inFlightOps;
    if (!inFlight.take(op.id)) {
      throw new RangeError(`ConsistencyMonitor.onComplete: op ${op.id} was not in flight`);
    }
    const first = inFlight.first;
    const second = inFlight.second;
    const third = inFlight.third;
    const latestVersion = inFlight.fourth;
    if (!op.ok) return;
    const cluster = op.cluster ?? 0;
    const states = cluster === 0 ? this.firstCluster : this.clusterStates(cluster, op.id);
    const session = op.session;
    const hasLsn = Number.isFinite(op.lsn);
    if (op.kind === "read") {
      if (first > op.version) this.readYourWrites += 1;
      const perKey = second > op.version;
      if (perKey) this.monotonicReadsPerKey += 1;
      if (perKey || (hasLsn && third > op.lsn)) this.monotonicReads += 1;
      if (!Number.isNaN(latestVersion)) {
        const behind = Math.max(0, latestVersion - op.version);
        this.measuredReads += 1;
        this.versionsBehindSum += behind;
        if (behind > 0) this.staleReads += 1;
        if (behind > this.versionsBehindMax) this.versionsBehindMax = behind;
      }
      const versionLsn = op.versionLsn ?? Number.NaN;
      states.read(session, op.key, op.version, op.lsn, versionLsn);
      states.raiseRead(session, op.lsn, versionLsn);
    } else {
      if (hasLsn && first >= op.lsn) this.monotonicWrites += 1;
      if (hasLsn && second >= op.lsn) this.writesFollowReads += 1;
      states.wrote(session, op.key, op.version, op.lsn);
      if (hasLsn) states.raise(session, WRITE_LSN, op.lsn);
    }
  }

  /**
   * The other rows a completed multi-row write transaction wrote, each with its
   * version, all at the transaction's commit LSN: they join the session's state
   * as its own key did in {@link ConsistencyMonitor.onComplete} (call after it), so
   * a later read of any of them is checked for read-your-writes and monotonic
   * reads. Nothing is counted here: the transaction was checked as one write.
   *
   * @param op - the completed write (session, cluster, ok and its commit LSN)
   * @param keys - the rows, as many as `versions`
   * @param versions - the version each row got
   * @remarks Since 0.2.0
   */
  onRowsWritten(
    op: Pick<HistoryOp, "session" | "ok" | "lsn" | "cluster" | "id">,
    keys: readonly number[],
    versions: readonly number[],
  ): void {
    if (!op.ok) return;
    const cluster = op.cluster ?? 0;
    const states = cluster === 0 ? this.firstCluster : this.clusterStates(cluster, op.id);
    for (let i = 0; i < keys.length; i++) {
      states.wrote(op.session, keys[i] as number, versions[i] as number, op.lsn);
    }
  }

  /**
   * Forgets every entry of `cluster` whose LSN is ≤ `minAppliedLsn`, which must be at
   * most the applied LSN of every node of that cluster that can serve a read from now
   * on (caches included: the least `oldestLsnInUse()` of its version holders). Such
   * entries can never be violated again (see this file's header). Costs almost
   * nothing when `minAppliedLsn` is below every LSN the cluster holds (nothing to
   * drop) or at or above every one (all dropped at once); otherwise time linear in
   * the most entries the cluster has held at once. Allocates nothing.
   *
   * @param minAppliedLsn - the minimum applied LSN across the cluster's nodes
   * @param cluster - the cluster (default 0, the one of an unsharded run)
   * @throws RangeError when `minAppliedLsn` is NaN
   * @remarks Since 0.1.0 (`cluster` since 0.2.0)
   */
  compact(minAppliedLsn: number, cluster = 0): void {
    if (Number.isNaN(minAppliedLsn)) {
      throw new RangeError("ConsistencyMonitor.compact: minAppliedLsn must be a number, got NaN");
    }
    const states = this.clusters.get(cluster);
    if (states === undefined) return;
    states.compact(minAppliedLsn);
  }

  /**
   * The log of `cluster` forked at `lsn`: a failover promoted a replica whose log
   * ends there, and the new primary's LSNs continue from it, so the LSNs beyond it
   * name two different writes. Call it before any {@link ConsistencyMonitor.compact}
   * of that cluster above `lsn`. The entries of versions beyond the fork (the lost
   * writes a session made, the lost versions it read) are kept until the session
   * writes or reads a newer version of the key, so a later read that returns an
   * older version is still counted; everything else compacts on the new timeline as
   * before. Memory stays bounded: those entries are at most the operations of the
   * replication window at the crash.
   *
   * @param lsn - the promoted replica's position (the last LSN both branches share)
   * @param cluster - the cluster (default 0)
   * @throws RangeError when `lsn` is NaN
   * @remarks Since 0.2.0
   */
  fork(lsn: number, cluster = 0): void {
    if (Number.isNaN(lsn)) {
      throw new RangeError("ConsistencyMonitor.fork: lsn must be a number, got NaN");
    }
    this.clusters.get(cluster)?.fork(lsn);
  }

  /** Operations invoked and not yet completed. */
  get inFlight(): number {
    return this.inFlightOps.size;
  }

  /**
   * Per-session entries held: one per (session, cluster, key) written or read, plus
   * one per (session, cluster) with an LSN bound.
   */
  get entries(): number {
    let n = 0;
    for (const states of this.clusters.values()) n += states.entries;
    return n;
  }

  /** The counts since construction or the last {@link ConsistencyMonitor.reset}. */
  counts(): MonitorCounts {
    return {
      readYourWrites: this.readYourWrites,
      monotonicReads: this.monotonicReads,
      monotonicReadsPerKey: this.monotonicReadsPerKey,
      monotonicWrites: this.monotonicWrites,
      writesFollowReads: this.writesFollowReads,
      staleReads: this.staleReads,
      versionsBehindMean:
        this.measuredReads === 0 ? 0 : this.versionsBehindSum / this.measuredReads,
      versionsBehindMax: this.versionsBehindMax,
    };
  }

  /**
   * Zeroes the counts and keeps the state (for the warm-up cut): operations after
   * the cut are still checked against what their sessions did before it.
   */
  reset(): void {
    this.readYourWrites = 0;
    this.monotonicReads = 0;
    this.monotonicReadsPerKey = 0;
    this.monotonicWrites = 0;
    this.writesFollowReads = 0;
    this.staleReads = 0;
    this.measuredReads = 0;
    this.versionsBehindSum = 0;
    this.versionsBehindMax = 0;
  }

  /** The session states of a cluster other than 0, made on first use. */
  private clusterStates(cluster: number, id: number): SessionStates {
    let states = this.clusters.get(cluster);
    if (states === undefined) {
      if (!(Number.isInteger(cluster) && cluster > 0 && cluster <= MAX_CLUSTER)) {
        throw new RangeError(
          `ConsistencyMonitor: cluster of op ${id} must be an integer in [0, ${MAX_CLUSTER}], got ${cluster}`,
        );
      }
      states = new SessionStates();
      this.clusters.set(cluster, states);
    }
    return states;
  }
}
