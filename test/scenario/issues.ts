// What the scenario tests ask of a rejected input: its issues, or the one at a path.
import { expect } from "vitest";
import { parseScenario, type ScenarioIssue } from "../../src/index.js";

/** The issues of an input that must not validate; fails when it does. */
export function issuesOf(input: unknown): readonly ScenarioIssue[] {
  const result = parseScenario(input);
  if (result.ok) throw new Error(`expected issues, got a scenario for ${JSON.stringify(input)}`);
  return result.issues;
}

/** The one issue at `path`; fails when there is none. */
export function issueAt(input: unknown, path: string): ScenarioIssue {
  const issues = issuesOf(input);
  const found = issues.find((i) => i.path === path);
  expect(found, `issues: ${JSON.stringify(issues)}`).toBeDefined();
  return found as ScenarioIssue;
}
