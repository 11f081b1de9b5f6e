// The application's cache (src/models/cache/app-cache.ts) in front of routing:
// its nodes' memory by engine, the placement of keys on nodes (ketama for
// Memcached clients and the reference LRU, Redis Cluster hash slots for Redis),
// its box in the diagram and its report section.
import type * as z from "zod";
import type { EventHandle } from "../../kernel/index.js";
import type { CachedVersion } from "../../models/cache/app-cache.js";
import { AppCache, type AppCacheConfig, type CacheNode } from "../../models/cache/app-cache.js";
import { CachedRows } from "../../models/cache/cached-rows.js";
import { Coalescer } from "../../models/cache/coalescer.js";
import { CommandQueue } from "../../models/cache/command-queue.js";
import type { CacheStore } from "../../models/cache/entry.js";
import { LeaseTable } from "../../models/cache/leases.js";
import { ExactLruStore } from "../../models/cache/lru-store.js";
import { MemcachedStore } from "../../models/cache/memcached-store.js";
import { RedisStore } from "../../models/cache/redis-store.js";
import { TtlPolicy } from "../../models/cache/ttl.js";
import { WriteBehind } from "../../models/cache/write-behind.js";
import type { Operation, Service, VersionOracle } from "../../models/operation.js";
import { KetamaRing, RedisClusterSlots } from "../../placement/index.js";
import { roundFigure } from "../fields.js";
import { alignColumns, percentText } from "../table-text.js";
import { CacheNodeLossEvent, cacheNodeNames, checkNodeLossEvents } from "./cache-node-loss.js";
import { CacheReportSchema, CacheSchema } from "./cache-section.js";
import type { BuildContext, Component, ComponentStats } from "./component.js";

const CacheSection = CacheSchema.optional();
const CacheReportSection = CacheReportSchema.optional();
/** @internal The resolved cache section. */
export type CacheSpec = z.output<typeof CacheSchema>;
type CacheReport = z.output<typeof CacheReportSchema>;

const MB = 1024 * 1024;
/** How often the cache asks for the history to be compacted (the runner's own once-per-second pace). */
const COMPACT_EVERY_MS = 1000;

/**
 * The application's cache: absent unless the scenario has a `cache` section.
 *
 * @remarks Since 0.2.0
 */
export const cache: Component<typeof CacheSection, typeof CacheReportSection> = {
  key: "cache",
  schema: CacheSection,
  report: { key: "cache", schema: CacheReportSection },
  errorKinds: [],
  events: [CacheNodeLossEvent],
  check: checkNodeLossEvents,
  summary: (s) => (s.cache === undefined ? undefined : ["cache", cacheSummary(s.cache)]),
  table: (section) => cacheTable(section),
  compare: [
    {
      header: ["cache", "hits"],
      rank: 75,
      cell: (r) => (r.cache === undefined ? "–" : percentText(r.cache.hitRatio)),
      shown: (reports) => reports.some((r) => r.cache !== undefined),
    },
  ],
  estimate(s, run) {
    const c = s.cache;
    if (c === undefined) return {};
    const perNode =
      "items" in c.capacity ? c.capacity.items * c.valueBytes : c.capacity.megabytes * MB;
    // The hop's two halves per operation (and a command's execution at a node with
    // a queue), the compaction timer, the items up to the capacity.
    const flushes = c.flushInterval === undefined ? 0 : (c.nodes * run.totalMs) / c.flushInterval;
    const queued = c.engine !== "lru" || c.commandTime !== undefined;
    return {
      eventsPerOperation: queued ? 3 : 2,
      periodicEvents: run.totalMs / COMPACT_EVERY_MS + flushes,
      memory: [{ what: "cache entries", bytes: perNode * c.nodes }],
    };
  },
  build(context, downstream) {
    const c = context.scenario.cache;
    if (c === undefined) return { downstream };
    const behind = downstream.front ?? downstream.ways[0]?.service;
    if (behind === undefined || behind === null)
      throw new Error("the cache is built in front of the drivers");
    const model = buildCache(context, c, behind);
    context.graph.after("app", cacheBox(c));
    context.graph.arrow({ from: "app", to: "cache", label: "get / set" });
    return {
      downstream: { ...downstream, front: model },
      holders: [model],
      stats: startCache(context, c, model),
    };
  },
};

/** @internal The cache's box in the diagram. */
export function cacheBox(c: CacheSpec): { id: string; label: string; shape: "database" } {
  return {
    id: "cache",
    label: `${engineName(c)}${c.nodes > 1 ? ` ×${c.nodes}` : ""}<br/>${c.pattern}`,
    shape: "database",
  };
}

/** @internal Schedules the cache's node losses and flushes; returns its stats, whose sampler compacts the history. */
export function startCache(context: BuildContext, c: CacheSpec, model: AppCache): ComponentStats {
  let timer: EventHandle | null = null;
  const names = cacheNodeNames(c.nodes);
  for (const loss of context.events("cache-node-loss")) {
    const index = names.indexOf(loss.node);
    context.sim.at(loss.at, () => model.loseNode(index));
  }
  const queue = model.config.writeBehind;
  if (queue !== undefined) startFlushes(context, queue, c.nodes);
  return {
    reset: () => model.resetStats(),
    // The history is compacted after each sample; a plan without replicas has no other sampler.
    start: (tick) => {
      const sample = (): void => {
        tick();
        timer = context.sim.schedule(COMPACT_EVERY_MS, sample);
      };
      timer = context.sim.schedule(COMPACT_EVERY_MS, sample);
    },
    stop: () => {
      if (timer !== null) context.sim.cancel(timer);
    },
    section: () => cacheReport(model, c),
    // Per window, the misses and the database loads: a node loss shows as a
    // cold cache and the reads it sends to the database at once.
    probes: () => [
      { name: "misses.cache", kind: "count", read: () => model.stats.misses },
      { name: "loads.cache", kind: "count", read: () => model.stats.databaseLoads },
    ],
  };
}

function engineName(c: CacheSpec): string {
  return c.engine === "redis" ? "Redis" : c.engine === "memcached" ? "Memcached" : "LRU cache";
}

/** Key spaces up to this many keys get an array index per node (8 bytes a key); larger ones a Map. */
const ARRAY_INDEX_KEYS = 1 << 22;

/** Node `index`'s memory, releasing the values it drops (or replaces) from `rows`. */
function storeOf(
  context: BuildContext,
  c: CacheSpec,
  index: number,
  rows: CachedRows,
): CacheStore<CachedVersion> {
  const keys = context.scenario.workload.keys.count;
  const keySpace = keys <= ARRAY_INDEX_KEYS ? keys : undefined;
  const release = (value: CachedVersion, key: number): void => rows.release(value, key);
  if ("items" in c.capacity) return new ExactLruStore(c.capacity.items, "items", keySpace, release);
  const bytes = c.capacity.megabytes * MB;
  if (c.engine === "lru") return new ExactLruStore(bytes, "bytes", keySpace, release);
  if (c.engine === "memcached") return new MemcachedStore({ maxbytes: bytes }, keySpace, release);
  const rng = context.sim.rng(`cache.${index}.evict`);
  return new RedisStore(
    {
      maxmemoryBytes: bytes,
      maxmemoryPolicy: c.maxmemoryPolicy ?? "allkeys-lru",
      ...(c.maxmemorySamples === undefined ? {} : { maxmemorySamples: c.maxmemorySamples }),
    },
    () => rng.next(),
    keySpace,
    release,
  );
}

/** The node of each key, computed once per key: placement hashes (MD5, CRC16) stay off the hot path. */
function placement(c: CacheSpec, keys: number): (key: number) => number {
  if (c.nodes === 1) return () => 0;
  const place =
    c.engine === "redis"
      ? (
          (slots) => (key: number) =>
            slots.node(key)
        )(new RedisClusterSlots(c.nodes))
      : (
          (ring) => (key: number) =>
            ring.node(key)
        )(
          new KetamaRing(
            Array.from({ length: c.nodes }, (_, i) => ({ label: `cache-${i}:11211` })),
          ),
        );
  const known = new Int16Array(keys).fill(-1);
  return (key) => {
    let node = known[key] as number;
    if (node < 0) {
      node = place(key);
      known[key] = node;
    }
    return node;
  };
}

/**
 * @internal The clusters behind a cache in front of a sharded plan: how many,
 * the cluster of a key, and the operations that must bypass the cache.
 */
export interface CacheClusters {
  readonly count: number;
  readonly clusterOf: (key: number) => number;
  readonly bypass: (op: Operation) => boolean;
}

/** @internal The cache model in front of `behind`: one cluster, or the shards `across`. */
export function buildCache(
  context: BuildContext,
  c: CacheSpec,
  behind: Service,
  across?: CacheClusters,
): AppCache {
  const names = cacheNodeNames(c.nodes);
  const keys = context.scenario.workload.keys.count;
  const rows = new CachedRows(keys <= ARRAY_INDEX_KEYS ? keys : undefined);
  const nodes: CacheNode[] = names.map((name, i) => ({
    name,
    store: storeOf(context, c, i, rows),
    leases: c.leases ? new LeaseTable(c.leaseHold) : null,
    coalescer: c.coalescing ? new Coalescer<Operation>() : null,
    ...commandQueue(context, c, i),
  }));
  const hop = context.compile(c.hop);
  const memory = context.compile(c.memoryRead);
  const { versions } = context;
  const writeBehind =
    c.pattern === "write-behind"
      ? new WriteBehind(
          context.sim,
          {
            flushIntervalMs: c.flushInterval as number,
            flushBatch: c.flushBatch ?? Number.POSITIVE_INFINITY,
          },
          c.nodes,
          behind,
        )
      : undefined;
  return new AppCache(
    context.sim,
    {
      pattern: c.pattern,
      invalidation: c.invalidation,
      nodes,
      nodeOf: placement(c, context.scenario.workload.keys.count),
      ttl: new TtlPolicy({
        ttlMs: c.ttl ?? Number.POSITIVE_INFINITY,
        jitter: c.ttlJitter,
        renewOnRead: c.renewOnRead,
      }),
      valueBytes: c.valueBytes,
      hopMs: (rng) => hop(rng) + memory(rng),
      leaseRetryMs: c.leaseRetry,
      earlyRefreshBeta: c.earlyRefresh ?? null,
      rows,
      ...(keys <= ARRAY_INDEX_KEYS ? { keySpace: keys } : {}),
      ...versionsOf(versions, across),
      ...(writeBehind === undefined ? {} : { writeBehind }),
    },
    behind,
    context.sim.rng("cache"),
  );
}

/** Each key's versions from the cluster that owns it (cluster 0 without shards). */
function versionsOf(
  versions: VersionOracle,
  across: CacheClusters | undefined,
): Pick<AppCacheConfig, "newestAcked" | "newestCommitted" | "clusterOf" | "clusters" | "bypass"> {
  if (across === undefined)
    return {
      newestAcked: (key) => versions.newestAckedVersion(0, key),
      newestCommitted: (key) => versions.newestCommittedVersion(0, key),
    };
  const { clusterOf } = across;
  return {
    newestAcked: (key) => versions.newestAckedVersion(clusterOf(key), key),
    newestCommitted: (key) => versions.newestCommittedVersion(clusterOf(key), key),
    clusterOf,
    clusters: across.count,
    bypass: across.bypass,
  };
}

/**
 * Redis runs commands on one thread (server.c's event loop; io-threads only do
 * socket reads and writes), Memcached on `-t` worker threads (memcached.c
 * settings_init: num_threads = 4). A command's default time, exponential with
 * mean 10 µs, is 100,000 commands per second per thread: the order of
 * redis-benchmark's GET and SET rates on one core without pipelining (Redis's
 * benchmarks page: about 81,000 GETs and 110,000 SETs per second, 50 clients).
 */
const DEFAULT_COMMAND_TIME = { kind: "exponential", mean: 0.01 } as const;
const DEFAULT_THREADS = { redis: 1, memcached: 4, lru: 1 } as const;

function commandQueue(
  context: BuildContext,
  c: CacheSpec,
  index: number,
): { commands?: CommandQueue } {
  const spec = c.commandTime ?? (c.engine === "lru" ? undefined : DEFAULT_COMMAND_TIME);
  if (spec === undefined) return {};
  const draw = context.compile(spec);
  const rng = context.sim.rng(`cache.${index}.commands`);
  const threads = c.threads ?? DEFAULT_THREADS[c.engine];
  return { commands: new CommandQueue(context.sim, threads, () => draw(rng)) };
}

function queueFigures(queue: CommandQueue | undefined): Partial<CacheReport["nodes"][number]> {
  if (queue === undefined) return {};
  const q = queue.stats();
  return {
    commands: q.commands,
    utilisation: roundFigure(q.utilisation),
    queueWaitMeanMs: roundFigure(q.waitMeanMs),
    queueWaitMaxMs: roundFigure(q.waitMaxMs),
  };
}

function cacheReport(model: AppCache, c: CacheSpec): CacheReport {
  const s = model.stats;
  const lookups = s.hits + s.misses;
  let evictions = 0;
  let expirations = 0;
  const nodes = model.nodes.map((node, i) => {
    evictions += node.store.evictions;
    expirations += node.store.expirations;
    const counted = node.store instanceof ExactLruStore && node.store.unit === "items";
    return {
      name: node.name,
      hits: model.nodeStats[i]?.hits ?? 0,
      misses: model.nodeStats[i]?.misses ?? 0,
      items: node.store.items,
      memoryBytes: counted ? node.store.items * c.valueBytes : node.store.usedBytes,
      ...queueFigures(node.commands),
    };
  });
  return {
    pattern: c.pattern,
    engine: c.engine,
    hits: s.hits,
    misses: s.misses,
    hitRatio: lookups === 0 ? 0 : roundFigure(s.hits / lookups),
    staleReads: s.staleReads,
    evictions,
    expirations,
    sets: s.sets,
    rejectedSets: s.rejectedSets,
    failedSets: s.oomSets + s.tooLargeSets,
    databaseLoads: s.databaseLoads,
    loadsAtOnceMax: s.loadsAtOnceMax,
    leaseWaits: s.leaseWaits,
    coalesced: s.coalesced,
    earlyRefreshes: s.earlyRefreshes,
    entriesLost: s.entriesLost,
    ...writeBehindFigures(model),
    nodes,
  };
}

/** Each node flushes at every multiple of the interval, for the whole run. */
function startFlushes(context: BuildContext, queue: WriteBehind, nodes: number): void {
  const every = queue.config.flushIntervalMs;
  const flush = (): void => {
    for (let i = 0; i < nodes; i++) queue.flush(i);
    context.sim.schedule(every, flush);
  };
  context.sim.schedule(every, flush);
}

function writeBehindFigures(model: AppCache): Partial<CacheReport> {
  const queue = model.config.writeBehind;
  if (queue === undefined) return {};
  const w = queue.stats;
  return {
    flushes: w.flushes,
    flushedWrites: w.flushedWrites,
    unflushedMax: w.unflushedMax,
    writesLost: w.writesLost,
    flushRetries: w.flushRetries,
    staleLoads: model.stats.staleLoads,
  };
}

function cacheSummary(c: CacheSpec): string {
  const size = "items" in c.capacity ? `${c.capacity.items} items` : `${c.capacity.megabytes} MB`;
  const ttl = c.ttl === undefined ? "no TTL" : `TTL ${c.ttl} ms`;
  const flush =
    c.pattern === "write-behind"
      ? `, flush every ${c.flushInterval} ms${c.flushBatch === undefined ? "" : ` (≤ ${c.flushBatch} writes)`}`
      : "";
  return `${c.pattern} on ${engineName(c)} ×${c.nodes}, ${size} per node, ${ttl}, invalidation ${c.invalidation}${flush}`;
}

function cacheTable(r: CacheReport): string[] {
  return [
    `cache (${r.pattern}, ${r.engine})`,
    ...alignColumns([
      ["  hit ratio", percentText(r.hitRatio), `${r.hits} hits, ${r.misses} misses`],
      ["  stale reads", String(r.staleReads), ""],
      ["  database loads", String(r.databaseLoads), `most at once on one key: ${r.loadsAtOnceMax}`],
      ["  evictions", String(r.evictions), `expirations ${r.expirations}`],
      ["  sets", String(r.sets), `rejected ${r.rejectedSets}, failed ${r.failedSets}`],
      ...busiestNodeRow(r),
      ...(r.writesLost === undefined
        ? []
        : [
            [
              "  writes lost",
              String(r.writesLost),
              `unflushed at most ${r.unflushedMax}, ${r.flushedWrites} flushed in ${r.flushes} flushes`,
            ],
          ]),
    ]),
  ];
}

/** The node whose threads were busiest: the one that saturates first. */
function busiestNodeRow(r: CacheReport): string[][] {
  let busiest: CacheReport["nodes"][number] | undefined;
  for (const node of r.nodes)
    if (node.utilisation !== undefined && (busiest?.utilisation ?? -1) < node.utilisation)
      busiest = node;
  if (busiest === undefined) return [];
  return [
    [
      "  busiest node",
      percentText(busiest.utilisation ?? 0),
      `${busiest.name}: command wait mean ${Number((busiest.queueWaitMeanMs ?? 0).toPrecision(3))} ms, max ${Number((busiest.queueWaitMaxMs ?? 0).toPrecision(3))} ms`,
    ],
  ];
}
