// CQRS: the command side is the scenario's database (its primary); projections
// consume its commit log and serve a share of the reads as queries; with
// `store: "events"` the command side is an event store whose projections can be
// replayed. Front-most on the request path: it splits reads before a cache.
import type * as z from "zod";
import type { EventHandle, Simulation } from "../../kernel/index.js";
import { roundFigure } from "../fields.js";
import type { Report } from "../report.js";
import { alignColumns, formatFigure, NO_DATA } from "../table-text.js";
import type { Component, ComponentStats, Probe } from "./component.js";
import { type BuiltCqrs, buildCqrs, type CqrsSpec, snapshotCount } from "./cqrs-build.js";
import { checkCqrs, ProjectionReplayEvent } from "./cqrs-replay.js";
import { CqrsReportSchema, CqrsSchema } from "./cqrs-section.js";

const CqrsSection = CqrsSchema.optional();
const CqrsReportSection = CqrsReportSchema.optional();
type CqrsReport = z.output<typeof CqrsReportSchema>;

/** How often the history is compacted when nothing else samples (the runner's pace). */
const COMPACT_EVERY_MS = 1000;

/**
 * CQRS projections and event sourcing: absent unless the scenario has a `cqrs` section.
 *
 * @remarks Since 0.2.0
 */
export const cqrs: Component<typeof CqrsSection, typeof CqrsReportSection> = {
  key: "cqrs",
  schema: CqrsSection,
  report: { key: "cqrs", schema: CqrsReportSection },
  errorKinds: [],
  events: [ProjectionReplayEvent],
  check: checkCqrs,
  summary: (s) => (s.cqrs === undefined ? undefined : ["cqrs", cqrsSummary(s.cqrs)]),
  table: (section) => cqrsTable(section),
  compare: [
    {
      header: ["projection lag", "max (ms)"],
      rank: 125,
      cell: (r) => worst(r, (p) => p.lagMs.max),
      shown: (reports) => reports.some((r) => r.cqrs !== undefined),
    },
    {
      header: ["stale", "queries"],
      rank: 126,
      cell: (r) => worst(r, (p) => p.staleQueries, true),
      shown: (reports) => reports.some((r) => r.cqrs !== undefined),
    },
  ],
  estimate(s, run) {
    const c = s.cqrs;
    if (c === undefined) return {};
    // A query's one event; one apply per write per projection (batches aside); the compaction timer.
    return {
      eventsPerOperation: 1,
      writeEvents: run.writes * c.projections.length,
      periodicEvents: run.totalMs / COMPACT_EVERY_MS,
      // Each projection's version and LSN per key (two 4-byte arrays).
      memory: [
        { what: "projection versions", bytes: 8 * s.workload.keys.count * c.projections.length },
      ],
    };
  },
  build(context, downstream) {
    const c = context.scenario.cqrs;
    if (c === undefined) return { downstream };
    const behind = downstream.front ?? downstream.ways[0]?.service;
    if (behind === undefined || behind === null)
      throw new Error("cqrs is built in front of the command side");
    const built = buildCqrs(context, c, behind);
    return {
      downstream: { ...downstream, front: built.router },
      holders: built.targets.map((t) => t.projection),
      stats: cqrsStats(context.sim, c, built, context.scenario.workload.keys.count),
    };
  },
};

/** What the cqrs section measures: its counts restart at the cut, its timer compacts the history, its section and probes. */
function cqrsStats(
  sim: Pick<Simulation, "schedule" | "cancel">,
  c: CqrsSpec,
  built: BuiltCqrs,
  keys: number,
): ComponentStats {
  let timer: EventHandle | null = null;
  return {
    reset(now) {
      built.router.resetStats();
      for (const t of built.targets) t.projection.resetStats(now);
    },
    // Without replicas nothing else samples: compact the history at the runner's pace.
    start(tick) {
      const sample = (): void => {
        tick();
        timer = sim.schedule(COMPACT_EVERY_MS, sample);
      };
      timer = sim.schedule(COMPACT_EVERY_MS, sample);
    },
    stop() {
      if (timer !== null) sim.cancel(timer);
    },
    probes: () =>
      built.targets.flatMap(({ projection }): Probe[] => [
        {
          name: `lag.${projection.config.name}`,
          kind: "gauge",
          read: (now) => projection.lagMs(now),
        },
        {
          name: `backlog.${projection.config.name}`,
          kind: "gauge",
          read: () => projection.backlog,
        },
      ]),
    section: (window): CqrsReport => ({
      store: c.store,
      readYourWrites: c.readYourWrites,
      readYourWritesReads: built.router.readYourWritesReads,
      snapshots: snapshotCount(c, built.primary, keys),
      projections: built.targets.map((t) => {
        const { projection } = t;
        const f = projection.figures(window.now);
        return {
          name: projection.config.name,
          eventsApplied: projection.eventsApplied,
          appliedLsn: projection.appliedLsn,
          backlogEvents: rounded(f.backlogEvents),
          lagMs: rounded(f.lagMs),
          queries: t.queries,
          staleQueries: t.staleQueries,
          replays: built.replays.get(projection.config.name) ?? [],
        };
      }),
    }),
  };
}

function rounded(f: { end: number; mean: number; max: number }): {
  end: number;
  mean: number;
  max: number;
} {
  return { end: roundFigure(f.end), mean: roundFigure(f.mean), max: roundFigure(f.max) };
}

/** The worst projection's figure, or no data without cqrs. */
function worst(
  r: Report,
  figure: (p: CqrsReport["projections"][number]) => number,
  sum = false,
): string {
  const ps = r.cqrs?.projections ?? [];
  if (ps.length === 0) return NO_DATA;
  const values = ps.map(figure);
  return sum ? String(values.reduce((a, b) => a + b, 0)) : formatFigure(Math.max(...values));
}

function cqrsSummary(c: CqrsSpec): string {
  const ps = c.projections.map((p) => {
    const rate = p.throughput === undefined ? "" : ` ${p.throughput} events/s`;
    return `${p.name}${rate} serves ${Math.round(p.serves * 100)}%`;
  });
  const ryw = c.readYourWrites === "none" ? "" : `, read-your-writes command-side`;
  return `${ps.join("; ")}${ryw}, store ${c.store}`;
}

/** The CQRS section of the report's table. */
function cqrsTable(section: CqrsReport): string[] {
  const rows = [
    ["store", section.store],
    ["read-your-writes", section.readYourWrites],
    ["reads sent to the command side", String(section.readYourWritesReads)],
  ];
  if (section.store === "events") rows.push(["snapshots", String(section.snapshots)]);
  const projections = alignColumns(
    [
      ["", "events", "backlog (events)", "", "", "lag (ms)", "", "", "queries", "", "replays"],
      [
        "projection",
        "applied",
        "end",
        "mean",
        "max",
        "end",
        "mean",
        "max",
        "served",
        "stale",
        "(items in ms)",
      ],
      ...section.projections.map((p) => [
        p.name,
        String(p.eventsApplied),
        String(p.backlogEvents.end),
        formatFigure(p.backlogEvents.mean),
        String(p.backlogEvents.max),
        formatFigure(p.lagMs.end),
        formatFigure(p.lagMs.mean),
        formatFigure(p.lagMs.max),
        String(p.queries),
        String(p.staleQueries),
        p.replays
          .map((x) => `${x.items} in ${x.ms === null ? "unfinished" : formatFigure(x.ms)}`)
          .join(", ") || "–",
      ]),
    ],
    "l",
  );
  return ["CQRS", ...alignColumns(rows, "ll"), "", ...projections];
}
