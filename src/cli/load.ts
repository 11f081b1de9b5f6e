// Finding a scenario (a built-in name or a JSON file), applying command-line
// overrides and validating the result with the scenario schema. Every failure
// is a UsageError whose lines name the file (or option), the path and the value.
import { isAbsolute, resolve } from "node:path";
import {
  builtinScenario,
  builtinScenarioNames,
  DEFAULT_SCENARIO,
  formatIssue,
  resolveVariants,
  type ScenarioIssue,
  type ScenarioVariant,
} from "../scenario/index.js";
import { describeFsError, UsageError } from "./errors.js";

/** Where a scenario came from, and its raw (unvalidated) JSON value. */
export interface ScenarioSource {
  /** How messages name it: the path as the user wrote it, or the built-in name. */
  readonly label: string;
  /** The parsed JSON, not yet validated. */
  readonly value: unknown;
}

/** The file-reading part of the CLI's I/O. */
export interface SourceIO {
  /** Reads a UTF-8 text file (absolute path). */
  readFile(path: string): Promise<string>;
  /** The directory relative paths are resolved against. */
  readonly cwd: string;
}

/** Command-line values that override the scenario's own. */
export interface ScenarioOverrides {
  /** `--seed`, already checked to be a non-negative integer. */
  readonly seed?: number | undefined;
  /** `--duration` as typed: a number of ms or a string with a unit; the schema checks it. */
  readonly duration?: string | undefined;
}

/** Resolves a path the user typed against the CLI's working directory. */
export function resolvePath(io: { readonly cwd: string }, path: string): string {
  return isAbsolute(path) ? path : resolve(io.cwd, path);
}

function builtinList(): string {
  return builtinScenarioNames().join(", ");
}

function looksLikeName(arg: string): boolean {
  return !/[\\/]/.test(arg) && !/\.json$/i.test(arg);
}

/** Adds "(line L, column C)" to a JSON.parse message that gives only a position. */
function describeJsonError(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const m = /at position (\d+)/.exec(message);
  if (m === null || /line \d+/.test(message)) return message;
  const before = text.slice(0, Number(m[1]));
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  return `${message} (line ${line}, column ${column})`;
}

/**
 * Loads a scenario: `arg` is a built-in name or a path to a JSON file; no
 * argument means the default built-in.
 */
export async function loadScenarioSource(
  arg: string | undefined,
  io: SourceIO,
): Promise<ScenarioSource> {
  const name = arg ?? DEFAULT_SCENARIO;
  const builtin = builtinScenario(name);
  if (builtin !== undefined) return { label: name, value: structuredClone(builtin) };

  let text: string;
  try {
    text = await io.readFile(resolvePath(io, name));
  } catch (error) {
    const detail = describeFsError(error);
    if (looksLikeName(name) && detail === "no such file or directory") {
      throw new UsageError([
        `error: unknown scenario "${name}": no built-in scenario has that name and there is no such file`,
        `built-in scenarios: ${builtinList()} (see dbsim list)`,
      ]);
    }
    throw new UsageError([`error: cannot read ${name}: ${detail}`]);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return { label: name, value: JSON.parse(text) as unknown };
  } catch (error) {
    throw new UsageError([`error: ${name}: malformed JSON: ${describeJsonError(error, text)}`]);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `--duration 500` means 500 ms; anything else goes to the schema as a string. */
function durationValue(text: string): number | string {
  return /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text;
}

/** The scenario value with the command-line overrides applied, to the base and to every variant. */
function applyOverrides(value: unknown, overrides: ScenarioOverrides): unknown {
  if (!isPlainObject(value)) return value;
  const set = (target: Record<string, unknown>, onlyIfPresent: boolean): void => {
    if (overrides.duration !== undefined && (!onlyIfPresent || "duration" in target)) {
      target.duration = durationValue(overrides.duration);
    }
    if (overrides.seed !== undefined && (!onlyIfPresent || "seed" in target)) {
      target.seed = overrides.seed;
    }
  };
  const copy: Record<string, unknown> = { ...value };
  set(copy, false);
  // A variant's patch that sets the seed or duration would otherwise win over the option.
  if (Array.isArray(copy.variants)) {
    copy.variants = copy.variants.map((variant: unknown) => {
      if (!isPlainObject(variant) || !isPlainObject(variant.patch)) return variant;
      const patch: Record<string, unknown> = { ...variant.patch };
      set(patch, true);
      return { ...variant, patch };
    });
  }
  return copy;
}

/** The lines of a UsageError for `issues`, each naming the file or the option that caused it. */
function issueLines(
  source: ScenarioSource,
  overrides: ScenarioOverrides,
  issues: readonly ScenarioIssue[],
): string[] {
  const fromOption = (issue: ScenarioIssue): string | undefined => {
    if (overrides.duration !== undefined && issue.path === "duration") return "--duration";
    if (overrides.seed !== undefined && issue.path === "seed") return "--seed";
    return undefined;
  };
  const fromFile = issues.filter((issue) => fromOption(issue) === undefined);
  const lines: string[] = [];
  if (fromFile.length > 0) {
    const count = fromFile.length;
    lines.push(
      `error: ${source.label} is not a valid scenario (${count} problem${count === 1 ? "" : "s"})`,
      ...fromFile.map((issue) => `  ${source.label}: ${formatIssue(issue)}`),
    );
  }
  for (const issue of issues) {
    const option = fromOption(issue);
    if (option !== undefined) lines.push(`error: ${option}: ${issue.message}`);
  }
  return lines;
}

/**
 * Applies the overrides (to the base and to every variant) and resolves the
 * scenario's plans: the base first, then each variant with its patch merged in.
 * A scenario without variants has one plan, "base". Problems raise a UsageError
 * listing each issue as `source: path: message`, where the source is the file
 * (or built-in) name, or the option that caused it; a variant's issues are
 * under `variants.<i>.patch`.
 */
export function resolvePlans(
  source: ScenarioSource,
  overrides: ScenarioOverrides = {},
): ScenarioVariant[] {
  const result = resolveVariants(applyOverrides(source.value, overrides));
  if (result.ok) return result.variants;
  throw new UsageError(issueLines(source, overrides, result.issues));
}

/**
 * The plan named `name` ("base" or a variant's name). An unknown name raises a
 * UsageError that lists the names to choose from.
 */
export function selectPlan(
  plans: readonly ScenarioVariant[],
  name: string,
  source: ScenarioSource,
): ScenarioVariant {
  const plan = plans.find((p) => p.name === name);
  if (plan !== undefined) return plan;
  const names = plans.map((p) => JSON.stringify(p.name)).join(", ");
  const n = plans.length - 1;
  const what = n === 0 ? "has no variants" : `has ${n} variant${n === 1 ? "" : "s"}`;
  throw new UsageError([
    `error: --variant: unknown plan "${name}": ${source.label} ${what}`,
    `plans: ${names}`,
  ]);
}
