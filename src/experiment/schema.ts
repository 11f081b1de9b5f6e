// The experiment file: a base scenario, a grid of parameters to sweep, how many
// replications per point, which report figures to summarise, and the master
// seed. Strict like the scenario schema: unknown keys are errors.
import * as z from "zod";

/** A dotted path into a scenario or a report: `workload.rate`, `nodes.0.utilization`. */
const DottedPath = z.string().regex(/^[A-Za-z_$][\w$]*(\.([A-Za-z_$][\w$]*|\d+))*$/, {
  message: 'expected a dotted path such as "workload.rate" or "nodes.0.utilization"',
});

const Values = z.union([
  z.array(z.unknown()).min(1).max(1000),
  z
    .strictObject({
      from: z.number(),
      to: z.number(),
      step: z.number().positive(),
    })
    .refine((r) => r.to >= r.from && (r.to - r.from) / r.step < 1000, {
      message: "expected a range with to ≥ from and at most 1000 values",
    })
    .describe("An evenly spaced range of numbers, from and to inclusive"),
]);

/**
 * The schema of an experiment file.
 *
 * @remarks Since 0.2.0
 */
export const ExperimentSchema = z
  .strictObject({
    $schema: z.string().optional().describe("Path to the JSON Schema, for editors"),
    name: z.string().min(1).max(200).default("experiment").describe("A name for the output"),
    description: z.string().max(5000).optional(),
    scenario: z
      .union([z.string().min(1).max(200), z.record(z.string(), z.unknown())])
      .describe(
        "The base scenario: a built-in scenario's name, a scenario object, or (for dbsim sweep) a .json file beside the experiment file",
      ),
    parameters: z
      .record(DottedPath, Values)
      .default({})
      .describe(
        "Paths into the scenario and the values each takes (a list, or a range {from, to, step}); the points are every combination, the first path varying slowest. A null value removes the key (a section left out).",
      ),
    zip: z
      .array(z.record(DottedPath, z.array(z.unknown()).min(1).max(1000)))
      .max(100)
      .default([])
      .describe(
        "Groups of paths whose values move together (the i-th value of each), each group one more axis after the parameters",
      ),
    replications: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(5)
      .describe("Independent runs per point"),
    seed: z
      .number()
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .default(1)
      .describe("Master seed: every run's seed derives from it, the point and the replication"),
    commonRandomNumbers: z
      .boolean()
      .default(false)
      .describe(
        "Run every point on the same seeds (replication r of every point shares one seed), so points can be compared in pairs",
      ),
    metrics: z
      .array(DottedPath)
      .min(1)
      .max(100)
      .default(["throughput.completedPerSec", "latency.all.mean", "latency.all.p99"])
      .describe("Report figures to summarise, as paths into the report"),
    pooledPercentiles: z
      .boolean()
      .default(false)
      .describe(
        "Also give, per point, the latency percentiles of all replications' requests pooled, from their latency histograms merged exactly",
      ),
    precision: z
      .strictObject({
        relativeHalfWidth: z
          .number()
          .gt(0)
          .lt(1)
          .describe(
            "Stop adding replications to a point once every metric's 95 % interval half-width is at most this share of its mean (0.05 for ±5 %)",
          ),
        maxReplications: z
          .number()
          .int()
          .min(2)
          .max(10_000)
          .default(100)
          .describe("Never more replications per point than this"),
        batch: z
          .number()
          .int()
          .min(1)
          .max(10_000)
          .optional()
          .describe(
            "Replications added per round to a point not yet precise enough (default: `replications`, the first round)",
          ),
      })
      .optional()
      .describe(
        "Run length from the precision wanted: `replications` first, then rounds of `batch` more to each point whose intervals are still too wide, up to `maxReplications`",
      ),
    baseline: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("A point's index: every other point is compared with it, paired and unpaired"),
  })
  .describe("A dbsim experiment: a sweep of a scenario with replications");

/**
 * An experiment as written in a file (defaults may be left out).
 *
 * @remarks Since 0.2.0
 */
export type ExperimentInput = z.input<typeof ExperimentSchema>;

/**
 * A validated experiment, defaults filled in.
 *
 * @remarks Since 0.2.0
 */
export type Experiment = z.output<typeof ExperimentSchema>;

/**
 * The JSON Schema of experiment files.
 *
 * @remarks Since 0.2.0
 */
export function experimentJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ExperimentSchema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
}
