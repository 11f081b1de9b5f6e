// The cqrs component's timeline event: rebuild a projection from the event
// store's history (event sourcing's replay), and the checks that tie the
// section to the rest of the scenario.
import * as z from "zod";
import { timedEvent } from "../timeline-fields.js";
import type { ParsedScenario } from "./component.js";

/**
 * `{ at, kind: "projection-replay", projection }`: the named projection is
 * rebuilt from the event store, from `at`.
 *
 * @remarks Since 0.2.0
 */
export const ProjectionReplayEvent = timedEvent(
  "projection-replay",
  "A projection rebuilt from the event store's history: its live consumer waits meanwhile",
  {
    projection: z.string().min(1).describe("The projection's name (cqrs.projections[].name)"),
  },
);

/**
 * A `cqrs` section needs one cluster (no `sharding`) and one primary (no
 * `primary-crash`); every `projection-replay`
 * names one of its projections, and replays need `store: "events"` (a state
 * store keeps no history to replay).
 *
 * @internal
 */
export function checkCqrs(scenario: ParsedScenario, ctx: z.RefinementCtx): void {
  const cqrs = scenario.cqrs;
  if (cqrs !== undefined && scenario.sharding !== undefined)
    ctx.addIssue({
      code: "custom",
      path: ["cqrs"],
      message: "expected no `sharding` with `cqrs`: projections consume one command side's log",
      input: "sharding",
    });
  const names = cqrs?.projections.map((p) => p.name) ?? [];
  (scenario.timeline ?? []).forEach((event, i) => {
    // The projections follow the first primary's commits: after a failover they would stop.
    if (cqrs !== undefined && event.kind === "primary-crash")
      ctx.addIssue({
        code: "custom",
        path: ["timeline", i, "kind"],
        message:
          "expected no primary crash with `cqrs`: projections following the promoted primary's log are not modelled yet",
        input: event.kind,
      });
    if (event.kind !== "projection-replay") return;
    if (!names.includes(event.projection))
      ctx.addIssue({
        code: "custom",
        path: ["timeline", i, "projection"],
        message:
          names.length === 0
            ? "expected the name of a projection, but the scenario has no `cqrs.projections`"
            : `expected the name of a projection: one of ${names.join(", ")}`,
        input: event.projection,
      });
    else if (cqrs?.store !== "events")
      ctx.addIssue({
        code: "custom",
        path: ["timeline", i, "kind"],
        message: 'expected `cqrs.store: "events"` for a replay: a state store keeps no history',
        input: event.kind,
      });
  });
}
