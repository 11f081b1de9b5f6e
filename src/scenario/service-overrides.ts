// One service's scenario (a database per service): the top-level sections with
// that service's own sections merged in (a JSON merge patch per section, RFC
// 7396), validated as a whole scenario, as a shard's overrides are.
import type * as z from "zod";
import { patchedService } from "./components/services-section.js";
import { clusterTimeline } from "./components/shard-failover.js";
import { type Scenario, ScenarioSchema } from "./schema.js";
import { patchIssues } from "./shard-overrides.js";
import { mergePatch } from "./variants.js";

/** @internal Service `i`'s scenario: the plan's with its own sections merged in. */
export function serviceScenario(scenario: Scenario, i: number): Scenario {
  const patched = patchedService(scenario, i, mergePatch);
  return patched === scenario ? scenario : ScenarioSchema.parse(patched);
}

/**
 * @internal The problems of every service's own sections, each as the whole
 * scenario it makes would have them, under `services.list.<i>.`.
 */
export function serviceOverrideIssues(scenario: Scenario): z.core.$ZodIssue[] {
  const list = scenario.services?.list ?? [];
  return list.flatMap((x, i) => {
    // The other services' crashes name nodes this service's scenario does not have.
    const own = clusterTimeline(scenario, `${x.name}/`);
    const patched = patchedService(own, i, mergePatch);
    return patched === own ? [] : patchIssues(patched, ["services", "list", i]);
  });
}
