// Regions: sessions and nodes placed in regions, a round trip between each pair.
// The driver pays the hop between a session's region and the node's, the log
// pays it between the primary's region and a replica's (both wired where those
// are built, from regions-map.ts); this component sends each read to its
// region's nodes, writes on to the primary, and reports each region's figures.
import type * as z from "zod";
import type { Service } from "../../models/operation.js";
import { RegionFront, type RegionNode } from "../../models/regions/local-reads.js";
import type { RegionMap } from "../../models/regions/regions.js";
import { diagramId, type GraphBuilder } from "../graph.js";
import type { Report } from "../report.js";
import type { Component, MeasuredWindow, Way } from "./component.js";
import { checkRegions } from "./regions-check.js";
import { regionMap, replicaRegions, wayRegions } from "./regions-map.js";
import { buildMultiPrimary } from "./regions-multi.js";
import {
  RegionsReportSchema,
  regionsSection,
  regionsTable,
  worstWriteP99,
} from "./regions-report.js";
import { RegionsSchema } from "./regions-schema.js";

const RegionsSection = RegionsSchema.optional();
const RegionsReportSection = RegionsReportSchema.optional();

/**
 * Regions: region-local reads, writes to the primary's region, and each
 * region's figures.
 *
 * @remarks Since 0.2.0
 */
export const regions: Component<typeof RegionsSection, typeof RegionsReportSection> = {
  key: "regions",
  schema: RegionsSection,
  report: { key: "regions", schema: RegionsReportSection },
  errorKinds: [],
  check: checkRegions,
  table: (section) => regionsTable(section),
  summary: (s) => (s.regions === undefined ? undefined : ["regions", regionsSummary(s)]),
  compare: [
    {
      header: ["worst region", "write p99"],
      rank: 75,
      cell: (r: Report) => worstWriteP99(r),
      shown: (reports) => reports.some((r) => r.regions !== undefined),
    },
    {
      header: ["conflicts /", "lost updates"],
      rank: 76,
      cell: (r: Report) => {
        const m = r.regions?.multiPrimary;
        return m === undefined ? "–" : `${m.conflicts} / ${m.lostUpdates}`;
      },
      shown: (reports) => reports.some((r) => r.regions?.multiPrimary !== undefined),
    },
  ],
  build(context, downstream) {
    const map = regionMap(context);
    if (map === null) return { downstream };
    const [first] = downstream.ways;
    if (first === undefined || first.service === null) {
      throw new Error("regions are built in front of the drivers");
    }
    const writer = downstream.front ?? first.service;
    const where = wayRegions(context.scenario, map);
    // ProxySQL (the one way in, in the primary's region) takes every read: a
    // region elsewhere reads remotely.
    const nodes: RegionNode[] = downstream.ways.map((way, i) => ({
      region: where[i] as number,
      primary: way.role !== "replica",
      service: way.service as Service,
    }));
    labelBoxes(context.graph, downstream.ways, where, map);
    const multi =
      context.scenario.regions?.writes === "multi-primary"
        ? buildMultiPrimary(context, map, downstream.ways, where)
        : null;
    const front = new RegionFront(context.sim, map, writer, nodes, multi?.writers ?? null);
    context.shared.regionReadsBuilt?.(front);
    const replicaNames = downstream.ways.filter((w) => w.role === "replica").map((w) => w.name);
    const regionOfReplica = replicaRegions(context.scenario);
    return {
      downstream: { ...downstream, front: multi === null ? front : multi.wrap(front) },
      stats: {
        reset: () => {
          front.resetStats();
          multi?.model.resetStats();
        },
        section: (window: MeasuredWindow) =>
          regionsSection(
            context.scenario,
            map,
            front,
            window,
            (region) => replicaNames.filter((_, i) => regionOfReplica[i] === region),
            multi?.model,
          ),
      },
    };
  },
};

/** Frames each way's boxes (its pooler and node) in its region, and names the regions on the application's box. */
function labelBoxes(
  graph: GraphBuilder,
  ways: readonly Way[],
  where: readonly number[],
  map: RegionMap,
): void {
  const relabel = (id: string, extra: string): void => {
    const at = graph.nodes.findIndex((n) => n.id === id);
    const node = graph.nodes[at];
    if (node !== undefined) graph.nodes[at] = { ...node, label: `${node.label}<br/>${extra}` };
  };
  ways.forEach((way, i) => {
    const region = map.names[where[i] as number] as string;
    // The way's first box (a pooler, or the node) and the node's own box.
    graph.group(way.diagramId, region);
    graph.group(way.role === "primary" ? "primary" : diagramId(way.name), region);
  });
  relabel("app", `sessions in ${map.names.join(", ")}`);
}

function regionsSummary(s: {
  readonly regions?: z.output<typeof RegionsSchema> | undefined;
}): string {
  const r = s.regions as z.output<typeof RegionsSchema>;
  const list = r.list
    .map((x) => (x.clients === undefined ? x.name : `${x.name} ${Math.round(x.clients * 100)}%`))
    .join(", ");
  if (r.writes === "multi-primary") return `${list}; a primary in every region, last writer wins`;
  return `${list}; primary in ${r.primary}; commit ${r.commit}`;
}
