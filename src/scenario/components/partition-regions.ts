// Partitions between regions: with a `regions` section a partition's side may
// name a region, which stands for everything in it — the application there
// (its sessions) and its nodes. The sides are expanded here into node names
// and one token per region's application (`app@<region>`); plain `app` is the
// application in every region. The application's hop to a node is then cut
// only for the sessions of the regions on the other side of the node.
import type { Scenario } from "../schema.js";
import type { ParsedScenario } from "./component.js";
import { APP, type NetworkEvent, networkEvents } from "./network-links.js";
import { replicaRegions } from "./regions-map.js";
import { replicaNames } from "./replica-outage.js";

type Sides = [string[], string[]];

/** @internal The token for the application (sessions) in region `region`. */
export function appIn(region: string): string {
  return `${APP}@${region}`;
}

/**
 * @internal The scenario's nodes by region name (the primary in the
 * primary's region, each replica in its own or the primary's), or null
 * without a `regions` section.
 */
export function nodesByRegion(
  scenario: Scenario | ParsedScenario,
): ReadonlyMap<string, readonly string[]> | null {
  const r = scenario.regions;
  if (r === undefined) return null;
  const out = new Map<string, string[]>(r.list.map((x) => [x.name, []]));
  out.get(r.primary)?.push("primary");
  const replicas = scenario.replication?.replicas;
  const regions = replicaRegions(scenario);
  if (replicas !== undefined) {
    for (const [i, name] of replicaNames(replicas).entries()) {
      out.get(regions[i] as string)?.push(name);
    }
  }
  return out;
}

/**
 * @internal A partition's sides with each region named replaced by its nodes
 * and its application, and `app` by the application of every region; the
 * sides as given without regions.
 */
export function expandSides(scenario: Scenario | ParsedScenario, sides: Sides): Sides {
  const byRegion = nodesByRegion(scenario);
  if (byRegion === null) return sides;
  const expand = (side: readonly string[]): string[] =>
    side.flatMap((name) => {
      if (name === APP) return [APP, ...[...byRegion.keys()].map(appIn)];
      const nodes = byRegion.get(name);
      return nodes === undefined ? [name] : [...nodes, appIn(name)];
    });
  return [expand(sides[0]), expand(sides[1])];
}

/**
 * @internal The timeline's network events, a partition's sides expanded over
 * the regions (see {@link expandSides}), in timeline order.
 */
export function expandedNetworkEvents(scenario: Scenario): NetworkEvent[] {
  return networkEvents(scenario.timeline).map((e) =>
    e.kind === "partition" ? { ...e, sides: expandSides(scenario, e.sides) } : e,
  );
}

/** @internal The region names, for the application's cuts, or null without regions. */
export function regionNames(scenario: Scenario): readonly string[] | null {
  return scenario.regions?.list.map((x) => x.name) ?? null;
}
