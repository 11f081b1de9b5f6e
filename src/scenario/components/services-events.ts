// Event-driven data replication between services (the `services.events`
// streams): a consumer per stream copies one service's acknowledged writes into
// another's database (src/models/services/event-relay.ts); its diagram arrow,
// its report rows and its table lines.
import type * as z from "zod";
import { EventRelay } from "../../models/services/event-relay.js";
import { spread } from "../fields.js";
import { formatFigure } from "../table-text.js";
import type { BuildContext } from "./component.js";
import type { ServiceCluster } from "./services.js";
import type { ServicesReportSchema, ServicesSpec } from "./services-section.js";

type ServicesReport = z.output<typeof ServicesReportSchema>;

/** @internal One event stream, built: its ends (service indices) and its consumer. */
export interface BuiltRelay {
  readonly from: number;
  readonly to: number;
  readonly relay: EventRelay;
}

/** @internal A consumer per event stream, writing the copy to the subscriber's database. */
export function buildRelays(
  context: BuildContext,
  spec: ServicesSpec,
  ranges: readonly { from: number; to: number }[],
  clusterOf: (i: number) => ServiceCluster,
): BuiltRelay[] {
  const { sim, compile, graph } = context;
  const index = (name: string): number => spec.list.findIndex((x) => x.name === name);
  return (spec.events ?? []).map((e, n) => {
    const from = index(e.from);
    const to = index(e.to);
    const source = ranges[from] as { from: number; to: number };
    const target = ranges[to] as { from: number; to: number };
    graph.arrow({
      from: `service_${from}`,
      to: `service_${to}`,
      label: `events, ${e.workers} consumer${e.workers === 1 ? "" : "s"}`,
      style: "dotted",
    });
    const relay = new EventRelay(sim, {
      workers: e.workers,
      applyMs: compile(e.applyTime),
      rng: sim.rng(`services.events.${n}`),
      target: clusterOf(to).front,
      cluster: clusterOf(to).cluster,
      keyOf: (key) => target.from + ((key - source.from) % (target.to - target.from)),
    });
    return { from, to, relay };
  });
}

/** @internal Each stream's figures for the report. */
export function relayFigures(
  spec: ServicesSpec,
  relays: readonly BuiltRelay[],
): NonNullable<ServicesReport["events"]> {
  return relays.map(({ from, to, relay }) => ({
    from: spec.list[from]?.name ?? "",
    to: spec.list[to]?.name ?? "",
    published: relay.published,
    applied: relay.applied,
    failed: relay.failed,
    backlogAtEnd: relay.backlog,
    lagMs: spread(relay.lagMs),
  }));
}

/** @internal Each stream's line in the table. */
export function eventLines(s: ServicesReport): string[] {
  return (s.events ?? []).map(
    (e) =>
      `  events ${e.from} → ${e.to}: published ${e.published}, applied ${e.applied}, failed ${e.failed}, backlog at end ${e.backlogAtEnd}, lag mean ${formatFigure(e.lagMs.mean)} ms, p99 ${formatFigure(e.lagMs.p99)} ms, max ${formatFigure(e.lagMs.max)} ms`,
  );
}
