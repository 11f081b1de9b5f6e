// Untrusted JSON into a resolved profile, or a list of problems that each name
// the path, the value found and what was expected (the scenario's ScenarioIssue shape).
import type * as z from "zod";
import { describeValue, InputError } from "../scenario/input-error.js";
import { readJsonInput, type ScenarioIssue } from "../scenario/parse.js";
import { type Plan, type PlanInput, PlanSchema, type Profile, ProfileSchema } from "./profile.js";

/**
 * The result of {@link parseProfile}: the resolved profile, or the problems.
 *
 * @remarks Since 0.2.0
 */
export type ProfileParseResult =
  | { readonly ok: true; readonly profile: Profile }
  | { readonly ok: false; readonly issues: readonly ScenarioIssue[] };

/**
 * A profile that failed validation, or advice that cannot be given as asked
 * (a search refused by its estimate). `issues` lists every problem.
 *
 * @remarks Since 0.2.0
 */
export class AdvisorError extends InputError {
  /** @param issues - the problems */
  constructor(issues: readonly ScenarioIssue[]) {
    super(issues, "AdvisorError");
  }
}

/**
 * Validates a workload profile (a parsed JSON value, or JSON text) and fills in
 * its defaults. Never throws.
 *
 * @remarks Since 0.2.0
 */
export function parseProfile(input: unknown): ProfileParseResult {
  const read = readJsonInput(input);
  if (!read.ok) return { ok: false, issues: [read.issue] };
  const value = read.value;
  try {
    const result = ProfileSchema.safeParse(value, { reportInput: true });
    if (result.success) return { ok: true, profile: result.data };
    return { ok: false, issues: result.error.issues.map(toIssue) };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return fail("", "invalid_input", `cannot be validated: ${detail}`);
  }
}

/**
 * Like {@link parseProfile}, but throws an {@link AdvisorError} on bad input.
 *
 * @remarks Since 0.2.0
 */
export function resolveProfile(input: unknown): Profile {
  const result = parseProfile(input);
  if (!result.ok) throw new AdvisorError(result.issues);
  return result.profile;
}

/**
 * Validates a plan given apart from its profile (`advise(profile, { plan })`,
 * `scorePlan`): an {@link AdvisorError} names each problem's path under `plan`.
 *
 * @remarks Since 0.2.0
 */
export function resolvePlan(input: PlanInput | Plan): Plan {
  const result = PlanSchema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw new AdvisorError(
    result.error.issues.map((i) =>
      toIssue({ ...i, path: ["plan", ...i.path] } as z.core.$ZodIssue),
    ),
  );
}

function fail(path: string, code: string, message: string): ProfileParseResult {
  return { ok: false, issues: [{ path, code, message }] };
}

function toIssue(issue: z.core.$ZodIssue): ScenarioIssue {
  const path = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((k) => `"${k}"`).join(", ");
    return {
      path,
      code: issue.code,
      message: `unknown key${issue.keys.length > 1 ? "s" : ""} ${keys}`,
    };
  }
  if (issue.code === "invalid_type" && issue.input === undefined) {
    return { path, code: issue.code, message: `required: expected ${issue.expected}; got nothing` };
  }
  const expected = issue.message.replace(/^Invalid input: /, "");
  return { path, code: issue.code, message: `${expected}; got ${describeValue(issue.input)}` };
}
