// The report: plain JSON with its own zod schema, so a consumer can validate a
// report file and a test can check that every figure is a finite number. Fields
// of components a scenario does not have are absent.
import * as z from "zod";

const num = () => z.number();

/**
 * Latency percentiles of one kind of operation, in ms.
 *
 * @remarks Since 0.1.0
 */
export const LatencySummarySchema = z.strictObject({
  count: z.number().int().nonnegative(),
  mean: num(),
  p50: num(),
  p90: num(),
  p95: num(),
  p99: num(),
  p999: num(),
  max: num(),
});

/**
 * A database node's figures over the measured window.
 *
 * @remarks Since 0.1.0
 */
export const NodeReportSchema = z.strictObject({
  name: z.string(),
  role: z.enum(["primary", "replica"]),
  cores: z.number().int().positive(),
  utilization: num().describe("Mean share of cores busy, min(N, cores)/cores"),
  concurrencyMean: num().describe("Mean statements in service (N)"),
  statementsPerSec: num(),
  readsServed: z.number().int().nonnegative(),
  writesServed: z.number().int().nonnegative(),
  connectionsMax: z.number().int().nonnegative(),
  connectionsMean: num(),
  memoryMB: num().describe(
    "Peak memory held by connections (connectionsMax × memory per connection)",
  ),
});

/**
 * The client's figures.
 *
 * @remarks Since 0.1.0
 */
export const ClientReportSchema = z.strictObject({
  connections: z.enum(["persistent", "per-request"]),
  connectionsOpened: z
    .number()
    .int()
    .nonnegative()
    .describe("Connection set-ups paid in the window"),
  waitingMax: z
    .number()
    .int()
    .nonnegative()
    .describe("Most requests waiting at once for a pooled connection"),
});

const SpreadSchema = z.strictObject({ mean: num(), p99: num(), max: num() });

/**
 * The replication figures.
 *
 * @remarks Since 0.1.0
 */
export const ReplicationReportSchema = z.strictObject({
  log: z.enum(["wal", "binlog"]),
  mode: z.enum(["async", "semi-sync", "sync"]),
  primaryLsn: z.number().int().nonnegative(),
  commitWaitMs: SpreadSchema.describe("Time commits waited for replicas before returning"),
  semiSync: z.strictObject({
    timeouts: z
      .number()
      .int()
      .nonnegative()
      .describe(
        "Commits that returned without their acks because semi-sync timed out and the source went async",
      ),
    fallbacks: z.number().int().nonnegative().describe("Switches from semi-sync to async"),
  }),
  replicas: z.array(
    z.strictObject({
      name: z.string(),
      appliedLsn: z.number().int().nonnegative(),
      lagMs: SpreadSchema.describe("Replay lag: age of the oldest unapplied write, sampled"),
      lagBytes: SpreadSchema.describe("Log bytes committed and not yet applied, sampled"),
      secondsBehindSource: SpreadSchema.describe(
        "As MySQL's Seconds_Behind_Source would show it, sampled",
      ),
    }),
  ),
});

/**
 * The routing figures.
 *
 * @remarks Since 0.1.0
 */
export const RoutingReportSchema = z.strictObject({
  via: z.enum(["app", "proxy", "dns"]),
  readBalancing: z.string(),
  consistency: z.string(),
  readsToPrimary: z.number().int().nonnegative(),
  readsToReplicas: z.number().int().nonnegative(),
  movedToPrimary: z.strictObject({
    byPolicy: z
      .number()
      .int()
      .nonnegative()
      .describe("Reads the consistency policy sent to the primary"),
    byLag: z
      .number()
      .int()
      .nonnegative()
      .describe("Reads sent to the primary because every replica was shunned"),
  }),
  lsnWaits: z.strictObject({
    count: z.number().int().nonnegative(),
    timeouts: z.number().int().nonnegative(),
    meanWaitMs: num(),
  }),
  movedReadLatencyMs: num().describe("Mean latency of reads moved to the primary"),
  replicaReadLatencyMs: num().describe("Mean latency of reads served by replicas"),
});

/**
 * The consistency figures (counted online, per session guarantee).
 *
 * @remarks Since 0.1.0
 */
export const ConsistencyReportSchema = z.strictObject({
  violations: z.strictObject({
    readYourWrites: z.number().int().nonnegative(),
    monotonicReads: z.number().int().nonnegative(),
    monotonicWrites: z.number().int().nonnegative(),
    writesFollowReads: z.number().int().nonnegative(),
  }),
  staleReads: z
    .number()
    .int()
    .nonnegative()
    .describe("Reads that returned an older version than the primary held when they were issued"),
  versionsBehind: z.strictObject({ mean: num(), max: z.number().int().nonnegative() }),
});

/**
 * The report of a run.
 *
 * @remarks Since 0.1.0
 */
export const ReportSchema = z.strictObject({
  scenario: z.string(),
  seed: z.number().int().nonnegative(),
  events: z.number().int().nonnegative().describe("Events the kernel ran"),
  simulatedMs: num().describe("Simulated time, warm-up included"),
  warmupMs: num(),
  durationMs: num().describe("The measured window"),
  stoppedBy: z
    .enum(["end", "eventLimit"])
    .describe("eventLimit: the run hit maxEvents before its end"),
  throughput: z.strictObject({
    offeredPerSec: num().describe("Operations issued per second in the window"),
    completedPerSec: num().describe("Operations completed without error per second in the window"),
  }),
  latency: z.strictObject({
    read: LatencySummarySchema,
    write: LatencySummarySchema,
    all: LatencySummarySchema,
  }),
  errors: z.strictObject({
    total: z.number().int().nonnegative(),
    byKind: z.record(z.string(), z.number().int().nonnegative()),
  }),
  client: ClientReportSchema,
  nodes: z.array(NodeReportSchema),
  replication: ReplicationReportSchema.optional(),
  routing: RoutingReportSchema.optional(),
  consistency: ConsistencyReportSchema.optional(),
});

/**
 * The report of a run (see {@link ReportSchema}).
 *
 * @remarks Since 0.1.0
 */
export type Report = z.infer<typeof ReportSchema>;

/**
 * Latency percentiles of one kind of operation, in ms.
 *
 * @remarks Since 0.1.0
 */
export type LatencySummary = z.infer<typeof LatencySummarySchema>;

/**
 * A database node's figures.
 *
 * @remarks Since 0.1.0
 */
export type NodeReport = z.infer<typeof NodeReportSchema>;

/**
 * Rounds a figure for the report: 6 significant digits, so reports are short
 * and do not carry last-bit noise. Non-finite values become 0 (a report never
 * holds NaN).
 *
 * @remarks Since 0.1.0
 */
export function roundFigure(x: number): number {
  if (!Number.isFinite(x)) return 0;
  if (x === 0) return 0;
  return Number(x.toPrecision(6));
}
