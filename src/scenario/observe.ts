// The consistency observers of a run: the recorded history (when asked for) and
// the online monitor (when there are replicas to be stale). They watch
// operations go in and come out; they never steer the run.
import { ConsistencyMonitor, History, type HistoryOp } from "../consistency/index.js";
import { Operation, type Service, type VersionOracle } from "../models/operation.js";
import type { MovedKeyCounts } from "./components/reshard-checks.js";
import { roundFigure } from "./fields.js";
import type { Report } from "./report.js";

/** @internal The history and the monitor of one run. */
export class ConsistencyObservers {
  /** Every operation, when the history was asked for; otherwise null. */
  readonly history: History | null;
  private readonly monitor: ConsistencyMonitor | null;
  // Operations in flight placed on no single shard (by id): scattered reads, which have
  // no single version, and writes held by a cut-over, whose shard is known at the end.
  private readonly unjudged = new Set<number>();
  // One scratch record, refilled per operation: History and the monitor copy what they keep.
  private readonly scratch = toHistoryOp(new Operation(0, 0, "read", 0, 1, 0));
  // Reads counted across a move that the monitor counted too (its own bound on the new
  // shard, or its LSN bound over all keys): each counts once.
  private bothPerKey = 0;
  private bothOverAllKeys = 0;

  /**
   * @param versions - the newest acknowledged version of a key: what a read is stale against
   * @param replicated - whether the plan has replicas (the monitor runs only then)
   * @param history - the run's `history` option
   * @param moved - violations across a resharding's move, counted apart (the monitor judges each cluster alone)
   */
  constructor(
    private readonly versions: VersionOracle,
    replicated: boolean,
    history: boolean | { readonly limit?: number } | undefined,
    private readonly moved: MovedKeyCounts | undefined = undefined,
  ) {
    const limit = typeof history === "object" ? history.limit : undefined;
    this.history = history ? new History(limit === undefined ? {} : { limit }) : null;
    this.monitor = replicated ? new ConsistencyMonitor() : null;
  }

  /** Whether the monitor runs (and so wants its memory compacted). */
  get monitoring(): boolean {
    return this.monitor !== null;
  }

  /**
   * `front`, telling the monitor of each operation as it is issued. `place`
   * (a sharded plan's) tells an operation its shard first; one it says is on no
   * single shard is not judged: a scattered read (no single version) is not
   * recorded either, a write held by a cut-over is recorded when it ends.
   */
  wrap(front: Service, place?: (op: Operation) => boolean): Service {
    const monitor = this.monitor;
    const versions = this.versions;
    const unjudged = this.unjudged;
    if (place === undefined) {
      if (monitor === null) return front;
      return {
        submit(op, done) {
          monitor.onInvoke(op, versions.newestAckedVersion(op.cluster, op.key));
          front.submit(op, done);
        },
      };
    }
    return {
      submit(op, done) {
        if (!place(op)) unjudged.add(op.id);
        else monitor?.onInvoke(op, versions.newestAckedVersion(op.cluster, op.key));
        front.submit(op, done);
      },
    };
  }

  /** Records a finished operation. */
  complete(op: Operation): void {
    if (this.unjudged.size > 0 && this.unjudged.delete(op.id)) {
      // Only reads scatter: an unplaced write was held by a cut-over, then sent to its
      // key's shard (its new one) and acknowledged there. The history keeps it, at that
      // shard and version, for the checks across shards; the monitor, which judges a
      // shard alone, leaves it to the checks across the move.
      if (op.kind === "write" && this.history !== null) {
        fillHistoryOp(this.scratch, op);
        this.history.record(this.scratch);
      }
      return;
    }
    if (this.history !== null || this.monitor !== null) {
      fillHistoryOp(this.scratch, op);
      this.history?.record(this.scratch);
      if (this.moved !== undefined && this.moved.lastMonotonicRead === op.id) this.judgeCounted();
      else this.monitor?.onComplete(this.scratch);
      const rows = op.writtenRows;
      if (rows !== null) this.monitor?.onRowsWritten(this.scratch, rows.keys, rows.versions);
    }
  }

  /** Gives the monitor a read counted across a move, noting whether it counts it too. */
  private judgeCounted(): void {
    if (this.monitor === null) return;
    const before = this.monitor.counts();
    this.monitor.onComplete(this.scratch);
    const after = this.monitor.counts();
    if (after.monotonicReadsPerKey > before.monotonicReadsPerKey) this.bothPerKey++;
    if (after.monotonicReads > before.monotonicReads) this.bothOverAllKeys++;
  }

  /** The warm-up cut: the monitor's counts restart. */
  reset(): void {
    this.monitor?.reset();
    this.bothPerKey = 0;
    this.bothOverAllKeys = 0;
  }

  /** The log of `cluster` forked at `lsn` (a failover): keeps what the lost branch's versions need. */
  fork(lsn: number, cluster: number): void {
    this.monitor?.fork(lsn, cluster);
  }

  /** Forgets what no later read of `cluster` can be checked against: every holder of its versions is at or past `lsn`. */
  compact(lsn: number, cluster: number): void {
    this.monitor?.compact(lsn, cluster);
  }

  /** The report's consistency section, when the monitor ran. */
  section(): Report["consistency"] {
    if (this.monitor === null) return undefined;
    const c = this.monitor.counts();
    const moved = this.moved;
    return {
      violations: {
        readYourWrites: c.readYourWrites + (moved?.readYourWrites ?? 0),
        monotonicReads: c.monotonicReads + (moved?.monotonicReads ?? 0) - this.bothOverAllKeys,
        monotonicReadsPerKey:
          c.monotonicReadsPerKey + (moved?.monotonicReads ?? 0) - this.bothPerKey,
        monotonicWrites: c.monotonicWrites,
        writesFollowReads: c.writesFollowReads,
      },
      staleReads: c.staleReads,
      versionsBehind: {
        mean: roundFigure(c.versionsBehindMean),
        max: c.versionsBehindMax,
      },
    };
  }
}

function fillHistoryOp(h: HistoryOp, op: Operation): void {
  h.id = op.id;
  h.session = op.session;
  h.kind = op.kind;
  h.key = op.key;
  h.invokeMs = op.issuedAt;
  h.completeMs = op.completedAt;
  h.ok = op.error === null;
  h.version = op.version;
  h.lsn = op.lsn;
  h.versionLsn = op.versionLsn;
  h.commitMs = op.commitMs;
  h.cluster = op.cluster;
  h.node = op.node;
}

function toHistoryOp(op: Operation): HistoryOp {
  return {
    id: op.id,
    session: op.session,
    kind: op.kind,
    key: op.key,
    invokeMs: op.issuedAt,
    completeMs: op.completedAt,
    ok: op.error === null,
    version: op.version,
    lsn: op.lsn,
    versionLsn: op.versionLsn,
    commitMs: op.commitMs,
    cluster: op.cluster,
    node: op.node,
  };
}
