// The report: plain JSON with its own zod schema, so a consumer can validate a
// report file and a test can check that every figure is a finite number. Fields
// of components a scenario does not have are absent. The components' sections
// (client, nodes, pool, replication, routing, proxy) come from their files in
// components/; this file holds the run's own figures and the whole.
import * as z from "zod";
import type { NodeReportSchema } from "./components/database.js";
import { REPORT_SECTIONS } from "./components/index.js";
import type { ProxyReportSchema } from "./components/proxy-section.js";
import { CostReportSchema } from "./cost-schema.js";
import { count } from "./fields.js";
import { TimeSeriesReportSchema } from "./time-series.js";

export { ClientReportSchema } from "./components/client.js";
export { NodeReportSchema } from "./components/database.js";
export { PoolingReportSchema, PoolReportSchema } from "./components/pool.js";
export { ProxyReportSchema, ProxyServerReportSchema } from "./components/proxy-section.js";
export { ReplicationReportSchema } from "./components/replication.js";
export { RoutingReportSchema } from "./components/routing.js";
export { roundFigure } from "./fields.js";

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
 * The consistency figures (counted online, per session guarantee).
 *
 * @remarks Since 0.1.0
 */
export const ConsistencyReportSchema = z.strictObject({
  violations: z.strictObject({
    readYourWrites: z.number().int().nonnegative(),
    monotonicReads: z
      .number()
      .int()
      .nonnegative()
      .describe(
        "Reads served at a snapshot that lacks a write an earlier read of the session observed, on any key (Terry et al. 1994), or that returned an older version of a key than the session had read",
      ),
    monotonicReadsPerKey: z
      .number()
      .int()
      .nonnegative()
      .describe(
        "Reads that returned an older version of their key than the session had read before: the per-key form (since 0.2.0), which misses a session that goes back in time on another key",
      ),
    monotonicWrites: z.number().int().nonnegative(),
    writesFollowReads: z.number().int().nonnegative(),
  }),
  staleReads: z
    .number()
    .int()
    .nonnegative()
    .describe(
      "Reads that returned an older version than the newest write acknowledged when they were issued",
    ),
  versionsBehind: z.strictObject({ mean: num(), max: z.number().int().nonnegative() }),
});

/**
 * One reason behind a {@link VerdictSchema | verdict}: a code a program can
 * match, a sentence for people, and the figures it rests on.
 *
 * @remarks Since 0.2.0
 */
export const VerdictReasonSchema = z.strictObject({
  code: z
    .enum([
      "cut-short",
      "backlog-growing",
      "backlog-burst",
      "replica-falling-behind",
      "requests-failed",
      "node-saturated",
    ])
    .describe("What was found; docs/report.md gives each code's rule"),
  subject: z.string().describe('The node or replica it concerns, or "" for the whole run'),
  message: z.string(),
  figures: z.record(z.string(), num()),
});

/**
 * Whether the figures describe a plan that carries its offered load: offered
 * against completed, the work left in flight, whether the backlog or a
 * replica's unapplied log grew through the window, and nodes near capacity.
 *
 * @remarks Since 0.2.0
 */
export const VerdictSchema = z.strictObject({
  status: z
    .enum(["ok", "saturated", "failing", "overloaded", "cut-short"])
    .describe("The most severe reason's status; ok when there is none"),
  reasons: z.array(VerdictReasonSchema),
  offeredPerSec: num().describe("Operations issued per second in the window"),
  completedPerSec: num().describe("Operations completed without error per second"),
  failedPerSec: num().describe("Operations that ended in an error per second"),
  inFlightAtStart: count().describe("Operations issued and not yet finished when the window began"),
  inFlightAtEnd: count().describe(
    "Operations issued and not yet finished when the run ended (issued − completed − failed)",
  ),
  inFlightGrowth: num().describe(
    "Growth of the work in flight over the window, by a least-squares line through the window means",
  ),
  windowMs: num().describe(
    "Length of the windows the measured period is cut into: the time series' when there are at least 10 of those (the last may be shorter), else a twentieth of the period",
  ),
  inFlightByWindow: z.array(num()).describe("Time-average work in flight in each window"),
  replicas: z.array(
    z.strictObject({
      name: z.string(),
      backlogAtStart: count().describe("Log records committed and not yet applied"),
      backlogAtEnd: count(),
      backlogGrowth: num().describe("Least-squares growth of the backlog over the window"),
      backlogByWindow: z
        .array(num())
        .describe("Mean backlog in each window (10 samples each, fewer past 20 windows)"),
    }),
  ),
});

/**
 * The report of a run.
 *
 * @remarks Since 0.1.0
 */
export const ReportSchema = z.strictObject({
  version: z
    .string()
    .describe("The dbsim version that made the report: figures move as the models improve"),
  scenario: z.string(),
  seed: z.number().int().nonnegative(),
  events: z.number().int().nonnegative().describe("Events the kernel ran"),
  simulatedMs: num().describe("Simulated time, warm-up included"),
  warmupMs: num(),
  durationMs: num().describe("The measured window"),
  stoppedBy: z
    .enum(["end", "eventLimit", "aborted", "overloaded"])
    .describe(
      "end: the run reached its end time; eventLimit: it hit maxEvents first; aborted: its abort signal fired; overloaded: more operations were in flight than limits.maxInFlight. Figures cover the time run",
    ),
  stopDetail: z
    .string()
    .optional()
    .describe("When stoppedBy is not end: what stopped the run, when, and the limit"),
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
  ...REPORT_SECTIONS,
  consistency: ConsistencyReportSchema.optional(),
  cost: CostReportSchema.optional().describe(
    "The plan's cost per hour: every node, pooler, proxy and cache node (docs/cost.md)",
  ),
  verdict: VerdictSchema,
  timeSeries: TimeSeriesReportSchema.optional().describe(
    "Per-window figures of the measured period, when the run asked for them (RunScenarioOptions.timeSeries)",
  ),
});

/**
 * The report of a run (see {@link ReportSchema}).
 *
 * @remarks Since 0.1.0
 */
export type Report = z.infer<typeof ReportSchema>;

/**
 * The ProxySQL figures of a report (see {@link ProxyReportSchema}).
 *
 * @remarks Since 0.1.0
 */
export type ProxyReport = z.infer<typeof ProxyReportSchema>;

/**
 * The verdict of a report (see {@link VerdictSchema}).
 *
 * @remarks Since 0.2.0
 */
export type Verdict = z.infer<typeof VerdictSchema>;

/**
 * One reason of a verdict (see {@link VerdictReasonSchema}).
 *
 * @remarks Since 0.2.0
 */
export type VerdictReason = z.infer<typeof VerdictReasonSchema>;

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
