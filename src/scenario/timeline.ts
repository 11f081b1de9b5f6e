// One timeline for things that happen at a time: the scenario's `timeline` is a
// list of `{ at, kind, …fields }`, one clock (the start of the run, warm-up
// included) for every kind. The kinds are the components' (Component.events),
// composed here into one discriminated union; a component reads the entries of
// its kinds when it is built (BuildContext.events). Fields that said when
// before the timeline existed (a replica's `outages`) are sugar: resolving the
// scenario moves them here (Component.lift), so the resolved scenario shows
// every timed event in one list, in time order. The workload's rate steps are
// the one kind that is not a component's (rate-steps.ts).
import * as z from "zod";
import { COMPONENTS, TIMELINE_EVENTS } from "./components/index.js";
import { liftRateSteps, RateEvent } from "./rate-steps.js";
import type { TimedEvent } from "./timeline-fields.js";

// The workload's kind, then the components'.
const EVENTS = [RateEvent, ...TIMELINE_EVENTS] as const;
const KINDS = EVENTS.map((e) => e.shape.kind.value);

/**
 * One entry of the timeline: one of the components' event kinds.
 *
 * @remarks Since 0.2.0
 */
export const TimelineEntrySchema = z
  .discriminatedUnion("kind", EVENTS)
  .describe(`A timed event: { at, kind, … } with kind one of ${KINDS.join(", ")}`);

/**
 * The scenario's `timeline` section.
 *
 * @remarks Since 0.2.0
 */
export const TimelineSchema = z
  .array(TimelineEntrySchema)
  .max(10_000)
  .optional()
  .describe(
    "Things that happen at a time, each `{ at, kind, … }` with `at` counted from the start of the run (the warm-up included)",
  );

/**
 * A resolved timeline entry.
 *
 * @remarks Since 0.2.0
 */
export type TimelineEntry = z.output<typeof TimelineEntrySchema>;

/**
 * The scenario with the components' timed fields moved into its timeline, the
 * timeline in time order (entries at one instant in the order written, those
 * of the timeline first) and last among the keys; unchanged when there is no
 * timed event at all. Resolving twice gives the same scenario.
 *
 * @internal
 */
export function liftTimeline<
  T extends {
    readonly workload: Parameters<typeof liftRateSteps>[0];
    readonly timeline?: readonly TimelineEntry[];
  },
>(s: T): T {
  const { workload, events: steps } = liftRateSteps(s.workload);
  const out: Record<string, unknown> = { ...s, workload };
  const lifted: TimedEvent[] = [...steps];
  for (const component of COMPONENTS) {
    const section = out[component.key];
    if (component.lift === undefined || section === undefined || section === null) continue;
    const { section: rest, events } = component.lift(section);
    out[component.key] = rest;
    lifted.push(...events);
  }
  const all = [...(s.timeline ?? []), ...lifted];
  if (all.length === 0) return s;
  delete out.timeline;
  out.timeline = all.sort((a, b) => a.at - b.at);
  return out as T;
}
