// Variants: one scenario file, several plans compared with the same workload and
// seed (common random numbers: every stream is derived from the seed and its own
// label, so the variants see the same arrivals and keys). A variant is a patch
// merged into the base scenario.
import { type ParseResult, parseScenario, ScenarioError, type ScenarioIssue } from "./parse.js";
import type { Report } from "./report.js";
import { type RunScenarioOptions, runScenario } from "./run.js";
import type { Scenario, ScenarioInput } from "./schema.js";

/**
 * A named plan: the base scenario or one of its variants, resolved.
 *
 * @remarks Since 0.1.0
 */
export interface ScenarioVariant {
  /** "base" for the scenario itself, else the variant's name. */
  readonly name: string;
  /** The variant's description, if any. */
  readonly description?: string;
  /** The resolved scenario (without `variants`). */
  readonly scenario: Scenario;
}

/**
 * Merges a patch into a value: plain objects merge key by key; anything else
 * replaces; `null` removes the key. Every key of the patch becomes an own key of
 * the result, `"__proto__"` included (so validation reports it as unknown); a
 * merged object's prototype is always `Object.prototype`.
 *
 * @remarks Since 0.1.0
 */
export function mergePatch(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch) || !isPlainObject(base)) return patch;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete out[key];
      continue;
    }
    // Defined, not assigned: assigning "__proto__" would set the result's prototype
    // and drop the key, so validation could not report it as unknown.
    Object.defineProperty(out, key, {
      value: mergePatch(Object.hasOwn(out, key) ? out[key] : undefined, value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/**
 * The base scenario and each of its variants, resolved — or every problem,
 * with variant problems under `variants.<i>.patch`.
 *
 * @remarks Since 0.1.0
 */
export function resolveVariants(
  input: unknown,
): { ok: true; variants: ScenarioVariant[] } | { ok: false; issues: ScenarioIssue[] } {
  const parsed: ParseResult = parseScenario(input);
  if (!parsed.ok) return { ok: false, issues: [...parsed.issues] };
  const { variants: list, ...rest } = parsed.scenario;
  const base: Scenario = { ...rest };
  const out: ScenarioVariant[] = [{ name: "base", scenario: base }];
  const issues: ScenarioIssue[] = [];
  const raw = (typeof input === "string" ? JSON.parse(input) : input) as Record<string, unknown>;
  const { variants: rawList, ...rawBase } = raw;
  (list ?? []).forEach((v, i) => {
    // The patch as written: zod's record copies keys by assignment, which drops "__proto__".
    const merged = mergePatch(rawBase, (rawList as { patch: unknown }[])[i]?.patch);
    const result = parseScenario(merged);
    if (!result.ok) {
      for (const issue of result.issues) {
        issues.push({
          path: `variants.${i}.patch${issue.path === "" ? "" : `.${issue.path}`}`,
          code: issue.code,
          message: `${issue.message} (variant "${v.name}")`,
        });
      }
      return;
    }
    const { variants: _none, ...scenario } = result.scenario;
    out.push({
      name: v.name,
      ...(v.description === undefined ? {} : { description: v.description }),
      scenario,
    });
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, variants: out };
}

/**
 * Runs the base scenario and each variant with the same seed.
 *
 * @remarks Since 0.1.0
 */
export function runVariants(
  input: ScenarioInput | Scenario,
  options: RunScenarioOptions = {},
): { name: string; description?: string; report: Report }[] {
  const resolved = resolveVariants(input);
  if (!resolved.ok) throw new ScenarioError(resolved.issues);
  return resolved.variants.map((v) => ({
    name: v.name,
    ...(v.description === undefined ? {} : { description: v.description }),
    report: runScenario(v.scenario, options),
  }));
}
