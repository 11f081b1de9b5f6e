// Bad experiment files: every problem names the path, the value and what was expected.
import { describe, expect, it } from "vitest";
import { ExperimentError, parseExperiment, runExperiment } from "../../src/index.js";

function messages(input: unknown): string[] {
  const result = parseExperiment(input);
  if (result.ok) throw new Error("expected problems");
  return result.issues.map((i) => `${i.path}: ${i.message}`);
}

describe("experiment files: problems name the path, the value and what was expected", () => {
  it("a replication count that is not a positive integer", () => {
    expect(messages({ scenario: "read-heavy", replications: 0 })).toEqual([
      "replications: Too small: expected number to be >=1; got 0",
    ]);
  });
  it("an unknown key, with the keys that exist", () => {
    const [line] = messages({ scenario: "read-heavy", replication: 3 });
    expect(line).toMatch(/^: unknown key "replication"; expected one of .*replications/);
  });
  it("an unknown built-in scenario, with the names that exist", () => {
    const [line] = messages({ scenario: "read-hevy" });
    expect(line).toMatch(/^scenario: expected .*read-heavy.*; got "read-hevy"$/);
  });
  it("a metric the report does not have, with what it has there", () => {
    expect(messages({ scenario: "read-heavy", metrics: ["latency.red.p99"] })).toEqual([
      'metrics.0: the report has no "red" under latency; expected one of all, read, write',
    ]);
  });
  it("a metric that is not a number", () => {
    expect(messages({ scenario: "read-heavy", metrics: ["nodes.0.name"] })[0]).toMatch(
      /^metrics\.0: nodes\.0\.name is not a number in the report/,
    );
  });
  it("a swept value the scenario refuses: the parameter, the point and the scenario's own message", () => {
    expect(
      messages({ scenario: "read-heavy", parameters: { "workload.rate": [100, -5] } }),
    ).toEqual([
      "parameters.workload.rate: at point 1 (workload.rate = -5): workload.rate: Too small: expected number to be >=0; got -5",
    ]);
  });
  it("a swept path with a typo: the parameter, with the scenario's did-you-mean", () => {
    const [line] = messages({ scenario: "read-heavy", parameters: { "database.cors": [4] } });
    expect(line).toMatch(
      /^parameters\.database\.cors: at point 0 .*"cors" \(did you mean "cores"\?\)/,
    );
  });
  it("a parameter path that is not a dotted path", () => {
    const [line] = messages({ scenario: "read-heavy", parameters: { "workload..rate": [1] } });
    expect(line).toMatch(/^parameters\.workload\.\.rate: .*dotted path/);
  });
  it("a baseline outside the grid", () => {
    expect(
      messages({
        scenario: "read-heavy",
        parameters: { "workload.rate": [100, 200] },
        baseline: 2,
      }),
    ).toEqual(["baseline: expected a point index below 2 (the grid's size); got 2"]);
  });
  it("malformed JSON text", () => {
    expect(messages("{ nope")[0]).toMatch(/^: malformed JSON/);
  });
  it("a good file: every point's scenario resolved, the first parameter slowest", () => {
    const result = parseExperiment({
      scenario: "read-heavy",
      parameters: { "workload.rate": [100, 200], "database.cores": [2, 4, 8] },
    });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(
      result.plan.points.map((p) => [p.scenario.workload.rate, p.scenario.database.cores]),
    ).toEqual([
      [100, 2],
      [100, 4],
      [100, 8],
      [200, 2],
      [200, 4],
      [200, 8],
    ]);
  });
  it("null removes a section: replicas 0 as no replication", () => {
    const result = parseExperiment({
      scenario: "read-heavy",
      parameters: { replication: [null, { replicas: 1 }], routing: [null] },
    });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.plan.points.map((p) => p.scenario.replication?.replicas ?? 0)).toEqual([0, 1]);
  });
});

describe("runs the work limits would refuse are refused before the sweep starts", () => {
  it("names the point, its values and the limit", () => {
    const run = () =>
      runExperiment({
        scenario: "read-heavy",
        parameters: { duration: ["100s"], "workload.rate": [100, 4_000_000] },
        replications: 1,
      });
    expect(run).toThrow(ExperimentError);
    expect(run).toThrow(
      /^parameters: point 1 \(duration = "100s", workload.rate = 4000000\) would be refused: .*operations/,
    );
  });
});

describe("ranges and zipped axes", () => {
  it("a range {from, to, step} gives from, from + step, … to, inclusive", () => {
    const result = parseExperiment({
      scenario: "read-heavy",
      parameters: { "workload.readRatio": { from: 0.7, to: 0.9, step: 0.1 } },
    });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.plan.points.map((p) => p.parameters["workload.readRatio"])).toEqual([
      0.7, 0.8, 0.9,
    ]);
  });
  it("a zipped group moves its paths together, one axis after the parameters", () => {
    const result = parseExperiment({
      scenario: "read-heavy",
      parameters: { "database.cores": [4, 8] },
      zip: [{ "workload.rate": [600, 1200, 2400], "client.poolSize": [5, 10, 20] }],
    });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(
      result.plan.points.map((p) => [
        p.scenario.database.cores,
        p.scenario.workload.rate,
        p.scenario.client.poolSize,
      ]),
    ).toEqual([
      [4, 600, 5],
      [4, 1200, 10],
      [4, 2400, 20],
      [8, 600, 5],
      [8, 1200, 10],
      [8, 2400, 20],
    ]);
  });
  it("a zipped group of unequal lengths, a path swept twice, a bad value inside a group", () => {
    expect(
      messages({
        scenario: "read-heavy",
        parameters: { "workload.rate": [600] },
        zip: [{ "database.cores": [4, 8], "client.poolSize": [5], "workload.rate": [1] }],
      }),
    ).toEqual([
      "zip.0.client.poolSize: expected 2 values, as many as database.cores has in its group; got 1",
      "zip.0.workload.rate: workload.rate is swept twice (also at parameters.workload.rate); expected each path once",
      "zip.0.workload.rate: expected 2 values, as many as database.cores has in its group; got 1",
    ]);
    expect(messages({ scenario: "read-heavy", zip: [{ "database.cores": [4, -1] }] })).toEqual([
      "zip.0.database.cores: at point 1 (database.cores = -1): database.cores: Too small: expected number to be >0; got -1",
    ]);
  });
  it("a range with to below from", () => {
    expect(
      messages({
        scenario: "read-heavy",
        parameters: { "workload.rate": { from: 5, to: 1, step: 1 } },
      })[0],
    ).toMatch(/^parameters\.workload\.rate: .*expected a range with to ≥ from/);
  });
});
