// What the network events do to the parts built before and after the
// network component: the replication links (a spike lengthens the link's
// round trip; a partition between a primary and its replica is an outage of
// that replica's receiver) and the read router (its health check stops reads
// to a replica it cannot reach, and starts them again once it answers).
import type { Sampler } from "../../latency/index.js";
import type { Router } from "../../models/routing/router.js";
import type { BuildContext, Way } from "./component.js";
import {
  APP,
  linkFaults,
  mergeWindows,
  networkEvents,
  unreachableWindows,
} from "./network-links.js";
import { expandedNetworkEvents } from "./partition-regions.js";

/**
 * The replication link `primary`–`replica`'s round trip under the timeline's
 * delay spikes: the sampler itself when none touches it (so the link draws
 * exactly as before), else one that adds a spike's extra, drawn from its own
 * stream, to a round trip started in the window.
 *
 * @internal
 */
export function spikedLink(
  context: BuildContext,
  primary: string,
  replica: string,
  roundTrip: Sampler,
): Sampler {
  const { spikes } = linkFaults(networkEvents(context.scenario.timeline), primary, replica);
  if (spikes.length === 0) return roundTrip;
  const { sim } = context;
  const extras = spikes.map((s) => context.compile(s.extra));
  const rng = sim.rng(`network.${primary}.${replica}`);
  return (linkRng) => {
    let ms = roundTrip(linkRng);
    const now = sim.now;
    spikes.forEach((s, i) => {
      if (now >= s.fromMs && now < s.toMs) ms += (extras[i] as Sampler)(rng);
    });
    return ms;
  };
}

/**
 * The replica's outages: its own, and the partitions that cut it from its
 * primary, merged into disjoint windows in time order.
 *
 * @internal
 */
export function linkOutages(
  context: BuildContext,
  primary: string,
  replica: string,
  own: readonly { readonly fromMs: number; readonly toMs: number }[],
): { fromMs: number; toMs: number }[] {
  const { cuts } = linkFaults(expandedNetworkEvents(context.scenario), primary, replica);
  return mergeWindows([...own, ...cuts]);
}

/**
 * Schedules the router's health checks' verdicts on each replica the
 * application is cut from: no reads from the ping that finds it gone, reads
 * again from the one that finds it back.
 *
 * @internal
 */
export function watchReplicas(
  context: BuildContext,
  router: Router,
  replicas: readonly Way[],
): void {
  const events = networkEvents(context.scenario.timeline);
  if (events.length === 0) return;
  replicas.forEach((way, i) => {
    for (const w of unreachableWindows(linkFaults(events, APP, way.name).cuts)) {
      context.sim.at(w.downMs, () => router.setReachable(i, false));
      context.sim.at(w.upMs, () => router.setReachable(i, true));
    }
  });
}
