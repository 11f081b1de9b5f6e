// The scenario: plain JSON, validated by one strict zod schema. Unknown keys are
// errors (typos are caught); every field is described (the descriptions become
// the JSON Schema that editors use for completion); defaults are filled in, so
// the resolved scenario shows every value the run used. The sections of the
// components (database, client, pool, replication, routing, proxy) come from
// their files in components/; this file holds the workload and the whole.
import * as z from "zod";
import { LatencyOverridesSchema } from "../latency/index.js";
import { COMPONENTS, SCENARIO_SECTIONS } from "./components/index.js";
import { ReplicationSchema, withEngineDefaults } from "./components/replication.js";
import {
  DistributionSpecSchema,
  DurationSchema,
  nonNegative,
  positiveInt,
  requirePositiveDuration,
  share,
} from "./fields.js";
import { checkRateEvents } from "./rate-steps.js";
import { liftTimeline, TimelineSchema } from "./timeline.js";

export { ClientSchema } from "./components/client.js";
export { DatabaseSchema } from "./components/database.js";
export { PoolSchema } from "./components/pool.js";
export { ProxySchema } from "./components/proxy-section.js";
export { RoutingSchema } from "./components/routing.js";
export { DurationSchema, MAX_DURATION_MS } from "./fields.js";
export { ReplicationSchema };

const RateSchema = z
  .union([
    nonNegative().describe("A constant rate in operations per second"),
    z.strictObject({
      steps: z
        .array(
          z.strictObject({
            at: DurationSchema.describe(
              "When this step starts, counted from the start of the run: the warm-up included",
            ),
            rate: nonNegative().describe("Operations per second from then on"),
          }),
        )
        .min(1)
        .describe(
          "Piecewise-constant rate; `at` counts from the start of the warm-up, and the first step should start at 0 (before it the rate is 0). Resolved, the steps are `rate` entries of the scenario's timeline",
        ),
    }),
    z
      .literal("timeline")
      .describe(
        "Open arrivals at the rates of the timeline's `rate` entries (what `steps` resolve to)",
      ),
    z.strictObject({
      ramp: z.strictObject({
        from: nonNegative().describe(
          "Rate at time 0, the start of the warm-up (operations per second)",
        ),
        to: nonNegative().describe("Rate at the end of the ramp (operations per second)"),
        over: DurationSchema.describe("How long the ramp takes; the rate stays at `to` after it"),
      }),
    }),
  ])
  .describe(
    'Open arrivals: Poisson at this rate (operations per second), constant, in steps, or a ramp, or "timeline"',
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
      .max(1_000_000_000)
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
        rows: z
          .enum(["same", "distinct", "distinct-sorted"])
          .default("same")
          .describe(
            'Rows a write transaction\'s statements touch: "same" (every statement the operation\'s key), "distinct" (a row each, drawn from the key popularity, in the order drawn: two transactions may lock hot rows in opposite orders and deadlock) or "distinct-sorted" (those rows in ascending key order: one lock order, no deadlock)',
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
    sessions: positiveInt()
      .max(1_000_000_000)
      .default(1000)
      .describe(
        "Users; each operation belongs to one session (per-session state is kept only by the policies and readOwnWrites that need it)",
      ),
    sessionState: z
      .strictObject({
        share: share().describe("Share of the sessions that rely on session state"),
        feature: z
          .enum(["set", "listen", "advisory-lock", "sql-prepare", "temp-table", "protocol-prepare"])
          .default("set")
          .describe(
            "What they rely on: SET, LISTEN, session advisory locks, SQL PREPARE, temp tables, or protocol-level prepared statements",
          ),
      })
      .optional()
      .describe(
        "Sessions that rely on session state, which pgbouncer's transaction and statement modes break",
      ),
    lockingReads: share()
      .default(0)
      .describe(
        "Share of reads that are locking reads, SELECT … FOR UPDATE: they take row locks, so they must run on the primary (ProxySQL's usual first rule sends them there)",
      ),
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
    ...SCENARIO_SECTIONS,
    timeline: TimelineSchema,
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
    const seen = new Set<string>(["base"]);
    (s.variants ?? []).forEach((v, i) => {
      if (seen.has(v.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["variants", i, "name"],
          message:
            v.name === "base"
              ? 'expected a variant name other than "base" (the scenario itself)'
              : "expected a name no other variant has",
          input: v.name,
        });
      }
      seen.add(v.name);
    });
    for (const component of COMPONENTS) component.check?.(s, ctx);
    checkRateEvents(s, ctx);
    requirePositiveDuration(s.duration, ["duration"], ctx);
    if (s.duration + s.warmup > 1e12) {
      ctx.addIssue({
        code: "custom",
        path: ["duration"],
        message: "expected warmup + duration ≤ 1e12 ms (about 31 years of simulated time)",
        input: s.duration,
      });
    }
  })
  .transform(
    // The defaults that depend on another section are resolved here, once; timed
    // fields of the sections move into the timeline.
    (
      s,
    ): Omit<typeof s, "replication"> & {
      replication?: z.output<typeof ReplicationSchema> & {
        readonly log: "wal" | "binlog";
        readonly bytesPerWrite: number;
        readonly applyWorkers: number;
      };
    } =>
      liftTimeline(
        s.replication === undefined
          ? (s as Omit<typeof s, "replication">)
          : { ...s, replication: withEngineDefaults(s.replication, s.database.engine) },
      ),
  )
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
