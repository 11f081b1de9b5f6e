// What several clusters (the shards of a plan) measure, as one: each shard's
// components are built and measured on their own; the report's sections that are
// lists (the nodes) list every shard's rows, in shard order. A section that is
// not a list has no one meaning over shards (a p99 of a pool's wait cannot be
// merged from per-shard p99s), so it is left out of a sharded report unless its
// component says how to combine it; the sharding section reports per shard.
import type { ComponentStats } from "./components/component.js";
import { COMPONENTS } from "./components/index.js";
import type { GraphBuilder } from "./graph.js";

/**
 * @internal One set of stats per report key over every cluster's: reset, start,
 * stop and series go to each; the section is the clusters' lists joined, or the
 * component's `combine` of them, or left out.
 */
export function combineClusterStats(
  perCluster: readonly ReadonlyMap<string, ComponentStats>[],
): Map<string, ComponentStats> {
  const keys: string[] = [];
  for (const m of perCluster) for (const k of m.keys()) if (!keys.includes(k)) keys.push(k);
  const combined = new Map<string, ComponentStats>();
  for (const key of keys) {
    const all = perCluster.flatMap((m) => {
      const s = m.get(key);
      return s === undefined ? [] : [s];
    });
    const combine = COMPONENTS.find((c) => c.report.key === key)?.combine;
    combined.set(key, {
      reset: (now) => {
        for (const s of all) s.reset(now);
      },
      start: (tick) => {
        for (const s of all) s.start?.(tick);
      },
      stop: () => {
        for (const s of all) s.stop?.();
      },
      series: () => all.flatMap((s) => s.series?.() ?? []),
      section: (window) => {
        const sections = all.map((s) => s.section?.(window)).filter((x) => x !== undefined);
        if (sections.length === 0) return undefined;
        if (sections.every((x) => Array.isArray(x))) return sections.flat();
        return combine?.(sections);
      },
    });
  }
  return combined;
}

/**
 * @internal Draws a cluster's own graph into `graph`, behind what is there: ids
 * prefixed by `idPrefix` (ids stay letters, digits and underscores), labels by
 * `labelPrefix` unless they already name the cluster's node (`namePrefix`).
 */
export function appendPrefixed(
  graph: GraphBuilder,
  own: GraphBuilder,
  idPrefix: string,
  labelPrefix: string,
  namePrefix: string,
): void {
  for (const n of own.nodes) {
    const label = n.label.startsWith(namePrefix) ? n.label : `${labelPrefix}${n.label}`;
    graph.back({ ...n, id: `${idPrefix}${n.id}`, label });
  }
  for (const e of own.edges) {
    graph.arrow({ ...e, from: `${idPrefix}${e.from}`, to: `${idPrefix}${e.to}` });
  }
}
