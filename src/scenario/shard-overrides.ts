// One shard's scenario: the top-level sections with that shard's
// `sharding.overrides` entry merged in (a JSON merge patch per section over the
// resolved section, RFC 7396), validated as a whole scenario so that the
// cross-section checks (acks ≤ replicas, a replica-outage naming a replica the
// shard has, a routing section without replicas) hold for every shard.
import type * as z from "zod";
import { shardTimeline } from "./components/shard-failover.js";
import { type Scenario, ScenarioSchema } from "./schema.js";
import { mergePatch } from "./variants.js";

const SECTIONS = ["database", "replication", "pool", "client", "routing"] as const;

/** The override's patch of each section it names. */
function patchOf(
  o: NonNullable<NonNullable<Scenario["sharding"]>["overrides"]>[number],
): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const key of SECTIONS) if (o[key] !== undefined) patch[key] = o[key];
  return patch;
}

/** The scenario with override `i` merged, its sharding section without overrides, unparsed. */
function patched(scenario: Scenario, i: number): unknown {
  const s = scenario.sharding;
  const o = s?.overrides?.[i];
  if (s === undefined || o === undefined) return scenario;
  const { overrides: _, ...sharding } = s;
  // The other shards' crashes name nodes this shard's scenario does not have.
  return mergePatch({ ...shardTimeline(scenario, o.shard), sharding }, patchOf(o));
}

/**
 * @internal Shard `index`'s scenario: the plan's own when no override names
 * it, else the plan with that override's sections merged in (validated when the
 * scenario was parsed: {@link shardOverrideIssues}).
 */
export function shardScenario(scenario: Scenario, index: number): Scenario {
  const i = scenario.sharding?.overrides?.findIndex((o) => o.shard === index) ?? -1;
  if (i < 0) return scenario;
  return ScenarioSchema.parse(patched(scenario, i));
}

/**
 * @internal The problems of every override, each as the whole scenario it
 * makes would have them, under `sharding.overrides.<i>.` (a section's own
 * field under its section: `sharding.overrides.0.replication.acks`).
 */
export function shardOverrideIssues(scenario: Scenario): z.core.$ZodIssue[] {
  const overrides = scenario.sharding?.overrides ?? [];
  return overrides.flatMap((_, i) =>
    patchIssues(patched(scenario, i), ["sharding", "overrides", i]),
  );
}

/**
 * @internal The problems of a patched scenario (a shard's, a service's) as a
 * whole scenario, each under `prefix`, the place of the patch.
 */
export function patchIssues(
  patchedScenario: unknown,
  prefix: readonly (string | number)[],
): z.core.$ZodIssue[] {
  const result = ScenarioSchema.safeParse(patchedScenario, { reportInput: true });
  if (result.success) return [];
  return result.error.issues.map(
    (issue) => ({ ...issue, path: [...prefix, ...issue.path] }) as z.core.$ZodIssue,
  );
}
