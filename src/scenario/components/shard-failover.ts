// Node crashes in a plan of several clusters — a sharded plan, or services with
// a database each: each cluster has its own primary, replicas and routing, so a
// crash names one cluster's node by the name the report gives it (`s1/primary`,
// `orders/replica-2`) and fails over inside that cluster only, as an HA manager
// per cluster does (Vitess runs one VTOrc recovery per keyspace shard). The
// other clusters' folds never see the event.
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
  const clusters = Array.from({ length: shards }, (_, i) => ({
    prefix: `s${i}/`,
    replicas: ownReplicas(
      scenario,
      scenario.sharding?.overrides?.find((o) => o.shard === i)?.replication,
    ),
  }));
  return prefixedNodes(clusters, "a shard's");
}

/**
 * @internal The crashable nodes of a services plan with a database per service:
 * every service's primary and replicas (`orders/primary`, `orders/replica-1`).
 */
export function serviceCrashNodes(scenario: ParsedScenario): CrashNodes {
  const list = scenario.services?.list ?? [];
  const clusters = list.map((x) => ({
    prefix: `${x.name}/`,
    replicas: ownReplicas(scenario, x.replication as Record<string, unknown> | undefined),
  }));
  return prefixedNodes(clusters, "a service's");
}

function prefixedNodes(
  clusters: readonly { readonly prefix: string; readonly replicas: Replicas | undefined }[],
  whose: string,
): CrashNodes {
  const perCluster = clusters.map(({ prefix, replicas }) =>
    replicas === undefined ? [] : replicaNames(replicas).map((name) => `${prefix}${name}`),
  );
  const primaries = clusters.map(({ prefix }) => `${prefix}primary`);
  return {
    primaries,
    replicas: perCluster.flat(),
    replicasBehind: (primary) => perCluster[primaries.indexOf(primary)]?.length ?? 0,
    primaryExpected: `expected ${whose} primary: one of ${primaries.join(", ")}`,
  };
}

/**
 * A cluster's replicas: its own section's `replication.replicas` when it has one
 * (a merge patch replaces a number or a list whole), else the top-level section's.
 */
function ownReplicas(
  scenario: ParsedScenario,
  override: Record<string, unknown> | undefined,
): Replicas | undefined {
  const top = scenario.replication?.replicas;
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

/**
 * @internal A cluster's timeline: every event but the crashes of nodes outside
 * it (whose names do not start with its `prefix`, `s1/` or `orders/`), so that
 * its fold (and the check of its own patched scenario) sees its own only.
 */
export function clusterTimeline<S extends { readonly timeline?: readonly TimelineEntry[] }>(
  scenario: S,
  prefix: string,
): S {
  const timeline = scenario.timeline;
  if (timeline === undefined) return scenario;
  const own = timeline.filter((e) => {
    if (e.kind === "primary-crash") return e.node.startsWith(prefix);
    if (e.kind === "replica-crash") return e.replica.startsWith(prefix);
    return true;
  });
  return own.length === timeline.length ? scenario : { ...scenario, timeline: own };
}

/** @internal Shard `index`'s timeline: {@link clusterTimeline} for its prefix. */
export function shardTimeline<S extends { readonly timeline?: readonly TimelineEntry[] }>(
  scenario: S,
  index: number,
): S {
  return clusterTimeline(scenario, `s${index}/`);
}
