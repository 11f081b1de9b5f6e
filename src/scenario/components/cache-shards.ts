// One application cache in front of a sharded plan: the application asks the
// cache first and sends misses and writes through the shard router, so the
// cache's nodes are placed independently of the shards (as an application's
// Redis or Memcached tier is). Each key's versions, and the LSNs the cache
// keeps for the history's compaction, belong to the shard that owns the key;
// a cross-shard query bypasses the cache (it has no single key to cache).
import type { Operation, Service, VersionHolder } from "../../models/operation.js";
import type { ShardMap } from "../../models/sharding/shard-map.js";
import { buildCache, cacheBox, startCache } from "./cache.js";
import type { BuildContext, ComponentStats } from "./component.js";

/** @internal The cache in front of the shard router, as the composition root gets it. */
export interface ShardedCache {
  readonly service: Service;
  /** Places an operation as the router does, noting the ones that span shards. */
  readonly place: (op: Operation) => boolean;
  /** What the cache holds of cluster `i`'s log. */
  readonly holderOf: (cluster: number) => VersionHolder;
  readonly stats: ComponentStats;
}

/**
 * @internal Builds the scenario's cache in front of `router` (the shard router's
 * service), over `shards` clusters laid out by `map`; `place` is the router's.
 */
export function cacheInFrontOfShards(
  context: BuildContext,
  router: Service,
  place: (op: Operation) => boolean,
  map: ShardMap,
  shards: number,
  routerId: string,
): ShardedCache {
  const c = context.scenario.cache;
  if (c === undefined) throw new Error("cacheInFrontOfShards: the scenario has no cache section");
  // Marked when placed, just before the cache sees them; weak, so nothing is kept.
  const spanning = new WeakSet<Operation>();
  const model = buildCache(context, c, router, {
    count: shards,
    clusterOf: (key) => map.shardOf(key),
    bypass: (op) => spanning.has(op),
  });
  context.graph.front(cacheBox(c));
  context.graph.arrow({ from: "cache", to: routerId, label: "misses, writes" });
  return {
    service: model,
    place: (op) => {
      const single = place(op);
      if (!single) spanning.add(op);
      return single;
    },
    holderOf: (cluster) => ({ oldestLsnInUse: () => model.oldestLsnInUse(cluster) }),
    stats: startCache(context, c, model),
  };
}
