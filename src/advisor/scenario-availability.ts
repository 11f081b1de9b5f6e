// Availability of a scenario as written (scoreScenario with `failures`): the
// plan's model (availability.ts) applied to whatever cluster layout the
// scenario has. The crash run crashes, mid-window:
// - one cluster: its primary;
// - a sharded plan: shard 0's primary, standing for every shard (the share of
//   writes whose shard is up is 1 − r / interval, see availability.ts);
// - a database per service: every service's primary at the same instant. Each
//   is its own cluster and failure domain (a crash leaves the others untouched,
//   docs/faults.md), so one run gives each service's recovery as a run of its
//   own would; a user of a service sees that service's, and the score takes
//   the worst: availability 1 − max_s r_s / interval, lost writes max_s.
// Behind ProxySQL the run's RTO already holds the wait for ProxySQL's
// read_only poll (MySQL_Monitor::monitor_read_only, every
// mysql-monitor_read_only_interval): the run lasts one interval longer.
import type { ParsedScenario } from "../scenario/components/component.js";
import { serviceCrashNodes, shardCrashNodes } from "../scenario/components/shard-failover.js";
import { parseScenario, type Report, type RunLimits, runScenario } from "../scenario/index.js";
import type { ScenarioInput } from "../scenario/schema.js";
import type { AvailabilityEvidence, FailureModel } from "./availability.js";

/** Run on after the expected recovery, so the first write after it is measured. */
const TAIL_MS = 2_000;
/** ProxySQL's mysql-monitor_read_only_interval compiled in (lib/MySQL_Thread.cpp). */
const READ_ONLY_INTERVAL_MS = 1_000;

/** The primaries to crash, and how many replicas each can fail over to. */
type Crashes = {
  readonly nodes: readonly string[];
  readonly replicasBehind: (primary: string) => number;
};

function replicaCount(p: ParsedScenario): number {
  const replicas = p.replication?.replicas;
  if (replicas === undefined) return 0;
  return typeof replicas === "number" ? replicas : replicas.length;
}

/** The nodes to crash, or why the scenario's availability is not simulated. */
function crashTargets(p: ParsedScenario): Crashes | string {
  const timeline = p.timeline ?? [];
  if (p.cqrs !== undefined)
    return "a primary crash with a CQRS read model is not simulated yet (the read model follows the first primary's log)";
  if (timeline.some((e) => e.kind === "reshard"))
    return "a node crash in a plan that reshards is not modelled yet";
  if (timeline.some((e) => e.kind === "primary-crash" || e.kind === "replica-crash"))
    return "the scenario crashes nodes itself: its report's faults section has the figures";
  if (p.proxy !== undefined && p.regions !== undefined)
    return "a node crash behind ProxySQL in a multi-region plan is not modelled yet";
  if (p.sharding !== undefined) {
    const shards = shardCrashNodes(p);
    return { nodes: shards.primaries.slice(0, 1), replicasBehind: shards.replicasBehind };
  }
  if (p.services !== undefined && p.services.database !== "shared") {
    const services = serviceCrashNodes(p);
    return { nodes: services.primaries, replicasBehind: services.replicasBehind };
  }
  const count = replicaCount(p);
  if (p.proxy !== undefined && count === 0)
    return "a primary crash behind ProxySQL without a replica to promote is not modelled yet";
  return { nodes: ["primary"], replicasBehind: () => count };
}

/**
 * The scenario with its primaries crashing mid-window (see the file comment),
 * or why it cannot be: a CQRS read model, a reshard, crashes of its own,
 * ProxySQL across regions or without a replica.
 *
 * @throws RangeError when `scenario` is invalid.
 * @remarks Since 0.2.0
 */
export function scenarioCrash(
  scenario: ScenarioInput,
  failures: FailureModel,
):
  | {
      readonly scenario: ScenarioInput;
      readonly crashAtMs: number;
      readonly nodes: readonly string[];
    }
  | string {
  const parsed = parseScenario(scenario);
  if (!parsed.ok) throw new RangeError("scenarioCrash: the scenario is invalid");
  const p = parsed.scenario;
  const targets = crashTargets(p);
  if (typeof targets === "string") return targets;
  const half = Math.round(p.duration / 2);
  const at = p.warmup + half;
  const failover = { detection: failures.detection, routingUpdate: failures.routingUpdate };
  let expected = 0;
  const crashes = targets.nodes.map((node) => {
    const replicas = targets.replicasBehind(node) > 0;
    expected = Math.max(
      expected,
      replicas ? failures.detection + failures.routingUpdate : failures.replacement,
    );
    const named = node === "primary" ? {} : { node };
    return replicas
      ? { at, kind: "primary-crash" as const, ...named, failover }
      : { at, kind: "primary-crash" as const, ...named, failover, for: failures.replacement };
  });
  const poll =
    p.proxy === undefined ? 0 : (p.proxy.monitorReadOnlyInterval ?? READ_ONLY_INTERVAL_MS);
  return {
    scenario: {
      ...scenario,
      name: `${scenario.name ?? "scenario"} (primary crash)`,
      duration: half + expected + poll + TAIL_MS,
      timeline: [...(scenario.timeline ?? []), ...crashes],
    },
    crashAtMs: at,
    nodes: targets.nodes,
  };
}

/** The worst crash row of a run: the longest recovery (ties: the most writes lost). */
function worstRow(report: Report) {
  const rows = (report.faults?.events ?? []).filter((e) => e.kind === "primary-crash");
  if (rows.length === 0) throw new Error("availability: the crash run reported no primary crash");
  const figures = rows.map((row) => ({
    recoveryMs: row.rtoMs ?? row.downtimeMs,
    lostWrites: row.lostWrites,
    rpoMs: row.rpoMs,
    promoted: row.promoted,
  }));
  return {
    ...figures.reduce((a, b) => (b.recoveryMs > a.recoveryMs ? b : a)),
    lostWrites: Math.max(...figures.map((f) => f.lostWrites)),
    rpoMs: Math.max(...figures.map((f) => f.rpoMs)),
  };
}

/**
 * Runs a scenario's crash run once per seed: the evidence its availability and
 * lost writes are judged on, or why it is not simulated.
 *
 * @remarks Since 0.2.0
 */
export function simulateScenarioFailures(
  scenario: ScenarioInput,
  failures: FailureModel,
  seeds: readonly number[],
  limits?: RunLimits,
): AvailabilityEvidence | string {
  const crash = scenarioCrash(scenario, failures);
  if (typeof crash === "string") return crash;
  const figures = seeds.map((seed) =>
    worstRow(runScenario(crash.scenario, { seed, ...(limits ? { limits } : {}) })),
  );
  return {
    crashAtMs: crash.crashAtMs,
    intervalMs: failures.interval,
    recoveryMs: figures.map((f) => f.recoveryMs),
    lostWrites: figures.map((f) => f.lostWrites),
    rpoMs: figures.map((f) => f.rpoMs),
    promoted: figures.map((f) => f.promoted),
    scenario: crash.scenario,
    crashed: crash.nodes,
  };
}
