// The scenario: plain JSON, validated by one strict zod schema. Unknown keys are
// errors (typos are caught); every field is described (the descriptions become
// the JSON Schema that editors use for completion); defaults are filled in, so
// the resolved scenario shows every value the run used.
import * as z from "zod";
import { DistributionSpecSchema, LatencyOverridesSchema } from "../latency/index.js";

// zod 4 numbers already reject NaN and ±Infinity.
const nonNegative = () => z.number().nonnegative();
const positiveInt = () => z.number().int().positive();
const share = () => z.number().min(0).max(1);

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/**
 * A duration: a number of milliseconds, or a string with a unit
 * (`"500ms"`, `"30s"`, `"2m"`, `"1h"`).
 *
 * @remarks Since 0.1.0
 */
export const DurationSchema = z
  .union([
    nonNegative(),
    z.string().regex(/^\s*\d+(\.\d+)?\s*(ms|s|m|h)\s*$/, {
      message: 'expected a duration such as 500, "500ms", "30s", "2m" or "1h"',
    }),
  ])
  .transform((v) => {
    if (typeof v === "number") return v;
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(v) as RegExpExecArray;
    return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  })
  .describe('Milliseconds, or a string with a unit: "500ms", "30s", "2m", "1h"');

const RateSchema = z
  .union([
    nonNegative().describe("A constant rate in operations per second"),
    z.strictObject({
      steps: z
        .array(
          z.strictObject({
            at: DurationSchema.describe("When this step starts"),
            rate: nonNegative().describe("Operations per second from then on"),
          }),
        )
        .min(1)
        .describe(
          "Piecewise-constant rate; the first step should start at 0 (before it the rate is 0)",
        ),
    }),
    z.strictObject({
      ramp: z.strictObject({
        from: nonNegative().describe("Rate at time 0 (operations per second)"),
        to: nonNegative().describe("Rate at the end of the ramp (operations per second)"),
        over: DurationSchema.describe("How long the ramp takes; the rate stays at `to` after it"),
      }),
    }),
  ])
  .describe(
    "Open arrivals: Poisson at this rate (operations per second), constant, in steps, or a ramp",
  );

const PopularitySchema = z
  .discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("uniform") }),
    z.strictObject({
      kind: z.literal("zipf"),
      s: z.number().positive().default(0.99).describe("Zipf exponent (YCSB uses 0.99)"),
    }),
    z.strictObject({
      kind: z.literal("hotspot"),
      keyShare: share().default(0.2).describe("Share of the keys that are hot"),
      opShare: share().default(0.8).describe("Share of the operations that go to the hot keys"),
    }),
    z.strictObject({
      kind: z.literal("recency"),
      s: z
        .number()
        .positive()
        .default(0.99)
        .describe("Zipf exponent over distance from the newest key"),
    }),
  ])
  .describe(
    "Which keys are popular: uniform, zipf, hotspot, or recency (newest keys hottest; writes insert)",
  );

/**
 * The `workload` section.
 *
 * @remarks Since 0.1.0
 */
export const WorkloadSchema = z
  .strictObject({
    rate: RateSchema.optional(),
    clients: positiveInt()
      .optional()
      .describe(
        "Closed loop: this many clients, each issuing its next operation after the previous one and a think time",
      ),
    thinkTime: DistributionSpecSchema.default(0).describe(
      "Closed loop: think time between operations (ms)",
    ),
    readRatio: share().default(0.9).describe("Share of operations that are reads"),
    transactions: z
      .strictObject({
        share: share()
          .default(0)
          .describe("Share of operations that are multi-statement transactions"),
        statements: DistributionSpecSchema.default(3).describe(
          "Statements per transaction (a draw, rounded, at least 2)",
        ),
      })
      .prefault({})
      .describe("Multi-statement transactions"),
    keys: z
      .strictObject({
        count: positiveInt().max(100_000_000).default(100_000).describe("Number of keys (rows)"),
        popularity: PopularitySchema.prefault({ kind: "zipf" }),
      })
      .prefault({})
      .describe("The key space"),
    sessions: positiveInt().default(1000).describe("Users; each operation belongs to one session"),
    readOwnWrites: share()
      .default(0)
      .describe(
        "Share of reads that read the key the same session wrote last (read-after-write, as a user reloading the page after posting)",
      ),
  })
  .superRefine((w, ctx) => {
    if (w.rate === undefined && w.clients === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["rate"],
        message: "expected either `rate` (open arrivals) or `clients` (closed loop)",
        input: undefined,
      });
    } else if (w.rate !== undefined && w.clients !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["clients"],
        message: "expected either `rate` (open arrivals) or `clients` (closed loop), not both",
        input: w.clients,
      });
    }
  })
  .describe("Who sends what, and when");

/**
 * The `database` section: the primary node.
 *
 * @remarks Since 0.1.0
 */
export const DatabaseSchema = z
  .strictObject({
    engine: z.enum(["postgresql", "mysql"]).default("postgresql").describe("The engine modelled"),
    cores: positiveInt().max(4096).default(8).describe("CPU cores"),
    sigma: nonNegative().default(0).describe("USL contention σ: the serial share of the work"),
    kappa: nonNegative()
      .default(0)
      .describe("USL coherency κ: crosstalk cost between concurrent queries"),
    maxConnections: positiveInt()
      .max(1_000_000)
      .default(100)
      .describe("max_connections: one more gets 'too many clients' (PostgreSQL default 100)"),
    memoryPerConnectionMB: nonNegative()
      .default(7.5)
      .describe("Memory per open connection (MB); PostgreSQL uses roughly 5–10 MB"),
    readTime: DistributionSpecSchema.default("simpleIndexedQuery").describe(
      "Server work of a read statement (ms at one connection)",
    ),
    writeTime: DistributionSpecSchema.default("simpleIndexedQuery").describe(
      "Server work of a write statement (ms at one connection)",
    ),
    connectionSetupTime: DistributionSpecSchema.default("simpleIndexedQuery").describe(
      "Server work to start a backend for a new connection (ms)",
    ),
  })
  .describe("The database server");

/**
 * The `client` section: how the application holds connections.
 *
 * @remarks Since 0.1.0
 */
export const ClientSchema = z
  .strictObject({
    connections: z
      .enum(["persistent", "per-request"])
      .default("persistent")
      .describe(
        "persistent: an application-side pool per instance; per-request: open and close a connection for every request",
      ),
    instances: positiveInt()
      .max(100_000)
      .default(1)
      .describe("Application instances, each with its own pool"),
    poolSize: positiveInt()
      .max(100_000)
      .default(10)
      .describe("Persistent connections per instance"),
    connectionTimeout: DurationSchema.default(30_000).describe(
      "How long a request waits for a pooled connection before failing (HikariCP default 30 s)",
    ),
    roundTrip: DistributionSpecSchema.default("sameDatacenterRoundTrip").describe(
      "Network round trip between application and database (ms)",
    ),
    connectRoundTrips: z
      .number()
      .int()
      .nonnegative()
      .max(100)
      .default(3)
      .describe("Round trips to open a connection (TCP handshake, startup, authentication)"),
  })
  .describe("The application's database driver");

const OutageSchema = z.strictObject({
  at: DurationSchema.describe("When the replica becomes unreachable"),
  for: DurationSchema.describe(
    "How long it stays unreachable; records sent meanwhile arrive after it",
  ),
});

const ReplicaSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, {
        message: "expected a name of letters, digits, _ or -",
      })
      .optional()
      .describe("The replica's name (default replica-1, replica-2, …)"),
    cores: positiveInt().max(4096).optional().describe("CPU cores (default: the primary's)"),
    maxConnections: positiveInt()
      .max(1_000_000)
      .optional()
      .describe("max_connections (default: the primary's)"),
    network: DistributionSpecSchema.optional().describe(
      "Round trip between the primary and this replica (default: replication.network), e.g. crossRegionRoundTrip",
    ),
    applyTime: DistributionSpecSchema.optional().describe(
      "Apply work per transaction (default: replication.applyTime)",
    ),
    applyWorkers: positiveInt()
      .max(256)
      .optional()
      .describe("Parallel appliers (default: replication.applyWorkers)"),
    outages: z
      .array(OutageSchema)
      .max(1000)
      .default([])
      .describe("Windows when the replica is unreachable"),
  })
  .describe("One replica");

/**
 * The `replication` section: read replicas fed by the primary's log.
 *
 * @remarks Since 0.1.0
 */
export const ReplicationSchema = z
  .strictObject({
    replicas: z
      .union([positiveInt().max(64), z.array(ReplicaSchema).min(1).max(64)])
      .describe("How many replicas, or a list with per-replica settings"),
    log: z
      .enum(["wal", "binlog"])
      .optional()
      .describe("wal (PostgreSQL streaming) or binlog (MySQL); default from database.engine"),
    binlogFormat: z
      .enum(["row", "statement"])
      .default("row")
      .describe("MySQL binlog_format: row events carry row images, statement events the SQL text"),
    bytesPerWrite: nonNegative()
      .optional()
      .describe(
        "Log bytes per committed write (default: wal 250, binlog row 400, binlog statement 150 — estimates; measure yours)",
      ),
    mode: z
      .enum(["async", "semi-sync", "sync"])
      .default("async")
      .describe("How commits wait for replicas"),
    acks: positiveInt()
      .max(64)
      .default(1)
      .describe("semi-sync and sync: replicas whose acknowledgement a commit waits for"),
    timeout: DurationSchema.default(10_000).describe(
      "semi-sync: rpl_semi_sync_source_timeout; after it the source goes async until a replica catches up",
    ),
    synchronousCommit: z
      .enum(["remote_write", "on", "remote_apply"])
      .default("on")
      .describe(
        "sync: PostgreSQL synchronous_commit — standby wrote, flushed, or applied the commit",
      ),
    network: DistributionSpecSchema.default("sameDatacenterRoundTrip").describe(
      "Round trip between the primary and a replica (ms)",
    ),
    flushTime: DistributionSpecSchema.default("ssdRandomRead").describe(
      "Time for a replica to flush received log to disk (ms)",
    ),
    applyTime: DistributionSpecSchema.default("ssdRandomRead").describe(
      "Replica work to apply one transaction (core-ms): reading the page it changes",
    ),
    applyWorkers: positiveInt()
      .max(256)
      .optional()
      .describe(
        "Parallel appliers: default 1 for wal (PostgreSQL replays in one process), 4 for binlog (replica_parallel_workers since MySQL 8.0.27)",
      ),
    lagSampleInterval: DurationSchema.default(100).describe(
      "How often lag is sampled for the report and time series",
    ),
  })
  .superRefine((r, ctx) => {
    const n = typeof r.replicas === "number" ? r.replicas : r.replicas.length;
    if (r.mode !== "async" && r.acks > n) {
      ctx.addIssue({
        code: "custom",
        path: ["acks"],
        message: `expected acks ≤ the number of replicas (${n})`,
        input: r.acks,
      });
    }
    if (r.lagSampleInterval <= 0) {
      ctx.addIssue({
        code: "custom",
        path: ["lagSampleInterval"],
        message: "expected a duration > 0",
        input: r.lagSampleInterval,
      });
    }
  })
  .describe("Read replicas fed by WAL or binlog replication");

const ConsistencySchema = z
  .discriminatedUnion("policy", [
    z.strictObject({ policy: z.literal("none") }),
    z.discriminatedUnion("by", [
      z.strictObject({
        policy: z.literal("read-your-writes"),
        by: z.literal("window"),
        window: DurationSchema.default(2_000).describe(
          "After a write, the session reads from the primary for this long",
        ),
      }),
      z.strictObject({
        policy: z.literal("read-your-writes"),
        by: z.literal("lsn"),
        maxWait: DurationSchema.default(100).describe(
          "How long a read waits for its replica to apply the session's last write before going to the primary",
        ),
      }),
    ]),
    z.discriminatedUnion("by", [
      z.strictObject({ policy: z.literal("monotonic-reads"), by: z.literal("pinning") }),
      z.strictObject({
        policy: z.literal("monotonic-reads"),
        by: z.literal("lsn"),
        maxWait: DurationSchema.default(100).describe(
          "How long a read waits for its replica to reach the session's last-read LSN before going to the primary",
        ),
      }),
    ]),
  ])
  .describe("What the router guarantees each session");

/**
 * The `routing` section: how reads and writes find their node.
 *
 * @remarks Since 0.1.0
 */
export const RoutingSchema = z
  .strictObject({
    via: z
      .enum(["app", "proxy", "dns"])
      .default("app")
      .describe(
        "app: the application picks the connection; proxy: one extra hop per statement; dns: a read endpoint resolving to one replica per instance",
      ),
    proxyHop: DistributionSpecSchema.default("sameDatacenterRoundTrip").describe(
      "via proxy: the extra round trip per statement (ms)",
    ),
    dnsTtl: DurationSchema.default(30_000).describe(
      "via dns: how long a resolved read endpoint is cached",
    ),
    readBalancing: z
      .enum(["round-robin", "random", "least-connections", "least-lag"])
      .default("round-robin")
      .describe("How reads are spread over replicas"),
    maxReplicationLag: DurationSchema.optional().describe(
      "A replica whose lag is strictly greater gets no reads until it is back under (checked every lagCheckInterval)",
    ),
    lagCheckInterval: DurationSchema.default(1_000).describe(
      "How often lag is checked for shunning",
    ),
    consistency: ConsistencySchema.default({ policy: "none" }),
  })
  .superRefine((r, ctx) => {
    if (r.lagCheckInterval <= 0) {
      ctx.addIssue({
        code: "custom",
        path: ["lagCheckInterval"],
        message: "expected a duration > 0",
        input: r.lagCheckInterval,
      });
    }
  })
  .describe("Read/write routing over the primary and replicas");

/**
 * The whole scenario. Absent optional sections mean the component is absent;
 * `workload` is required, `database` and `client` have defaults.
 *
 * @remarks Since 0.1.0
 */
export const ScenarioSchema = z
  .strictObject({
    $schema: z.string().optional().describe("Path to the JSON Schema, for editors"),
    name: z.string().max(200).default("scenario").describe("A name for reports"),
    description: z.string().max(5000).optional().describe("What the scenario is about"),
    seed: z
      .number()
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .default(1)
      .describe("Master seed: same scenario and seed, same report"),
    duration: DurationSchema.default(60_000).describe("Measured time after the warm-up"),
    warmup: DurationSchema.default(5_000).describe("Time run before measuring starts"),
    latency: LatencyOverridesSchema.default({}),
    workload: WorkloadSchema,
    database: DatabaseSchema.prefault({}),
    client: ClientSchema.prefault({}),
    replication: ReplicationSchema.optional(),
    routing: RoutingSchema.optional(),
    variants: z
      .array(
        z.strictObject({
          name: z.string().min(1).max(100).describe("A short name for the comparison table"),
          description: z
            .string()
            .max(2000)
            .optional()
            .describe("What this variant changes, and why"),
          patch: z
            .record(z.string(), z.unknown())
            .describe(
              "Changes to the scenario: objects merge key by key, anything else (numbers, strings, arrays) replaces; null removes a section",
            ),
        }),
      )
      .max(20)
      .optional()
      .describe(
        "Plans to compare with this one: `dbsim run` runs the scenario and each variant with the same seed and prints them side by side",
      ),
  })
  .superRefine((s, ctx) => {
    if (
      s.routing !== undefined &&
      s.replication === undefined &&
      s.routing.consistency.policy !== "none"
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["routing", "consistency"],
        message:
          "expected a replication section: a consistency policy needs replicas to route around",
        input: s.routing.consistency,
      });
    }
    if (s.duration <= 0) {
      ctx.addIssue({
        code: "custom",
        path: ["duration"],
        message: "expected a duration > 0",
        input: s.duration,
      });
    }
    if (s.duration + s.warmup > 1e12) {
      ctx.addIssue({
        code: "custom",
        path: ["duration"],
        message: "expected warmup + duration ≤ 1e12 ms (about 31 years of simulated time)",
        input: s.duration,
      });
    }
  })
  .describe("A dbsim scenario: a workload and a scaling plan");

/**
 * A scenario as written (input of {@link parseScenario}).
 *
 * @remarks Since 0.1.0
 */
export type ScenarioInput = z.input<typeof ScenarioSchema>;

/**
 * A scenario with every default filled in.
 *
 * @remarks Since 0.1.0
 */
export type Scenario = z.output<typeof ScenarioSchema>;
