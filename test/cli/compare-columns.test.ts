// The variant comparison takes its columns from the component registry, as the
// report's table takes its sections: a component (a cache, later) adds a column
// in its own file (Component.compare), and cli/compare.ts names none of them.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatComparison } from "../../src/cli/compare.js";
import { runScenario } from "../../src/index.js";
import type { Component } from "../../src/scenario/components/component.js";
import { COMPONENTS } from "../../src/scenario/components/index.js";

// A component that builds nothing and offers one column, ranked between the
// router's "reads to primary" (80) and the read-your-writes violations (90).
// It joins the registry for one comparison and leaves it after (the test files
// share their modules: vitest.config.ts, isolate false).
const probe: Component = {
  key: "probe",
  schema: COMPONENTS[0]?.schema as Component["schema"],
  report: { key: "probe", schema: COMPONENTS[0]?.report.schema as Component["schema"] },
  errorKinds: [],
  build: (_context, downstream) => ({ downstream }),
  compare: [{ header: ["probe", "cell"], rank: 85, cell: (r) => `s${r.seed}` }],
};

function withProbe<T>(run: () => T): T {
  const registry = COMPONENTS as Component[];
  registry.unshift(probe);
  try {
    return run();
  } finally {
    registry.splice(registry.indexOf(probe), 1);
  }
}

describe("the comparison's columns", () => {
  it("include a component's column at its rank, with its cell for each plan", () => {
    // Arrange
    const report = runScenario({ seed: 7, duration: 200, warmup: 0, workload: { rate: 50 } });
    // Act
    const text = withProbe(() => formatComparison([{ name: "base", report }]));
    // Assert
    expect(text).toMatch(/^\s+completed\s.*reads to\s+probe\s+RYW\s/m);
    expect(text).toMatch(/^ {2}plan\s+verdict\s.*primary\s+cell\s+viol\.\s/m);
    expect(text).toMatch(/^ {2}base\s+ok\s.*\s\d+\s+s7\s+–\s/m);
  });

  it("are not written into cli/compare.ts for any component's report section", () => {
    const source = readFileSync(new URL("../../src/cli/compare.ts", import.meta.url), "utf8");
    expect(COMPONENTS).not.toContain(probe);
    expect(source).not.toMatch(/\br\.(routing|replication|nodes|proxy|pool|client)\b/);
  });
});
