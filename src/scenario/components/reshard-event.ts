// The sharding component's timeline event: resharding to more shards at an
// instant, copied online by a Migration (src/models/sharding/migration.ts) at a
// throttled rate, each batch cut over with a brief write pause.
import type * as z from "zod";
import { DurationSchema, nonNegative, positiveInt } from "../fields.js";
import { timedEvent } from "../timeline-fields.js";
import type { ParsedScenario } from "./component.js";

/**
 * `{ at, kind: "reshard", shards, … }`: from `at`, the keys the strategy places
 * differently over `shards` shards are copied to their new shard and cut over.
 *
 * @remarks Since 0.2.0
 */
export const ReshardEvent = timedEvent(
  "reshard",
  "Resharding to more shards: the keys the strategy moves are copied online, batch by batch, each batch's writes paused while it is cut over",
  {
    shards: positiveInt().max(1024).describe("The new shard count (more than the current one)"),
    rowsPerSec: positiveInt()
      .max(1e9)
      .default(5_000)
      .describe("Rows copied per second, all shards together (the copy's throttle)"),
    batchRows: positiveInt().max(1e9).default(500).describe("Rows copied, then cut over, together"),
    copyMsPerRow: nonNegative()
      .max(1_000)
      .default(0.05)
      .describe("Work a row's copy costs on its source and on its target primary (ms)"),
    cutover: DurationSchema.default(50).describe(
      "How long a batch's writes pause while the router switches",
    ),
    rowBytes: positiveInt().max(1e9).default(250).describe("Bytes a row occupies"),
  },
);

/** @internal One resharding, resolved. */
export type Reshard = z.output<typeof ReshardEvent>;

/** Strategies whose layout over more shards is defined by their shard count. */
const GROWABLE = ["hash-mod", "consistent-hash", "jump", "rendezvous", "citus"];

/** @internal At most one `reshard`, in a sharded scenario with a growable strategy, to more shards, before the end. */
export function checkReshardEvents(scenario: ParsedScenario, ctx: z.RefinementCtx): void {
  const timeline = scenario.timeline ?? [];
  const endMs = scenario.warmup + scenario.duration;
  let seen = 0;
  timeline.forEach((event, i) => {
    if (event.kind !== "reshard") return;
    const issue = (path: (string | number)[], message: string, input: unknown): void => {
      ctx.addIssue({ code: "custom", path: ["timeline", i, ...path], message, input });
    };
    seen++;
    if (seen > 1) issue([], "expected at most one reshard event in this version", event.at);
    const s = scenario.sharding;
    if (s === undefined) {
      issue(["kind"], "a reshard needs a `sharding` section", event.kind);
      return;
    }
    if (!GROWABLE.includes(s.strategy))
      issue(
        ["kind"],
        `resharding is built for ${GROWABLE.join(", ")}, not strategy ${s.strategy}`,
        s.strategy,
      );
    const current = s.shards ?? (s.strategy === "citus" ? 32 : 1);
    if (event.shards <= current)
      issue(["shards"], `expected more than the current ${current} shards`, event.shards);
    if (event.at >= endMs)
      issue(["at"], `expected a time before the end of the run (${endMs} ms)`, event.at);
  });
}
