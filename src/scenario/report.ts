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
  role: z.enum(["primary"]),
  cores: z.number().int().positive(),
  utilization: num().describe("Mean share of cores busy, min(N, cores)/cores"),
  concurrencyMean: num().describe("Mean statements in service (N)"),
  statementsPerSec: num(),
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
