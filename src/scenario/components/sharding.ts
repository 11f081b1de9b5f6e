// Sharding: a shard router in the application in front of one cluster per shard
// (each the top-level database, replication, pool, client and routing sections,
// folded once per shard by the composition root). The layout is a ShardMap over
// the workload's keys (src/models/sharding/shard-map.ts), by row key or by
// tenant; a seeded share of the reads are marked as cross-shard queries (a join
// or aggregate over k shards or all of them, scattered and merged by the
// router) and another as per-tenant queries (a scan over every row of the key's
// tenant, which stays on one shard only when the layout keeps tenants whole).
import type * as z from "zod";
import type { RandomStream } from "../../kernel/index.js";
import type { Operation, Service } from "../../models/operation.js";
import { DirectoryLookup } from "../../models/sharding/directory.js";
import { ShardMap } from "../../models/sharding/shard-map.js";
import { ShardRouter } from "../../models/sharding/shard-router.js";
import { TenantLayout } from "../../models/sharding/tenants.js";
import { roundFigure, spread } from "../fields.js";
import type { Scenario } from "../schema.js";
import { alignColumns, formatFigure, NO_DATA, percentText } from "../table-text.js";
import type {
  BuildContext,
  Component,
  ComponentStats,
  EstimateInput,
  MeasuredWindow,
  WorkShare,
} from "./component.js";
import type { MovedKeyCounts } from "./reshard-checks.js";
import { checkReshardEvents, ReshardEvent } from "./reshard-event.js";
import { scheduleReshard } from "./reshard-run.js";
import { shardSections } from "./shard-sections.js";
import {
  checkSharding,
  clusterCount,
  placementOf,
  type ShardCluster,
  ShardingReportSchema,
  ShardingSchema,
  type ShardingSpec,
  shardCount,
} from "./sharding-section.js";

export {
  clusterCount,
  ShardingReportSchema,
  ShardingSchema,
  ShardReportSchema,
  shardCount,
} from "./sharding-section.js";

const ShardingSection = ShardingSchema.optional();
const ShardingReportSection = ShardingReportSchema.optional();

/** @internal The diagram id of the shard router. */
export const SHARD_ROUTER_ID = "shard_router";

/** @internal The shard router as the composition root gets it. */
export interface ShardFront {
  /** The router: operations to their shard, scattered ones to several. */
  readonly service: Service;
  /** Marks and places an operation before it is issued; false when it will scatter. */
  readonly place: (op: Operation) => boolean;
  /** Told of every finished operation: the shards' and the resharding phases' latency. */
  readonly complete: (op: Operation) => void;
  readonly stats: ComponentStats;
  /** Violations across a resharding's move (the monitor judges each shard alone); null without a reshard. */
  readonly movedKeyViolations: MovedKeyCounts | null;
}

/**
 * Sharding: the shard router in front of the shards' clusters. The per-cluster
 * fold passes it by (`build` leaves the path as it is); the composition root
 * builds it with {@link sharding.buildFront} over every shard's front and the
 * layout {@link shardLayout} made before the shards were folded.
 *
 * @remarks Since 0.2.0
 */
export const sharding: Component<typeof ShardingSection, typeof ShardingReportSection> & {
  buildFront(
    context: BuildContext,
    shards: readonly ShardCluster[],
    layout: ShardLayout,
  ): ShardFront;
} = {
  key: "sharding",
  schema: ShardingSection,
  report: { key: "sharding", schema: ShardingReportSection },
  errorKinds: [],
  events: [ReshardEvent],
  check: (scenario, ctx) => {
    checkSharding(scenario, ctx);
    checkReshardEvents(scenario, ctx);
  },
  summary: (s) =>
    s.sharding === undefined
      ? undefined
      : [
          "sharding",
          `${s.sharding.strategy}, ${shardCount(s)} shards by ${s.sharding.key}${overridden(s.sharding.overrides)}`,
        ],
  table: (section) => shardingTable(section),
  compare: [
    {
      header: ["shard", "imbalance"],
      rank: 77,
      cell: (r) => (r.sharding === undefined ? NO_DATA : formatFigure(r.sharding.imbalance)),
      shown: (reports) => reports.some((r) => r.sharding !== undefined),
    },
    {
      header: ["single", "shard"],
      rank: 78,
      cell: (r) => (r.sharding === undefined ? NO_DATA : percentText(r.sharding.singleShardShare)),
      shown: (reports) => reports.some((r) => r.sharding !== undefined),
    },
    {
      header: ["keys", "moved"],
      rank: 78.5,
      cell: (r) => {
        const m = r.sharding?.resharding;
        return m === undefined ? NO_DATA : `${m.keysMoved}/${m.keysToMove}`;
      },
      shown: (reports) => reports.some((r) => r.sharding?.resharding !== undefined),
    },
    {
      // When the last cut-over switched: how long the plan ran two layouts at once.
      header: ["moved", "by ms"],
      rank: 79,
      cell: (r) => {
        const m = r.sharding?.resharding;
        if (m === undefined) return NO_DATA;
        return m.finishedMs === null ? "not done" : formatFigure(m.finishedMs);
      },
      shown: (reports) => reports.some((r) => r.sharding?.resharding !== undefined),
    },
  ],
  estimate: (s, run) => shardingEstimate(s, run),
  build: (_context, downstream) => ({ downstream }),
  buildFront: (context, shards, layout) => buildShardRouter(context, shards, layout),
};

/** The shards with sections of their own, for the summary ("" when none). */
function overridden(overrides: ShardingSpec["overrides"]): string {
  if (overrides === undefined || overrides.length === 0) return "";
  return `; own sections for ${overrides.map((o) => `s${o.shard}`).join(", ")}`;
}

// Events of one scattered part: its arrival, the round trip each way and the
// server's work, with the hops in between (the built-ins take 5–7 per operation).
const EVENTS_PER_PART = 7;

/**
 * The work a sharded plan adds: every scattered read's parts and its merge,
 * the other shards' lag samples; the shard map and the shards' key slots.
 */
function shardingEstimate(scenario: Scenario, run: EstimateInput): WorkShare {
  const s = scenario.sharding;
  if (s === undefined) return {};
  const n = clusterCount(scenario) ?? 1;
  const k = s.crossShard.shards === "all" ? n : Math.min(n, s.crossShard.shards);
  // At most: a cross-shard query touches k shards, a per-tenant query all n.
  const parts = s.crossShard.share * k + s.tenantQueries * n;
  const scattered = s.crossShard.share + s.tenantQueries;
  const perRead = parts * EVENTS_PER_PART + scattered;
  const keys = scenario.workload.keys.count;
  const rep = scenario.replication;
  return {
    eventsPerOperation: scenario.workload.readRatio * perRead,
    // Each shard samples its replicas' lag; the replication estimate counts one.
    periodicEvents: rep === undefined ? 0 : ((n - 1) * run.totalMs) / rep.lagSampleInterval,
    memory: [
      { what: `shard map (${keys} keys × 2 bytes)`, bytes: keys * 2 },
      // Each shard's nodes hold arrays over its own keys only, so the shards together
      // hold what the one cluster the estimate counts does; the slots add a copy of
      // the starting layout (2 bytes) and each key's index in its shard (4 bytes).
      { what: `shard key slots (${keys} keys × 6 bytes)`, bytes: keys * 6 },
    ],
  };
}

/**
 * @internal The layout a sharded plan starts from: its shard map (which a
 * resharding or a directory changes as the run goes) and the tenants.
 */
export interface ShardLayout {
  readonly map: ShardMap;
  readonly tenants: TenantLayout | undefined;
}

/** @internal The starting layout of a sharded scenario's keys. */
export function shardLayout(scenario: Scenario): ShardLayout {
  const spec = scenario.sharding as ShardingSpec;
  const keys = scenario.workload.keys.count;
  const tenants =
    spec.tenants === undefined
      ? undefined
      : new TenantLayout(keys, spec.tenants.count, spec.tenants.sizeExponent);
  const map = new ShardMap(
    placementOf(spec).strategy,
    keys,
    spec.key === "tenant" ? tenants : undefined,
  );
  return { map, tenants };
}

function buildShardRouter(
  context: BuildContext,
  shards: readonly ShardCluster[],
  layout: ShardLayout,
): ShardFront {
  const { sim, scenario } = context;
  const spec = scenario.sharding as ShardingSpec;
  const { map, tenants } = layout;
  const router = new ShardRouter(sim, {
    map,
    shards: shards.map((s) => s.front),
    rowsPerShard: spec.crossShard.rowsPerShard,
    mergeMsPerRow: spec.crossShard.mergeMsPerRow,
  });
  const place = placer(router, spec, sim.rng("sharding.queries"), tenants);
  drawRouter(context, spec, shards.length);
  const directory =
    spec.strategy === "directory" ? buildDirectory(context, spec, map, router) : null;
  const resharding = scheduleReshard(context, spec, map, router, shards, tenants, directory);
  const stats: ComponentStats = {
    reset: () => {
      router.resetStats();
      directory?.resetStats();
      resharding?.reset();
    },
    section: (window) => ({
      ...shardingSection(spec, router, map.keysPerShard(), shards, window),
      ...(directory === null ? {} : { directory: directoryFigures(directory) }),
      ...(resharding === null ? {} : { resharding: resharding.figures() }),
    }),
  };
  const complete =
    resharding === null
      ? (op: Operation) => router.completed(op)
      : (op: Operation) => {
          router.completed(op);
          resharding.completed(op);
        };
  const placeChecked =
    resharding === null
      ? place
      : (op: Operation) => {
          const single = place(op);
          // A write held by a cut-over is not single, but still the session's write.
          if (single || op.kind === "write") resharding.invoked(op);
          return single;
        };
  return {
    service: directory ?? router,
    place: placeChecked,
    complete,
    stats,
    movedKeyViolations: resharding === null ? null : resharding.checks,
  };
}

/**
 * Marks a seeded share of the reads as cross-shard or per-tenant queries and
 * tells each operation its shard; returns whether it stays on one shard.
 */
function placer(
  router: ShardRouter,
  spec: ShardingSpec,
  rng: RandomStream,
  tenants: TenantLayout | undefined,
): (op: Operation) => boolean {
  const cross = spec.crossShard.share;
  const perTenant = spec.tenantQueries;
  const fanOut = { shards: spec.crossShard.shards };
  return (op) => {
    if (op.kind === "read" && (cross > 0 || perTenant > 0)) {
      // One draw per read, so the marks do not depend on which shares are set.
      const u = rng.next();
      if (u < cross) router.fanOut(op, fanOut);
      else if (u < cross + perTenant && tenants !== undefined && op.range === null) {
        op.range = tenants.keysOf(tenants.tenantOf(op.key));
      }
    }
    return router.place(op);
  };
}

/** The directory in front of the router: a lookup station, and the application's cache of it. */
function buildDirectory(
  context: BuildContext,
  spec: ShardingSpec,
  map: ShardMap,
  router: ShardRouter,
): DirectoryLookup {
  const { sim, compile, graph } = context;
  const d = spec.directory;
  const sample = compile(d.lookupTime);
  const rng = sim.rng("sharding.directory");
  graph.after(SHARD_ROUTER_ID, {
    id: "shard_directory",
    label: `Directory<br/>${d.workers} workers, cache TTL ${d.cacheTtl} ms`,
    shape: "database",
  });
  graph.arrow({ from: SHARD_ROUTER_ID, to: "shard_directory", label: "lookups (cache misses)" });
  return new DirectoryLookup(
    sim,
    {
      map,
      workers: d.workers,
      lookupMs: () => sample(rng),
      cacheTtlMs: d.cacheTtl,
      cacheEntries: d.cacheEntries,
    },
    router,
  );
}

function directoryFigures(
  d: DirectoryLookup,
): NonNullable<z.output<typeof ShardingReportSchema>["directory"]> {
  return { lookups: d.lookups, cacheHits: d.cacheHits, waitingMax: d.waitingMax };
}

function drawRouter(context: BuildContext, spec: ShardingSpec, n: number): void {
  const { graph } = context;
  graph.front({
    id: SHARD_ROUTER_ID,
    label: `Shard router<br/>${spec.strategy}, ${n} shards by ${spec.key}`,
    shape: "component",
  });
  for (let i = 0; i < n; i++) graph.arrow({ from: SHARD_ROUTER_ID, to: `s${i}_app` });
}

function shardingSection(
  spec: ShardingSpec,
  router: ShardRouter,
  keysPerShard: readonly number[],
  shards: readonly ShardCluster[],
  window: MeasuredWindow,
): z.output<typeof ShardingReportSchema> {
  const ops = router.operationsPerShard();
  const total = ops.reduce((a, b) => a + b, 0);
  // Over the shards the layout uses (shards built for a later reshard idle until then).
  const inUse = keysPerShard.length;
  const mean = total / inUse;
  const nodes = (window.report.nodes ?? []) as readonly { name: string; utilization: number }[];
  return {
    strategy: spec.strategy,
    key: spec.key,
    imbalance: roundFigure(mean === 0 ? 0 : Math.max(...ops.slice(0, inUse)) / mean),
    singleShardShare: roundFigure(router.singleShardShare),
    meanFanOut: roundFigure(router.meanFanOut),
    scatterMs: spread(router.scatterLatency),
    shards: shards.map((s, i) => ({
      name: `s${i}`,
      keys: keysPerShard[i] ?? 0,
      operations: ops[i] ?? 0,
      share: roundFigure(total === 0 ? 0 : (ops[i] ?? 0) / total),
      p99Ms: spread(router.shardLatency(i)).p99,
      primaryUtilization: nodes.find((n) => n.name === `s${i}/primary`)?.utilization ?? 0,
      replicaLagMaxMs: replicaLagMax(s, window),
      ...shardSections(s.stats, window),
    })),
  };
}

/** The most age of an unapplied write over a shard's replicas, from its replication section. */
function replicaLagMax(shard: ShardCluster, window: MeasuredWindow): number | null {
  const section = shard.stats.get("replication")?.section?.(window) as
    | { replicas: readonly { oldestUnappliedAgeMs: { max: number } }[] }
    | undefined;
  if (section === undefined || section.replicas.length === 0) return null;
  return Math.max(...section.replicas.map((r) => r.oldestUnappliedAgeMs.max));
}

function shardingTable(s: z.output<typeof ShardingReportSchema>): string[] {
  return [
    `Sharding (${s.strategy} by ${s.key}${s.directory === undefined ? "" : `, directory lookups ${s.directory.lookups}, cache hits ${s.directory.cacheHits}`}): imbalance ${formatFigure(s.imbalance)}, single-shard ${percentText(s.singleShardShare)}, fan-out ${formatFigure(s.meanFanOut)}, scatter p99 ${formatFigure(s.scatterMs.p99)} ms`,
    ...(s.resharding === undefined ? [] : [reshardingLine(s.resharding)]),
    ...alignColumns(
      [
        ["shard", "keys", "operations", "share", "p99 ms", "primary util.", "replica lag max ms"],
        ...s.shards.map((r) => [
          r.name,
          String(r.keys),
          String(r.operations),
          percentText(r.share),
          formatFigure(r.p99Ms),
          percentText(r.primaryUtilization),
          r.replicaLagMaxMs === null ? NO_DATA : formatFigure(r.replicaLagMaxMs),
        ]),
      ],
      "lr",
    ),
  ];
}

/** The reshard's line: keys moved, when, what the catch-up carried and the longest write pause. */
function reshardingLine(
  r: NonNullable<z.output<typeof ShardingReportSchema>["resharding"]>,
): string {
  const end = r.finishedMs === null ? "not finished" : `to ${formatFigure(r.finishedMs)} ms`;
  // Unfinished, it has no "after": the JSON's 0 there means no operation, not 0 ms.
  const after = r.finishedMs === null ? NO_DATA : formatFigure(r.p99Ms.after);
  return `Resharding ${r.fromShards} → ${r.toShards} shards: ${r.keysMoved} of ${r.keysToMove} keys moved, from ${formatFigure(r.startedMs)} ms ${end}; ${r.caughtUpChanges} changes caught up, longest write pause ${formatFigure(r.writePauseMaxMs)} ms (catch-up lag ${formatFigure(r.catchUpLagMaxMs)} ms); p99 before ${formatFigure(r.p99Ms.before)}, during ${formatFigure(r.p99Ms.during)}, after ${after} ms`;
}
