// The `services` section and its report: the application split into services,
// each owning a range of the key space, with a database each or one they share,
// and an API composition that fans a share of the reads out to several of them.
// The cross-section checks refuse what the model does not cover, by name.
import * as z from "zod";
import { DistributionSpecSchema } from "../../latency/index.js";
import { positiveInt, SpreadSchema, share } from "../fields.js";
import type { Scenario } from "../schema.js";
import type { ParsedScenario } from "./component.js";
import { ShardReportSchema } from "./sharding-section.js";

/** A section of one service's database: a JSON merge patch, checked once merged. */
const SectionPatch = z
  .record(z.string(), z.unknown())
  .optional()
  .describe("Merged into the top-level section (null removes a field) for this service's database");

/**
 * One service: its share of the operations, the keys it owns and, with a
 * database per service, its database's own sections.
 *
 * @remarks Since 0.2.0
 */
export const ServiceSchema = z.strictObject({
  name: z
    .string()
    .regex(
      /^[a-z][a-z0-9-]{0,31}$/,
      "expected a lower-case name: a letter, then letters, digits or '-' (≤ 32)",
    )
    .describe("The service's name (its nodes are named <name>/primary, …)"),
  share: share().describe("Its share of the operations that are not composed"),
  keys: z
    .strictObject({
      from: z.number().int().nonnegative().describe("The first key it owns"),
      to: z.number().int().positive().describe("The first key past its range"),
    })
    .optional()
    .describe(
      "The keys it owns, [from, to) in the workload's key space; default: the key space split evenly in list order. With a shared database ranges may overlap (tables two services both write)",
    ),
  database: SectionPatch,
  replication: SectionPatch,
  pool: SectionPatch,
  client: SectionPatch,
  routing: SectionPatch,
});

/**
 * The `services` section: microservices over a database each or one shared
 * database, and the API composition of a share of the reads.
 *
 * @remarks Since 0.2.0
 */
export const ServicesSchema = z
  .strictObject({
    database: z
      .enum(["per-service", "shared"])
      .default("per-service")
      .describe(
        '"per-service": one cluster per service, built from the top-level sections (and its own patches); "shared": one cluster holds every service\'s keys: one failure domain, one set of cores, disks and locks',
      ),
    list: z.array(ServiceSchema).min(1).max(16).describe("The services"),
    compose: z
      .strictObject({
        share: share().describe("Share of the reads that are composed requests (a dashboard)"),
        services: z
          .array(z.string())
          .min(2)
          .describe(
            "The services a composed request calls in parallel; it answers when the slowest has",
          ),
      })
      .optional()
      .describe(
        "API composition (a backend-for-frontend): a share of the reads fans out to several services",
      ),
    events: z
      .array(
        z.strictObject({
          from: z.string().describe("The service whose acknowledged writes are published"),
          to: z
            .string()
            .describe("The service that keeps a local copy, written to its own database"),
          applyTime: DistributionSpecSchema.default(0.5).describe(
            "The consumer's own processing per event (ms), before its write",
          ),
          workers: positiveInt()
            .max(1024)
            .default(1)
            .describe("Events the consumer handles at once"),
        }),
      )
      .max(16)
      .optional()
      .describe(
        "Event-driven data replication: a consumer copies one service's writes into another's database",
      ),
  })
  .describe(
    "The application as services, each owning a key range, with a database each or one shared",
  );

/** @internal The resolved `services` section. */
export type ServicesSpec = z.output<typeof ServicesSchema>;

/** One service's row in the report. */
export const ServiceReportSchema = z.strictObject({
  name: z.string(),
  keys: z.strictObject({ from: z.number().int(), to: z.number().int() }),
  operations: z.number().int().nonnegative().describe("Operations sent to it alone (not composed)"),
  composedCalls: z
    .number()
    .int()
    .nonnegative()
    .describe("Calls it answered for the successful composed requests"),
  slowestInComposed: z
    .number()
    .int()
    .nonnegative()
    .describe("Successful composed requests in which it answered last"),
  p50Ms: z.number().describe("p50 latency of its successful own operations (ms; 0 when none)"),
  p99Ms: z.number().describe("p99 latency of its successful own operations (ms; 0 when none)"),
  nodes: z
    .array(z.strictObject({ name: z.string(), utilization: z.number() }))
    .describe(
      "The nodes of its database (shared: the one database's nodes) and their mean share of cores busy",
    ),
  pool: ShardReportSchema.shape.pool,
  replication: ShardReportSchema.shape.replication,
  routing: ShardReportSchema.shape.routing,
  proxy: ShardReportSchema.shape.proxy,
});

/**
 * The report's `services` section.
 *
 * @remarks Since 0.2.0
 */
export const ServicesReportSchema = z.strictObject({
  database: z.enum(["per-service", "shared"]),
  list: z.array(ServiceReportSchema),
  events: z
    .array(
      z.strictObject({
        from: z.string(),
        to: z.string(),
        published: z
          .number()
          .int()
          .nonnegative()
          .describe("Writes of `from` published in the window"),
        applied: z
          .number()
          .int()
          .nonnegative()
          .describe("Copies committed in `to`'s database in the window"),
        failed: z.number().int().nonnegative().describe("Copies whose write failed (not retried)"),
        backlogAtEnd: z
          .number()
          .int()
          .nonnegative()
          .describe("Events published and not yet applied at the end"),
        lagMs: SpreadSchema.describe(
          "From the write's acknowledgement at `from` to its copy's commit (ms)",
        ),
      }),
    )
    .optional()
    .describe("Each event stream between services; absent without `events`"),
  composed: z
    .strictObject({
      services: z.array(z.string()),
      requests: z.number().int().nonnegative(),
      p50Ms: z.number(),
      latencyMs: SpreadSchema.describe("Issue to the slowest answer, successful requests (ms)"),
    })
    .nullable()
    .describe("The composed requests; null without composition"),
});

/** @internal A service's key range, resolved: its own, or its part of an even split. */
export function serviceRanges(
  spec: Pick<ServicesSpec, "list">,
  keys: number,
): { from: number; to: number }[] {
  const n = spec.list.length;
  return spec.list.map(
    (s, i) => s.keys ?? { from: Math.floor((i * keys) / n), to: Math.floor(((i + 1) * keys) / n) },
  );
}

const PATCHED = ["database", "replication", "pool", "client", "routing"] as const;

/** @internal Service `i`'s scenario with its sections patched in, unparsed (per-service databases). */
export function patchedService(
  scenario: Scenario,
  i: number,
  merge: (a: unknown, b: unknown) => unknown,
): unknown {
  const s = scenario.services?.list[i];
  if (s === undefined) return scenario;
  const patch: Record<string, unknown> = {};
  for (const key of PATCHED) if (s[key] !== undefined) patch[key] = s[key];
  return Object.keys(patch).length === 0 ? scenario : merge(scenario, patch);
}

/** @internal Cross-section checks: shares, names, ranges, the composition, and what services do not support. */
export function checkServices(scenario: ParsedScenario, ctx: z.RefinementCtx): void {
  const s = scenario.services;
  if (s === undefined) return;
  const issue = (path: (string | number)[], message: string, input?: unknown): void => {
    ctx.addIssue({
      code: "custom",
      path: ["services", ...path],
      message,
      ...(input === undefined ? {} : { input }),
    });
  };
  const total = s.list.reduce((a, x) => a + x.share, 0);
  if (Math.abs(total - 1) > 1e-6)
    issue(
      ["list"],
      `expected the services' shares to sum to 1, got ${total} (${s.list.map((x) => `${x.name} ${x.share}`).join(" + ")})`,
      total,
    );
  const names = s.list.map((x) => x.name);
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i)
      issue(["list", i, "name"], `expected a name no other service has, got "${name}" twice`, name);
  });
  (s.compose?.services ?? []).forEach((name, i, all) => {
    if (!names.includes(name))
      issue(
        ["compose", "services", i],
        `expected one of the services (${names.join(", ")}), got "${name}"`,
        name,
      );
    else if (all.indexOf(name) !== i)
      issue(["compose", "services", i], `"${name}" is called twice: name it once`, name);
  });
  (s.events ?? []).forEach((e, i) => {
    for (const end of ["from", "to"] as const)
      if (!names.includes(e[end]))
        issue(
          ["events", i, end],
          `expected one of the services (${names.join(", ")}), got "${e[end]}"`,
          e[end],
        );
    if (e.from === e.to)
      issue(["events", i, "to"], `expected another service than "from" ("${e.from}")`, e.to);
  });
  checkRanges(scenario, s, issue);
  checkUnsupported(scenario, s, issue);
}

function checkRanges(
  scenario: ParsedScenario,
  s: ServicesSpec,
  issue: (path: (string | number)[], message: string, input?: unknown) => void,
): void {
  const keys = scenario.workload.keys.count;
  if (keys < s.list.length)
    issue(
      ["list"],
      `expected at least one key per service: ${s.list.length} services, workload.keys.count ${keys}`,
      keys,
    );
  s.list.forEach((x, i) => {
    if (x.keys === undefined) return;
    if (x.keys.to <= x.keys.from || x.keys.to > keys)
      issue(
        ["list", i, "keys"],
        `expected from < to ≤ workload.keys.count (${keys}), got ${x.keys.from} … ${x.keys.to}`,
        x.keys,
      );
  });
  if (s.database !== "per-service") return;
  // With a database each, a key is one service's row: two services cannot own it.
  const ranges = serviceRanges(s, keys);
  ranges.forEach((a, i) => {
    ranges.forEach((b, j) => {
      if (j > i && a.from < b.to && b.from < a.to)
        issue(
          ["list", j, "keys"],
          `expected ranges that do not overlap with a database per service: ${s.list[j]?.name} (${b.from} … ${b.to}) overlaps ${s.list[i]?.name} (${a.from} … ${a.to}); overlapping tables need database "shared"`,
          s.list[j]?.keys,
        );
    });
  });
}

function checkUnsupported(
  scenario: ParsedScenario,
  s: ServicesSpec,
  issue: (path: (string | number)[], message: string, input?: unknown) => void,
): void {
  if (scenario.sharding !== undefined)
    issue(
      [],
      "services with sharding are not supported: a services plan builds one cluster per service (or one shared); remove `sharding` or `services`",
    );
  if (scenario.cache !== undefined)
    issue([], "services with a cache are not supported yet: remove `cache` or `services`");
  // Their report sections are one cluster's: with a cluster per service they would be dropped.
  if (scenario.cqrs !== undefined)
    issue([], "services with cqrs are not supported yet: remove `cqrs` or `services`");
  if (scenario.regions !== undefined)
    issue([], "services with regions are not supported yet: remove `regions` or `services`");
  if ((scenario.workload.transactions.rows ?? "same") !== "same")
    issue(
      [],
      `services need workload.transactions.rows "same" (a transaction's other rows would be drawn outside its service's keys), got "${scenario.workload.transactions.rows}"`,
    );
  if (s.database === "shared")
    s.list.forEach((x, i) => {
      for (const key of PATCHED)
        if (x[key] !== undefined)
          issue(
            ["list", i, key],
            `a shared database has one set of sections: move ${key} to the top level, or use database "per-service"`,
          );
    });
}
