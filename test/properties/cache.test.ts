// Universal statements about plans with a cache, over arbScenario({ cache: "always" }):
// runs are deterministic; the cache's counters are consistent with each other
// (a stale read is a hit, a database load follows a miss); the cache's reads are
// in the history the checkers read; write-behind's figures come with it alone.
import { test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { runScenarioDetailed } from "../../src/index.js";
import { arbScenario } from "../../src/testing/index.js";

describe("plans with a cache", () => {
  test.prop([arbScenario({ cache: "always" })], { numRuns: 25 })(
    "run deterministically, count consistently and record their cache reads",
    (scenario) => {
      const first = runScenarioDetailed(scenario, { history: true });
      const again = runScenarioDetailed(scenario, { history: true });
      expect(JSON.stringify(again.report)).toBe(JSON.stringify(first.report));
      const c = first.report.cache;
      expect(c).toBeDefined();
      if (c === undefined) return;
      expect(c.staleReads).toBeLessThanOrEqual(c.hits);
      expect(c.databaseLoads).toBeLessThanOrEqual(c.misses + c.earlyRefreshes);
      expect(c.nodes.reduce((sum, n) => sum + n.hits, 0)).toBe(c.hits);
      const history = first.history;
      if (history === null) throw new Error("no history");
      const cacheReads = [...history].filter(
        (op) => op.kind === "read" && op.node.startsWith("cache"),
      );
      if (c.hits > 0) expect(cacheReads.length).toBeGreaterThan(0);
      // Write-behind's figures appear with write-behind alone.
      expect(c.writesLost === undefined).toBe(c.pattern !== "write-behind");
    },
  );
});
