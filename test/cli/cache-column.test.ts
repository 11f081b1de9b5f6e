// The cache's column in the variant comparison is shown only when a plan has a
// cache (Component.compare's `shown`), so comparisons without one print as before.
import { describe, expect, it } from "vitest";
import { formatComparison } from "../../src/cli/compare.js";
import { runScenario, type ScenarioInput } from "../../src/index.js";

const plain: ScenarioInput = { seed: 7, duration: 300, warmup: 0, workload: { rate: 50 } };
const cached: ScenarioInput = { ...plain, cache: { engine: "lru", capacity: { items: 100 } } };

describe("the cache hit column", () => {
  it("is left out when no plan has a cache", () => {
    const text = formatComparison([{ name: "base", report: runScenario(plain) }]);
    expect(text).not.toMatch(/cache/);
  });

  it("is shown when a plan has one, with – for the plans without", () => {
    const text = formatComparison([
      { name: "base", report: runScenario(plain) },
      { name: "cached", report: runScenario(cached) },
    ]);
    expect(text).toMatch(/cache/);
    expect(text).toMatch(/^ {2}base .* – /m);
    expect(text).toMatch(/^ {2}cached .* \d+\.\d%/m);
  });
});
