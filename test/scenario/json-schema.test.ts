// The scenario's JSON Schema, for editors: it describes the sections of
// docs/scenario.md, carries the field descriptions, and is plain JSON.
import { describe, expect, it } from "vitest";
import { scenarioJsonSchema } from "../../src/index.js";

interface JsonSchemaObject {
  readonly type?: string;
  readonly description?: string;
  readonly properties?: Record<string, JsonSchemaObject>;
  readonly required?: readonly string[];
  readonly additionalProperties?: unknown;
}

const schema = scenarioJsonSchema() as JsonSchemaObject & Record<string, unknown>;

describe("scenarioJsonSchema()", () => {
  it("is an object schema with workload, database, client and seed properties", () => {
    expect(schema.type).toBe("object");
    const props = Object.keys(schema.properties ?? {});
    for (const key of ["workload", "database", "client", "seed", "duration", "warmup", "latency"]) {
      expect(props).toContain(key);
    }
  });

  it("requires the workload and only the workload (the other sections have defaults)", () => {
    expect(schema.required).toEqual(["workload"]);
  });

  it("refuses unknown keys, as the parser does", () => {
    expect(schema.additionalProperties).toBe(false);
  });

  it("carries the descriptions: the workload section's and its fields'", () => {
    const workload = schema.properties?.workload;
    expect(typeof workload?.description).toBe("string");
    expect(workload?.description?.length).toBeGreaterThan(0);
    expect(workload?.properties?.readRatio?.description).toMatch(/read/i);
    expect(schema.properties?.seed?.description).toMatch(/seed/i);
  });

  it("describes the database defaults an editor can show (cores 8 unless a size says otherwise, maxConnections 100)", () => {
    const db = schema.properties?.database?.properties as
      | Record<string, JsonSchemaObject & { default?: unknown; description?: string }>
      | undefined;
    // cores has no fixed default: a size preset's vCPUs come first, then 8.
    expect(db?.cores?.default).toBeUndefined();
    expect(db?.cores?.description).toContain("or 8");
    expect(db?.maxConnections?.default).toBe(100);
    expect(db?.mechanisms?.default).toBe("all");
  });

  it("is plain JSON: a JSON round trip gives it back unchanged", () => {
    const text = JSON.stringify(schema);
    expect(JSON.parse(text)).toEqual(schema);
  });

  it("is a fresh value each call (a caller may change it)", () => {
    const a = scenarioJsonSchema();
    a.type = "string";
    expect(scenarioJsonSchema().type).toBe("object");
  });
});
