// Availability scored by simulation. The fault model: one primary crash per
// `failures.interval` (the mean time between failures), each taking the writes
// down for the recovery time the run measures. A plan's scenario is run again
// with one `primary-crash` on its timeline, mid-window: with replicas the HA
// manager detects it and promotes the most advanced replica (detection +
// replay + routing update); without, the node is down until it is replaced
// (`failures.replacement`). Availability = 1 − recovery / interval, the
// steady-state share of time up of a component that fails every MTBF and is
// repaired in MTTR: MTBF / (MTBF + MTTR) ≈ 1 − MTTR / MTBF for MTTR ≪ MTBF
// (Barlow & Proschan, Mathematical Theory of Reliability, 1965; the form used
// by availability SLAs). The recovery of a run is its RTO (crash to the first
// write acknowledged after it), the acknowledged writes lost its evidence of
// data loss (RPO).
//
// A sharded plan: every shard's primary fails once per interval (the interval
// is per node, so n shards fail n times as often), and a failure takes the
// writes of that shard's keys down for its recovery; the run crashes shard 0's
// primary (`s0/primary`) and its figures stand for every shard's (the shards
// are copies of one cluster). Availability is what a user of a key sees: the
// share of writes, over the interval, whose shard is up. Shard i, holding the
// share w_i of the writes, is down r_i per interval, so
//   unavailability = Σ_i w_i · r_i / interval = r / interval   (Σ w_i = 1, r_i = r)
// — the same formula as one cluster's: n times the failures, each 1/n of the
// keys. (The share of time every key is up, 1 − n · r / interval, is the
// figure of a transaction touching every shard; the advisor does not score it.)
// Lost writes stay per failure: one shard's, of the writes it acknowledged.
import * as z from "zod";
import { DurationSchema } from "../scenario/fields.js";
import { type Report, type RunLimits, runScenario } from "../scenario/index.js";
import type { ScenarioInput } from "../scenario/schema.js";
import type { Plan } from "./profile.js";

/** 30 days in ms. */
const MONTH_MS = 30 * 24 * 3_600_000;
/** Run on after the expected recovery, so the first write after it is measured. */
const TAIL_MS = 2_000;

/**
 * The profile's fault model: how often the primary fails, and how its
 * failover or replacement goes.
 *
 * @remarks Since 0.2.0
 */
export const FailureModelSchema = z
  .strictObject({
    interval: DurationSchema.refine((ms) => ms > 0, { message: "expected a duration > 0" })
      .default(MONTH_MS)
      .describe(
        "Mean time between primary failures (default one a month, 720h: the period cloud database SLAs measure uptime over)",
      ),
    detection: DurationSchema.default(30_000).describe(
      "Crash to the start of the promotion: Patroni's leader key ttl (30 s by default)",
    ),
    routingUpdate: DurationSchema.default(0).describe(
      "Promotion done to the endpoint leading to the new primary",
    ),
    replacement: DurationSchema.default(600_000).describe(
      "Without replicas: crash to a new primary with the data (a cluster without replicas creates a new instance: minutes)",
    ),
  })
  .describe("The fault model availability is scored with: one primary crash per interval");

/**
 * A resolved fault model.
 *
 * @remarks Since 0.2.0
 */
export type FailureModel = z.infer<typeof FailureModelSchema>;

/**
 * What the crash runs of a plan showed, one value per seed.
 *
 * @remarks Since 0.2.0
 */
export interface AvailabilityEvidence {
  /** When the primary crashed, ms on the run's clock (the warm-up included). */
  readonly crashAtMs: number;
  /** The mean time between failures the availability assumes (ms). */
  readonly intervalMs: number;
  /** Recovery per failure (ms): the run's RTO, or its downtime when no write was acknowledged after the crash. */
  readonly recoveryMs: readonly number[];
  /** Acknowledged writes lost per failure (`faults.lostWrites`). */
  readonly lostWrites: readonly number[];
  /** The data-loss window per failure (`faults.events[0].rpoMs`, ms). */
  readonly rpoMs: readonly number[];
  /** The replica promoted, per seed (null without replicas). */
  readonly promoted: readonly (string | null)[];
  /** The crash scenario: `dbsim run` on it with one of the seeds reproduces that run. */
  readonly scenario: ScenarioInput;
  /**
   * In a sharded plan, the node crashed (`s0/primary`) and the shards, each
   * failing once per interval; absent: the plan's one primary.
   *
   * @remarks Since 0.2.0
   */
  readonly shard?: { readonly node: string; readonly shards: number };
  /**
   * A scenario's crash run: the primaries crashed at once, each its own
   * cluster (every service's); the figures per seed are the worst one's.
   *
   * @remarks Since 0.2.0
   */
  readonly crashed?: readonly string[];
}

/**
 * Why a plan's availability cannot be simulated, or null when it can.
 *
 * @remarks Since 0.2.0
 */
export function availabilityUnsupported(plan: Plan): string | null {
  if (plan.cqrs)
    return "a primary crash with a CQRS read model is not simulated yet (the read model follows the first primary's log)";
  return null;
}

/** The node a plan's crash run crashes: shard 0's primary in a sharded plan. */
const SHARD_NODE = "s0/primary";

/**
 * The plan's scenario with its primary (shard 0's in a sharded plan) crashing
 * mid-window, run long enough for the expected recovery (detection + routing
 * update with replicas, the replacement without) and a tail after it.
 *
 * @remarks Since 0.2.0
 */
export function crashScenario(
  scenario: ScenarioInput,
  plan: Plan,
  failures: FailureModel,
  window: { readonly duration: number; readonly warmup: number },
): ScenarioInput {
  const half = Math.round(window.duration / 2);
  const at = window.warmup + half;
  const failover = { detection: failures.detection, routingUpdate: failures.routingUpdate };
  const expected = plan.replicas
    ? failures.detection + failures.routingUpdate
    : failures.replacement;
  const node = plan.shards ? { node: SHARD_NODE } : {};
  const crash = plan.replicas
    ? { at, kind: "primary-crash" as const, ...node, failover }
    : { at, kind: "primary-crash" as const, ...node, failover, for: failures.replacement };
  return {
    ...scenario,
    name: `${scenario.name} (primary crash)`,
    duration: half + expected + TAIL_MS,
    timeline: [...(scenario.timeline ?? []), crash],
  };
}

function crashFigures(report: Report) {
  const row = report.faults?.events.find((e) => e.kind === "primary-crash");
  if (row === undefined) throw new Error("availability: the crash run reported no primary crash");
  return {
    recoveryMs: row.rtoMs ?? row.downtimeMs,
    lostWrites: row.lostWrites,
    rpoMs: row.rpoMs,
    promoted: row.promoted,
  };
}

/**
 * Runs the crash scenario once per seed and gathers its figures.
 *
 * @remarks Since 0.2.0
 */
export function simulateFailures(
  scenario: ScenarioInput,
  plan: Plan,
  failures: FailureModel,
  window: { readonly duration: number; readonly warmup: number },
  seeds: readonly number[],
  limits?: RunLimits,
): AvailabilityEvidence {
  const crash = crashScenario(scenario, plan, failures, window);
  const figures = seeds.map((seed) =>
    crashFigures(runScenario(crash, { seed, ...(limits ? { limits } : {}) })),
  );
  return {
    crashAtMs: window.warmup + Math.round(window.duration / 2),
    intervalMs: failures.interval,
    recoveryMs: figures.map((f) => f.recoveryMs),
    lostWrites: figures.map((f) => f.lostWrites),
    rpoMs: figures.map((f) => f.rpoMs),
    promoted: figures.map((f) => f.promoted),
    scenario: crash,
    ...(plan.shards ? { shard: { node: SHARD_NODE, shards: plan.shards.count } } : {}),
  };
}

/**
 * Availability of each seed's run: 1 − recovery / interval (at least 0). In a
 * sharded plan the same formula is the share of writes whose shard is up: n
 * shards fail n times per interval, each failure taking 1/n of the writes down.
 *
 * @remarks Since 0.2.0
 */
export function availabilityPerSeed(evidence: AvailabilityEvidence): number[] {
  return evidence.recoveryMs.map((r) => Math.max(0, 1 - r / evidence.intervalMs));
}
