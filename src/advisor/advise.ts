// advise(profile): score the profile's plan by simulating it, find what its runs
// show (diagnose.ts), and check each step the symptoms call for by simulating
// the plan with that step taken. The next step is the best-ranked of those that
// ranks before the plan itself.
import type { RunLimits } from "../scenario/index.js";
import { diagnose, type Symptom } from "./diagnose.js";
import { AdvisorError, parseProfile, resolvePlan } from "./parse.js";
import type { Plan, PlanInput, Profile, ProfileInput } from "./profile.js";
import { comparePlans, rankPlans } from "./rank.js";
import { type PlanScore, profileSeeds, scorePlan } from "./score.js";
import { applyStep, PROGRESSION, type Step } from "./steps.js";

/**
 * A step the symptoms called for, checked by simulating it.
 *
 * @remarks Since 0.2.0
 */
export interface Suggestion {
  /** The step. */
  readonly step: Step;
  /** The symptoms that called for it. */
  readonly because: readonly Symptom["code"][];
  /** The plan with the step taken, scored. */
  readonly score: PlanScore;
  /** Whether it ranks before the plan it changes. */
  readonly better: boolean;
}

/**
 * What {@link advise} returns.
 *
 * @remarks Since 0.2.0
 */
export interface Advice {
  /** The profile's name. */
  readonly profile: string;
  /** The seeds of every run (the same for every plan). */
  readonly seeds: readonly number[];
  /** The plan's score. */
  readonly current: PlanScore;
  /** What its runs showed. */
  readonly symptoms: readonly Symptom[];
  /** The steps checked, best-ranked first. */
  readonly suggestions: readonly Suggestion[];
  /** The best suggestion that ranks before the plan, or null. */
  readonly nextStep: Suggestion | null;
  /** What the advisor does not judge yet, each in a sentence. */
  readonly notScored: readonly string[];
}

/**
 * Options of {@link advise}.
 *
 * @remarks Since 0.2.0
 */
export interface AdviseOptions {
  /** The plan to score instead of the profile's `plan`. */
  readonly plan?: PlanInput;
  /** Steps to check at most (default 3). */
  readonly maxSuggestions?: number;
  /** Limits each run's estimate is checked against. */
  readonly limits?: RunLimits;
}

/**
 * What the advisor does not score yet.
 *
 * @remarks Since 0.2.0
 */
export const NOT_SCORED: readonly string[] = Object.freeze([
  "availability: scored for the writes only, from one primary crash per failures.interval (in a sharded plan one shard's primary, each shard failing once per interval; replica crashes, network partitions and plans with a CQRS read model are not simulated by the advisor)",
  "CQRS: the read model's own store is not simulated (a query takes cqrs.queryTime, with no queue), and the share of reads it serves is the plan's (default half), not derived from query shapes",
  "optimising queries and indexes: not simulated (the profile's statement costs are taken as given)",
]);

/**
 * A profile given as input or as an already resolved profile, parsed either
 * way; an {@link AdvisorError} names every problem.
 *
 * @remarks Since 0.2.0
 */
export function profileOf(input: ProfileInput | Profile | unknown): Profile {
  const parsed = parseProfile(input);
  if (!parsed.ok) throw new AdvisorError(parsed.issues);
  return parsed.profile;
}

/** The replicas the reads-saturate symptom sized, if it was found. */
function sizedReplicas(symptoms: readonly Symptom[]): number | undefined {
  return symptoms.find((s) => s.code === "reads-saturate")?.figures.replicasNeeded;
}

/** A plan step: the others (a routing policy, a shard key) change a scenario only. */
const isPlanStep = (step: string): step is Step =>
  step === "semi-sync" || (PROGRESSION as readonly string[]).includes(step);

function stepsFor(symptoms: readonly Symptom[]): Map<Step, Symptom["code"][]> {
  const steps = new Map<Step, Symptom["code"][]>();
  for (const s of symptoms) {
    for (const step of s.steps.filter(isPlanStep)) {
      const because = steps.get(step) ?? [];
      if (!because.includes(s.code)) because.push(s.code);
      steps.set(step, because);
    }
  }
  return steps;
}

/**
 * Scores a plan for a workload profile by simulating it (≥ 3 seeds), explains
 * what its runs show, and checks the steps that would address it.
 * Deterministic: same profile and options, same advice.
 *
 * @example
 * ```ts
 * const advice = advise(BUILTIN_PROFILES["read-heavy"]);
 * console.log(advice.current.slos, advice.nextStep?.step);
 * ```
 *
 * @remarks Since 0.2.0
 */
export function advise(
  input: ProfileInput | Profile | unknown,
  options: AdviseOptions = {},
): Advice {
  const profile = profileOf(input);
  const plan: Plan = options.plan === undefined ? profile.plan : resolvePlan(options.plan);
  const scoreOptions = options.limits ? { limits: options.limits } : {};
  const current = scorePlan(profile, plan, scoreOptions);
  const symptoms = diagnose(profile, current.evidence, current.slos);
  const suggestions: Suggestion[] = [];
  for (const [step, because] of stepsFor(symptoms)) {
    if (suggestions.length >= (options.maxSuggestions ?? 3)) break;
    const next = applyStep(plan, step, { replicas: sizedReplicas(symptoms) });
    if (next === null) continue;
    const score = scorePlan(profile, next, scoreOptions);
    suggestions.push({ step, because, score, better: comparePlans(score, current) < 0 });
  }
  const ranked = rankPlans(suggestions.map((s) => ({ ...s.score, suggestion: s }))).map(
    (s) => s.suggestion,
  );
  return {
    profile: profile.name,
    seeds: profileSeeds(profile),
    current,
    symptoms,
    suggestions: ranked,
    nextStep: ranked.find((s) => s.better) ?? null,
    notScored: NOT_SCORED,
  };
}
