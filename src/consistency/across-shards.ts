// One key space over several shards. A sharded table's rows are one key space: a
// resharding copies a moved row to its new shard at the version it holds, and the
// new shard's writes continue from there (Vitess's VReplication copies the rows and
// replays the changes on the target, vcopier.go and vplayer.go), so a key's versions
// count up across its shards. A history of such a run, seen as one cluster with no
// log positions, lets the version-only checks (read your writes, monotonic reads per
// key, staleness) compare a read on a key's new shard with the writes acknowledged on
// its old one, which the per-cluster checks never pair. Log positions belong to one
// shard's log and are dropped: the checks that need them see nothing to compare.

import type { HistoryOp } from "./history.js";
import { type HistoryInput, opsOf } from "./sweep.js";

/**
 * The operations of a sharded history as one cluster: every operation in cluster
 * 0 with its LSN and version LSN unknown (NaN), the rest as recorded (the node's
 * name still tells its shard). Run {@link checkReadYourWrites},
 * {@link checkMonotonicReadsPerKey} or {@link measureStaleness} on it to judge a
 * key across a resharding's move; run every checker on the history itself to
 * judge each shard's log. Meant for the clusters of one sharded table, whose
 * versions a move carries; not for clusters with key spaces of their own (the
 * services of a `services` plan), whose equal keys are different rows.
 *
 * @param history - the operations of a sharded run
 * @returns fresh operations, in the history's order
 * @remarks Since 0.2.0
 */
export function acrossShards(history: HistoryInput): HistoryOp[] {
  return opsOf(history).map((op) => ({
    ...op,
    cluster: 0,
    lsn: Number.NaN,
    versionLsn: Number.NaN,
  }));
}
