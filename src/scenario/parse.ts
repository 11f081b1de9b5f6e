// Turning untrusted JSON into a resolved scenario, or into a list of problems
// that each name the path, the value found and what was expected — data, like
// zod's own issues, so the CLI and editors can show them as they like.
import type * as z from "zod";
import { MAX_NESTING_DEPTH, tooDeepAt } from "../latency/nesting.js";
import { describeValue, ScenarioError, type ScenarioIssue, safeString } from "./input-error.js";
import { scenarioJsonSchema } from "./json-schema.js";
import { type Scenario, ScenarioSchema } from "./schema.js";
import { serviceOverrideIssues } from "./service-overrides.js";
import { shardOverrideIssues } from "./shard-overrides.js";

export { formatIssue, InputError, ScenarioError, type ScenarioIssue } from "./input-error.js";

/**
 * The result of {@link parseScenario}: the resolved scenario, or the problems.
 *
 * @remarks Since 0.1.0
 */
export type ParseResult =
  | { readonly ok: true; readonly scenario: Scenario }
  | { readonly ok: false; readonly issues: readonly ScenarioIssue[] };

/**
 * Reads `input` as JSON when it is text, or takes it as already parsed; a
 * malformed text is one `invalid_json` issue at the root, and a value nested
 * deeper than zod can walk one `too_deep` issue at its path. Shared by the scenario,
 * experiment and profile parsers.
 *
 * @internal
 */
export function readJsonInput(
  input: unknown,
):
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly issue: ScenarioIssue } {
  let value: unknown = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        issue: { path: "", code: "invalid_json", message: `malformed JSON: ${detail}` },
      };
    }
  }
  try {
    // zod walks nested input recursively: measure the depth first, without recursion,
    // so a deeply nested file is an issue rather than a stack overflow.
    const deep = tooDeepAt(value, MAX_NESTING_DEPTH);
    return deep === undefined ? { ok: true, value } : { ok: false, issue: tooDeepIssue(deep) };
  } catch (error) {
    return { ok: false, issue: cannotValidate(error) };
  }
}

/** The issue of an input that trips a check nobody foresaw (a getter that throws, say). */
function cannotValidate(error: unknown): ScenarioIssue {
  const detail = error instanceof Error ? error.message : safeString(error);
  return { path: "", code: "invalid_input", message: `cannot be validated: ${detail}` };
}

/**
 * Validates a scenario (a parsed JSON value, or JSON text) and fills in its
 * defaults. Never throws: bad input gives `{ ok: false, issues }`.
 *
 * @remarks Since 0.1.0
 */
export function parseScenario(input: unknown): ParseResult {
  const read = readJsonInput(input);
  if (!read.ok) return { ok: false, issues: [read.issue] };
  const value = read.value;
  try {
    const result = ScenarioSchema.safeParse(value, { reportInput: true });
    if (result.success) {
      // Each shard's overrides, checked as the whole scenario they make for it.
      const shards = [...shardOverrideIssues(result.data), ...serviceOverrideIssues(result.data)];
      if (shards.length === 0) return { ok: true, scenario: result.data };
      return { ok: false, issues: shards.flatMap(intoBranch).map(toIssue) };
    }
    return { ok: false, issues: result.error.issues.flatMap(intoBranch).map(toIssue) };
  } catch (error) {
    // The promise is "never throws": an input that trips a check nobody foresaw (a
    // getter that throws, say) is still reported as an issue, not an exception.
    return { ok: false, issues: [cannotValidate(error)] };
  }
}

/**
 * Like {@link parseScenario}, but throws a {@link ScenarioError} on bad input.
 *
 * @remarks Since 0.1.0
 */
export function resolveScenario(input: unknown): Scenario {
  const result = parseScenario(input);
  if (!result.ok) throw new ScenarioError(result.issues);
  return result.scenario;
}

/**
 * A union zod could not match reports only "Invalid input" at the union. When
 * exactly one of its options got past the value's shape (every problem of that
 * option is inside the value, none at its root), the problems are that option's:
 * report them at their own paths (`replication.replicas.0.outages.0.for`).
 */
function intoBranch(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== "invalid_union" || issue.message !== "Invalid input") return [issue];
  const shaped = issue.errors.filter((b) => b.length > 0 && b.every((i) => i.path.length > 0));
  if (shaped.length !== 1) return [issue];
  return (shaped[0] as z.core.$ZodIssue[]).flatMap((inner) =>
    intoBranch({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue),
  );
}

function tooDeepIssue(path: readonly PropertyKey[]): ScenarioIssue {
  return {
    path: path.map(String).join("."),
    code: "too_deep",
    message: `expected input nested at most ${MAX_NESTING_DEPTH} levels deep (objects and arrays count one level each); got more`,
  };
}

type JsonSchemaNode = {
  properties?: Record<string, JsonSchemaNode>;
  anyOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
  items?: JsonSchemaNode;
  additionalProperties?: JsonSchemaNode | boolean;
  propertyNames?: { enum?: string[] };
  description?: string;
  const?: unknown;
};

let jsonSchemaCache: JsonSchemaNode | undefined;

/** The JSON Schema nodes that describe the value at `path` (several where unions branch). */
function schemaNodesAt(path: readonly PropertyKey[]): JsonSchemaNode[] {
  jsonSchemaCache ??= scenarioJsonSchema() as JsonSchemaNode;
  let nodes: JsonSchemaNode[] = [jsonSchemaCache];
  for (const segment of path) {
    const next: JsonSchemaNode[] = [];
    const visit = (n: JsonSchemaNode): void => {
      for (const alt of [...(n.anyOf ?? []), ...(n.oneOf ?? [])]) visit(alt);
      if (typeof segment === "number" && n.items) next.push(n.items);
      const prop = n.properties?.[String(segment)];
      if (prop) next.push(prop);
      else if (typeof n.additionalProperties === "object") next.push(n.additionalProperties);
    };
    for (const n of nodes) visit(n);
    nodes = next;
  }
  return nodes;
}

/**
 * Whether a union's alternative can be the one `input` meant: none of its
 * constant fields (a discriminated union's tag) says otherwise.
 */
function mayBe(alt: JsonSchemaNode, input: unknown): boolean {
  if (typeof input !== "object" || input === null) return true;
  const fields = input as Record<string, unknown>;
  return Object.entries(alt.properties ?? {}).every(
    ([k, p]) => p.const === undefined || !(k in fields) || fields[k] === p.const,
  );
}

/** The keys an object at `path` accepts (of a union, the alternatives `input` may be). */
function knownKeysAt(path: readonly PropertyKey[], input: unknown): string[] {
  const keys = new Set<string>();
  const visit = (n: JsonSchemaNode): void => {
    for (const alt of [...(n.anyOf ?? []), ...(n.oneOf ?? [])]) if (mayBe(alt, input)) visit(alt);
    for (const k of Object.keys(n.properties ?? {})) keys.add(k);
    for (const k of n.propertyNames?.enum ?? []) keys.add(k);
  };
  for (const n of schemaNodesAt(path)) visit(n);
  return [...keys].sort();
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] as number;
      const cost = a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1;
      prev[j] = Math.min(up + 1, (prev[j - 1] as number) + 1, diag + cost);
      diag = up;
    }
  }
  return prev[b.length] as number;
}

function unknownKeysMessage(
  keys: readonly string[],
  path: readonly PropertyKey[],
  input: unknown,
): string {
  const where = path.length > 0 ? ` in ${path.map(String).join(".")}` : "";
  const known = knownKeysAt(path, input);
  const parts = keys.map((key) => {
    let best = "";
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const k of known) {
      const d = editDistance(key, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    const close = bestDistance <= (key.length <= 3 ? 1 : Math.max(2, Math.floor(key.length / 3)));
    return close ? `"${key}" (did you mean "${best}"?)` : `"${key}"`;
  });
  const expected = known.length > 0 ? `; expected one of ${known.join(", ")}` : "";
  return `unknown key${keys.length > 1 ? "s" : ""} ${parts.join(", ")}${where}${expected}`;
}

function toIssue(issue: z.core.$ZodIssue): ScenarioIssue {
  const path = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const message = unknownKeysMessage(issue.keys, issue.path, issue.input);
    return { path, code: issue.code, message };
  }
  if (issue.code === "invalid_union" && "discriminator" in issue) {
    return discriminatorIssue(issue, path);
  }
  const got = "input" in issue ? describeValue(issue.input) : "nothing";
  if (issue.code === "invalid_type" && issue.input === undefined) {
    return { path, code: issue.code, message: `required: expected ${issue.expected}; got nothing` };
  }
  let expected = issue.message.replace(/^Invalid input: /, "");
  if (issue.code === "invalid_union" && issue.message === "Invalid input") {
    const described = schemaNodesAt(issue.path).find((n) => n.description)?.description;
    expected = described ? `expected ${lowerFirst(described)}` : "does not match any accepted form";
  }
  return { path, code: issue.code, message: `${expected}; got ${got}` };
}

/** A discriminated union's tag that names no option: the tag's value, not the whole object. */
function discriminatorIssue(issue: z.core.$ZodIssueInvalidUnion, path: string): ScenarioIssue {
  const key = String(issue.discriminator);
  const { input } = issue;
  const value =
    typeof input === "object" && input !== null ? (input as Record<string, unknown>)[key] : input;
  const options = ((issue as { options?: unknown[] }).options ?? []).map((o) => JSON.stringify(o));
  return {
    path,
    code: issue.code,
    message: `expected ${key} to be one of ${options.join(", ")}; got ${describeValue(value)}`,
  };
}

function lowerFirst(text: string): string {
  return text.length > 1 && text[1] === text[1]?.toLowerCase()
    ? (text[0]?.toLowerCase() ?? "") + text.slice(1)
    : text;
}
