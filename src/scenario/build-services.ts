// The composition of a services plan: one cluster per service (each folded like
// a shard, with its own patched sections, its nodes named "<service>/…" and
// holding only its own keys), or one cluster they all share; then the services'
// router in front of them.
import type { Service } from "../models/operation.js";
import { ShardRows } from "../models/server/buffer-pool-rows.js";
import { type KeySlots, ShardKeySlots } from "../models/server/key-versions.js";
import { appendPrefixed, combineClusterStats } from "./cluster-stats.js";
import type { BuildContext, ClusterInfo, ComponentStats } from "./components/component.js";
import { type ServiceCluster, type ServicesFront, services } from "./components/services.js";
import { serviceRanges } from "./components/services-section.js";
import { clusterTimeline } from "./components/shard-failover.js";
import { GraphBuilder } from "./graph.js";
import type { Scenario } from "./schema.js";
import { serviceScenario } from "./service-overrides.js";

type Base = Pick<BuildContext, "sim" | "scenario" | "compile" | "versions" | "graph">;

/** @internal What the composition root needs of a built cluster. */
export interface BuiltPart {
  readonly front: Service;
  readonly stats: Map<string, ComponentStats>;
}

/** @internal A services plan, built: its clusters, the router, the stats joined. */
export interface BuiltServices<P extends BuiltPart> {
  readonly parts: P[];
  readonly front: ServicesFront;
  readonly stats: Map<string, ComponentStats>;
  readonly slots: readonly KeySlots[] | undefined;
}

/** @internal Builds a services plan's clusters with `buildCluster` and the router in front. */
export function buildServices<P extends BuiltPart>(
  base: Base,
  buildCluster: (base: Base, cluster: ClusterInfo) => P,
  events: BuildContext["events"],
): BuiltServices<P> {
  const { scenario, graph } = base;
  const spec = scenario.services;
  if (spec === undefined) throw new Error("buildServices needs a services section");
  let parts: P[];
  let clusters: ServiceCluster[];
  let slots: KeySlots[] | undefined;
  if (spec.database === "shared") {
    const one = buildCluster(base, { index: 0, prefix: "" });
    parts = [one];
    clusters = [{ front: one.front, stats: one.stats, cluster: 0, prefix: "" }];
  } else {
    const home = homes(scenario);
    slots = ShardKeySlots.ofLayout(home, spec.list.length);
    parts = spec.list.map((x, index) => {
      const own = new GraphBuilder();
      const keySlots = slots?.[index] as KeySlots;
      const part = buildCluster(
        {
          ...base,
          scenario: serviceScenario(clusterTimeline(scenario, `${x.name}/`), index),
          graph: own,
        },
        {
          index,
          prefix: `${x.name}/`,
          keySlots,
          rows: new ShardRows(keySlots, index, (key) => home[key] as number),
        },
      );
      appendPrefixed(graph, own, `svc${index}_`, `${x.name}: `, `${x.name}/`);
      return part;
    });
    clusters = parts.map((p, i) => ({
      front: p.front,
      stats: p.stats,
      cluster: i,
      prefix: `${spec.list[i]?.name}/`,
    }));
  }
  const stats =
    parts.length === 1 ? (parts[0] as P).stats : combineClusterStats(parts.map((p) => p.stats));
  const context: BuildContext = {
    ...base,
    nodes: [],
    shared: { replication: null },
    events,
    cluster: { index: 0, prefix: "" },
  };
  const front = services.buildFront(context, clusters);
  stats.set(services.report.key, front.stats);
  return { parts, front, stats, slots };
}

/** Each key's service (ranges do not overlap with a database each; keys no service owns: the first's). */
function homes(scenario: Scenario): Uint16Array {
  const spec = scenario.services;
  const keys = scenario.workload.keys.count;
  const home = new Uint16Array(keys);
  if (spec === undefined) return home;
  serviceRanges(spec, keys).forEach((r, i) => {
    home.fill(i, r.from, r.to);
  });
  return home;
}
