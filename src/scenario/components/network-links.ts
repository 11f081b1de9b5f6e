// Which of the timeline's network events touch which link, as time windows: a
// link is an unordered pair of names (`app` and a node, or a primary and a
// replica). The components that own a link (the drivers' hops here in
// network.ts, the replication links in replication.ts) ask for its windows.
import type { DistributionSpec } from "../../latency/index.js";
import type { TimelineEntry } from "../timeline.js";
import type { DelaySpike } from "./delay-spike.js";
import type { Partition } from "./partition.js";
import type { PoolerRestart } from "./pooler-restart.js";
import type { RestartWindow } from "./pooler-restart-port.js";

/** @internal The application's end of a link, as partitions and spikes name it. */
export const APP = "app";

/** @internal A network event of the timeline: a delay spike, a partition or a pooler restart. */
export type NetworkEvent = DelaySpike | Partition | PoolerRestart;

/** @internal A window of a network event on one link. */
export interface LinkWindow {
  readonly fromMs: number;
  readonly toMs: number;
  /** The event's index among the timeline's network events (its row in the report). */
  readonly event: number;
}

/** @internal A delay spike on one link. */
export interface SpikeWindow extends LinkWindow {
  readonly extra: DistributionSpec;
}

/** @internal A partition across one link. */
export interface CutWindow extends LinkWindow {
  readonly driverTimeoutMs: number;
  /**
   * On the application's hop in a plan with regions: per region (index), whether
   * its sessions are cut from the node; null when every session is.
   */
  readonly sessionRegions: readonly boolean[] | null;
  readonly healthCheck: Partition["healthCheck"];
}

/** @internal What the network events do to one link, each list in time order. */
export interface LinkFaults {
  readonly spikes: readonly SpikeWindow[];
  readonly cuts: readonly CutWindow[];
}

/** @internal The timeline's network events, in timeline order. */
export function networkEvents(timeline: readonly TimelineEntry[] | undefined): NetworkEvent[] {
  return (timeline ?? []).filter(
    (e): e is NetworkEvent =>
      e.kind === "delay-spike" || e.kind === "partition" || e.kind === "pooler-restart",
  );
}

/** @internal Whether a partition's sides put `a` and `b` apart. */
export function separates(
  sides: readonly [readonly string[], readonly string[]],
  a: string,
  b: string,
): boolean {
  const [left, right] = sides;
  return (left.includes(a) && right.includes(b)) || (left.includes(b) && right.includes(a));
}

/** @internal Whether the link `a`–`b` is the one a spike names (`between`, either order). */
function names(between: readonly [string, string], a: string, b: string): boolean {
  return (between[0] === a && between[1] === b) || (between[0] === b && between[1] === a);
}

/**
 * The faults on the link `a`–`b`. A spike without `between` is on every link
 * from the application (`a` = `app`). With `regions` (their names; the
 * partitions' sides expanded by partition-regions.ts), a cut of the
 * application's hop says which regions' sessions it cuts.
 *
 * @internal
 */
export function linkFaults(
  events: readonly NetworkEvent[],
  a: string,
  b: string,
  regions: readonly string[] | null = null,
): LinkFaults {
  const spikes: SpikeWindow[] = [];
  const cuts: CutWindow[] = [];
  events.forEach((e, event) => {
    const window = { fromMs: e.at, toMs: e.at + e.for, event };
    if (e.kind === "delay-spike") {
      const on = e.between === undefined ? a === APP : names(e.between, a, b);
      if (on) spikes.push({ ...window, extra: e.extra });
    } else if (e.kind === "partition") {
      const sessionRegions = cutRegions(e.sides, a, b, regions);
      if (sessionRegions === null ? !separates(e.sides, a, b) : !sessionRegions.includes(true))
        return;
      const all = sessionRegions === null || sessionRegions.every(Boolean);
      cuts.push({
        ...window,
        driverTimeoutMs: e.driverTimeout,
        healthCheck: e.healthCheck,
        sessionRegions: all ? null : sessionRegions,
      });
    }
  });
  const byStart = (x: LinkWindow, y: LinkWindow) => x.fromMs - y.fromMs;
  return { spikes: spikes.sort(byStart), cuts: cuts.sort(byStart) };
}

/** Per region, whether a partition cuts that region's sessions from node `b` (null: not an application hop with regions). */
function cutRegions(
  sides: readonly [readonly string[], readonly string[]],
  a: string,
  b: string,
  regions: readonly string[] | null,
): boolean[] | null {
  if (a !== APP || regions === null) return null;
  return regions.map((region) => separates(sides, `${APP}@${region}`, b));
}

/**
 * The restarts of the pgbouncer in front of `node`, in time order.
 *
 * @internal
 */
export function restartsOf(events: readonly NetworkEvent[], node: string): RestartWindow[] {
  const out: RestartWindow[] = [];
  events.forEach((e, event) => {
    if (e.kind === "pooler-restart" && e.node === node)
      out.push({ fromMs: e.at, toMs: e.at + e.for, online: e.online, event });
  });
  return out.sort((x, y) => x.fromMs - y.fromMs);
}

/** @internal Whether a link has no fault at all (it then runs as if the network layer were absent). */
export function isClear(faults: LinkFaults): boolean {
  return faults.spikes.length === 0 && faults.cuts.length === 0;
}

/**
 * Windows sorted and merged where they overlap or touch, as the replication
 * model takes its outages.
 *
 * @internal
 */
export function mergeWindows(
  windows: readonly { readonly fromMs: number; readonly toMs: number }[],
): { fromMs: number; toMs: number }[] {
  const sorted = [...windows].sort((x, y) => x.fromMs - y.fromMs);
  const out: { fromMs: number; toMs: number }[] = [];
  for (const w of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && w.fromMs <= last.toMs) last.toMs = Math.max(last.toMs, w.toMs);
    else out.push({ fromMs: w.fromMs, toMs: w.toMs });
  }
  return out;
}

/**
 * When the router's health check finds a replica cut off and when it finds it
 * back, after ProxySQL's monitor: a ping every `interval` from the start of the
 * run; one sent while the link is cut fails once its `timeout` has passed; the
 * replica gets no reads from the `failures`-th failed ping in a row, and reads
 * again from the first ping that succeeds. A cut shorter than that goes unseen.
 *
 * @internal
 */
export function unreachableWindows(
  cuts: readonly CutWindow[],
): { readonly downMs: number; readonly upMs: number }[] {
  const out: { downMs: number; upMs: number }[] = [];
  for (const cut of cuts) {
    const { interval, failures, timeout } = cut.healthCheck;
    const firstPing = Math.ceil(cut.fromMs / interval) * interval;
    const lastFailed = firstPing + (failures - 1) * interval;
    if (lastFailed >= cut.toMs) continue;
    const downMs = lastFailed + timeout;
    const upMs = Math.max(Math.ceil(cut.toMs / interval) * interval, downMs);
    out.push({ downMs, upMs });
  }
  return out;
}
