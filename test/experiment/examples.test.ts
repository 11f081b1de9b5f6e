// The experiment files in examples/experiments/ are valid as shipped (their
// scenario files resolved as `dbsim sweep` resolves them: beside the file).
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { experimentJsonSchema, parseExperiment } from "../../src/index.js";

const dir = join(import.meta.dirname, "..", "..", "examples", "experiments");

describe("examples/experiments", () => {
  const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
  const experiments = files.filter(
    (f) => "scenario" in JSON.parse(readFileSync(join(dir, f), "utf8")),
  );
  it("has the capacity study and the paired comparison", () => {
    expect(experiments).toEqual(expect.arrayContaining(["capacity.json", "pool-size-crn.json"]));
  });
  it('the shipped experiment.schema.json is experimentJsonSchema(), and every example\'s "$schema" points at it', () => {
    const shipped = join(dir, "..", "..", "experiment.schema.json");
    expect(JSON.parse(readFileSync(shipped, "utf8"))).toEqual(experimentJsonSchema());
    for (const file of experiments) {
      const { $schema } = JSON.parse(readFileSync(join(dir, file), "utf8"));
      expect(resolve(dir, $schema), file).toBe(shipped);
    }
  });
  for (const file of experiments) {
    it(`${file} is a valid experiment`, () => {
      const value = JSON.parse(readFileSync(join(dir, file), "utf8"));
      if (typeof value.scenario === "string" && value.scenario.endsWith(".json")) {
        value.scenario = JSON.parse(readFileSync(join(dir, value.scenario), "utf8"));
      }
      const result = parseExperiment(value);
      expect(result.ok ? [] : result.issues).toEqual([]);
    });
  }
});
