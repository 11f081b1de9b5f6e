// Turning an experiment file into a validated plan of runs, or into a list of
// problems in the scenario layer's style: each names the path, the value found
// and what was expected. Every point's scenario is validated before anything
// runs, so a sweep never fails an hour in on its last point.
import type * as z from "zod";
import { builtinScenario, builtinScenarioNames, parseScenario } from "../scenario/index.js";
import { describeValue, InputError } from "../scenario/input-error.js";
import { readJsonInput, type ScenarioIssue } from "../scenario/parse.js";
import type { Scenario } from "../scenario/schema.js";
import {
  type GridAxis,
  type GridPoint,
  gridPoints,
  gridSize,
  pointScenario,
  rangeValues,
} from "./grid.js";
import { metricPathProblem } from "./metrics.js";
import { type Experiment, ExperimentSchema } from "./schema.js";

/** Most runs (points × replications) one experiment may plan. */
export const MAX_EXPERIMENT_RUNS = 1_000_000;

/**
 * A validated experiment with its points, each with its resolved scenario.
 *
 * @remarks Since 0.2.0
 */
export interface ExperimentPlan {
  /** The experiment, defaults filled in. */
  readonly experiment: Experiment;
  /** The base scenario as given (a built-in's input when named). */
  readonly baseScenario: unknown;
  /** Every point of the grid with its resolved scenario. */
  readonly points: readonly (GridPoint & { readonly scenario: Scenario })[];
}

/**
 * The result of {@link parseExperiment}.
 *
 * @remarks Since 0.2.0
 */
export type ExperimentParseResult =
  | { readonly ok: true; readonly plan: ExperimentPlan }
  | { readonly ok: false; readonly issues: readonly ScenarioIssue[] };

/**
 * An experiment that failed validation; `issues` lists every problem.
 *
 * @remarks Since 0.2.0
 */
export class ExperimentError extends InputError {
  /** @param issues - the problems */
  constructor(issues: readonly ScenarioIssue[]) {
    super(issues, "ExperimentError");
  }
}

/**
 * Validates an experiment (a parsed JSON value or JSON text), expands its grid
 * and validates every point's scenario. Never throws.
 *
 * @remarks Since 0.2.0
 */
export function parseExperiment(input: unknown): ExperimentParseResult {
  const read = readJsonInput(input);
  if (!read.ok) return fail([read.issue]);
  const value = read.value;
  const parsed = ExperimentSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) return fail(parsed.error.issues.map(toIssue));
  const experiment = parsed.data;
  const issues: ScenarioIssue[] = [];
  const base = resolveBase(experiment, issues);
  experiment.metrics.forEach((metric, i) => {
    const problem = metricPathProblem(metric);
    if (problem !== undefined)
      issues.push({ path: `metrics.${i}`, code: "invalid_metric", message: problem });
  });
  const { axes, where } = experimentAxes(experiment, issues);
  const size = gridSize(axes);
  const precision = experiment.precision;
  if (precision !== undefined && precision.maxReplications < Math.max(2, experiment.replications)) {
    issues.push({
      path: "precision.maxReplications",
      code: "too_small",
      message: `expected at least the ${experiment.replications} replications of the first round (and at least 2, for an interval); got ${precision.maxReplications}`,
    });
  }
  if (precision !== undefined && experiment.replications < 2) {
    issues.push({
      path: "replications",
      code: "too_small",
      message: `expected at least 2 replications in the first round when a precision is asked for (an interval needs two runs); got ${experiment.replications}`,
    });
  }
  const mostPerPoint = Math.max(experiment.replications, precision?.maxReplications ?? 0);
  if (size * mostPerPoint > MAX_EXPERIMENT_RUNS) {
    issues.push({
      path: "parameters",
      code: "too_big",
      message: `expected at most ${MAX_EXPERIMENT_RUNS} runs (points × replications); got ${size} points × ${mostPerPoint}`,
    });
  }
  if (experiment.baseline !== undefined && experiment.baseline >= size) {
    issues.push({
      path: "baseline",
      code: "too_big",
      message: `expected a point index below ${size} (the grid's size); got ${experiment.baseline}`,
    });
  }
  if (issues.length > 0 || base === undefined) return fail(issues);
  const points = resolvePoints(axes, where, base, issues);
  if (issues.length > 0) return fail(issues);
  return { ok: true, plan: { experiment, baseScenario: base, points } };
}

/**
 * Like {@link parseExperiment}, but throws an {@link ExperimentError} on bad input.
 *
 * @remarks Since 0.2.0
 */
export function resolveExperiment(input: unknown): ExperimentPlan {
  const result = parseExperiment(input);
  if (!result.ok) throw new ExperimentError(result.issues);
  return result.plan;
}

function fail(issues: readonly ScenarioIssue[]): ExperimentParseResult {
  return { ok: false, issues };
}

function resolveBase(experiment: Experiment, issues: ScenarioIssue[]): unknown {
  if (typeof experiment.scenario !== "string") return experiment.scenario;
  const builtin = builtinScenario(experiment.scenario);
  if (builtin === undefined) {
    issues.push({
      path: "scenario",
      code: "invalid_value",
      message: `expected a scenario object or a built-in scenario's name (${builtinScenarioNames().join(", ")}); got ${JSON.stringify(experiment.scenario)}`,
    });
  }
  return builtin;
}

/**
 * The grid's axes — each parameter, then each zipped group — and where each swept
 * path is written in the file (for messages); zipped groups of unequal lengths
 * and paths swept twice are problems.
 */
function experimentAxes(
  experiment: Experiment,
  issues: ScenarioIssue[],
): { axes: GridAxis[]; where: Map<string, string> } {
  const where = new Map<string, string>();
  const axes: GridAxis[] = [];
  const claim = (path: string, at: string): void => {
    const before = where.get(path);
    if (before !== undefined) {
      issues.push({
        path: at,
        code: "duplicate_path",
        message: `${path} is swept twice (also at ${before}); expected each path once`,
      });
    }
    where.set(path, at);
  };
  for (const [path, values] of Object.entries(experiment.parameters)) {
    claim(path, `parameters.${path}`);
    const list = Array.isArray(values) ? values : rangeValues(values);
    axes.push(list.map((v) => [[path, v] as const]));
  }
  experiment.zip.forEach((group, g) => {
    const entries = Object.entries(group);
    const [first, firstValues] = entries[0] ?? ["", []];
    for (const [path, values] of entries) {
      claim(path, `zip.${g}.${path}`);
      if (values.length !== firstValues.length) {
        issues.push({
          path: `zip.${g}.${path}`,
          code: "invalid_length",
          message: `expected ${firstValues.length} values, as many as ${first} has in its group; got ${values.length}`,
        });
      }
    }
    if (entries.length > 0) {
      axes.push(
        firstValues.map((_, i) => entries.map(([path, values]) => [path, values[i]] as const)),
      );
    }
  });
  return { axes, where };
}

/** Every point's scenario, resolved; a problem is reported once, at the first point that has it. */
function resolvePoints(
  axes: readonly GridAxis[],
  location: ReadonlyMap<string, string>,
  base: unknown,
  issues: ScenarioIssue[],
): (GridPoint & { scenario: Scenario })[] {
  const seen = new Set<string>();
  const out: (GridPoint & { scenario: Scenario })[] = [];
  for (const point of gridPoints(axes)) {
    const result = parseScenario(pointScenario(base, point));
    if (result.ok) {
      out.push({ ...point, scenario: result.scenario });
      continue;
    }
    for (const issue of result.issues) {
      // An unknown key is reported at its parent object: a swept path under it is the cause.
      const swept = Object.keys(point.parameters).find(
        (p) =>
          issue.path === p ||
          issue.path.startsWith(`${p}.`) ||
          (issue.code === "unrecognized_keys" &&
            p.startsWith(issue.path === "" ? "" : `${issue.path}.`)),
      );
      const key = `${swept ?? ""}|${issue.path}|${issue.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (swept === undefined) {
        issues.push({ ...issue, path: issue.path === "" ? "scenario" : `scenario.${issue.path}` });
        continue;
      }
      const where = Object.entries(point.parameters)
        .map(([p, v]) => `${p} = ${JSON.stringify(v)}`)
        .join(", ");
      issues.push({
        path: location.get(swept) ?? `parameters.${swept}`,
        code: issue.code,
        message: `at point ${point.index} (${where}): ${issue.path}: ${issue.message}`,
      });
    }
  }
  return out;
}

function toIssue(issue: z.core.$ZodIssue): ScenarioIssue {
  const path = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const known = Object.keys(ExperimentSchema.shape).sort().join(", ");
    const keys = issue.keys.map((k) => `"${k}"`).join(", ");
    const where = path === "" ? "" : ` in ${path}`;
    return {
      path,
      code: issue.code,
      message: `unknown key${issue.keys.length > 1 ? "s" : ""} ${keys}${where}; expected one of ${known}`,
    };
  }
  const input = "input" in issue ? issue.input : undefined;
  if (issue.code === "invalid_key") {
    const inner = issue.issues[0]?.message ?? "expected a valid key";
    return { path, code: issue.code, message: `${inner}; got ${describeValue(input)}` };
  }
  if (issue.code === "invalid_type" && input === undefined) {
    return { path, code: issue.code, message: `required: expected ${issue.expected}; got nothing` };
  }
  const expected = issue.message.replace(/^Invalid input: /, "").replace(/, received \w+$/, "");
  return { path, code: issue.code, message: `${expected}; got ${describeValue(input)}` };
}
