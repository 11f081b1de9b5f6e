// The `cache` section's schemas (scenario and report) and its cross-section
// checks; cache.ts builds it.
import * as z from "zod";
import { instanceField, pricesField } from "../cost-fields.js";
import { DistributionSpecSchema, DurationSchema, positiveInt } from "../fields.js";

const REDIS_POLICIES = [
  "noeviction",
  "allkeys-lru",
  "allkeys-lfu",
  "allkeys-random",
  "volatile-lru",
  "volatile-lfu",
  "volatile-random",
  "volatile-ttl",
] as const;

/**
 * The `cache` section: the application's cache in front of routing.
 *
 * @remarks Since 0.2.0
 */
export const CacheSchema = z
  .strictObject({
    pattern: z
      .enum(["cache-aside", "read-through", "write-through", "write-behind"])
      .default("cache-aside")
      .describe(
        "cache-aside: the application reads the cache, loads a miss from the database and sets it; read-through: the cache loads a miss itself; write-through: a write updates the database, then the cache, before the ack; write-behind: a write is acknowledged once the cache holds it and reaches the database at a later flush (lost if its node is lost first), misses load as read-through",
      ),
    engine: z
      .enum(["redis", "memcached", "lru"])
      .default("redis")
      .describe(
        "redis: maxmemory with maxmemory-policy, keys on Redis Cluster hash slots; memcached: slab classes with per-class LRU, keys on a ketama ring; lru: exact LRU (a reference), keys on a ketama ring",
      ),
    nodes: positiveInt().max(1024).default(1).describe("Cache nodes (each with this capacity)"),
    capacity: z
      .union([
        z.strictObject({ items: positiveInt().describe("Items per node") }),
        z.strictObject({ megabytes: z.number().positive().describe("Memory per node (MB)") }),
      ])
      .describe("Per node: items (lru only) or megabytes (Redis maxmemory, Memcached -m)"),
    valueBytes: positiveInt().default(1024).describe("Bytes of a cached value"),
    ttl: DurationSchema.optional().describe("Time to live of an entry (absent: none)"),
    ttlJitter: z
      .number()
      .min(0)
      .lt(1)
      .default(0)
      .describe("Each TTL drawn uniformly from ttl × (1 ± ttlJitter)"),
    renewOnRead: z.boolean().default(false).describe("A hit restarts the entry's TTL"),
    invalidation: z
      .enum(["delete", "update", "none"])
      .default("delete")
      .describe(
        "What a write does to the key once the database acknowledged it (write-through: update)",
      ),
    maxmemoryPolicy: z
      .enum(REDIS_POLICIES)
      .optional()
      .describe("redis: maxmemory-policy (allkeys-lru)"),
    maxmemorySamples: positiveInt().max(64).optional().describe("redis: maxmemory-samples (5)"),
    leases: z.boolean().default(false).describe("Memcache leases (Nishtala et al., NSDI 2013)"),
    leaseHold: DurationSchema.default(10_000).describe("One lease token per key per this long"),
    leaseRetry: DurationSchema.default(10).describe(
      "A miss told to wait asks again after this long",
    ),
    coalescing: z
      .boolean()
      .default(false)
      .describe("One database load per key at a time; other misses wait for it"),
    earlyRefresh: z
      .number()
      .min(0)
      .max(100)
      .optional()
      .describe(
        "XFetch's β (Vattani et al., VLDB 2015): a hit reloads the key early when now − δ·β·ln(rand) ≥ expiry, δ its last load time; absent: never",
      ),
    flushInterval: DurationSchema.optional().describe(
      "write-behind (required there): each node hands its waiting writes to the database this often",
    ),
    flushBatch: positiveInt()
      .optional()
      .describe(
        "write-behind: the most writes a node hands to the database per flush (absent: all)",
      ),
    hop: DistributionSpecSchema.default("sameDatacenterRoundTrip").describe(
      "Round trip from the application to a cache node (ms)",
    ),
    memoryRead: DistributionSpecSchema.default("ramRead").describe(
      "The cache node's memory read (ms)",
    ),
    threads: positiveInt()
      .max(1024)
      .optional()
      .describe(
        "Threads executing a node's commands: redis 1 (io-threads only move socket reads and writes off the main thread), memcached -t (4), lru 1",
      ),
    commandTime: DistributionSpecSchema.optional().describe(
      "One command's (GET, SET, DEL) execution time at a node (ms): redis and memcached exponential with mean 0.01 (about 100,000 commands per second per thread, redis-benchmark's order without pipelining); lru: absent, no queue",
    ),
    nodeType: instanceField("The ElastiCache node type of each cache node", "cache.r6g.large"),
    prices: pricesField("ElastiCache node type"),
  })
  .superRefine((c, ctx) => {
    const issue = (path: string, message: string, input: unknown): void => {
      ctx.addIssue({ code: "custom", path: [path], message, input });
    };
    if (c.engine !== "redis" && c.maxmemoryPolicy !== undefined) {
      issue(
        "maxmemoryPolicy",
        `expected no maxmemoryPolicy: engine ${c.engine} has none (redis only)`,
        c.maxmemoryPolicy,
      );
    }
    if (c.engine !== "redis" && c.maxmemorySamples !== undefined) {
      issue(
        "maxmemorySamples",
        `expected no maxmemorySamples: engine ${c.engine} has none (redis only)`,
        c.maxmemorySamples,
      );
    }
    if (c.engine !== "lru" && "items" in c.capacity) {
      issue(
        "capacity",
        `expected { megabytes }: engine ${c.engine} sizes its memory in bytes`,
        c.capacity,
      );
    }
    checkWriteBehind(c, issue);
    if (c.engine === "redis" && c.threads !== undefined && c.threads !== 1)
      issue(
        "threads",
        "expected 1 with engine redis: Redis executes commands on its main thread (io-threads only read sockets and write replies); add nodes instead",
        c.threads,
      );
    if (c.ttl !== undefined && !(c.ttl > 0))
      issue("ttl", "expected a duration > 0 (leave ttl out for none)", c.ttl);
  })
  .describe("The application's cache, in front of routing");

/** Write-behind's settings belong to it alone, and its flush interval has no default. */
function checkWriteBehind(
  c: { pattern: string; flushInterval?: number | undefined; flushBatch?: number | undefined },
  issue: (path: string, message: string, input: unknown) => void,
): void {
  if (c.pattern !== "write-behind") {
    for (const field of ["flushInterval", "flushBatch"] as const) {
      if (c[field] !== undefined)
        issue(
          field,
          `expected no ${field}: pattern ${c.pattern} writes the database before the ack (write-behind only)`,
          c[field],
        );
    }
    return;
  }
  // How long an acknowledged write may wait (and be lost with its node) is the
  // application's trade, not the cache's: Redis and Memcached have no write-behind
  // of their own, and Hazelcast's write-delay-seconds is a per-map choice.
  if (c.flushInterval === undefined)
    issue(
      "flushInterval",
      "expected a duration > 0 with pattern write-behind: how long a write may wait in the cache has no default",
      c.flushInterval,
    );
  else if (!(c.flushInterval > 0))
    issue(
      "flushInterval",
      "expected a duration > 0 (writes would never wait to be flushed)",
      c.flushInterval,
    );
}

const count = () => z.number().int().nonnegative();

/**
 * The cache figures.
 *
 * @remarks Since 0.2.0
 */
export const CacheReportSchema = z.strictObject({
  pattern: z.string(),
  engine: z.string(),
  hits: count(),
  misses: count(),
  hitRatio: z.number().describe("hits / (hits + misses); 0 with no lookups"),
  staleReads: count().describe(
    "Hits that returned an older version than the newest acknowledged write",
  ),
  evictions: count(),
  expirations: count().describe("Entries found expired and removed"),
  sets: count(),
  rejectedSets: count().describe("Sets refused for a lease token a delete had invalidated"),
  failedSets: count().describe(
    "Sets refused for memory: Redis OOM (noeviction) or too large an item",
  ),
  databaseLoads: count().describe("Database reads caused by misses"),
  loadsAtOnceMax: count().describe("The most loads of one key in flight at once"),
  leaseWaits: count(),
  coalesced: count().describe("Misses that waited for another's load"),
  earlyRefreshes: count().describe("Hits that reloaded the key before its expiry (XFetch)"),
  entriesLost: count().describe("Entries lost with a cache node (cache-node-loss on the timeline)"),
  flushes: count().optional().describe("write-behind: flushes that handed writes to the database"),
  flushedWrites: count()
    .optional()
    .describe("write-behind: writes handed to the database by flushes"),
  unflushedMax: count()
    .optional()
    .describe(
      "write-behind: the most acknowledged writes not yet committed at the database at once",
    ),
  writesLost: count()
    .optional()
    .describe(
      "write-behind: acknowledged writes lost with their cache node before the database committed them",
    ),
  flushRetries: count()
    .optional()
    .describe("write-behind: flush writes the database failed, retried"),
  staleLoads: count()
    .optional()
    .describe(
      "write-behind: misses whose database read returned an older version than the newest acknowledged write",
    ),
  nodes: z.array(
    z.strictObject({
      name: z.string(),
      hits: count(),
      misses: count(),
      items: count(),
      memoryBytes: count().describe("Memory the items take as the engine counts it"),
      commands: count()
        .optional()
        .describe("Commands the node executed (absent: no command queue)"),
      utilisation: z
        .number()
        .optional()
        .describe("Busy thread-time over threads × measured time (absent: no command queue)"),
      queueWaitMeanMs: z
        .number()
        .optional()
        .describe("Mean wait of a command for one of the node's threads (ms)"),
      queueWaitMaxMs: z
        .number()
        .optional()
        .describe("Longest wait of a command for one of the node's threads (ms)"),
    }),
  ),
});
