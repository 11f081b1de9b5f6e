// The network between the application and the nodes, under the timeline's
// network events (delay spikes, partitions): it sits behind the drivers (and
// behind ProxySQL, which is on the application's side of every link) and in
// front of the poolers and nodes, and wraps the hop to each node whose link an
// event touches. A scenario without network events builds nothing here, so its
// runs are exactly what they were. The replication links read their own
// windows (replication.ts) and the read router its health checks (routing.ts).
import * as z from "zod";
import type { Simulation } from "../../kernel/index.js";
import type { ServerPort } from "../../models/operation.js";
import { PgBouncer } from "../../models/pool/pgbouncer.js";
import { roundFigure } from "../fields.js";
import { alignColumns, formatFigure } from "../table-text.js";
import type { Component, Way, WorkShare } from "./component.js";
import { DelaySpikeEvent } from "./delay-spike.js";
import { checkNetworkEvents } from "./network-checks.js";
import {
  APP,
  isClear,
  linkFaults,
  type NetworkEvent,
  networkEvents,
  restartsOf,
} from "./network-links.js";
import { EventCounts, FaultyPort, NETWORK_TIMEOUT } from "./network-port.js";
import { PartitionEvent } from "./partition.js";
import { expandedNetworkEvents, regionNames } from "./partition-regions.js";
import { PoolerRestartEvent } from "./pooler-restart.js";
import {
  CONNECTION_REFUSED,
  RestartingPort,
  type RestartWindow,
  SERVER_CLOSED,
} from "./pooler-restart-port.js";
import { regionMap } from "./regions-map.js";

/**
 * One network event's row in the report: its window and what it did to the
 * application's operations in the measured window.
 *
 * @remarks Since 0.2.0
 */
export const NetworkEventReportSchema = z.strictObject({
  kind: z.enum(["delay-spike", "partition", "pooler-restart"]),
  fromMs: z.number().describe("Its start (ms from the start of the run)"),
  untilMs: z.number().describe("Its end (ms from the start of the run)"),
  link: z.string().describe("The links it touches"),
  roundTripsDelayed: z
    .number()
    .int()
    .nonnegative()
    .describe("Round trips from the application that paid the spike's extra"),
  extraMsMean: z.number().describe("The extra each of them paid, on average (ms)"),
  held: z
    .number()
    .int()
    .nonnegative()
    .describe("Statements and connection set-ups held at the partition until it healed"),
  failedByKind: z
    .record(z.string(), z.number().int().nonnegative())
    .describe("Operations it failed, by error kind"),
});

/**
 * The `network` section of the report: one row per delay spike or partition
 * of the timeline, in timeline order. Counts cover the application's hops
 * from the warm-up cut on (a replication link's records are in
 * `replication`).
 *
 * @remarks Since 0.2.0
 */
export const NetworkReportSchema = z.strictObject({
  events: z.array(NetworkEventReportSchema),
});

type NetworkReport = z.output<typeof NetworkReportSchema>;
const NetworkSection = z.undefined().optional();
const NetworkReportSection = NetworkReportSchema.optional();

/**
 * The network under delay spikes and partitions.
 *
 * @remarks Since 0.2.0
 */
export const network: Component<typeof NetworkSection, typeof NetworkReportSection> = {
  key: "network",
  schema: NetworkSection,
  events: [DelaySpikeEvent, PartitionEvent, PoolerRestartEvent],
  check: checkNetworkEvents,
  report: { key: "network", schema: NetworkReportSection },
  errorKinds: [
    {
      kind: NETWORK_TIMEOUT,
      cause: () =>
        "a partition in the timeline (the driver's timeout, the partition's driverTimeout)",
    },
    {
      kind: CONNECTION_REFUSED,
      cause: () => "a pooler restart in the timeline (connections refused while it is down)",
    },
    {
      kind: SERVER_CLOSED,
      cause: () => "a pooler restart in the timeline (connections closed under transactions)",
    },
  ],
  table: (section) => networkTable(section),
  estimate: (scenario, run) => networkEstimate(networkEvents(scenario.timeline), run.totalMs),
  combine: (sections) => combineNetwork(sections as readonly NetworkReport[]),
  build(context, downstream) {
    const given = networkEvents(context.scenario.timeline);
    if (given.length === 0) return { downstream };
    // The links take the sides expanded over the regions; the report's rows, the sides as given.
    const events = expandedNetworkEvents(context.scenario);
    const { sim, compile, scenario } = context;
    const regions = regionNames(scenario);
    const map = regionMap(context);
    const regionOf = map === null ? null : (session: number) => map.regionOf(session);
    const counts = events.map(() => new EventCounts());
    const ways = downstream.ways.map((way): Way => {
      const restarts = restartsOf(events, way.name);
      const faults = linkFaults(events, APP, way.name, regions);
      if (restarts.length === 0 && isClear(faults)) return way;
      let port = way.port;
      if (restarts.length > 0) {
        dropServersAt(sim, way.port, restarts);
        port = new RestartingPort(sim, port, restarts, counts);
      }
      const parts = {
        compile,
        counts,
        connectRoundTrips: scenario.client.connectRoundTrips,
        regionOf,
      };
      if (!isClear(faults)) port = new FaultyPort(sim, port, faults, parts);
      return { ...way, port };
    });
    return {
      downstream: { ...downstream, ways },
      stats: {
        reset: () => {
          for (const c of counts) c.reset();
        },
        section: (): NetworkReport => ({
          events: given.map((e, i) => eventRow(e, counts[i] as EventCounts)),
        }),
      },
    };
  },
};

/** At each immediate restart, the pooler's new process starts without server connections. */
function dropServersAt(
  sim: Simulation,
  port: ServerPort,
  restarts: readonly RestartWindow[],
): void {
  if (!(port instanceof PgBouncer)) return;
  for (const r of restarts) if (!r.online) sim.at(r.fromMs, () => port.dropServers());
}

/**
 * The events' share of a run's work: an operation inside a spike schedules
 * the two halves of its extra; one at a partition or an online restart, its
 * release or its failure; the router's health check, two verdicts per
 * partition and replica.
 */
function networkEstimate(events: readonly NetworkEvent[], totalMs: number): WorkShare {
  let perOperation = 0;
  let periodic = 0;
  for (const e of events) {
    const share =
      totalMs > 0 ? Math.min(1, Math.max(0, Math.min(e.for, totalMs - e.at)) / totalMs) : 0;
    perOperation += (e.kind === "delay-spike" ? 2 : 1) * share;
    if (e.kind === "partition") periodic += 2 * (e.sides[0].length + e.sides[1].length);
  }
  return { eventsPerOperation: perOperation, periodicEvents: periodic };
}

function eventRow(e: NetworkEvent, c: EventCounts): NetworkReport["events"][number] {
  return {
    kind: e.kind,
    fromMs: roundFigure(e.at),
    untilMs: roundFigure(e.at + e.for),
    link: linkText(e),
    roundTripsDelayed: c.delayed,
    extraMsMean: roundFigure(c.delayed === 0 ? 0 : c.extraMs / c.delayed),
    held: c.held,
    failedByKind: Object.fromEntries(kindsOf(e).map((k) => [k, c.failed.get(k) ?? 0])),
  };
}

/** The error kinds an event's row lists, in a fixed order. */
function kindsOf(e: NetworkEvent): readonly string[] {
  return e.kind === "pooler-restart" ? [CONNECTION_REFUSED, SERVER_CLOSED] : [NETWORK_TIMEOUT];
}

function linkText(e: NetworkEvent): string {
  if (e.kind === "pooler-restart") return `pgbouncer-${e.node}${e.online ? " (online)" : ""}`;
  if (e.kind === "partition") return `${e.sides[0].join(", ")} | ${e.sides[1].join(", ")}`;
  return e.between === undefined ? "app ↔ every node" : `${e.between[0]} ↔ ${e.between[1]}`;
}

/** Over shards: the same events, their counts added up (the mean extra weighted by round trips). */
function combineNetwork(sections: readonly NetworkReport[]): NetworkReport | undefined {
  const first = sections[0];
  if (first === undefined) return undefined;
  const events = first.events.map((row, i) => {
    const rows = sections.map((s) => s.events[i] ?? row);
    const delayed = rows.reduce((n, r) => n + r.roundTripsDelayed, 0);
    const extra = rows.reduce((n, r) => n + r.extraMsMean * r.roundTripsDelayed, 0);
    const failedByKind = Object.fromEntries(
      Object.keys(row.failedByKind).map((k) => [
        k,
        rows.reduce((n, r) => n + (r.failedByKind[k] ?? 0), 0),
      ]),
    );
    return {
      ...row,
      roundTripsDelayed: delayed,
      extraMsMean: roundFigure(delayed === 0 ? 0 : extra / delayed),
      held: rows.reduce((n, r) => n + r.held, 0),
      failedByKind,
    };
  });
  return { events };
}

function networkTable(section: NetworkReport): string[] {
  return ["Network faults", ...alignColumns(networkRows(section), "ll")];
}

/** @internal The network table's header and rows (the text report and the HTML report). */
export function networkRows(section: NetworkReport): string[][] {
  return [
    ["event", "window (ms)", "link", "delayed", "extra mean", "held", "failed"],
    ...section.events.map((e) => [
      e.kind,
      `${formatFigure(e.fromMs)}–${formatFigure(e.untilMs)}`,
      e.link,
      String(e.roundTripsDelayed),
      formatFigure(e.extraMsMean),
      String(e.held),
      String(Object.values(e.failedByKind).reduce((a, b) => a + b, 0)),
    ]),
  ];
}
