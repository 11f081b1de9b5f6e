// The progression's steps as changes to a plan: scale up one size within the
// family, one more replica, a transaction-mode pool, a cache-aside cache, a
// CQRS read model, twice the shards. Each returns the new plan, or null when
// the step is taken already or cannot go further (the family's largest size,
// 15 replicas, 64 shards; CQRS and shards exclude each other, since a read
// model consumes one command side's log). "Optimise queries" is not a plan
// component: the advisor names it and cannot simulate it.
import { nodeSizeNames } from "../models/server/node-sizes.js";
import type { Plan } from "./profile.js";

/**
 * A step of the progression.
 *
 * @remarks Since 0.2.0
 */
export type Step = "scale-up" | "replica" | "pool" | "cache" | "cqrs" | "shard" | "semi-sync";

/**
 * The steps in the progression's order. `semi-sync` is not one of them: it
 * changes how the replicas acknowledge, called for by writes lost at a failover.
 *
 * @remarks Since 0.2.0
 */
export const PROGRESSION: readonly Step[] = Object.freeze([
  "scale-up",
  "replica",
  "pool",
  "cache",
  "cqrs",
  "shard",
]);

/**
 * Share of the reads the CQRS step's read model serves: the read-heavy query
 * shapes a read model is built for, taken as half the reads (a profile
 * describes no query shapes; set `plan.cqrs.serves` to yours).
 *
 * @remarks Since 0.2.0
 */
export const CQRS_SERVES = 0.5;

/**
 * The next node size preset of `size`'s family (db.r6g.large → db.r6g.xlarge),
 * or null at the family's largest or for a name outside the presets.
 *
 * @remarks Since 0.2.0
 */
export function nextSize(size: string): string | null {
  const family = size.slice(0, size.lastIndexOf("."));
  const names = nodeSizeNames().filter((n) => n.startsWith(`${family}.`));
  const at = names.indexOf(size);
  return at >= 0 && at + 1 < names.length ? (names[at + 1] as string) : null;
}

/**
 * The plan after `step`, or null when the step cannot be taken. `replicas`
 * asks the replica step for that many replicas (at least one more than now).
 *
 * @remarks Since 0.2.0
 */
export function applyStep(
  plan: Plan,
  step: Step,
  sizing: { readonly replicas?: number } = {},
): Plan | null {
  switch (step) {
    case "scale-up": {
      const size = nextSize(plan.size);
      return size === null ? null : { ...plan, size };
    }
    case "replica": {
      const more = (plan.replicas?.count ?? 0) + 1;
      if (more > 15) return null;
      const count = Math.min(15, Math.max(more, sizing.replicas ?? 0));
      return { ...plan, replicas: { mode: "async", ...plan.replicas, count } };
    }
    case "pool":
      return plan.pool ? null : { ...plan, pool: { mode: "transaction", size: 20 } };
    case "cache":
      return plan.cache
        ? null
        : {
            ...plan,
            cache: { pattern: "cache-aside", ttl: 300_000, megabytes: 1024, flushInterval: 1_000 },
          };
    case "cqrs":
      return plan.cqrs || plan.shards ? null : { ...plan, cqrs: { serves: CQRS_SERVES } };
    case "semi-sync":
      return plan.replicas?.mode === "async"
        ? { ...plan, replicas: { ...plan.replicas, mode: "semi-sync" } }
        : null;
    case "shard": {
      if (plan.cqrs) return null;
      const count = (plan.shards?.count ?? 1) * 2;
      return count > 64
        ? null
        : { ...plan, shards: { strategy: "hash-mod", ...plan.shards, count } };
    }
  }
}
