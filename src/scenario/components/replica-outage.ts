// The replication component's timeline event: a replica cut off from its source
// for a while (records sent meanwhile arrive after it). Written either in the
// scenario's timeline or, as before, in a replica's `outages` list: those are
// moved into the timeline when the scenario is resolved, so the resolved
// scenario shows every timed event in one place.
import * as z from "zod";
import { DurationSchema } from "../fields.js";
import { timedEvent } from "../timeline-fields.js";
import type { ParsedScenario } from "./component.js";

/**
 * `{ at, kind: "replica-outage", replica, for }`: the named replica is
 * unreachable from `at` for `for`.
 *
 * @remarks Since 0.2.0
 */
export const ReplicaOutageEvent = timedEvent(
  "replica-outage",
  "A replica unreachable from its source for a while: records sent meanwhile arrive after it",
  {
    replica: z
      .string()
      .min(1)
      .describe("The replica's name (replica-1, replica-2, … unless named)"),
    for: DurationSchema.describe("How long it stays unreachable"),
  },
);

/** @internal One replica outage, resolved. */
export type ReplicaOutage = z.output<typeof ReplicaOutageEvent>;

type Replicas = NonNullable<ParsedScenario["replication"]>["replicas"];

/** @internal The replicas' names, in order: their own, or replica-1, replica-2, …. */
export function replicaNames(replicas: Replicas): string[] {
  return typeof replicas === "number"
    ? Array.from({ length: replicas }, (_, i) => `replica-${i + 1}`)
    : replicas.map((r, i) => r.name ?? `replica-${i + 1}`);
}

/**
 * The outages written in the replicas' `outages` lists, as timeline events (in
 * the lists' order); the replicas come back with their lists emptied.
 *
 * @internal
 */
export function liftOutages<R extends { readonly replicas: Replicas }>(
  rep: R,
): { readonly section: R; readonly events: ReplicaOutage[] } {
  if (typeof rep.replicas === "number") return { section: rep, events: [] };
  const names = replicaNames(rep.replicas);
  const events: ReplicaOutage[] = rep.replicas.flatMap((r, i) =>
    (r.outages ?? []).map(
      (o): ReplicaOutage => ({
        at: o.at,
        kind: "replica-outage",
        replica: names[i] as string,
        for: o.for,
      }),
    ),
  );
  if (events.length === 0) return { section: rep, events };
  const replicas = rep.replicas.map((r) => ({ ...r, outages: [] }));
  return { section: { ...rep, replicas }, events };
}

/** Every `replica-outage` in the timeline names a replica the scenario has. */
export function checkOutageEvents(scenario: ParsedScenario, ctx: z.RefinementCtx): void {
  const replicas = scenario.replication?.replicas;
  const names = replicas === undefined ? [] : replicaNames(replicas);
  (scenario.timeline ?? []).forEach((event, i) => {
    if (event.kind !== "replica-outage" || names.includes(event.replica)) return;
    ctx.addIssue({
      code: "custom",
      path: ["timeline", i, "replica"],
      message:
        names.length === 0
          ? "expected the name of a replica, but the scenario has no `replication.replicas`"
          : `expected the name of a replica: one of ${names.join(", ")}`,
      input: event.replica,
    });
  });
}
