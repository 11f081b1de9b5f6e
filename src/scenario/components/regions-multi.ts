// Multi-primary regions as the scenario builds them: the primary serves its own
// region and each other region's replica becomes that region's primary. The
// primary's log no longer feeds them (each ships its own writes to the others
// through the multi-primary model instead); their commits feed the model, and
// every answer leaves with the version the model gave it, so the history, the
// version oracle and the consistency monitor judge reads by the region that
// served them. Versions of the multi-primary log have no single LSN order, so
// operations carry no LSN (NaN): the monitor then checks versions only.
import type { Done, Operation, Service } from "../../models/operation.js";
import { MultiPrimary } from "../../models/regions/multi-primary.js";
import type { RegionMap } from "../../models/regions/regions.js";
import { diagramId } from "../graph.js";
import type { BuildContext, Way } from "./component.js";

/** @internal What the regions component needs of a multi-primary plan. */
export interface MultiPrimaryParts {
  readonly model: MultiPrimary;
  /** Per region, where its writes go: its own primary's way in. */
  readonly writers: readonly Service[];
  /** Wraps the region front: each answer takes the version its region holds. */
  wrap(front: Service): Service;
}

/** @internal Wires the region primaries (`where[i]`: way i's region) to a {@link MultiPrimary}. */
export function buildMultiPrimary(
  context: BuildContext,
  map: RegionMap,
  ways: readonly Way[],
  where: readonly number[],
): MultiPrimaryParts {
  const { sim, scenario, compile, nodes } = context;
  const rep = scenario.replication;
  const servers = map.names.map((_, r) => {
    const at = where.indexOf(r);
    const node = nodes[at]?.server;
    if (node === undefined) throw new Error(`multi-primary: no node in region ${map.names[r]}`);
    return node;
  });
  // The primary's log stops at the primary: the other primaries get its writes from the model.
  const log = context.shared.replication;
  if (log !== null) for (let i = 0; i < log.replicaCount; i++) log.detach(i);
  nodes[0]?.server.onCommit(null);
  const model = new MultiPrimary(sim, map, servers, {
    applyMs: compile(rep?.applyTime ?? "ssdRandomRead"),
    ...(rep === undefined ? {} : { networkMs: compile(rep.network) }),
  });
  servers.forEach((server, r) => {
    server.observeCommits((lsn, key, _version, rows) =>
      model.committed(r, lsn, rows?.keys ?? [key]),
    );
  });
  drawLinks(context, ways, where, map);
  const writers = map.names.map((_, r) => ways[where.indexOf(r)]?.service as Service);
  return {
    model,
    writers,
    wrap: (front) => ({
      submit(op: Operation, done: Done) {
        front.submit(op, (answered) => {
          if (answered.error === null) stamp(model, map.regionOf(answered.session), answered);
          done(answered);
        });
      },
    }),
  };
}

/** Gives an answered operation the version of the multi-primary log. */
function stamp(model: MultiPrimary, region: number, op: Operation): void {
  if (op.kind === "write") {
    const versions = model.takeVersions(region, op.lsn);
    op.version = versions[versions.length - 1] ?? 0;
    if (op.writtenRows !== null) op.writtenRows = { keys: op.writtenRows.keys, versions };
  } else {
    op.version = model.versionAt(region, op.key);
  }
  op.lsn = Number.NaN;
  op.versionLsn = Number.NaN;
}

/** Replaces the primary's log arrows with a link each way between every two primaries. */
function drawLinks(
  context: BuildContext,
  ways: readonly Way[],
  where: readonly number[],
  map: RegionMap,
): void {
  const graph = context.graph;
  const ids = map.names.map((_, r) => {
    const way = ways[where.indexOf(r)] as Way;
    return way.role === "primary" ? "primary" : diagramId(way.name);
  });
  for (let i = graph.edges.length - 1; i >= 0; i--) {
    const e = graph.edges[i];
    if (e !== undefined && e.from === "primary" && ids.includes(e.to)) graph.edges.splice(i, 1);
  }
  ids.forEach((id, r) => {
    const at = graph.nodes.findIndex((n) => n.id === id);
    const node = graph.nodes[at];
    if (node !== undefined && id !== "primary") {
      graph.nodes[at] = { ...node, label: `${node.label}<br/>primary of ${map.names[r]}` };
    }
  });
  for (let a = 0; a < ids.length; a++) {
    for (let b = a + 1; b < ids.length; b++) {
      const [x, y] = [ids[a] as string, ids[b] as string];
      graph.arrow({ from: x, to: y, label: "changes, last writer wins", style: "dotted" });
      graph.arrow({ from: y, to: x, label: "changes, last writer wins", style: "dotted" });
    }
  }
}
