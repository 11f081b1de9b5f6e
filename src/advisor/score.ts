// Scoring a plan by simulating it: the plan's scenario run once per seed (the
// same seeds for every plan: common random numbers, so plans differ by their
// components and not by their draws), each SLO judged on the mean over the
// seeds with a Student-t 95 % interval, which says whether the verdict is
// within noise (the interval holds the target).
import { deriveSeed, tInterval } from "../experiment/index.js";
import { type Report, type RunLimits, runScenario } from "../scenario/index.js";
import type { ScenarioInput } from "../scenario/schema.js";
import {
  type AvailabilityEvidence,
  availabilityPerSeed,
  availabilityUnsupported,
  simulateFailures,
} from "./availability.js";
import { reportCostPerHour } from "./cost.js";
import { type Evidence, gatherEvidence } from "./evidence.js";
import { resolvePlan } from "./parse.js";
import { planLabel, planScenario } from "./plan-scenario.js";
import type { Plan, PlanInput, Profile } from "./profile.js";
import { planTraits } from "./traits.js";

/**
 * The judgement of one SLO over a plan's runs.
 *
 * @remarks Since 0.2.0
 */
export interface SloResult {
  /** The profile's field (`readP99Ms`, `writeP99Ms`, `errorBudget`, `staleReadBudget`, `availability`, `lostWrites`, `budgetPerHour`). */
  readonly slo: string;
  /** The target (an upper bound; for availability, a lower bound); null when the profile sets none. */
  readonly target: number | null;
  /** `met`, `missed`, or `not scored` (no target, no price, or not simulated yet). */
  readonly status: "met" | "missed" | "not scored";
  /** The mean over the seeds (null when not scored). */
  readonly value: number | null;
  /** Each seed's value, in seed order. */
  readonly perSeed: readonly number[];
  /** The 95 % Student-t interval of the mean over the seeds, or null. */
  readonly ci95: { readonly low: number; readonly high: number } | null;
  /** True when the interval holds the target: another set of seeds may judge otherwise. */
  readonly withinNoise: boolean;
  /** (target − value) / target: the headroom left (negative: by how much it is missed). */
  readonly margin: number | null;
  /** Why it is not scored, when it is not. */
  readonly note?: string;
}

/**
 * A plan's score: its SLOs, cost, complexity and the evidence of its runs.
 *
 * @remarks Since 0.2.0
 */
export interface PlanScore {
  /** The plan (resolved). */
  readonly plan: Plan;
  /** Its short name. */
  readonly label: string;
  /** The scenario it made; `dbsim run` on it with one of `seeds` reproduces that run. */
  readonly scenario: ScenarioInput;
  /** The seeds of its runs. */
  readonly seeds: readonly number[];
  /** Each SLO's judgement. */
  readonly slos: readonly SloResult[];
  /** SLOs met. */
  readonly met: number;
  /** SLOs scored (met or missed). */
  readonly scored: number;
  /** Dollars per hour, or null when a node has no price. */
  readonly costPerHour: number | null;
  /** Database vCPUs over every node (the cost's stand-in when unpriced). */
  readonly vcpus: number;
  /** Ordinal complexity points (see `COMPONENT_TRAITS`). */
  readonly complexity: number;
  /** False when the plan holds a one-way door (sharding). */
  readonly reversible: boolean;
  /** What the runs showed. */
  readonly evidence: Evidence;
  /**
   * What the primary-crash runs showed (recovery, writes lost), or null when
   * availability was not scored.
   *
   * @remarks Since 0.2.0
   */
  readonly availability: AvailabilityEvidence | null;
}

/**
 * Options of scoring.
 *
 * @remarks Since 0.2.0
 */
export interface ScoreOptions {
  /** Limits each run's estimate is checked against (see `RunLimits`). */
  readonly limits?: RunLimits;
}

/**
 * The seeds every plan of a profile runs with: replication r's seed is
 * `deriveSeed(profile.seed, 0, r)`.
 *
 * @remarks Since 0.2.0
 */
export function profileSeeds(profile: Profile): number[] {
  return Array.from({ length: profile.simulation.seeds }, (_, r) => deriveSeed(profile.seed, 0, r));
}

function judge(
  slo: string,
  target: number | null,
  perSeed: readonly number[],
  atLeast = false,
): SloResult {
  if (target === null) {
    return {
      slo,
      target,
      status: "not scored",
      value: null,
      perSeed,
      ci95: null,
      withinNoise: false,
      margin: null,
      note: "no target in the profile",
    };
  }
  const value = perSeed.reduce((a, b) => a + b, 0) / perSeed.length;
  const interval = tInterval(perSeed);
  const ci95 = interval === null ? null : { low: interval.low, high: interval.high };
  const met = atLeast ? value >= target : value <= target;
  const headroom = atLeast ? value - target : target - value;
  return {
    slo,
    target,
    status: met ? "met" : "missed",
    value,
    perSeed,
    ci95,
    withinNoise: ci95 !== null && ci95.low < ci95.high && ci95.low <= target && target <= ci95.high,
    margin: target === 0 ? (headroom >= 0 ? 0 : -1) : headroom / target,
  };
}

function notScored(slo: string, target: number | null, note: string): SloResult {
  return { ...judge(slo, null, []), target, note };
}

/** Share of offered operations that failed or were still unanswered at the end. */
function unservedShare(r: Report): number {
  const offered = r.throughput.offeredPerSec;
  return offered <= 0 ? 0 : Math.max(0, 1 - r.throughput.completedPerSec / offered);
}

function staleShare(r: Report): number {
  const reads = r.latency.read.count;
  return reads === 0 ? 0 : (r.consistency?.staleReads ?? 0) / reads;
}

/**
 * The SLOs judged on a plan's primary-crash runs: availability, and the
 * acknowledged writes a failure may lose.
 *
 * @remarks Since 0.2.0
 */
export interface FaultSlos {
  /** 1 − recovery / `failures.interval`, at least the target. */
  readonly availability: SloResult;
  /** Acknowledged writes lost per failure (`faults.lostWrites`), at most the target. */
  readonly lostWrites: SloResult;
}

/** @internal Both unscored, for `reason` (or for want of a target). */
export function unscoredFaults(slo: Profile["slo"], reason: string): FaultSlos {
  const one = (name: "availability" | "lostWrites") => {
    const target = slo[name] ?? null;
    return notScored(name, target, target === null ? "no target in the profile" : reason);
  };
  return { availability: one("availability"), lostWrites: one("lostWrites") };
}

/**
 * Judges SLOs over the reports of one scenario's runs (one per seed): read and
 * write p99, the unserved share against the error budget, the stale-read share,
 * and the cost against the budget. Shared by {@link scorePlan} and `scoreScenario`.
 *
 * @remarks Since 0.2.0
 */
export function judgeSlos(
  slo: Profile["slo"],
  budget: number | null,
  reports: readonly Report[],
  cost: number | null,
  faults: FaultSlos | null = null,
): SloResult[] {
  const crash =
    faults ??
    unscoredFaults(
      slo,
      "no primary crash simulated: faults are scored for a profile's plan (advise), or a scenario given a fault model (scoreScenario's failures)",
    );
  const slos = [
    judge(
      "readP99Ms",
      slo.readP99Ms,
      reports.map((r) => r.latency.read.p99),
    ),
    judge(
      "writeP99Ms",
      slo.writeP99Ms,
      reports.map((r) => r.latency.write.p99),
    ),
    judge("errorBudget", slo.errorBudget, reports.map(unservedShare)),
    judge("staleReadBudget", slo.staleReadBudget, reports.map(staleShare)),
    crash.availability,
    crash.lostWrites,
  ];
  if (budget === null) slos.push(notScored("budgetPerHour", null, "no budget in the profile"));
  else if (cost === null) slos.push(notScored("budgetPerHour", budget, "no price for a node size"));
  else
    slos.push(
      judge(
        "budgetPerHour",
        budget,
        reports.map(() => cost),
      ),
    );
  return slos;
}

/**
 * Scores a plan for a profile by simulating it once per seed of
 * {@link profileSeeds}. Deterministic: same profile and plan, same score.
 *
 * @remarks Since 0.2.0
 */
export function scorePlan(
  profile: Profile,
  planInput: PlanInput | Plan,
  options: ScoreOptions = {},
): PlanScore {
  const plan = resolvePlan(planInput);
  const scenario = planScenario(profile, plan);
  const seeds = profileSeeds(profile);
  const reports = seeds.map((seed) =>
    runScenario(scenario, { seed, ...(options.limits ? { limits: options.limits } : {}) }),
  );
  const costPerHour = reportCostPerHour(reports[0] as Report);
  const failures = scoreAvailability(profile, plan, scenario, seeds, options.limits);
  const slos = judgeSlos(
    profile.slo,
    profile.budgetPerHour ?? null,
    reports,
    costPerHour,
    failures.slos,
  );
  const traits = planTraits(plan);
  return {
    plan,
    label: planLabel(plan),
    scenario,
    seeds,
    slos,
    met: slos.filter((s) => s.status === "met").length,
    scored: slos.filter((s) => s.status !== "not scored").length,
    costPerHour,
    vcpus: (reports[0] as Report).nodes.reduce((sum, n) => sum + n.cores, 0),
    complexity: traits.complexity,
    reversible: traits.reversible,
    evidence: gatherEvidence(reports),
    availability: failures.evidence,
  };
}

/**
 * The fault SLOs of a plan: its primary crashed once per seed, the measured
 * recovery against the profile's failure interval and the writes lost against
 * their budget. Not run when the profile sets neither target (the crash runs
 * cost as much as the plan's own).
 */
function scoreAvailability(
  profile: Profile,
  plan: Plan,
  scenario: ScenarioInput,
  seeds: readonly number[],
  limits: RunLimits | undefined,
): { slos: FaultSlos; evidence: AvailabilityEvidence | null } {
  const { slo } = profile;
  if (slo.availability === undefined && slo.lostWrites === undefined)
    return { slos: unscoredFaults(slo, ""), evidence: null };
  const unsupported = availabilityUnsupported(plan);
  if (unsupported !== null) return { slos: unscoredFaults(slo, unsupported), evidence: null };
  const evidence = simulateFailures(
    scenario,
    plan,
    profile.failures,
    profile.simulation,
    seeds,
    limits,
  );
  return { slos: judgeFaults(slo, evidence), evidence };
}

/** @internal Availability and lost writes judged on crash runs' evidence. */
export function judgeFaults(slo: Profile["slo"], evidence: AvailabilityEvidence): FaultSlos {
  return {
    availability: judge(
      "availability",
      slo.availability ?? null,
      availabilityPerSeed(evidence),
      true,
    ),
    lostWrites: judge("lostWrites", slo.lostWrites ?? null, evidence.lostWrites),
  };
}
