// The regions of a scenario as the models take them: the round-trip matrix and
// the sessions' regions (RegionMap), and the region of each way into the
// database tier. Shared by the components a region changes: the driver (its
// hop), replication (its link, quorum commit) and the region-local reads.
import { distributionMean, resolveLatencyTable, type Sampler } from "../../latency/index.js";
import { RegionMap, type RoundTrip } from "../../models/regions/regions.js";
import type { Scenario } from "../schema.js";
import type { BuildContext, ParsedScenario } from "./component.js";
import { pairKey, type RegionsSpec, splitPair } from "./regions-schema.js";

/** @internal The scenario's regions as a {@link RegionMap}, or null without a `regions` section. */
export function regionMap(context: Pick<BuildContext, "scenario" | "compile">): RegionMap | null {
  const { scenario, compile } = context;
  const r = scenario.regions;
  if (r === undefined) return null;
  const names = r.list.map((x) => x.name);
  const specs = pairSpecs(r);
  const table = resolveLatencyTable(scenario.latency);
  const spec = (a: number, b: number) =>
    specs.get(pairKey(names[a] as string, names[b] as string, names)) ?? r.rttDefault;
  const samplers = new Map<string, Sampler>();
  return new RegionMap({
    names,
    shares: r.list.map((x) => x.clients ?? 1 / r.list.length),
    sessions: scenario.workload.sessions,
    roundTrip: (a, b): RoundTrip => {
      const key = pairKey(names[a] as string, names[b] as string, names);
      let sampler = samplers.get(key);
      if (sampler === undefined) {
        sampler = compile(spec(a, b) as Exclude<RegionsSpec["rttDefault"], "none">);
        samplers.set(key, sampler);
      }
      return sampler;
    },
    meanRoundTripMs: (a, b) =>
      distributionMean(spec(a, b) as Exclude<RegionsSpec["rttDefault"], "none">, table),
  });
}

function pairSpecs(r: RegionsSpec): Map<string, RegionsSpec["rttDefault"]> {
  const names = r.list.map((x) => x.name);
  const specs = new Map<string, RegionsSpec["rttDefault"]>();
  for (const [key, spec] of Object.entries(r.rtt)) {
    const pair = splitPair(key, names);
    if (pair !== null && pair !== "ambiguous") specs.set(pairKey(pair[0], pair[1], names), spec);
  }
  return specs;
}

/**
 * @internal The region (name) of each replica of the scenario, in order: its
 * own `region`, else the primary's.
 */
export function replicaRegions(scenario: Scenario | ParsedScenario): string[] {
  const primary = scenario.regions?.primary ?? "";
  const rep = scenario.replication;
  if (rep === undefined) return [];
  if (typeof rep.replicas === "number") return Array.from({ length: rep.replicas }, () => primary);
  return rep.replicas.map((x) => x.region ?? primary);
}

/**
 * @internal The region (index) of each way into the database tier, in the
 * order of the ways: the primary (or ProxySQL, in the primary's region), then
 * the replicas in the order of the replication section.
 */
export function wayRegions(scenario: Scenario, map: RegionMap): number[] {
  const primary = scenario.regions?.primary ?? "";
  return [primary, ...replicaRegions(scenario)].map((name) => map.names.indexOf(name));
}

/**
 * @internal The voters of a quorum commit: one replica (the first listed) in
 * each region but the primary's, by replica index; the commit waits for
 * ⌊regions / 2⌋ of them.
 */
export function quorumVoters(scenario: Scenario | ParsedScenario): Set<number> {
  const regions = replicaRegions(scenario);
  const primary = scenario.regions?.primary;
  const voters = new Set<number>();
  const seen = new Set<string>();
  regions.forEach((region, i) => {
    if (region === primary || seen.has(region)) return;
    seen.add(region);
    voters.add(i);
  });
  return voters;
}

/** @internal The acks a quorum commit waits for: ⌊n/2⌋ of n regions (the primary's votes for itself). */
export function quorumAcks(scenario: Scenario | ParsedScenario): number {
  return Math.floor((scenario.regions?.list.length ?? 0) / 2);
}
