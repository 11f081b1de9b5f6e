// The scenario schema as JSON Schema, for editors: point a scenario file's
// "$schema" at the output of `dbsim schema` and get completion and checking.
import * as z from "zod";
import { ScenarioSchema } from "./schema.js";

/**
 * The JSON Schema (draft 2020-12) of a scenario file, as written (input side:
 * defaults are optional).
 *
 * @remarks Since 0.1.0
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ScenarioSchema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
}
