// docs/scenario.md and docs/replication.md must mention every field of the
// scenario schema, so a new field cannot ship undocumented.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scenarioJsonSchema } from "../../src/index.js";

type Node = {
  properties?: Record<string, Node>;
  anyOf?: Node[];
  oneOf?: Node[];
  items?: Node;
  additionalProperties?: Node | boolean;
};

function fieldNames(node: Node, out = new Set<string>()): Set<string> {
  for (const [k, v] of Object.entries(node.properties ?? {})) {
    out.add(k);
    fieldNames(v, out);
  }
  for (const alt of [...(node.anyOf ?? []), ...(node.oneOf ?? [])]) fieldNames(alt, out);
  if (node.items) fieldNames(node.items, out);
  if (typeof node.additionalProperties === "object") fieldNames(node.additionalProperties, out);
  return out;
}

describe("docs cover the scenario schema", () => {
  const root = join(import.meta.dirname, "..", "..");
  const docs = ["scenario.md", "replication.md", "pooling.md", "proxy.md"]
    .map((f) => readFileSync(join(root, "docs", f), "utf8"))
    .join("\n");
  for (const name of [...fieldNames(scenarioJsonSchema() as Node)].sort()) {
    it(`mentions \`${name}\``, () => {
      expect(docs).toContain(`\`${name}\``);
    });
  }
});
