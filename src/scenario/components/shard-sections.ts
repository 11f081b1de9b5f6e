// Each shard's own copy of the sections a sharded report cannot merge: the
// `pool`, `replication`, `routing` and `proxy` sections hold percentiles and
// means of one cluster (a p99 of the shards' p99s is no p99), so every shard of
// `sharding.shards[]` carries its own, read from its cluster's stats as an
// unsharded report's would be; and the figures the verdict and the comparison
// table read from them over every shard.
import type * as z from "zod";
import type { Report } from "../report.js";
import type { ComponentStats, MeasuredWindow } from "./component.js";
import { isRejoinedName } from "./rejoined-name.js";
import type { ShardReportSchema } from "./sharding-section.js";

/** @internal The report keys of the sections each shard carries for itself. */
export const PER_SHARD_SECTIONS = ["pool", "replication", "routing", "proxy"] as const;

type ShardReport = z.output<typeof ShardReportSchema>;
type PerShard = Pick<ShardReport, (typeof PER_SHARD_SECTIONS)[number]>;

/** @internal A shard's own sections, as its cluster's components measured them (absent ones left out). */
export function shardSections(
  stats: ReadonlyMap<string, ComponentStats>,
  window: MeasuredWindow,
): PerShard {
  const out: Record<string, unknown> = {};
  for (const key of PER_SHARD_SECTIONS) {
    const section = stats.get(key)?.section?.(window);
    if (section !== undefined) out[key] = section;
  }
  return out as PerShard;
}

/**
 * @internal Every shard's replicas by name (their nodes' names, `s0/replica-1`,
 * …), in cluster order: the verdict's names for a sharded plan's replicas.
 */
export function shardReplicaNames(report: Pick<Report, "sharding" | "services">): string[] {
  // The verdict counts each cluster's configured replicas: a rejoined old primary's row would shift the next clusters' names.
  return clusterRows(report).flatMap(
    (s) => s.replication?.replicas.map((r) => r.name).filter((n) => !isRejoinedName(n)) ?? [],
  );
}

/** Each cluster's own sections: a sharded plan's shards, or a database-per-service plan's services. */
function clusterRows(report: Pick<Report, "sharding" | "services">): readonly Partial<PerShard>[] {
  return [...(report.sharding?.shards ?? []), ...(report.services?.list ?? [])];
}

/** @internal Every replica's report row: the unsharded plan's, else every shard's. */
export function everyReplica(
  report: Pick<Report, "replication" | "sharding" | "services">,
): NonNullable<Report["replication"]>["replicas"] {
  if (report.replication !== undefined) return report.replication.replicas;
  return clusterRows(report).flatMap((s) => s.replication?.replicas ?? []);
}

/**
 * @internal Reads the router sent to a primary: the unsharded plan's router's,
 * else the sum over the shards' routers; null when no router counted them.
 */
export function routedReadsToPrimary(
  report: Pick<Report, "routing" | "sharding" | "services">,
): number | null {
  if (report.routing !== undefined) return report.routing.readsToPrimary;
  const routers = clusterRows(report).flatMap((s) =>
    s.routing === undefined ? [] : [s.routing.readsToPrimary],
  );
  return routers.length === 0 ? null : routers.reduce((a, b) => a + b, 0);
}
