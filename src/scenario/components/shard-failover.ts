// Node crashes in a sharded plan: each shard is a cluster of its own (a primary,
// its replicas, its routing), so a crash names one shard's node by the name the
// report gives it (`s1/primary`, `s1/replica-2`) and fails over inside that shard
// only, as an HA manager per shard does (Vitess runs one VTOrc recovery per
// keyspace shard; Citus leaves each worker group's failover to its own HA). The
// other shards' folds never see the event.
import type { TimelineEntry } from "../timeline.js";
import type { ParsedScenario } from "./component.js";
import { replicaNames } from "./replica-outage.js";
import { shardCount } from "./sharding-section.js";

/** @internal The nodes a crash may name, and how many replicas stand behind each primary. */
export interface CrashNodes {
  readonly primaries: readonly string[];
  readonly replicas: readonly string[];
  /** The replicas a primary can fail over to. */
  replicasBehind(primary: string): number;
  /** What a primary crash naming another node is told. */
  readonly primaryExpected: string;
}

type Replicas = NonNullable<ParsedScenario["replication"]>["replicas"];

/** @internal The crashable nodes of a sharded plan: every shard's primary and replicas, by report name. */
export function shardCrashNodes(scenario: ParsedScenario): CrashNodes {
  const shards = shardCount(scenario) ?? 0;
  const perShard = Array.from({ length: shards }, (_, i) => {
    const replicas = shardReplicas(scenario, i);
    return replicas === undefined ? [] : replicaNames(replicas).map((name) => `s${i}/${name}`);
  });
  const primaries = perShard.map((_, i) => `s${i}/primary`);
  return {
    primaries,
    replicas: perShard.flat(),
    replicasBehind: (primary) => perShard[primaries.indexOf(primary)]?.length ?? 0,
    primaryExpected: `expected a shard's primary: one of ${primaries.join(", ")}`,
  };
}

/**
 * Shard `i`'s replicas: its override's `replication.replicas` when it has one (a
 * merge patch replaces a number or a list whole), else the top-level section's.
 */
function shardReplicas(scenario: ParsedScenario, i: number): Replicas | undefined {
  const top = scenario.replication?.replicas;
  const override = scenario.sharding?.overrides?.find((o) => o.shard === i)?.replication;
  if (override === undefined || !("replicas" in override)) return top;
  const own = override.replicas;
  if (own === null) return undefined;
  if (typeof own === "number" && Number.isInteger(own) && own >= 0) return own;
  if (Array.isArray(own))
    return own.map((r) =>
      typeof r === "object" && r !== null && typeof r.name === "string" ? { name: r.name } : {},
    ) as Replicas;
  return top;
}

/** @internal The shard a crash names (`s<i>/…`), or −1 for a timeline event that is no crash. */
export function crashShard(event: TimelineEntry): number {
  if (event.kind !== "primary-crash" && event.kind !== "replica-crash") return -1;
  const node = event.kind === "primary-crash" ? event.node : event.replica;
  const match = /^s(\d+)\//.exec(node);
  return match === null ? -1 : Number(match[1]);
}

/**
 * @internal Shard `index`'s timeline: every event but the other shards' crashes,
 * so that its fold (and the check of its overridden scenario) sees its own only.
 */
export function shardTimeline<S extends { readonly timeline?: readonly TimelineEntry[] }>(
  scenario: S,
  index: number,
): S {
  const timeline = scenario.timeline;
  if (timeline === undefined) return scenario;
  const own = timeline.filter((e) => {
    const shard = crashShard(e);
    return shard < 0 ? !isCrash(e) : shard === index;
  });
  return own.length === timeline.length ? scenario : { ...scenario, timeline: own };
}

function isCrash(event: TimelineEntry): boolean {
  return event.kind === "primary-crash" || event.kind === "replica-crash";
}
