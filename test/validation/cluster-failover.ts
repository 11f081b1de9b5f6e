// What the tests of a crash inside one cluster of several (a shard, a service's own
// database) share: a plan whose two async replicas trail their primary by tens of
// ms, and the writes such a crash loses, found from the recorded history alone.
// PostgreSQL's promote ends recovery at what the standby received (docs "High
// Availability", 27.2.4) and the new primary continues its log from there on a new
// timeline (26.3.5): the first LSN written after the crash is one past the
// promoted position, and every write acknowledged by the crash above it is lost.
import type { HistoryOp } from "../../src/index.js";

/** The plan's sections beside the clusters' own: 8-core primaries, two lagging async replicas. */
export const LAGGING_REPLICAS = {
  database: { cores: 8, maxConnections: 500 },
  client: { poolSize: 50 },
  // A slow cross-zone link, so async replicas trail their primary by tens of ms.
  replication: {
    replicas: 2,
    mode: "async",
    network: { kind: "lognormal", median: 20, p99: 200 },
  },
  routing: { via: "app", readBalancing: "round-robin" },
} as const;

/** The cluster an operation ran on (absent: 0). */
export const clusterOf = (o: HistoryOp): number => o.cluster ?? 0;

/** The promoted position and the writes lost by a crash of `cluster`'s primary at `crashMs`. */
export function lostBeyondPromoted(
  ops: readonly HistoryOp[],
  cluster: number,
  crashMs: number,
): { promotedLsn: number; lost: HistoryOp[] } {
  const writes = ops.filter((o) => o.ok && o.kind === "write" && clusterOf(o) === cluster);
  const after = writes.filter((o) => o.invokeMs >= crashMs);
  // The new timeline starts right after the promoted position.
  const promotedLsn = Math.min(...after.map((o) => o.lsn)) - 1;
  const lost = writes.filter((o) => o.completeMs <= crashMs && o.lsn > promotedLsn);
  return { promotedLsn, lost };
}
