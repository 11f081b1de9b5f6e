// The shape every entry of a scenario's timeline shares: when it happens and
// what kind of event it is. A component declares the kinds it handles with
// timedEvent (its own parameters beside these two); timeline.ts composes them.
// This file sits below the components and the schema, as fields.ts does.
import * as z from "zod";
import { DurationSchema } from "./fields.js";

/**
 * One entry of the timeline, as the components read it: its instant, counted
 * from the start of the run (the warm-up included), and its kind.
 *
 * @remarks Since 0.2.0
 */
export interface TimedEvent {
  /** When it happens (ms from the start of the run, warm-up included). */
  readonly at: number;
  /** What happens: a kind a component handles (`replica-outage`, …). */
  readonly kind: string;
}

/**
 * The schema of one kind of timeline event: `at`, `kind` (the literal) and the
 * kind's own fields, strict (an unknown field is an error).
 *
 * @param kind - the event kind, as written in the scenario
 * @param description - what the event does, for the JSON Schema
 * @param shape - its own fields
 * @internal
 */
export function timedEvent<K extends string, Shape extends z.ZodRawShape>(
  kind: K,
  description: string,
  shape: Shape,
) {
  return z
    .strictObject({
      at: DurationSchema.describe(
        "When it happens, counted from the start of the run: the warm-up included",
      ),
      kind: z.literal(kind).describe("What happens"),
      ...shape,
    })
    .describe(description);
}
