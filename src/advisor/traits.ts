// Operational complexity and reversibility per component: an ordinal table, not
// a measurement. The order is the seeds' progression (optimise, scale up,
// replicas, pool, cache, CQRS, shard: "each step up adds operational
// complexity"); the figures only rank plans that tie on SLOs and cost.
// docs/advisor.md gives each row's reasons.
import type { Plan } from "./profile.js";

/**
 * What running one component costs in operations, and whether it can be undone.
 *
 * @remarks Since 0.2.0
 */
export interface ComponentTraits {
  /** The component, in the progression's order. */
  readonly component: "scale-up" | "replicas" | "pool" | "cache" | "cqrs" | "shards";
  /** Ordinal complexity points (0 none … 5 most). */
  readonly complexity: number;
  /** `two-way`: removed as it was added; `one-way`: undoing it is a migration of its own. */
  readonly reversibility: "two-way" | "one-way";
  /** Why, in one sentence. */
  readonly reason: string;
}

/**
 * The table, one row per component.
 *
 * @remarks Since 0.2.0
 */
export const COMPONENT_TRAITS: readonly ComponentTraits[] = Object.freeze([
  {
    component: "scale-up",
    complexity: 0,
    reversibility: "two-way",
    reason: "a bigger instance is the same system; resizing back is a restart",
  },
  {
    component: "replicas",
    complexity: 2,
    reversibility: "two-way",
    reason: "more nodes to watch, reads may be stale, the application routes reads",
  },
  {
    component: "pool",
    complexity: 1,
    reversibility: "two-way",
    reason: "one more hop and process; transaction mode breaks session state",
  },
  {
    component: "cache",
    complexity: 3,
    reversibility: "two-way",
    reason: "invalidation in application code, stale reads, cold starts and stampedes",
  },
  {
    component: "cqrs",
    complexity: 4,
    reversibility: "two-way",
    reason:
      "a second model of the data, its projection code and lag to run; queries may be stale. Dropping it sends the reads back",
  },
  {
    component: "shards",
    complexity: 5,
    reversibility: "one-way",
    reason: "every shard needs its own backups and failover; merging shards back is a migration",
  },
]);

function traitsOf(component: ComponentTraits["component"]): ComponentTraits {
  return COMPONENT_TRAITS.find((t) => t.component === component) as ComponentTraits;
}

/**
 * The components a plan uses (scale-up when its size is above the family's
 * smallest), their complexity summed, and whether any is a one-way door.
 *
 * @remarks Since 0.2.0
 */
export function planTraits(plan: Plan): {
  readonly components: readonly ComponentTraits[];
  readonly complexity: number;
  readonly reversible: boolean;
} {
  const components: ComponentTraits[] = [];
  if (!plan.size.endsWith(".large")) components.push(traitsOf("scale-up"));
  if (plan.replicas) components.push(traitsOf("replicas"));
  if (plan.pool) components.push(traitsOf("pool"));
  if (plan.cache) components.push(traitsOf("cache"));
  if (plan.cqrs) components.push(traitsOf("cqrs"));
  if (plan.shards) components.push(traitsOf("shards"));
  return {
    components,
    complexity: components.reduce((sum, t) => sum + t.complexity, 0),
    reversible: components.every((t) => t.reversibility === "two-way"),
  };
}
