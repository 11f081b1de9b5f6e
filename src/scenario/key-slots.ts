// The key slots of a sharded plan's clusters: each shard's nodes hold per-key
// state densely only for the keys the starting shard map gives the shard.
import { ShardKeySlots } from "../models/server/key-versions.js";
import type { ShardMap } from "../models/sharding/shard-map.js";

/**
 * One set of slots per cluster `0 … clusters − 1`, from the layout `map` has now
 * (copied: a resharding or a directory moves keys in the map later, while the
 * nodes' arrays keep their first layout and keep moved keys aside).
 *
 * @internal
 */
export function layoutSlots(map: ShardMap, clusters: number): ShardKeySlots[] {
  const home = new Uint16Array(map.keys);
  for (let key = 0; key < home.length; key++) home[key] = map.shardOf(key);
  return ShardKeySlots.ofLayout(home, Math.max(clusters, map.shards));
}
