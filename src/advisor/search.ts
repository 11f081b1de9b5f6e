// `advise --search`: walk the progression from the profile's plan — scale up,
// replicas, pool, cache, shard — trying each stage's options on the best plan
// found so far, and return the cheapest plans that meet every SLO scored. The
// work is bounded before anything runs: runs = seeds × (1 + the stages'
// options), each run's events estimated on the heaviest plan the walk can
// reach; a walk over the bounds loses its last stages (the estimate says which),
// and a profile whose first plan alone is over them is refused. A profile with
// an availability target runs each plan twice per seed (its primary-crash run
// too), and the crash run of a plan without replicas lasts the replacement.
import { estimateWork, type RunLimits, resolveScenario } from "../scenario/index.js";
import { NOT_SCORED, profileOf } from "./advise.js";
import { availabilityUnsupported, crashScenario } from "./availability.js";
import { AdvisorError } from "./parse.js";
import { planScenario } from "./plan-scenario.js";
import type { Plan, ProfileInput } from "./profile.js";
import { rankPlans } from "./rank.js";
import { type PlanScore, scorePlan } from "./score.js";
import { applyStep, type Step } from "./steps.js";

/**
 * The options each stage of the walk tries, as repeated steps: scale up one
 * or two sizes, one or two more replicas, a pool, a cache, 2× or 4× the shards.
 *
 * @remarks Since 0.2.0
 */
export const SEARCH_STAGES: readonly {
  readonly step: Step;
  readonly repeats: readonly number[];
}[] = Object.freeze([
  { step: "scale-up", repeats: [1, 2] },
  { step: "replica", repeats: [1, 2] },
  { step: "pool", repeats: [1] },
  { step: "cache", repeats: [1] },
  { step: "shard", repeats: [1, 2] },
]);

/**
 * Options of {@link searchPlans}.
 *
 * @remarks Since 0.2.0
 */
export interface SearchOptions {
  /** Runs at most (default 60). */
  readonly maxRuns?: number;
  /** Kernel events over all runs at most, by the estimate (default 3 × 10^8). */
  readonly maxEvents?: number;
  /** Plans to return at most (default 3). */
  readonly top?: number;
  /** Limits each run's estimate is checked against. */
  readonly limits?: RunLimits;
}

/**
 * The work a search will do, known before it runs.
 *
 * @remarks Since 0.2.0
 */
export interface SearchEstimate {
  /** Runs (plans × seeds, twice with an availability target: the crash runs). */
  readonly runs: number;
  /** Estimated kernel events of one run of the heaviest plan the walk can reach (or of its crash run, when longer). */
  readonly eventsPerRun: number;
  /** runs × eventsPerRun. */
  readonly events: number;
  /** The stages walked. */
  readonly stages: readonly Step[];
  /** The stages left out to stay within the bounds. */
  readonly trimmed: readonly Step[];
}

/**
 * What {@link searchPlans} returns.
 *
 * @remarks Since 0.2.0
 */
export interface SearchResult {
  /** The estimate the walk was bounded by. */
  readonly estimate: SearchEstimate;
  /** The cheapest plans meeting every SLO scored, best first (at most `top`). */
  readonly best: readonly PlanScore[];
  /** Every plan scored, best first. */
  readonly explored: readonly PlanScore[];
  /** What the walk does not judge (the progression's optimisation and CQRS steps among them). */
  readonly notScored: readonly string[];
}

function repeat(plan: Plan, step: Step, times: number): Plan | null {
  let next: Plan | null = plan;
  for (let i = 0; i < times && next !== null; i++) next = applyStep(next, step);
  return next;
}

/** The heaviest plan the walk can reach: every stage's largest option taken. */
function heaviest(plan: Plan, stages: typeof SEARCH_STAGES): Plan {
  let out = plan;
  for (const s of stages) out = repeat(out, s.step, Math.max(...s.repeats)) ?? out;
  return out;
}

function estimateOf(
  profile: ReturnType<typeof profileOf>,
  stages: typeof SEARCH_STAGES,
  trimmed: readonly Step[],
): SearchEstimate {
  const plans = 1 + stages.reduce((n, s) => n + s.repeats.length, 0);
  const top = heaviest(profile.plan, stages);
  const crash = crashEvents(profile, top);
  const runs = plans * profile.simulation.seeds * (crash === null ? 1 : 2);
  const planEvents = estimateWork(resolveScenario(planScenario(profile, top))).events;
  const eventsPerRun = Math.max(planEvents, crash ?? 0);
  return {
    runs,
    eventsPerRun,
    events: runs * eventsPerRun,
    stages: stages.map((s) => s.step),
    trimmed,
  };
}

/**
 * The events of the longest crash run the walk makes, or null when it makes
 * none: the heaviest plan unsharded with the starting plan's replicas (none:
 * the crash run lasts the replacement). Its shards are left out: a sharded
 * crash run serves the same operations over the same time, so its events are
 * those of one cluster's, give or take the shards' own nodes.
 */
function crashEvents(profile: ReturnType<typeof profileOf>, top: Plan): number | null {
  const { availability, lostWrites } = profile.slo;
  if (availability === undefined && lostWrites === undefined) return null;
  if (availabilityUnsupported(profile.plan) !== null) return null;
  const { shards: _, replicas: __, ...rest } = top;
  const plan: Plan = profile.plan.replicas ? { ...rest, replicas: profile.plan.replicas } : rest;
  const scenario = crashScenario(
    planScenario(profile, plan),
    plan,
    profile.failures,
    profile.simulation,
  );
  return estimateWork(resolveScenario(scenario)).events;
}

/**
 * The estimate of a search, its last stages dropped until it fits the bounds;
 * an {@link AdvisorError} when the profile's plan alone does not fit.
 *
 * @remarks Since 0.2.0
 */
export function planSearch(
  input: ProfileInput | unknown,
  options: SearchOptions = {},
): SearchEstimate {
  const profile = profileOf(input);
  const maxRuns = options.maxRuns ?? 60;
  const maxEvents = options.maxEvents ?? 3e8;
  const stages = [...SEARCH_STAGES];
  const trimmed: Step[] = [];
  for (;;) {
    const estimate = estimateOf(profile, stages, [...trimmed].reverse());
    if (estimate.runs <= maxRuns && estimate.events <= maxEvents) return estimate;
    const dropped = stages.pop();
    if (dropped === undefined) {
      throw new AdvisorError([
        {
          path: "simulation",
          code: "too_big",
          message: `refused: the plan alone needs ${estimate.runs} runs of about ${estimate.eventsPerRun.toExponential(2)} events, over the bounds (${maxRuns} runs, ${maxEvents.toExponential(2)} events); shorten simulation.duration or raise the bounds`,
        },
      ]);
    }
    trimmed.push(dropped.step);
  }
}

/**
 * Walks the progression from the profile's plan and returns the cheapest plans
 * meeting every SLO scored, with the seeds of the runs behind them.
 * Deterministic: same profile and options, same result.
 *
 * @remarks Since 0.2.0
 */
export function searchPlans(
  input: ProfileInput | unknown,
  options: SearchOptions = {},
): SearchResult {
  const profile = profileOf(input);
  const estimate = planSearch(profile, options);
  const scoreOptions = options.limits ? { limits: options.limits } : {};
  const seen = new Map<string, PlanScore>();
  const score = (plan: Plan): PlanScore => {
    const key = JSON.stringify(plan);
    const known = seen.get(key);
    if (known) return known;
    const fresh = scorePlan(profile, plan, scoreOptions);
    seen.set(key, fresh);
    return fresh;
  };
  let best = score(profile.plan);
  for (const stage of SEARCH_STAGES.filter((s) => estimate.stages.includes(s.step))) {
    const tried = stage.repeats
      .map((times) => repeat(best.plan, stage.step, times))
      .filter((p): p is Plan => p !== null)
      .map(score);
    best = rankPlans([best, ...tried])[0] as PlanScore;
  }
  const explored = rankPlans([...seen.values()]);
  const meeting = explored.filter((s) => s.met === s.scored);
  return { estimate, best: meeting.slice(0, options.top ?? 3), explored, notScored: NOT_SCORED };
}
