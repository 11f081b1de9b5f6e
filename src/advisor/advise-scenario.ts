// Advice on a scenario as written (a playground page's): score it, diagnose its
// runs, and check every step the symptoms call for by applying it to the
// scenario itself (scenario-steps.ts) and scoring the result on the same seeds.
// A step ranks before the scenario when it meets more SLOs, or as many and
// ranks before it by cost and complexity (rank.ts), or as many at no more cost
// and it cures a symptom that called for it without showing a new one: a
// routing policy or a shard key changes no SLO of a default set, but its runs
// show whether the violations or the scatter are gone.
import { formatIssue, parseScenario } from "../scenario/index.js";
import type { ScenarioInput } from "../scenario/schema.js";
import { type DiagnosisWorkload, diagnose, type Symptom } from "./diagnose.js";
import { comparePlans, type RankKey } from "./rank.js";
import { applyScenarioStep, type ScenarioStep } from "./scenario-steps.js";
import {
  type ScenarioScore,
  type ScenarioScoreOptions,
  type SloInput,
  scoreScenario,
} from "./score-scenario.js";
import { COMPONENT_TRAITS, type ComponentTraits } from "./traits.js";

/**
 * A step applied to a scenario and checked by simulating it.
 *
 * @remarks Since 0.2.0
 */
export interface ScenarioSuggestion {
  /** The step. */
  readonly step: ScenarioStep;
  /** The symptoms that called for it. */
  readonly because: readonly Symptom["code"][];
  /** The scenario with the step taken (`score.scenario`), scored on the same seeds. */
  readonly score: ScenarioScore;
  /** What its runs showed. */
  readonly symptoms: readonly Symptom[];
  /** The symptoms that called for it and its runs no longer show. */
  readonly cures: readonly Symptom["code"][];
  /** Whether it ranks before the scenario it changes. */
  readonly better: boolean;
}

/**
 * What {@link adviseScenario} returns.
 *
 * @remarks Since 0.2.0
 */
export interface ScenarioAdvice {
  /** The scenario's score. */
  readonly current: ScenarioScore;
  /** What its runs showed. */
  readonly symptoms: readonly Symptom[];
  /** The steps checked, best first. */
  readonly suggestions: readonly ScenarioSuggestion[];
  /** The best suggestion that ranks before the scenario, or null. */
  readonly nextStep: ScenarioSuggestion | null;
}

/**
 * Options of {@link adviseScenario}.
 *
 * @remarks Since 0.2.0
 */
export interface ScenarioAdviseOptions extends ScenarioScoreOptions {
  /** Steps to check at most (default 3); each is `seeds` more runs. */
  readonly maxSuggestions?: number;
}

const SECTION_TRAITS: readonly [keyof ScenarioInput, ComponentTraits["component"]][] = [
  ["replication", "replicas"],
  ["pool", "pool"],
  ["cache", "cache"],
  ["sharding", "shards"],
];

/** The complexity points of the components a scenario has (COMPONENT_TRAITS). */
function complexityOf(scenario: ScenarioInput): number {
  let points = 0;
  for (const [key, component] of SECTION_TRAITS) {
    if (scenario[key] === undefined) continue;
    points += COMPONENT_TRAITS.find((t) => t.component === component)?.complexity ?? 0;
  }
  return points;
}

function rankKey(score: ScenarioScore): RankKey {
  return {
    met: score.met,
    costPerHour: score.costPerHour,
    vcpus: score.vcpus,
    complexity: complexityOf(score.scenario),
    label: "",
  };
}

function costsNoMore(a: ScenarioScore, b: ScenarioScore): boolean {
  if (a.costPerHour !== null && b.costPerHour !== null) return a.costPerHour <= b.costPerHour;
  return a.costPerHour === b.costPerHour && a.vcpus <= b.vcpus;
}

/** What the diagnosis needs of a scenario's workload: its offered rate as run. */
function workloadOf(scenario: ScenarioInput, score: ScenarioScore): DiagnosisWorkload {
  const parsed = parseScenario(scenario);
  if (!parsed.ok) {
    throw new RangeError(
      `adviseScenario: the scenario is invalid: ${parsed.issues.map(formatIssue).join("; ")}`,
    );
  }
  const w = parsed.scenario.workload;
  return {
    workload: { rate: score.evidence.offeredPerSec, readShare: w.readRatio },
    data: { popularity: w.keys.popularity },
  };
}

function stepsFor(symptoms: readonly Symptom[]): Map<ScenarioStep, Symptom["code"][]> {
  const steps = new Map<ScenarioStep, Symptom["code"][]>();
  for (const s of symptoms) {
    for (const step of s.steps) {
      const because = steps.get(step) ?? [];
      if (!because.includes(s.code)) because.push(s.code);
      steps.set(step, because);
    }
  }
  return steps;
}

function judge(
  step: ScenarioStep,
  because: Symptom["code"][],
  score: ScenarioScore,
  current: ScenarioScore,
  before: readonly Symptom[],
  workload: DiagnosisWorkload,
): ScenarioSuggestion {
  const symptoms = diagnose(workload, score.evidence, score.slos);
  const after = new Set(symptoms.map((s) => s.code));
  const had = new Set(before.map((s) => s.code));
  const cures = because.filter((code) => !after.has(code));
  const nothingNew = [...after].every((code) => had.has(code));
  const better =
    score.met > current.met ||
    (score.met === current.met &&
      (comparePlans(rankKey(score), rankKey(current)) < 0 ||
        (cures.length > 0 && nothingNew && costsNoMore(score, current))));
  return { step, because, score, symptoms, cures, better };
}

/** Better first, then the ranking rule, then more symptoms cured, then the step's name. */
function order(a: ScenarioSuggestion, b: ScenarioSuggestion): number {
  if (a.better !== b.better) return a.better ? -1 : 1;
  const ranked = comparePlans(rankKey(a.score), rankKey(b.score));
  if (ranked !== 0) return ranked;
  if (a.cures.length !== b.cures.length) return b.cures.length - a.cures.length;
  return a.step < b.step ? -1 : a.step > b.step ? 1 : 0;
}

/**
 * Scores a scenario as written against SLOs, diagnoses its runs, and checks
 * each step the symptoms call for (at most `maxSuggestions`) by applying it to
 * the scenario ({@link applyScenarioStep}) and scoring that on the same seeds.
 * Deterministic: same SLOs, scenario and options, same advice.
 *
 * @example
 * ```ts
 * const advice = adviseScenario({ readP99Ms: 10, writeP99Ms: 20 }, builtinScenario("read-your-writes")!);
 * console.log(advice.nextStep?.step); // "read-primary-after-write"
 * ```
 *
 * @remarks Since 0.2.0
 */
export function adviseScenario(
  slo: SloInput,
  scenario: ScenarioInput,
  options: ScenarioAdviseOptions = {},
): ScenarioAdvice {
  const current = scoreScenario(slo, scenario, options);
  const workload = workloadOf(scenario, current);
  const symptoms = diagnose(workload, current.evidence, current.slos);
  const replicas = symptoms.find((s) => s.code === "reads-saturate")?.figures.replicasNeeded;
  const suggestions: ScenarioSuggestion[] = [];
  for (const [step, because] of stepsFor(symptoms)) {
    if (suggestions.length >= (options.maxSuggestions ?? 3)) break;
    const next = applyScenarioStep(scenario, step, replicas === undefined ? {} : { replicas });
    if (next === null) continue;
    const score = scoreScenario(slo, next, options);
    suggestions.push(judge(step, because, score, current, symptoms, workload));
  }
  const ranked = [...suggestions].sort(order);
  return {
    current,
    symptoms,
    suggestions: ranked,
    nextStep: ranked.find((s) => s.better) ?? null,
  };
}
