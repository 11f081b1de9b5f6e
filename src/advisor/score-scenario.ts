// Scoring a scenario as written against SLOs: the same judgement as a plan's
// score (score.ts), for a scenario that no advisor plan makes (a page's own
// scenario, nodes sized by cores). The scenario runs once per seed, each SLO is
// judged on the mean over the seeds with a Student-t 95 % interval. Given a
// fault model, availability and lost writes are judged on crash runs of the
// scenario (scenario-availability.ts), as a plan's are.

import type * as z from "zod";
import { deriveSeed } from "../experiment/index.js";
import { type Report, type RunLimits, runScenario } from "../scenario/index.js";
import type { ScenarioInput } from "../scenario/schema.js";
import {
  type AvailabilityEvidence,
  type FailureModel,
  FailureModelSchema,
} from "./availability.js";
import { reportCostPerHour } from "./cost.js";
import { type Evidence, gatherEvidence } from "./evidence.js";
import { SloSchema } from "./profile.js";
import { simulateScenarioFailures } from "./scenario-availability.js";
import { type FaultSlos, judgeFaults, judgeSlos, type SloResult, unscoredFaults } from "./score.js";

/**
 * SLOs as written (defaults optional), as in a profile's `slo`.
 *
 * @remarks Since 0.2.0
 */
export type SloInput = z.input<typeof SloSchema>;

/**
 * Options of {@link scoreScenario}.
 *
 * @remarks Since 0.2.0
 */
export interface ScenarioScoreOptions {
  /** Master seed: replication r runs with `deriveSeed(seed, 0, r)`, as a profile's (default 1). */
  readonly seed?: number;
  /** Replications, at least 3 (default 3). */
  readonly seeds?: number;
  /** Dollars per hour the scenario may cost; unscored without it. */
  readonly budgetPerHour?: number;
  /** Limits each run's estimate is checked against (see `RunLimits`). */
  readonly limits?: RunLimits;
  /**
   * The fault model, as a profile's `failures`: with it, availability and lost
   * writes are judged on a crash run per seed (the primary; shard 0's in a
   * sharded plan; every service's with a database per service). Without it
   * they are not scored.
   *
   * @remarks Since 0.2.0
   */
  readonly failures?: z.input<typeof FailureModelSchema>;
}

/**
 * A scenario's score: its SLOs, cost and the evidence of its runs.
 *
 * @remarks Since 0.2.0
 */
export interface ScenarioScore {
  /** The scenario as given; `dbsim run` on it with one of `seeds` reproduces that run. */
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
  /** Database vCPUs over every node. */
  readonly vcpus: number;
  /** What the runs showed. */
  readonly evidence: Evidence;
  /**
   * What the crash runs showed, when `failures` was given and they ran.
   *
   * @remarks Since 0.2.0
   */
  readonly availability?: AvailabilityEvidence;
}

function seedCount(n: number | undefined): number {
  const count = n ?? 3;
  if (!Number.isInteger(count) || count < 3 || count > 30) {
    throw new RangeError(`scoreScenario: options.seeds is ${count}; expected an integer 3..30`);
  }
  return count;
}

/**
 * Scores a scenario as written against SLOs by running it once per seed
 * (replication r's seed is `deriveSeed(seed, 0, r)`, as {@link profileSeeds}).
 * Deterministic: same SLOs, scenario and options, same score.
 *
 * @example
 * ```ts
 * const score = scoreScenario({ readP99Ms: 10, writeP99Ms: 20 }, builtinScenario("write-heavy")!);
 * console.log(score.met, score.scored);
 * ```
 *
 * @remarks Since 0.2.0
 */
export function scoreScenario(
  sloInput: SloInput,
  scenario: ScenarioInput,
  options: ScenarioScoreOptions = {},
): ScenarioScore {
  const parsed = SloSchema.safeParse(sloInput);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RangeError(
      `scoreScenario: slo.${issue?.path.join(".") ?? ""} is invalid: ${issue?.message ?? "unknown"}`,
    );
  }
  const count = seedCount(options.seeds);
  const model = failureModel(options);
  const seeds = Array.from({ length: count }, (_, r) => deriveSeed(options.seed ?? 1, 0, r));
  const reports = seeds.map((seed) =>
    runScenario(scenario, { seed, ...(options.limits ? { limits: options.limits } : {}) }),
  );
  const first = reports[0] as Report;
  const costPerHour = reportCostPerHour(first);
  const faults = scenarioFaults(parsed.data, scenario, model, seeds, options.limits);
  const slos = judgeSlos(
    parsed.data,
    options.budgetPerHour ?? null,
    reports,
    costPerHour,
    faults?.slos ?? null,
  );
  return {
    scenario,
    seeds,
    slos,
    met: slos.filter((s) => s.status === "met").length,
    scored: slos.filter((s) => s.status !== "not scored").length,
    costPerHour,
    vcpus: first.nodes.reduce((sum, n) => sum + n.cores, 0),
    evidence: gatherEvidence(reports),
    ...(faults?.evidence ? { availability: faults.evidence } : {}),
  };
}

/** The fault model of `options`, checked; null without one. */
function failureModel(options: ScenarioScoreOptions): FailureModel | null {
  if (options.failures === undefined) return null;
  const model = FailureModelSchema.safeParse(options.failures);
  if (model.success) return model.data;
  const issue = model.error.issues[0];
  const key = String(issue?.path[0] ?? "");
  const value = (options.failures as Record<string, unknown>)[key];
  throw new RangeError(
    `scoreScenario: options.failures.${issue?.path.join(".") ?? ""} is ${JSON.stringify(value)}: ${issue?.message ?? "invalid"}`,
  );
}

/** The fault SLOs of a scenario's crash runs; null without a fault model. */
function scenarioFaults(
  slo: z.infer<typeof SloSchema>,
  scenario: ScenarioInput,
  model: FailureModel | null,
  seeds: readonly number[],
  limits: RunLimits | undefined,
): { slos: FaultSlos; evidence: AvailabilityEvidence | null } | null {
  if (model === null) return null;
  if (slo.availability === undefined && slo.lostWrites === undefined)
    return { slos: unscoredFaults(slo, ""), evidence: null };
  const evidence = simulateScenarioFailures(scenario, model, seeds, limits);
  if (typeof evidence === "string") return { slos: unscoredFaults(slo, evidence), evidence: null };
  return { slos: judgeFaults(slo, evidence), evidence };
}
