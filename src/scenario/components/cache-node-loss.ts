// The cache component's timeline event: a cache node lost and back empty (a
// restart, a failover to an empty replacement). The keys it served miss until
// reloaded, so the database takes their reads at once.
import * as z from "zod";
import { timedEvent } from "../timeline-fields.js";
import type { ParsedScenario } from "./component.js";

/**
 * `{ at, kind: "cache-node-loss", node }`: the named cache node loses every
 * entry at `at`.
 *
 * @remarks Since 0.2.0
 */
export const CacheNodeLossEvent = timedEvent(
  "cache-node-loss",
  "A cache node restarts empty: every entry it held is lost",
  {
    node: z
      .string()
      .min(1)
      .describe("The cache node's name: cache with one node; cache-0, cache-1, … with several"),
  },
);

/** @internal The cache nodes' names, in order. */
export function cacheNodeNames(nodes: number): string[] {
  return nodes === 1 ? ["cache"] : Array.from({ length: nodes }, (_, i) => `cache-${i}`);
}

/** @internal Every `cache-node-loss` in the timeline names a node of the scenario's cache. */
export function checkNodeLossEvents(scenario: ParsedScenario, ctx: z.RefinementCtx): void {
  const names = scenario.cache === undefined ? [] : cacheNodeNames(scenario.cache.nodes);
  (scenario.timeline ?? []).forEach((event, i) => {
    if (event.kind !== "cache-node-loss" || names.includes(event.node)) return;
    ctx.addIssue({
      code: "custom",
      path: ["timeline", i, "node"],
      message:
        names.length === 0
          ? "expected the name of a cache node, but the scenario has no `cache` section"
          : `expected the name of a cache node: one of ${names.join(", ")}`,
      input: event.node,
    });
  });
}
