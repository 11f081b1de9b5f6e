// What the three parsers (scenario, experiment, profile) share: the shape of a
// problem, its one-line form, the error that carries a list of them, and how a
// value found in the input is quoted in a message.

/**
 * One problem with a scenario (or an experiment, or a profile: they report in the same shape).
 *
 * @remarks Since 0.1.0
 */
export interface ScenarioIssue {
  /** Where, as a dotted path (`workload.readRatio`, `database.cores`); "" for the whole scenario. */
  readonly path: string;
  /**
   * A stable code: zod's issue code (`invalid_type`, `too_big`, `unrecognized_keys`, …),
   * `invalid_json`, `too_deep` (input nested more than 64 levels) or `invalid_input`
   * (a value that could not be inspected).
   */
  readonly code: string;
  /** A sentence naming the value and what was expected. */
  readonly message: string;
}

/**
 * Formats an issue as one line: `path: message`.
 *
 * @remarks Since 0.1.0
 */
export function formatIssue(issue: ScenarioIssue): string {
  return issue.path === "" ? issue.message : `${issue.path}: ${issue.message}`;
}

/**
 * Input that failed validation: a scenario ({@link ScenarioError}), an experiment
 * ({@link ExperimentError}) or a profile ({@link AdvisorError}). `issues` lists every
 * problem; the message is their {@link formatIssue} lines. Catch this to handle all three.
 *
 * @remarks Since 0.2.0
 */
export class InputError extends Error {
  /** Every problem found. */
  readonly issues: readonly ScenarioIssue[];

  /**
   * @param issues - the problems
   * @param name - the error's name (the subclass's)
   */
  constructor(issues: readonly ScenarioIssue[], name = "InputError") {
    super(issues.map(formatIssue).join("\n"));
    this.name = name;
    this.issues = issues;
  }
}

/**
 * A scenario that failed validation. `issues` lists every problem.
 *
 * @remarks Since 0.1.0
 */
export class ScenarioError extends InputError {
  /** @param issues - the problems */
  constructor(issues: readonly ScenarioIssue[]) {
    super(issues, "ScenarioError");
  }
}

/**
 * A value found in the input as a message quotes it: JSON, cut at 80 characters;
 * "nothing" for a missing value.
 *
 * @internal
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (typeof value === "bigint") return `${value}n (a BigInt)`;
  let text: string;
  try {
    text = JSON.stringify(value) ?? safeString(value);
  } catch {
    text = safeString(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * String(value), or a tag such as "[object Object]" when that throws (a null-prototype object).
 *
 * @internal
 */
export function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
