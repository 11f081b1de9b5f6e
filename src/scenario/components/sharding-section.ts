// The `sharding` section and report schemas, the layout each strategy gives the
// shard map, and the section's cross-section checks (src/scenario/components/sharding.ts
// builds the component from them).
import * as z from "zod";
import type { Service } from "../../models/operation.js";
import type { ShardStrategy } from "../../models/sharding/shard-map.js";
import { checkKeyRanges, parseKeyRange } from "../../placement/index.js";
import {
  DistributionSpecSchema,
  DurationSchema,
  nonNegative,
  positiveInt,
  share,
} from "../fields.js";
import type { Scenario } from "../schema.js";
import type { ComponentStats, ParsedScenario } from "./component.js";
import { PoolingReportSchema } from "./pool.js";
import { ProxyReportSchema } from "./proxy-section.js";
import { ReplicationReportSchema } from "./replication.js";
import { shardsAfter } from "./reshard-event.js";
import { RoutingReportSchema } from "./routing.js";

/** A section of one shard's override: a JSON merge patch, checked once merged. */
const SectionPatch = z
  .record(z.string(), z.unknown())
  .optional()
  .describe("Merged into the top-level section (null removes a field) for this shard");

/**
 * One shard's own sections: each a JSON merge patch (RFC 7396) over the
 * scenario's resolved top-level section, for that shard only.
 *
 * @remarks Since 0.2.0
 */
export const ShardOverrideSchema = z
  .strictObject({
    shard: z.number().int().nonnegative().describe("The shard's index (s0 is 0)"),
    database: SectionPatch,
    replication: SectionPatch,
    pool: SectionPatch,
    client: SectionPatch,
    routing: SectionPatch,
  })
  .describe("One shard's sections, patched over the top-level ones");

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
    overrides: z
      .array(ShardOverrideSchema)
      .optional()
      .describe(
        "Per-shard sections: each a JSON merge patch over the top-level section, for one shard",
      ),
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
  pool: PoolingReportSchema.optional().describe("Its pools, as an unsharded report's `pool`"),
  replication: ReplicationReportSchema.optional().describe(
    "Its replicas' lag, as an unsharded report's `replication`",
  ),
  routing: RoutingReportSchema.optional().describe(
    "Its router, as an unsharded report's `routing`",
  ),
  proxy: ProxyReportSchema.optional().describe("Its ProxySQL, as an unsharded report's `proxy`"),
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
      toShards: z
        .number()
        .int()
        .positive()
        .describe("Shards built after it (a keyspace split's source shard among them, retired)"),
      startedMs: num().describe("When the copy began (ms from the start of the run)"),
      finishedMs: num()
        .nullable()
        .describe("When the last batch was cut over (ms); null when the run ended first"),
      keysToMove: z.number().int().nonnegative().describe("Keys whose shard the strategy changes"),
      keysMoved: z.number().int().nonnegative().describe("Keys cut over to their new shard"),
      bytesMoved: z.number().int().nonnegative(),
      caughtUpChanges: z
        .number()
        .int()
        .nonnegative()
        .describe(
          "Writes made after their row was copied, carried to the target by the catch-up stream and applied there",
        ),
      writePauseMaxMs: num().describe(
        "The longest a cut-over held writes: until the target had applied every change to its keys, then the cut-over (ms)",
      ),
      catchUpLagMaxMs: num().describe(
        "The most age of a change not yet applied on its target when a cut-over stopped writes (ms)",
      ),
      misroutes: z
        .number()
        .int()
        .nonnegative()
        .optional()
        .describe(
          "directory: operations a stale cached answer sent to the shard a moved key left, refused there and looked up again",
        ),
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

/** @internal The resolved `sharding` section. */
export type ShardingSpec = z.output<typeof ShardingSchema>;

/** @internal The number of shards of a scenario's layout, or null when it is not sharded. */
export function shardCount(scenario: {
  readonly sharding?: ShardingSpec | undefined;
}): number | null {
  const s = scenario.sharding;
  if (s === undefined) return null;
  return placementOf(s).shards;
}

/** @internal The layout as the shard map takes it, and its shard count. */
export function placementOf(s: ShardingSpec): { strategy: ShardStrategy; shards: number } {
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
 * count a `reshard` grows to (those shards idle until keys move to them; a
 * keyspace's split shard idles after).
 */
export function clusterCount(scenario: Pick<Scenario, "sharding" | "timeline">): number | null {
  const n = shardCount(scenario);
  if (n === null) return null;
  const grown = (scenario.timeline ?? []).flatMap((e) =>
    e.kind === "reshard" ? [shardsAfter(n, e)] : [],
  );
  return Math.max(n, ...grown);
}

/** @internal One shard as the composition root hands it to the router. */
export interface ShardCluster {
  /** Its front service (its routing, or its primary's driver). */
  readonly front: Service;
  /** Its section of the measured figures, for its row. */
  readonly stats: ReadonlyMap<string, ComponentStats>;
  /** Runs background work on its primary (a resharding's copy). */
  readonly work: (ms: number, done: () => void) => void;
  /** The version of `key` its primary holds now (what a resharding's copy reads). */
  readonly version: (key: number) => number;
  /** Commits `key` at `version` on its primary: a row a resharding copied in. */
  readonly carry: (key: number, version: number) => void;
  /** `version` of `key` counts as acknowledged here: the key switched in, its writes acknowledged on its old shard. */
  readonly acknowledgeCarried: (key: number, version: number) => void;
}

/** @internal Cross-section checks: the layout's fields for its strategy, tenants against the keys. */
export function checkSharding(scenario: ParsedScenario, ctx: z.RefinementCtx): void {
  const s = scenario.sharding;
  if (s === undefined) return;
  const keys = scenario.workload.keys.count;
  const issue = (path: (string | number)[], message: string, input?: unknown): void => {
    ctx.addIssue({
      code: "custom",
      path: ["sharding", ...path],
      message,
      ...(input === undefined ? {} : { input }),
    });
  };
  // The one cache in front of the shards judges a key against the shard that owns
  // it; a resharding moves keys between shards mid-run, which it does not follow.
  if (scenario.cache !== undefined && (scenario.timeline ?? []).some((e) => e.kind === "reshard"))
    issue(
      [],
      "a cache in front of a sharded plan that reshards is not supported yet (the cache judges a key by the shard that owned it at the start); remove the cache section or the reshard event",
    );
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
  checkOverrideShards(s.overrides ?? [], clusterCount(scenario) ?? 0, issue);
}

/** Each override names a shard that is built, once. */
function checkOverrideShards(
  overrides: readonly { readonly shard: number }[],
  built: number,
  issue: (path: (string | number)[], message: string, input?: unknown) => void,
): void {
  const seen = new Set<number>();
  overrides.forEach((o, i) => {
    if (o.shard >= built)
      issue(
        ["overrides", i, "shard"],
        `shard ${o.shard} is not built: expected 0 … ${built - 1} (the plan has ${built} shards)`,
        o.shard,
      );
    if (seen.has(o.shard))
      issue(
        ["overrides", i, "shard"],
        `shard ${o.shard} is overridden twice: merge the two`,
        o.shard,
      );
    seen.add(o.shard);
  });
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
