// The key slots of a sharded plan's clusters: each shard's nodes hold per-key
// state densely only for the keys the starting shard map gives the shard.
import { ShardKeySlots } from "../models/server/key-versions.js";
import type { ShardMap } from "../models/sharding/shard-map.js";

/**
 * One set of slots per cluster `0 … clusters − 1`, from the layout `map` has now
 * (its snapshot: a resharding or a directory moves keys in the map later, which
 * copies the map's table first, while the nodes' arrays keep their first layout
 * and keep moved keys aside; a layout that never moves shares the map's table).
 *
 * @internal
 */
export function layoutSlots(map: ShardMap, clusters: number): ShardKeySlots[] {
  return ShardKeySlots.ofLayout(map.snapshot(), Math.max(clusters, map.shards));
}
