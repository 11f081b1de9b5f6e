// The `cqrs` section's schemas: the scenario's projections (read models fed by
// the command side's log), the read-your-writes routing, the event store option,
// and the report's per-projection figures.
import * as z from "zod";
import {
  DistributionSpecSchema,
  DurationSchema,
  positiveInt,
  requirePositiveDuration,
  roundFigure,
  share,
} from "../fields.js";

const ProjectionSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, {
        message: "expected a name of letters, digits, _ or -",
      })
      .describe("The projection's name (its read model's)"),
    throughput: z
      .number()
      .positive()
      .max(1e9)
      .optional()
      .describe(
        "Events per second one applier applies (a constant apply time of 1000/throughput ms); or give applyTime",
      ),
    applyTime: DistributionSpecSchema.optional().describe(
      "Work to apply one event (one row written), ms; or give throughput",
    ),
    threads: positiveInt().max(256).default(1).describe("Appliers working at once"),
    batch: positiveInt()
      .max(100_000)
      .default(1)
      .describe(
        "Committed transactions an applier takes at once; they become visible together (one read-model transaction)",
      ),
    serves: share().describe("Share of all reads that are queries to this read model"),
  })
  .superRefine((p, ctx) => {
    if ((p.throughput === undefined) === (p.applyTime === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["throughput"],
        message: "expected exactly one of throughput (events/s) and applyTime",
        input: p.throughput,
      });
    }
  })
  .describe("One projection: a consumer of the command side's log and the read model it keeps");

/**
 * The `cqrs` section: projections fed by the command side's commit log.
 *
 * @remarks Since 0.2.0
 */
export const CqrsSchema = z
  .strictObject({
    projections: z.array(ProjectionSchema).min(1).max(16).describe("The read models"),
    queryTime: DistributionSpecSchema.default("sameDatacenterRoundTrip").describe(
      "Time a query takes at a read model (ms): a fixed distribution, no queue — the read model is a lookup in a pre-joined view",
    ),
    readYourWrites: z
      .enum(["none", "command-side"])
      .default("none")
      .describe(
        "command-side: a session's reads within readYourWritesWindow after its last acknowledged write go to the command side",
      ),
    readYourWritesWindow: DurationSchema.default(1000).describe(
      "How long after its write a session's reads go to the command side",
    ),
    store: z
      .enum(["state", "events"])
      .default("state")
      .describe(
        "state: the command side keeps current rows (CQRS without event sourcing); events: an append-only event store, one stream per key",
      ),
    snapshotEvery: positiveInt()
      .max(1_000_000)
      .optional()
      .describe(
        "store events: a snapshot every k events of a stream; a rebuild reads the last one and the events after",
      ),
    replayReadTime: DistributionSpecSchema.default("ssdRandomRead").describe(
      "Work on the command side's node to read one item (event or snapshot) during a replay (core-ms)",
    ),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.projections.forEach((p, i) => {
      if (seen.has(p.name))
        ctx.addIssue({
          code: "custom",
          path: ["projections", i, "name"],
          message: "expected a name no other projection has",
          input: p.name,
        });
      seen.add(p.name);
    });
    const total = c.projections.reduce((sum, p) => sum + p.serves, 0);
    if (total > 1 + 1e-9)
      ctx.addIssue({
        code: "custom",
        path: ["projections"],
        message: "expected the projections' serves shares to add up to at most 1",
        input: roundFigure(total),
      });
    if (c.snapshotEvery !== undefined && c.store !== "events")
      ctx.addIssue({
        code: "custom",
        path: ["snapshotEvery"],
        message: 'expected snapshotEvery only with store "events"',
        input: c.snapshotEvery,
      });
    requirePositiveDuration(c.readYourWritesWindow, ["readYourWritesWindow"], ctx);
  })
  .describe("CQRS: read models (projections) fed by the command side's log");

const Figures = z.strictObject({
  end: z.number().describe("At the end of the run"),
  mean: z.number().describe("Time-mean over the measured window (exact)"),
  max: z.number().describe("Greatest over the measured window (exact)"),
});

/**
 * The CQRS figures, per projection.
 *
 * @remarks Since 0.2.0
 */
export const CqrsReportSchema = z.strictObject({
  store: z.enum(["state", "events"]),
  readYourWrites: z.enum(["none", "command-side"]),
  readYourWritesReads: z
    .number()
    .int()
    .nonnegative()
    .describe("Reads that would have been queries, sent to the command side by read-your-writes"),
  snapshots: z
    .number()
    .int()
    .nonnegative()
    .describe(
      "store events: snapshots the streams hold at the end (one every snapshotEvery events)",
    ),
  projections: z.array(
    z.strictObject({
      name: z.string(),
      eventsApplied: z
        .number()
        .int()
        .nonnegative()
        .describe("Events (rows) applied live in the window"),
      appliedLsn: z.number().int().nonnegative(),
      backlogEvents: Figures.describe("Events committed and not yet visible in the read model"),
      lagMs: Figures.describe(
        "Age of the oldest committed event not yet visible (ms; 0 when caught up)",
      ),
      queries: z.number().int().nonnegative().describe("Query reads it served in the window"),
      staleQueries: z
        .number()
        .int()
        .nonnegative()
        .describe(
          "Query reads that returned an older version than the newest acknowledged at their issue",
        ),
      replays: z
        .array(
          z.strictObject({
            at: z.number().describe("When it started (ms from the start of the run)"),
            items: z
              .number()
              .int()
              .nonnegative()
              .describe("Events and snapshots it read and applied"),
            ms: z
              .number()
              .nullable()
              .describe("How long the rebuild took; null when it had not finished at the end"),
          }),
        )
        .describe("Its replays (projection-replay events), in time order"),
    }),
  ),
});
