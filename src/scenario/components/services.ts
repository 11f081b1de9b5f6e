// Services: the application split into microservices, each owning a range of
// the keys, in front of a database each (one cluster per service, folded by the
// composition root as shards are) or of one shared database; an API composer
// fans a share of the reads out to several services (src/models/services/).
import type * as z from "zod";
import type { Operation, Service } from "../../models/operation.js";
import { ServiceRouter } from "../../models/services/service-router.js";
import { roundFigure, spread } from "../fields.js";
import type { Report } from "../report.js";
import type { Scenario } from "../schema.js";
import { alignColumns, formatFigure, NO_DATA, percentText } from "../table-text.js";
import type {
  BuildContext,
  Component,
  ComponentStats,
  EstimateInput,
  MeasuredWindow,
  WorkShare,
} from "./component.js";
import { buildRelays, eventLines, relayFigures } from "./services-events.js";
import {
  checkServices,
  ServicesReportSchema,
  ServicesSchema,
  type ServicesSpec,
  serviceRanges,
} from "./services-section.js";
import { shardSections } from "./shard-sections.js";

export { ServiceSchema, ServicesReportSchema, ServicesSchema } from "./services-section.js";

const ServicesSection = ServicesSchema.optional();
const ServicesReportSection = ServicesReportSchema.optional();

/** @internal The diagram id of the application's services box. */
export const SERVICES_ID = "services";

/** @internal One service's database as the composition root built it. */
export interface ServiceCluster {
  /** Its database's front service. */
  readonly front: Service;
  /** What its database's components measure (shared: the one database's). */
  readonly stats: ReadonlyMap<string, ComponentStats>;
  /** Its cluster's index. */
  readonly cluster: number;
  /** The prefix of its nodes' names ("" for a shared database). */
  readonly prefix: string;
}

/** @internal The services' router as the composition root gets it. */
export interface ServicesFront {
  readonly service: Service;
  readonly place: (op: Operation) => boolean;
  readonly complete: (op: Operation) => void;
  /** The workload's key hook: a drawn key to its service's range. */
  readonly keyOf: (drawn: number, id: number) => number;
  readonly stats: ComponentStats;
}

/**
 * Services: the router in front of the services' databases. The per-cluster
 * fold passes it by; the composition root builds it with
 * {@link services.buildFront} over every service's database.
 *
 * @remarks Since 0.2.0
 */
export const services: Component<typeof ServicesSection, typeof ServicesReportSection> & {
  buildFront(context: BuildContext, clusters: readonly ServiceCluster[]): ServicesFront;
} = {
  key: "services",
  schema: ServicesSection,
  report: { key: "services", schema: ServicesReportSection },
  errorKinds: [],
  check: (scenario, ctx) => checkServices(scenario, ctx),
  summary: (s) =>
    s.services === undefined ? undefined : ["services", servicesSummary(s.services)],
  table: (section) => servicesTable(section),
  compare: [
    {
      header: ["composed", "p99 ms"],
      rank: 125,
      cell: (r) =>
        r.services?.composed == null ? NO_DATA : formatFigure(r.services.composed.latencyMs.p99),
      shown: (reports) => reports.some((r) => r.services?.composed != null),
    },
    {
      header: ["slowest service", "p99 ms"],
      rank: 126,
      cell: (r) => slowestServiceP99(r),
      shown: (reports) => reports.some((r) => r.services !== undefined),
    },
  ],
  estimate: (s, run) => servicesEstimate(s, run),
  build: (_context, downstream) => ({ downstream }),
  buildFront: (context, clusters) => buildServices(context, clusters),
};

// Events of one call or copy: its arrival, the round trip each way and the
// server's work, with the hops in between (as a shard's scattered part).
const EVENTS_PER_CALL = 7;

/** The work composed calls and event copies add: each about one more operation. */
function servicesEstimate(s: Scenario, run: EstimateInput): WorkShare {
  const spec = s.services;
  if (spec === undefined) return {};
  const c = spec.compose;
  const calls = c === undefined ? 0 : s.workload.readRatio * c.share * c.services.length;
  // Every write of a source may be copied, whatever its service's share (an upper bound).
  const copies = (spec.events ?? []).length * (EVENTS_PER_CALL + 1);
  return { eventsPerOperation: calls * EVENTS_PER_CALL, writeEvents: run.writes * copies };
}

function servicesSummary(s: ServicesSpec): string {
  const list = s.list.map((x) => `${x.name} ${Math.round(x.share * 100)}%`).join(", ");
  const compose =
    s.compose === undefined
      ? ""
      : `; ${Math.round(s.compose.share * 100)}% of reads composed over ${s.compose.services.join(", ")}`;
  return `${s.database} database: ${list}${compose}`;
}

function slowestServiceP99(r: Report): string {
  const list = r.services?.list ?? [];
  return list.length === 0 ? NO_DATA : formatFigure(Math.max(...list.map((x) => x.p99Ms)));
}

function buildServices(context: BuildContext, clusters: readonly ServiceCluster[]): ServicesFront {
  const { sim, scenario } = context;
  const spec = scenario.services as ServicesSpec;
  const ranges = serviceRanges(spec, scenario.workload.keys.count);
  const shared = spec.database === "shared";
  const clusterOf = (i: number): ServiceCluster =>
    (shared ? clusters[0] : clusters[i]) as ServiceCluster;
  const router = new ServiceRouter(sim, {
    services: spec.list.map((x, i) => ({
      share: x.share,
      from: (ranges[i] as { from: number }).from,
      to: (ranges[i] as { to: number }).to,
      cluster: clusterOf(i).cluster,
      target: clusterOf(i).front,
    })),
    composeShare: spec.compose?.share ?? 0,
    composed: (spec.compose?.services ?? []).map((name) =>
      spec.list.findIndex((x) => x.name === name),
    ),
    pick: sim.rng("services.pick"),
    compose: sim.rng("services.compose"),
  });
  drawServices(context, spec, shared);
  const relays = buildRelays(context, spec, ranges, clusterOf);
  const bySource = spec.list.map((_, i) => relays.filter((r) => r.from === i).map((r) => r.relay));
  const stats: ComponentStats = {
    reset: () => {
      router.resetStats();
      for (const r of relays) r.relay.resetStats();
    },
    section: (window) => ({
      ...servicesSection(spec, ranges, router, clusterOf, window),
      ...(spec.events === undefined ? {} : { events: relayFigures(spec, relays) }),
    }),
  };
  return {
    service: router,
    place: (op) => router.place(op),
    complete: (op) => {
      const service = router.completed(op);
      if (op.kind !== "write" || op.error !== null || op.spans !== 1) return;
      for (const relay of bySource[service] ?? []) relay.publish(op.key);
    },
    keyOf: (drawn, id) => router.keyOf(drawn, id),
    stats,
  };
}

/** A box per service, each to its database's way in; the composer in front when there is one. */
function drawServices(context: BuildContext, spec: ServicesSpec, shared: boolean): void {
  const { graph } = context;
  spec.list.forEach((x, i) => {
    graph.front({
      id: `service_${i}`,
      label: `Service ${x.name}<br/>${Math.round(x.share * 100)}% of operations`,
      shape: "component",
    });
    graph.arrow({ from: `service_${i}`, to: shared ? "app" : `svc${i}_app` });
  });
  graph.front({
    id: SERVICES_ID,
    label: `Services<br/>${spec.database} database`,
    shape: "component",
  });
  for (let i = 0; i < spec.list.length; i++) graph.arrow({ from: SERVICES_ID, to: `service_${i}` });
  const compose = spec.compose;
  if (compose === undefined) return;
  graph.after(SERVICES_ID, {
    id: "composer",
    label: `API composer<br/>${Math.round(compose.share * 100)}% of reads, waits for the slowest`,
    shape: "component",
  });
  graph.arrow({ from: SERVICES_ID, to: "composer", label: "composed reads" });
  for (const name of compose.services) {
    const i = spec.list.findIndex((x) => x.name === name);
    graph.arrow({ from: "composer", to: `service_${i}`, label: "in parallel" });
  }
}

type ServicesReport = z.output<typeof ServicesReportSchema>;

function servicesSection(
  spec: ServicesSpec,
  ranges: readonly { from: number; to: number }[],
  router: ServiceRouter,
  clusterOf: (i: number) => ServiceCluster,
  window: MeasuredWindow,
): ServicesReport {
  const ops = router.operationsPerService();
  const calls = router.composedCallsPerService();
  const slowest = router.slowestPerService();
  const nodes = (window.report.nodes ?? []) as readonly { name: string; utilization: number }[];
  const list = spec.list.map((x, i) => {
    const c = clusterOf(i);
    const h = router.serviceLatency(i);
    return {
      name: x.name,
      keys: ranges[i] as { from: number; to: number },
      operations: ops[i] ?? 0,
      composedCalls: calls[i] ?? 0,
      slowestInComposed: slowest[i] ?? 0,
      p50Ms: roundFigure(h.count > 0 ? h.percentile(50) : 0),
      p99Ms: spread(h).p99,
      nodes: nodes
        .filter((n) => c.prefix === "" || n.name.startsWith(c.prefix))
        .map((n) => ({ name: n.name, utilization: n.utilization })),
      // A shared database's sections are the report's own; a database each carries its own.
      ...(spec.database === "shared" ? {} : shardSections(c.stats, window)),
    };
  });
  const compose = spec.compose;
  const h = router.composedLatencyMs;
  return {
    database: spec.database,
    list,
    composed:
      compose === undefined
        ? null
        : {
            services: compose.services,
            requests: router.composedRequests,
            p50Ms: roundFigure(h.count > 0 ? h.percentile(50) : 0),
            latencyMs: spread(h),
          },
  };
}

function servicesTable(s: ServicesReport): string[] {
  const head =
    s.composed === null
      ? `Services (${s.database} database)`
      : `Services (${s.database} database): ${s.composed.requests} composed requests over ${s.composed.services.join(", ")}, p50 ${formatFigure(s.composed.p50Ms)} ms, p99 ${formatFigure(s.composed.latencyMs.p99)} ms`;
  return [
    head,
    ...alignColumns(
      [
        [
          "service",
          "keys",
          "operations",
          "composed calls",
          "slowest",
          "p50 ms",
          "p99 ms",
          "busiest node util.",
        ],
        ...s.list.map((r) => [
          r.name,
          `${r.keys.from} … ${r.keys.to}`,
          String(r.operations),
          String(r.composedCalls),
          String(r.slowestInComposed),
          formatFigure(r.p50Ms),
          formatFigure(r.p99Ms),
          r.nodes.length === 0
            ? NO_DATA
            : percentText(Math.max(...r.nodes.map((n) => n.utilization))),
        ]),
      ],
      "llrrrrrr",
    ),
    ...eventLines(s),
  ];
}
