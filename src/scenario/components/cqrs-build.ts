// Builds the cqrs section's models: one Projection per read model chained onto
// the primary's commit hook (after replication's, so both see every commit), the
// query router in front of the command side, the replays on the timeline, and
// the diagram's boxes.
import type * as z from "zod";
import { runReplay, streamReplayItems, streamSnapshots } from "../../models/cqrs/event-store.js";
import { Projection } from "../../models/cqrs/projection.js";
import { QueryRouter, type QueryTarget } from "../../models/cqrs/query-router.js";
import type { Service } from "../../models/operation.js";
import { KeyVersions } from "../../models/server/key-versions.js";
import type { DatabaseServer } from "../../models/server/server.js";
import { roundFigure } from "../fields.js";
import { diagramId } from "../graph.js";
import type { BuildContext } from "./component.js";
import type { CqrsReportSchema, CqrsSchema } from "./cqrs-section.js";

/** @internal The resolved cqrs section. */
export type CqrsSpec = z.output<typeof CqrsSchema>;
type CqrsReport = z.output<typeof CqrsReportSchema>;
type ReplayRecord = CqrsReport["projections"][number]["replays"][number];

/** @internal What the built cqrs section measures. */
export interface BuiltCqrs {
  readonly router: QueryRouter;
  readonly targets: readonly QueryTarget[];
  readonly replays: ReadonlyMap<string, ReplayRecord[]>;
  readonly primary: DatabaseServer;
}

/** @internal Builds the projections, the router in front of `commandSide`, and the replays. */
export function buildCqrs(context: BuildContext, c: CqrsSpec, commandSide: Service): BuiltCqrs {
  const { sim, compile } = context;
  const primary = context.nodes[0]?.server;
  if (primary === undefined) throw new Error("cqrs is built in front of the primary");
  const keys = context.scenario.workload.keys.count;
  const targets: QueryTarget[] = c.projections.map((p) => {
    const draw = compile(p.applyTime ?? 1000 / (p.throughput as number));
    const rng = sim.rng(`cqrs.${p.name}`);
    const projection = new Projection(
      sim,
      { name: p.name, applyMs: () => draw(rng), threads: p.threads, batch: p.batch },
      new KeyVersions(keys, context.cluster.keySlots ?? null),
    );
    return { projection, serves: p.serves, queries: 0, staleQueries: 0 };
  });
  primary.observeCommits((lsn, key, version, rows) => {
    for (const t of targets) t.projection.commit(lsn, key, version, rows);
  });
  const query = compile(c.queryTime);
  const queryRng = sim.rng("cqrs.query");
  const router = new QueryRouter(
    sim,
    {
      targets,
      queryMs: () => query(queryRng),
      readYourWritesMs: c.readYourWrites === "command-side" ? c.readYourWritesWindow : null,
      versions: context.versions,
      rng: sim.rng("cqrs.route"),
    },
    commandSide,
  );
  const replays = scheduleReplays(context, c, targets, primary);
  drawCqrs(context, c);
  return { router, targets, replays, primary };
}

/** Schedules each projection-replay: items from the streams at its start, read from the primary, applied by the projection's appliers. */
function scheduleReplays(
  context: BuildContext,
  c: CqrsSpec,
  targets: readonly QueryTarget[],
  primary: DatabaseServer,
): Map<string, ReplayRecord[]> {
  const { sim, compile } = context;
  const replays = new Map<string, ReplayRecord[]>(c.projections.map((p) => [p.name, []]));
  const readDraw = compile(c.replayReadTime);
  const readRng = sim.rng("cqrs.replay");
  const keys = context.scenario.workload.keys.count;
  for (const event of context.events("projection-replay")) {
    const target = targets.find((t) => t.projection.config.name === event.projection);
    if (target === undefined) continue;
    const { projection } = target;
    sim.at(event.at, () => {
      let items = 0;
      for (let key = 0; key < keys; key++)
        items += streamReplayItems(primary.read(key), c.snapshotEvery ?? null);
      const record: ReplayRecord = { at: roundFigure(sim.now), items, ms: null };
      replays.get(event.projection)?.push(record);
      const started = sim.now;
      projection.replay(
        primary.lsn,
        (done) =>
          runReplay(
            sim,
            {
              items,
              threads: projection.config.threads,
              read: (read) => primary.runWork(readDraw(readRng), read),
              applyMs: projection.config.applyMs,
            },
            done,
          ),
        () => {
          record.ms = roundFigure(sim.now - started);
        },
      );
    });
  }
  return replays;
}

/** @internal Snapshots the streams hold now: one every snapshotEvery events of each key's stream. */
export function snapshotCount(c: CqrsSpec, primary: DatabaseServer, keys: number): number {
  if (c.store !== "events" || c.snapshotEvery === undefined) return 0;
  let total = 0;
  for (let key = 0; key < keys; key++) total += streamSnapshots(primary.read(key), c.snapshotEvery);
  return total;
}

/** The projections' boxes behind the primary (or its event store), and the queries' arrows from the application. */
function drawCqrs(context: BuildContext, c: CqrsSpec): void {
  const { graph } = context;
  let feed = "primary";
  if (c.store === "events") {
    feed = "event_store";
    const snapshots = c.snapshotEvery === undefined ? "" : `, snapshot every ${c.snapshotEvery}`;
    graph.back({
      id: feed,
      label: `Event store on the primary<br/>a stream per key${snapshots}`,
      shape: "database",
    });
    graph.arrow({ from: "primary", to: feed, label: "append", style: "dotted" });
  }
  for (const p of c.projections) {
    const id = diagramId(`projection-${p.name}`);
    const rate = p.throughput === undefined ? "" : `<br/>${p.throughput} events/s`;
    graph.back({ id, label: `${p.name} (projection)${rate}`, shape: "database" });
    const feeds = c.store === "events" ? "subscription" : "commit log";
    graph.arrow({ from: feed, to: id, label: feeds, style: "dotted" });
    graph.arrow({ from: "app", to: id, label: `queries ${Math.round(p.serves * 100)}%` });
  }
}
