// The workload's timeline event: the open-arrival rate from an instant on. A
// workload whose `rate` is "timeline" arrives at the rates of the timeline's
// `rate` entries (0 before the first). `rate: { steps }`, written before the
// timeline existed, is sugar for that: resolving moves each step into the
// timeline, so the resolved scenario shows every timed event in one list.
import type * as z from "zod";
import { nonNegative } from "./fields.js";
import type { Scenario } from "./schema.js";
import { timedEvent } from "./timeline-fields.js";

/**
 * `{ at, kind: "rate", rate }`: open arrivals at `rate` per second from `at` on.
 *
 * @remarks Since 0.2.0
 */
export const RateEvent = timedEvent(
  "rate",
  'The open-arrival rate from this instant on; the workload\'s `rate` must be "timeline"',
  { rate: nonNegative().describe("Operations per second from then on") },
);

/** @internal One rate step, resolved. */
export type RateStep = z.output<typeof RateEvent>;

type Rate = NonNullable<Scenario["workload"]["rate"]>;

/** @internal A rate as the models and the estimate take it: the timeline's steps read back. */
export type RateOf = Exclude<Rate, "timeline">;

/**
 * The workload with stepped rates moved into timeline events (in the order
 * written) and its rate "timeline".
 *
 * @internal
 */
export function liftRateSteps<W extends { readonly rate?: Rate | undefined }>(
  workload: W,
): { readonly workload: W; readonly events: RateStep[] } {
  const rate = workload.rate;
  if (typeof rate !== "object" || !("steps" in rate)) return { workload, events: [] };
  const events = rate.steps.map((s): RateStep => ({ at: s.at, kind: "rate", rate: s.rate }));
  return { workload: { ...workload, rate: "timeline" }, events };
}

/**
 * The open-arrival rate of a resolved scenario: a `rate: "timeline"` comes back
 * as the steps of the timeline's `rate` entries, in time order.
 *
 * @internal
 */
export function rateOf(scenario: Pick<Scenario, "workload" | "timeline">): RateOf | undefined {
  const rate = scenario.workload.rate;
  if (rate !== "timeline") return rate;
  const steps = (scenario.timeline ?? []).flatMap((e) =>
    e.kind === "rate" ? [{ at: e.at, rate: e.rate }] : [],
  );
  return { steps };
}

/** `rate: "timeline"` has `rate` entries to follow, and `rate` entries a workload that follows them. */
export function checkRateEvents(
  scenario: Pick<Scenario, "workload" | "timeline">,
  ctx: z.RefinementCtx,
): void {
  const rate = scenario.workload.rate;
  const timeline = scenario.timeline ?? [];
  const steps = timeline.filter((e) => e.kind === "rate").length;
  if (rate === "timeline" && steps === 0) {
    ctx.addIssue({
      code: "custom",
      path: ["timeline"],
      message: 'expected at least one `rate` entry, for `workload.rate: "timeline"` to follow',
      input: scenario.timeline,
    });
  }
  if (rate === "timeline") return;
  timeline.forEach((e, i) => {
    if (e.kind !== "rate") return;
    ctx.addIssue({
      code: "custom",
      path: ["timeline", i, "kind"],
      message:
        "expected a workload that follows the timeline's rates (`workload.rate: \"timeline\"`); the workload's rate is " +
        (rate === undefined ? "absent (a closed loop)" : JSON.stringify(rate)),
      input: e.kind,
    });
  });
}
