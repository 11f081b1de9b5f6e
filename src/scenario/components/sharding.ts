// Sharding: a shard router in the application in front of one cluster per shard
// (each the top-level database, replication, pool, client and routing sections,
// folded once per shard by the composition root). The layout is a ShardMap over
// the workload's keys (src/models/sharding/shard-map.ts), by row key or by
// tenant; a seeded share of the reads are marked as cross-shard queries (a join
// or aggregate over k shards or all of them, scattered and merged by the
// router) and another as per-tenant queries (a scan over every row of the key's
// tenant, which stays on one shard only when the layout keeps tenants whole).
import * as z from "zod";
import type { RandomStream } from "../../kernel/index.js";
import { Histogram } from "../../metrics/index.js";
import type { Operation, Service } from "../../models/operation.js";
import { DirectoryLookup } from "../../models/sharding/directory.js";
import { Migration } from "../../models/sharding/migration.js";
import { ShardMap, type ShardStrategy } from "../../models/sharding/shard-map.js";
import { ShardRouter } from "../../models/sharding/shard-router.js";
import { TenantLayout } from "../../models/sharding/tenants.js";
import { checkKeyRanges, parseKeyRange } from "../../placement/index.js";
import {
  DistributionSpecSchema,
  DurationSchema,
  nonNegative,
  positiveInt,
  roundFigure,
  share,
  spread,
} from "../fields.js";
import type { Scenario } from "../schema.js";
import { alignColumns, formatFigure, NO_DATA, percentText } from "../table-text.js";
import type {
  BuildContext,
  Component,
  ComponentStats,
  EstimateInput,
  MeasuredWindow,
  ParsedScenario,
  WorkShare,
} from "./component.js";
import { replicaCount } from "./replication.js";
import { checkReshardEvents, type Reshard, ReshardEvent } from "./reshard-event.js";

/** @internal The diagram id of the shard router. */
export const SHARD_ROUTER_ID = "shard_router";

/**
 * The `sharding` section: how keys are spread over shards, and the share of
 * queries that span them.
 *
 * @remarks Since 0.2.0
 */
export const ShardingSchema = z
  .strictObject({
    strategy: z
      .enum([
        "hash-mod",
        "consistent-hash",
        "jump",
        "rendezvous",
        "range",
        "citus",
        "keyspace",
        "directory",
      ])
      .describe(
        "hash-mod (hash mod n), consistent-hash (ketama ring, 160 points per shard), jump (Lamping and Veach), rendezvous (highest random weight), range (boundaries on the key), citus (hashint8 ranges), keyspace (Vitess hash vindex and keyranges), directory (a lookup service, its table starting as hash mod n, and an application cache of its answers)",
      ),
    shards: positiveInt()
      .max(1024)
      .optional()
      .describe("Shards (hash-mod, consistent-hash, jump, rendezvous; citus: default 32)"),
    boundaries: z
      .array(positiveInt())
      .optional()
      .describe("range: the n − 1 ascending keys where shards 1 … n − 1 start"),
    keyranges: z
      .array(z.string())
      .optional()
      .describe('keyspace: each shard\'s keyrange as Vitess names shards ("-80", "80-")'),
    directory: z
      .strictObject({
        workers: positiveInt()
          .max(10_000)
          .default(4)
          .describe("Lookups the directory serves at once"),
        lookupTime: DistributionSpecSchema.default("simpleIndexedQuery").describe(
          "Time to serve one lookup (ms)",
        ),
        cacheTtl: DurationSchema.default(60_000).describe(
          "How long the application trusts a cached answer; 0 for no cache",
        ),
        cacheEntries: positiveInt()
          .max(100_000_000)
          .default(100_000)
          .describe("Answers the application's cache holds (least recently used out)"),
      })
      .prefault({})
      .describe("directory: the lookup station and the application's cache of its answers"),
    key: z
      .enum(["row", "tenant"])
      .default("row")
      .describe("What the strategy places: each row key, or each tenant with all its keys"),
    tenants: z
      .strictObject({
        count: positiveInt().describe("Tenants; the workload's keys are cut into their blocks"),
        sizeExponent: nonNegative()
          .max(10)
          .default(1)
          .describe("Tenant sizes ∝ rank^(−s); 0 for equal tenants"),
      })
      .optional()
      .describe("Keys belong to tenants (needed by key: tenant and tenantQueries)"),
    crossShard: z
      .strictObject({
        share: share().default(0).describe("Share of reads that are cross-shard queries"),
        shards: z
          .union([positiveInt(), z.literal("all")])
          .default("all")
          .describe("Shards a cross-shard query touches: k (from the key's shard on) or all"),
        rowsPerShard: nonNegative().default(10).describe("Rows each shard returns (LIMIT k)"),
        mergeMsPerRow: nonNegative()
          .default(0.01)
          .describe("Application time to merge one row (ms)"),
      })
      .prefault({})
      .describe("Cross-shard queries: scattered to the shards, merged in the application"),
    tenantQueries: share()
      .default(0)
      .describe("Share of reads that read every row of the key's tenant"),
  })
  .describe("Sharding: one cluster per shard behind a shard router in the application");

const num = () => z.number();

/**
 * One shard's figures over the measured window.
 *
 * @remarks Since 0.2.0
 */
export const ShardReportSchema = z.strictObject({
  name: z.string(),
  keys: z.number().int().nonnegative().describe("Keys the layout places on it"),
  operations: z
    .number()
    .int()
    .nonnegative()
    .describe("Operations and scattered sub-operations it received"),
  share: num().describe("Its share of every shard's operations"),
  p99Ms: num().describe(
    "p99 latency of the successful operations that stayed on it, issue to answer (ms; 0 when none)",
  ),
  primaryUtilization: num().describe("Its primary's mean share of cores busy"),
  replicaLagMaxMs: num()
    .nullable()
    .describe("Most age of an unapplied write over its replicas (ms); null without replicas"),
});

/**
 * The sharding figures.
 *
 * @remarks Since 0.2.0
 */
export const ShardingReportSchema = z.strictObject({
  strategy: z.string(),
  key: z.enum(["row", "tenant"]),
  imbalance: num().describe("Most operations on a shard over the mean per shard"),
  singleShardShare: num().describe("Share of operations that stayed on one shard"),
  meanFanOut: num().describe("Mean shards a scattered operation touched (0 when none)"),
  scatterMs: z
    .strictObject({ mean: num(), p99: num(), max: num() })
    .describe("Scattered operations' latency, issue to merged answer"),
  resharding: z
    .strictObject({
      fromShards: z.number().int().positive(),
      toShards: z.number().int().positive(),
      startedMs: num().describe("When the copy began (ms from the start of the run)"),
      finishedMs: num()
        .nullable()
        .describe("When the last batch was cut over (ms); null when the run ended first"),
      keysToMove: z.number().int().nonnegative().describe("Keys whose shard the strategy changes"),
      keysMoved: z.number().int().nonnegative().describe("Keys cut over to their new shard"),
      bytesMoved: z.number().int().nonnegative(),
      p99Ms: z
        .strictObject({ before: num(), during: num(), after: num() })
        .describe(
          "p99 latency of the operations answered before the copy, during it and after its last cut-over (ms; 0 when none)",
        ),
    })
    .optional()
    .describe("The timeline's reshard: null figures until it starts"),
  directory: z
    .strictObject({
      lookups: z.number().int().nonnegative().describe("Lookups the directory served or queued"),
      cacheHits: z
        .number()
        .int()
        .nonnegative()
        .describe("Operations the application's cache placed"),
      waitingMax: z.number().int().nonnegative().describe("Most lookups waiting at once"),
    })
    .optional()
    .describe("The directory strategy's lookup station and cache"),
  shards: z.array(ShardReportSchema),
});

const ShardingSection = ShardingSchema.optional();
const ShardingReportSection = ShardingReportSchema.optional();
type ShardingSpec = z.output<typeof ShardingSchema>;

/** @internal The number of shards of a scenario's layout, or null when it is not sharded. */
export function shardCount(scenario: {
  readonly sharding?: ShardingSpec | undefined;
}): number | null {
  const s = scenario.sharding;
  if (s === undefined) return null;
  return placementOf(s).shards;
}

/** The layout as the shard map takes it, and its shard count. */
function placementOf(s: ShardingSpec): { strategy: ShardStrategy; shards: number } {
  switch (s.strategy) {
    case "range": {
      const boundaries = s.boundaries ?? [];
      return { strategy: { strategy: "range", boundaries }, shards: boundaries.length + 1 };
    }
    case "keyspace": {
      const keyranges = s.keyranges ?? [];
      return { strategy: { strategy: "keyspace", keyranges }, shards: keyranges.length };
    }
    case "directory": {
      // The directory's table starts as hash mod n; single keys may move later.
      const shards = s.shards ?? 1;
      return { strategy: { strategy: "hash-mod", shards }, shards };
    }
    case "citus": {
      const shards = s.shards ?? 32;
      return { strategy: { strategy: "citus", shards }, shards };
    }
    default: {
      const shards = s.shards ?? 1;
      return { strategy: { strategy: s.strategy, shards }, shards };
    }
  }
}

/**
 * @internal The clusters a sharded scenario builds: its shards, or the shard
 * count a `reshard` grows to (those shards idle until keys move to them).
 */
export function clusterCount(scenario: Scenario): number | null {
  const n = shardCount(scenario);
  if (n === null) return null;
  const grown = (scenario.timeline ?? []).flatMap((e) => (e.kind === "reshard" ? [e.shards] : []));
  return Math.max(n, ...grown);
}

/** One shard as the composition root hands it to the router. */
export interface ShardCluster {
  /** Its front service (its routing, or its primary's driver). */
  readonly front: Service;
  /** Its section of the measured figures, for its row. */
  readonly stats: ReadonlyMap<string, ComponentStats>;
  /** Runs background work on its primary (a resharding's copy). */
  readonly work: (ms: number, done: () => void) => void;
}

/** @internal The shard router as the composition root gets it. */
export interface ShardFront {
  /** The router: operations to their shard, scattered ones to several. */
  readonly service: Service;
  /** Marks and places an operation before it is issued; false when it will scatter. */
  readonly place: (op: Operation) => boolean;
  readonly stats: ComponentStats;
}

/**
 * Sharding: the shard router in front of the shards' clusters. The per-cluster
 * fold passes it by (`build` leaves the path as it is); the composition root
 * builds it with {@link sharding.buildFront} over every shard's front.
 *
 * @remarks Since 0.2.0
 */
export const sharding: Component<typeof ShardingSection, typeof ShardingReportSection> & {
  buildFront(context: BuildContext, shards: readonly ShardCluster[]): ShardFront;
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
      : ["sharding", `${s.sharding.strategy}, ${shardCount(s)} shards by ${s.sharding.key}`],
  table: (section) => shardingTable(section),
  estimate: (s, run) => shardingEstimate(s, run),
  build: (_context, downstream) => ({ downstream }),
  buildFront: (context, shards) => buildShardRouter(context, shards),
};

// Events of one scattered part: its arrival, the round trip each way and the
// server's work, with the hops in between (the built-ins take 5–7 per operation).
const EVENTS_PER_PART = 7;

/**
 * The work a sharded plan adds: every scattered read's parts and its merge,
 * the other shards' lag samples; and, over the one cluster the rest of the estimate counts, the
 * other shards' key versions and the shard map.
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
  const nodes = 1 + replicaCount(scenario);
  const rep = scenario.replication;
  return {
    eventsPerOperation: scenario.workload.readRatio * perRead,
    // Each shard samples its replicas' lag; the replication estimate counts one.
    periodicEvents: rep === undefined ? 0 : ((n - 1) * run.totalMs) / rep.lagSampleInterval,
    memory: [
      { what: `shard map (${keys} keys × 2 bytes)`, bytes: keys * 2 },
      {
        what: `the other ${n - 1} shards' key versions (keys × ${nodes} nodes + acknowledged)`,
        bytes: (n - 1) * keys * 4 * (nodes + 1),
      },
    ],
  };
}

function buildShardRouter(context: BuildContext, shards: readonly ShardCluster[]): ShardFront {
  const { sim, scenario } = context;
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
  const resharding = scheduleReshard(context, spec, map, router, shards, tenants);
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
  const front = directory ?? router;
  return { service: resharding === null ? front : resharding.timed(front), place, stats };
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

/**
 * Schedules the timeline's `reshard` (at most one): at its instant the live map
 * grows to the new shard count and a Migration copies the keys whose shard
 * differs in the strategy's layout over that count, each row's copy costing
 * work on its source and target primaries; the router holds writes to a batch
 * being cut over. Returns the report's figures, or null without a reshard.
 */
function scheduleReshard(
  context: BuildContext,
  spec: ShardingSpec,
  live: ShardMap,
  router: ShardRouter,
  shards: readonly ShardCluster[],
  tenants: TenantLayout | undefined,
): ReshardRun | null {
  const event: Reshard | undefined = context.events("reshard")[0];
  if (event === undefined) return null;
  const { sim, scenario } = context;
  const from = live.shards;
  let migration: Migration | null = null;
  sim.at(event.at, () => {
    const grown = placementOf({ ...spec, shards: event.shards }).strategy;
    const target = new ShardMap(
      grown,
      scenario.workload.keys.count,
      spec.key === "tenant" ? tenants : undefined,
    );
    live.grow(event.shards);
    const m = new Migration(sim, live, target, {
      rowsPerSec: event.rowsPerSec,
      batchRows: event.batchRows,
      copyMs: event.copyMsPerRow,
      cutoverMs: event.cutover,
      rowBytes: event.rowBytes,
      work: (shard, ms, done) => (shards[shard] as ShardCluster).work(ms, done),
    });
    router.pauseWrites((key) => m.writeDelayMs(key));
    migration = m;
    m.start();
  });
  // Latency by the migration's phase at each operation's answer: before, during, after.
  const phases = [new Histogram(), new Histogram(), new Histogram()] as const;
  const phase = (): 0 | 1 | 2 => {
    const m = migration as Migration | null;
    if (m === null) return 0;
    return Number.isNaN(m.figures().finishedMs) ? 1 : 2;
  };
  return {
    timed: (service) => ({
      submit(op, done) {
        service.submit(op, (o) => {
          if (o.error === null) phases[phase()].record(sim.now - o.issuedAt);
          done(o);
        });
      },
    }),
    reset: () => {
      for (const h of phases) h.reset();
    },
    figures: () => {
      const f = (migration as Migration | null)?.figures();
      return {
        fromShards: from,
        toShards: event.shards,
        startedMs: roundFigure(f?.startedMs ?? event.at),
        finishedMs:
          f === undefined || Number.isNaN(f.finishedMs) ? null : roundFigure(f.finishedMs),
        keysToMove: f?.keysToMove ?? 0,
        keysMoved: f?.keysMoved ?? 0,
        bytesMoved: f?.bytesMoved ?? 0,
        p99Ms: {
          before: spread(phases[0]).p99,
          during: spread(phases[1]).p99,
          after: spread(phases[2]).p99,
        },
      };
    },
  };
}

/** A scheduled resharding: its latency recorder in front of the router, and its figures. */
interface ReshardRun {
  /** `service`, timing each operation by the migration's phase when it is answered. */
  timed(service: Service): Service;
  reset(): void;
  figures(): NonNullable<z.output<typeof ShardingReportSchema>["resharding"]>;
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

/** Cross-section checks: the layout's fields for its strategy, tenants against the keys. */
function checkSharding(scenario: ParsedScenario, ctx: z.RefinementCtx): void {
  const s = scenario.sharding;
  if (s === undefined) return;
  const keys = scenario.workload.keys.count;
  const issue = (path: (string | number)[], message: string): void => {
    ctx.addIssue({ code: "custom", path: ["sharding", ...path], message });
  };
  const hashed = ["hash-mod", "consistent-hash", "jump", "rendezvous", "directory"].includes(
    s.strategy,
  );
  if (hashed && s.shards === undefined)
    issue(["shards"], `strategy ${s.strategy} needs a shard count ≥ 1`);
  if (s.strategy === "range") checkBoundaries(s.boundaries, keys, issue);
  if (s.strategy === "keyspace") checkKeyspace(s.keyranges, issue);
  if (s.tenants !== undefined && s.tenants.count > keys)
    issue(
      ["tenants", "count"],
      `${s.tenants.count} tenants is more than the workload's ${keys} keys: each tenant needs a key`,
    );
  if (s.key === "tenant" && s.tenants === undefined)
    issue(["tenants"], 'key "tenant" needs a tenants section (count, sizeExponent)');
  if (s.tenantQueries > 0 && s.tenants === undefined)
    issue(["tenantQueries"], `tenantQueries ${s.tenantQueries} needs a tenants section`);
  if (s.crossShard.share + s.tenantQueries > 1)
    issue(
      ["tenantQueries"],
      `crossShard.share ${s.crossShard.share} + tenantQueries ${s.tenantQueries} exceeds 1`,
    );
}

function checkBoundaries(
  boundaries: readonly number[] | undefined,
  keys: number,
  issue: (path: (string | number)[], message: string) => void,
): void {
  if (boundaries === undefined) {
    issue(["boundaries"], "strategy range needs boundaries (ascending keys where shards start)");
    return;
  }
  boundaries.forEach((b, i) => {
    const before = i === 0 ? 0 : (boundaries[i - 1] as number);
    if (b <= before)
      issue(
        ["boundaries", i],
        `boundary ${b} is not above ${before}: ranges must ascend, not overlap or be empty`,
      );
    else if (b >= keys)
      issue(["boundaries", i], `boundary ${b} is past the workload's last key ${keys - 1}`);
  });
}

function checkKeyspace(
  keyranges: readonly string[] | undefined,
  issue: (path: (string | number)[], message: string) => void,
): void {
  if (keyranges === undefined || keyranges.length === 0) {
    issue(["keyranges"], 'strategy keyspace needs keyranges (e.g. ["-80", "80-"])');
    return;
  }
  try {
    checkKeyRanges(keyranges.map(parseKeyRange));
  } catch (error) {
    issue(["keyranges"], `${JSON.stringify(keyranges)}: ${(error as Error).message}`);
  }
}

function shardingTable(s: z.output<typeof ShardingReportSchema>): string[] {
  return [
    `Sharding (${s.strategy} by ${s.key}${s.directory === undefined ? "" : `, directory lookups ${s.directory.lookups}, cache hits ${s.directory.cacheHits}`}): imbalance ${formatFigure(s.imbalance)}, single-shard ${percentText(s.singleShardShare)}, fan-out ${formatFigure(s.meanFanOut)}, scatter p99 ${formatFigure(s.scatterMs.p99)} ms`,
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
