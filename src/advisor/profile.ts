// The workload profile and the plan: what the application asks of its database
// (rates, data, popularity, clients, SLOs, budget) and which scaling components
// answer it. Both are strict zod schemas like the scenario's: unknown keys are
// errors, defaults are filled in, and `profileJsonSchema` exports them for editors.
import * as z from "zod";
import { nodeSizeNames } from "../models/server/node-sizes.js";
import { DistributionSpecSchema, DurationSchema, positiveInt, share } from "../scenario/fields.js";
import { FailureModelSchema } from "./availability.js";

const SIZES = nodeSizeNames() as [string, ...string[]];

/**
 * A scaling plan: which components serve the profile. Absent fields mean the
 * component is absent (one primary of `size`, the application's own pool).
 *
 * @remarks Since 0.2.0
 */
export const PlanSchema = z.strictObject({
  size: z
    .enum(SIZES)
    .default("db.r6g.large")
    .describe("Node size preset (Amazon RDS class) of every database node: scale up here"),
  replicas: z
    .strictObject({
      count: positiveInt().max(15).describe("Read replicas (Amazon RDS allows 15 per source)"),
      mode: z.enum(["async", "semi-sync", "sync"]).default("async"),
    })
    .optional()
    .describe("Read replicas taking the reads, routed by the application"),
  pool: z
    .strictObject({
      mode: z.enum(["session", "transaction", "statement"]).default("transaction"),
      size: positiveInt().max(10_000).default(20).describe("pgbouncer default_pool_size"),
    })
    .optional()
    .describe("pgbouncer in front of every node"),
  cache: z
    .strictObject({
      pattern: z
        .enum(["cache-aside", "read-through", "write-through", "write-behind"])
        .default("cache-aside"),
      ttl: DurationSchema.default(300_000).describe("Time to live of an entry"),
      megabytes: z.number().positive().default(1024).describe("Redis maxmemory per node (MB)"),
      flushInterval: DurationSchema.default(1_000).describe(
        "write-behind: how long a write may wait in the cache before it is flushed",
      ),
    })
    .optional()
    .describe("An application cache on Redis in front of the database"),
  cqrs: z
    .strictObject({
      serves: share()
        .default(0.5)
        .describe("Share of all reads that are queries to the read model"),
    })
    .optional()
    .describe(
      "A CQRS read model: a projection of the primary's log serving a share of the reads (not with shards)",
    ),
  shards: z
    .strictObject({
      count: z.number().int().min(2).max(64),
      strategy: z.enum(["hash-mod", "consistent-hash", "jump", "rendezvous"]).default("hash-mod"),
    })
    .optional()
    .describe("Shards, each a cluster of this plan's nodes, placed by key"),
});

/**
 * The SLOs a plan is scored against. Shares are fractions of operations.
 *
 * @remarks Since 0.2.0
 */
export const SloSchema = z.strictObject({
  readP99Ms: z.number().positive().describe("Reads' 99th percentile latency, ms"),
  writeP99Ms: z.number().positive().describe("Writes' 99th percentile latency, ms"),
  errorBudget: share()
    .default(0.001)
    .describe("Share of offered operations that may fail or stay unanswered"),
  staleReadBudget: share()
    .default(1)
    .describe("Share of reads that may return an older version than the newest acknowledged write"),
  lostWrites: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe(
      "Acknowledged writes one primary failure may lose (the RPO counted in writes), scored on the same crash runs",
    ),
  availability: share()
    .optional()
    .describe(
      "Target availability (share of time writes are served), scored by simulating a primary crash (see `failures`)",
    ),
});

const PopularitySchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("uniform") }),
  z.strictObject({ kind: z.literal("zipf"), s: z.number().positive().default(0.99) }),
  z.strictObject({
    kind: z.literal("hotspot"),
    keyShare: share().default(0.2),
    opShare: share().default(0.8),
  }),
]);

/**
 * A workload profile: what the application does and what it needs.
 *
 * @remarks Since 0.2.0
 */
export const ProfileSchema = z.strictObject({
  $schema: z.string().optional().describe("Path to the JSON Schema, for editors"),
  name: z.string().default("profile"),
  description: z.string().optional(),
  seed: z.number().int().nonnegative().default(1).describe("Master seed of every run"),
  workload: z.strictObject({
    rate: z.number().positive().max(10_000_000).describe("Operations per second (Poisson)"),
    readShare: share().default(0.9),
    transactions: z
      .strictObject({ share: share(), statements: z.number().int().min(2).max(100).default(3) })
      .optional()
      .describe("Share of operations that are multi-statement transactions"),
    readCpuMs: DistributionSpecSchema.optional().describe(
      "Server CPU of a read statement (default: the database's, 0.05–0.15 ms)",
    ),
    writeCpuMs: DistributionSpecSchema.optional().describe("Server CPU of a write statement"),
    sessions: positiveInt().max(10_000_000).default(1000).describe("Users"),
  }),
  data: z.strictObject({
    keys: positiveInt().max(100_000_000).describe("Rows today"),
    rowBytes: positiveInt().max(1_000_000).default(128),
    growthPerMonth: z.number().min(0).max(10).default(0).describe("Monthly growth of the rows"),
    horizonMonths: z.number().int().min(0).max(120).default(12).describe("Plan for this far ahead"),
    popularity: PopularitySchema.prefault({ kind: "zipf" }),
  }),
  clients: z
    .strictObject({
      connections: z.enum(["persistent", "per-request"]).default("persistent"),
      instances: positiveInt().max(100_000).default(4),
      poolSize: positiveInt()
        .max(10_000)
        .default(5)
        .describe("Persistent connections per instance"),
    })
    .prefault({}),
  engine: z.enum(["postgresql", "mysql"]).default("postgresql"),
  maxConnections: positiveInt().max(1_000_000).default(100).describe("max_connections per node"),
  slo: SloSchema,
  budgetPerHour: z.number().positive().optional().describe("Dollars per hour the plan may cost"),
  prices: z
    .record(z.string(), z.number().nonnegative())
    .optional()
    .describe("Dollars per hour by node size preset, from your provider's price list"),
  plan: PlanSchema.prefault({}).describe("The plan to score (and to start a search from)"),
  failures: FailureModelSchema.prefault({}).describe(
    "How often the primary fails and how it recovers: the fault model of the availability SLO",
  ),
  simulation: z
    .strictObject({
      duration: DurationSchema.default(10_000),
      warmup: DurationSchema.default(2_000),
      seeds: z.number().int().min(3).max(30).default(3).describe("Replications (≥ 3)"),
    })
    .prefault({}),
});

/**
 * A resolved profile (defaults filled in).
 *
 * @remarks Since 0.2.0
 */
export type Profile = z.infer<typeof ProfileSchema>;

/**
 * A profile as written (defaults optional).
 *
 * @remarks Since 0.2.0
 */
export type ProfileInput = z.input<typeof ProfileSchema>;

/**
 * A resolved plan.
 *
 * @remarks Since 0.2.0
 */
export type Plan = z.infer<typeof PlanSchema>;

/**
 * A plan as written.
 *
 * @remarks Since 0.2.0
 */
export type PlanInput = z.input<typeof PlanSchema>;

/**
 * The JSON Schema (draft 2020-12) of a profile file, as written.
 *
 * @remarks Since 0.2.0
 */
export function profileJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ProfileSchema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
}
