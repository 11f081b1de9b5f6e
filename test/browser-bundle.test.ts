// The core is browser-safe (no Node built-ins outside src/cli) and deterministic
// across environments: the public entry bundles for `platform: "browser"` (esbuild
// refuses to resolve a Node built-in there), and the bundle, run in a bare
// JavaScript context with no Node globals (no process, require, Buffer, timers),
// gives the same report bytes as the library in Node.
import { runInNewContext } from "node:vm";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { builtinScenario, runScenario, type ScenarioInput } from "../src/index.js";

describe("browser bundle", () => {
  it("bundles without Node built-ins and reproduces the Node report byte for byte", async () => {
    const result = await build({
      entryPoints: ["src/index.ts"],
      bundle: true,
      platform: "browser",
      format: "iife",
      globalName: "dbsim",
      write: false,
      logLevel: "silent",
    });
    const code = result.outputFiles[0]?.text ?? "";
    expect(code.length).toBeGreaterThan(1000);
    // A scenario with replicas, routing, variants dropped: many models on the path.
    const scenario: ScenarioInput = {
      ...(builtinScenario("read-your-writes") as ScenarioInput),
      variants: undefined,
      duration: "3s",
      warmup: "1s",
    };
    const context: { scenarioJson: string; report: string } = {
      scenarioJson: JSON.stringify(scenario),
      report: "",
    };
    runInNewContext(
      `${code}\nreport = JSON.stringify(dbsim.runScenario(JSON.parse(scenarioJson)));`,
      context,
    );
    expect(context.report).toBe(JSON.stringify(runScenario(scenario)));
  });
});
