// The layout a `reshard` moves to, as a shard map over the workload's keys:
// the strategy over more shards (hashing layouts), or the starting layout with
// the moved units (keys, or tenants when sharding by tenant) placed anew — a
// range's upper part on a new shard, a split keyrange's keys on one new shard
// per part (Vitess's hash vindex decides which), a directory's tenant or keys
// on the shard named.
import { ShardMap } from "../../models/sharding/shard-map.js";
import type { TenantLayout } from "../../models/sharding/tenants.js";
import {
  type KeyRangePrefix,
  keyRangeIndex,
  parseKeyRange,
  vitessHashPrefix,
} from "../../placement/index.js";
import { type Reshard, shardsAfter } from "./reshard-event.js";
import { placementOf, type ShardingSpec } from "./sharding-section.js";

/**
 * @internal The layout after `event`, over `keys` keys: `from` shards grow to
 * {@link shardsAfter}; `tenants` is the plan's tenant layout (used when it
 * shards by tenant).
 */
export function reshardTarget(
  spec: ShardingSpec,
  event: Reshard,
  keys: number,
  tenants: TenantLayout | undefined,
): ShardMap {
  const byTenant = spec.key === "tenant" ? tenants : undefined;
  if (event.shards !== undefined) {
    return new ShardMap(placementOf({ ...spec, shards: event.shards }).strategy, keys, byTenant);
  }
  const start = placementOf(spec);
  const target = new ShardMap(start.strategy, keys, byTenant);
  target.grow(shardsAfter(start.shards, event));
  // A unit is what the strategy places: a key, or a tenant with all its keys.
  const place = (unit: number, shard: number): void => {
    if (byTenant === undefined) {
      target.move(unit, shard);
      return;
    }
    const { from, to } = byTenant.keysOf(unit);
    for (let key = from; key < to; key++) target.move(key, shard);
  };
  const units = byTenant === undefined ? keys : byTenant.tenants;
  if (typeof event.split === "number") {
    const upper = (spec.boundaries ?? []).find((b) => b > (event.split as number)) ?? units;
    for (let u = event.split; u < upper; u++) place(u, start.shards);
  } else if (typeof event.split === "string") {
    const ranges = (spec.keyranges ?? []).map(parseKeyRange);
    const source = ranges.findIndex((r) => r.name === event.split);
    const parts: KeyRangePrefix[] = (event.into ?? []).map(parseKeyRange);
    for (let u = 0; u < units; u++) {
      const prefix = vitessHashPrefix(u);
      if (keyRangeIndex(ranges, prefix) === source)
        place(u, start.shards + keyRangeIndex(parts, prefix));
    }
  } else if (event.move !== undefined) {
    const m = event.move;
    if (m.tenant !== undefined) {
      const { from, to } = (tenants as TenantLayout).keysOf(m.tenant);
      for (let key = from; key < to; key++) target.move(key, m.shard);
    } else {
      for (let key = m.from ?? 0; key < (m.to ?? 0); key++) target.move(key, m.shard);
    }
  }
  return target;
}
