// The composition root: the one place that wires models into a topology, by a
// fold over the component registry (components/index.ts) from the back of the
// request path to its front. Each component builds its model in front of what
// lies behind it and draws its own boxes and arrows, so the diagram is the
// composition that runs. The request path, front to back (docs/models.md):
//   workload -> [router] -> driver per node -> [pgbouncer per node] -> node
//   workload -> driver to ProxySQL -> ProxySQL -> [pgbouncer per node] -> node
import type { Simulation } from "../kernel/index.js";
import {
  compileDistribution,
  type DistributionSpec,
  type LatencyTable,
  resolveLatencyTable,
  type Sampler,
} from "../latency/index.js";
import type { Operation, Service, VersionHolder, VersionOracle } from "../models/operation.js";
import type { Replication } from "../models/replication/replication.js";
import { ShardRows } from "../models/server/buffer-pool-rows.js";
import type { KeySlots } from "../models/server/key-versions.js";
import type { DatabaseServer } from "../models/server/server.js";
import type { RateSchedule, WorkloadConfig } from "../models/workload/workload.js";
import { buildServices } from "./build-services.js";
import { appendPrefixed, combineClusterStats } from "./cluster-stats.js";
import { cacheInFrontOfShards } from "./components/cache-shards.js";
import type {
  BuildContext,
  ClusterInfo,
  ComponentStats,
  Downstream,
  NodeEntry,
} from "./components/component.js";
import { COMPONENTS } from "./components/index.js";
import type { MovedKeyCounts } from "./components/reshard-checks.js";
import { SERVICES_ID } from "./components/services.js";
import { shardTimeline } from "./components/shard-failover.js";
import {
  clusterCount,
  SHARD_ROUTER_ID,
  type ShardLayout,
  sharding,
  shardLayout,
} from "./components/sharding.js";
import { GraphBuilder, type TopologyGraph } from "./graph.js";
import { layoutSlots } from "./key-slots.js";
import { type RateOf, rateOf } from "./rate-steps.js";
import type { Scenario } from "./schema.js";
import { shardScenario } from "./shard-overrides.js";
import type { TimelineEntry } from "./timeline.js";
import { ClusterVersionOracle } from "./versions.js";

export type { DiagramEdge, DiagramNode, TopologyGraph } from "./graph.js";

/**
 * One cluster: a primary, its replicas and the replication between them. An
 * unsharded plan has one; a sharded plan has one per shard.
 *
 * @internal
 */
export interface BuiltCluster {
  /** Its primary: where its writes commit, in its own log. */
  readonly primary: DatabaseServer;
  /** Database nodes, primary first. */
  readonly nodes: readonly NodeEntry[];
  /** The log from the primary to the replicas; null without replicas. */
  readonly replication: Replication | null;
  /** What holds versions of its keys and may serve them later: its replication, then any cache in front. */
  readonly holders: readonly VersionHolder[];
}

/** @internal The built topology: the front service, its clusters, what each component measures, the graph. */
export interface BuiltTopology {
  readonly front: Service;
  /** The clusters, each a primary with its replicas: one, or one per shard. */
  readonly clusters: readonly BuiltCluster[];
  /** What each cluster has committed and acknowledged: the run tells it of every completion. */
  readonly versions: ClusterVersionOracle;
  /** What each built component measures, by its report section's key. */
  readonly stats: ReadonlyMap<string, ComponentStats>;
  readonly graph: TopologyGraph;
  readonly workload: WorkloadConfig;
  /**
   * Tells an operation its cluster before it is issued (a sharded plan: the
   * shard of its key); returns false when it spans clusters and has no single
   * version to judge. Absent: every operation runs on cluster 0.
   */
  readonly place?: (op: Operation) => boolean;
  /** Told of every finished operation, after `front`'s done (a sharded plan's per-shard latency). */
  readonly complete?: (op: Operation) => void;
  /** Violations across a resharding's move, which the monitor (per cluster) does not see. */
  readonly movedKeyViolations?: MovedKeyCounts;
}

/** @internal Compiles distribution specs against the scenario's latency table. */
export function samplerFactory(scenario: Scenario): (spec: DistributionSpec) => Sampler {
  const table: LatencyTable = resolveLatencyTable(scenario.latency);
  return (spec) => compileDistribution(spec, table);
}

/** @internal The workload section as the model takes it. */
export function workloadConfig(
  scenario: Scenario,
  compile: (spec: DistributionSpec) => Sampler,
): WorkloadConfig {
  const w = scenario.workload;
  const stopAtMs = scenario.warmup + scenario.duration;
  const arrivals: WorkloadConfig["arrivals"] =
    w.clients !== undefined
      ? { kind: "closed", clients: w.clients, thinkMs: compile(w.thinkTime) }
      : { kind: "open", rate: rateSchedule(rateOf(scenario) ?? 0) };
  return {
    arrivals,
    readRatio: w.readRatio,
    transactions: {
      share: w.transactions.share,
      statements: compile(w.transactions.statements),
      rows: w.transactions.rows,
    },
    keys: { count: w.keys.count, popularity: w.keys.popularity },
    sessions: w.sessions,
    readOwnWrites: w.readOwnWrites,
    lockingReads: w.lockingReads,
    ...(w.sessionState === undefined ? {} : { sessionState: w.sessionState }),
    stopAtMs,
  };
}

function rateSchedule(rate: RateOf): RateSchedule {
  if (typeof rate === "number") return { kind: "constant", perSec: rate };
  if ("steps" in rate) {
    const steps = [...rate.steps]
      .map((s) => ({ atMs: s.at, perSec: s.rate }))
      .sort((a, b) => a.atMs - b.atMs);
    return { kind: "steps", steps };
  }
  return {
    kind: "ramp",
    fromPerSec: rate.ramp.from,
    toPerSec: rate.ramp.to,
    overMs: rate.ramp.over,
  };
}

/** @internal Builds the topology of a scenario in a simulation: a fold over the registry per cluster. */
export function buildTopology(sim: Simulation, scenario: Scenario): BuiltTopology {
  const compile = samplerFactory(scenario);
  const graph = new GraphBuilder();
  // The oracle reads the clusters' primaries, which the fold builds: components
  // get a view of it that answers once the fold is done (they read it while running).
  let oracle: ClusterVersionOracle | null = null;
  const built = (): ClusterVersionOracle => {
    if (oracle === null)
      throw new Error("the version oracle was read before the topology was built");
    return oracle;
  };
  const versions: VersionOracle = {
    newestAckedVersion: (cluster, key) => built().newestAckedVersion(cluster, key),
    newestCommittedVersion: (cluster, key) => built().newestCommittedVersion(cluster, key),
  };
  const base = { sim, scenario, compile, versions };
  const shards = clusterCount(scenario);
  let parts: ClusterParts[];
  let service: Service;
  let stats: Map<string, ComponentStats>;
  let place: ((op: Operation) => boolean) | undefined;
  let complete: ((op: Operation) => void) | undefined;
  let movedKeyViolations: MovedKeyCounts | null = null;
  let layout: ShardLayout | undefined;
  let slots: readonly KeySlots[] | undefined;
  let keyOf: WorkloadConfig["keyOf"];
  if (scenario.services !== undefined) {
    const built = buildServices({ ...base, graph }, buildCluster, eventsOf(scenario));
    ({ parts, stats, slots } = built);
    ({ service, place, complete, keyOf } = built.front);
  } else if (shards === null) {
    const one = buildCluster({ ...base, graph }, { index: 0, prefix: "" });
    parts = [one];
    service = one.front;
    stats = one.stats;
  } else {
    layout = shardLayout(scenario);
    const map = layout.map;
    const owned = layoutSlots(map, shards);
    slots = owned;
    // Each shard is folded on its own graph, then drawn behind the router with its ids prefixed.
    parts = Array.from({ length: shards }, (_, index) => {
      const own = new GraphBuilder();
      const part = buildCluster(
        {
          ...base,
          scenario: withoutCache(shardTimeline(shardScenario(scenario, index), index)),
          graph: own,
        },
        {
          index,
          prefix: `s${index}/`,
          keySlots: owned[index] as KeySlots,
          rows: new ShardRows(owned[index] as KeySlots, index, (key) => map.shardOf(key)),
        },
      );
      appendPrefixed(graph, own, `s${index}_`, `s${index}: `, `s${index}/`);
      return part;
    });
    stats = combineClusterStats(parts.map((p) => p.stats));
    const context: BuildContext = {
      ...base,
      graph,
      nodes: [],
      shared: { replication: null },
      events: eventsOf(scenario),
      cluster: { index: 0, prefix: "" },
    };
    const front = sharding.buildFront(
      context,
      parts.map((p, index) => ({
        front: p.front,
        stats: p.stats,
        work: (ms: number, done: () => void) => p.primary.runWork(ms, done),
        version: (key: number) => p.primary.read(key),
        carry: (key: number, version: number) => p.primary.commitCopy(key, version),
        acknowledgeCarried: (key: number, version: number) =>
          built().acknowledgeCarried(index, key, version),
      })),
      layout,
    );
    service = front.service;
    place = front.place;
    complete = front.complete;
    movedKeyViolations = front.movedKeyViolations;
    stats.set(sharding.report.key, front.stats);
    if (scenario.cache !== undefined) {
      const cached = cacheInFrontOfShards(
        context,
        service,
        front.place,
        layout.map,
        shards,
        SHARD_ROUTER_ID,
      );
      service = cached.service;
      place = cached.place;
      stats.set("cache", cached.stats);
      parts = parts.map((p, i) => ({ ...p, holders: [...p.holders, cached.holderOf(i)] }));
    }
  }
  graph.front({ id: "workload", label: workloadLabel(scenario), shape: "actor" });
  graph.firstArrow({ from: "workload", to: frontId(scenario, shards) });
  const clusters: BuiltCluster[] = parts.map((p) => ({
    primary: p.primary,
    nodes: p.nodes,
    replication: p.replication,
    holders: p.holders,
  }));
  oracle = new ClusterVersionOracle(
    clusters.map((c) => c.primary),
    scenario.workload.keys.count,
    slots,
  );
  return {
    front: service,
    clusters,
    versions: oracle,
    stats,
    graph,
    workload: {
      ...workloadConfig(scenario, compile),
      ...(keyOf === undefined ? {} : { keyOf }),
    },
    ...(place === undefined ? {} : { place }),
    ...(complete === undefined ? {} : { complete }),
    ...(movedKeyViolations === null ? {} : { movedKeyViolations }),
  };
}

/** One cluster as the fold built it: its front service, nodes, replication, holders and stats. */
interface ClusterParts extends BuiltCluster {
  readonly front: Service;
  readonly stats: Map<string, ComponentStats>;
}

/** The box the workload's arrow enters: the application, or in a sharded plan its cache or shard router. */
function frontId(scenario: Scenario, shards: number | null): string {
  if (scenario.services !== undefined) return SERVICES_ID;
  if (shards === null) return "app";
  return scenario.cache === undefined ? SHARD_ROUTER_ID : "cache";
}

/** A shard's scenario without the cache: the one cache sits in front of the shard router. */
function withoutCache(scenario: Scenario): Scenario {
  if (scenario.cache === undefined) return scenario;
  const { cache: _, ...rest } = scenario;
  return rest;
}

function eventsOf(scenario: Scenario): BuildContext["events"] {
  return <K extends TimelineEntry["kind"]>(kind: K) =>
    (scenario.timeline ?? []).filter(
      (e): e is Extract<TimelineEntry, { kind: K }> => e.kind === kind,
    );
}

/** Folds the registry from the back for one cluster: its nodes, replication, pools, drivers and routing. */
function buildCluster(
  base: Pick<BuildContext, "sim" | "scenario" | "compile" | "versions" | "graph">,
  cluster: ClusterInfo,
): ClusterParts {
  const context: BuildContext = {
    ...base,
    nodes: [],
    shared: { replication: null },
    events: eventsOf(base.scenario),
    cluster,
  };
  const stats = new Map<string, ComponentStats>();
  const holders: VersionHolder[] = [];
  const front = COMPONENTS.reduceRight<Downstream>(
    (downstream, component) => {
      const result = component.build(context, downstream);
      if (result.stats !== undefined) stats.set(component.report.key, result.stats);
      if (result.holders !== undefined) holders.push(...result.holders);
      return result.downstream;
    },
    { ways: [] },
  );
  const service = front.front ?? front.ways[0]?.service;
  if (service === undefined || service === null)
    throw new Error("the registry built no front service");
  const primary = context.nodes[0]?.server;
  if (primary === undefined) throw new Error("the registry built no primary");
  return {
    front: service,
    primary,
    nodes: context.nodes,
    replication: context.shared.replication,
    holders,
    stats,
  };
}

function workloadLabel(scenario: Scenario): string {
  const w = scenario.workload;
  const reads = `${Math.round(w.readRatio * 100)}% reads`;
  if (w.clients !== undefined) return `${w.clients} clients<br/>${reads}`;
  const rate = rateOf(scenario) ?? 0;
  const text =
    typeof rate === "number" ? `${rate} ops/s` : "steps" in rate ? "stepped rate" : "ramped rate";
  return `Workload<br/>${text}, ${reads}`;
}
