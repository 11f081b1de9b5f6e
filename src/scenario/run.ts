// runScenario: build the topology, run warm-up + duration, and read the report.
// Measuring starts at the warm-up cut: histograms and counters restart, time
// averages restart from the state the system is in. Operations count by their
// completion time. The run is bounded by its end time and by maxEvents.
import { Simulation } from "../kernel/index.js";
import { CounterMap, Histogram } from "../metrics/index.js";
import { ERROR_KINDS, type Operation } from "../models/operation.js";
import { Workload } from "../models/workload/workload.js";
import { buildTopology, type TopologyGraph } from "./build.js";
import { resolveScenario } from "./parse.js";
import { type LatencySummary, type Report, roundFigure } from "./report.js";
import type { Scenario, ScenarioInput } from "./schema.js";

/**
 * Options for {@link runScenario}.
 *
 * @remarks Since 0.1.0
 */
export interface RunScenarioOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Bound on kernel events (default 2e9): a run that hits it stops and says so (`stoppedBy: "eventLimit"`). */
  maxEvents?: number;
  /** Called with the fraction done, 0..1, about a hundred times per run. */
  onProgress?: (fraction: number) => void;
}

/**
 * What {@link runScenarioDetailed} returns: the report, plus what the API offers
 * beyond it.
 *
 * @remarks Since 0.1.0
 */
export interface ScenarioRun {
  /** The report. */
  readonly report: Report;
  /** The resolved scenario that ran (defaults filled in, seed override applied). */
  readonly scenario: Scenario;
  /** The topology that ran, as a graph. */
  readonly graph: TopologyGraph;
}

/**
 * Runs a scenario and returns its report. The scenario may be a resolved
 * {@link Scenario} or raw input; raw input is validated first and a
 * {@link ScenarioError} lists every problem. Same scenario and seed, same report.
 *
 * @example
 * ```ts
 * const report = runScenario({ workload: { rate: 500 }, duration: "10s" });
 * console.log(report.latency.all.p99);
 * ```
 *
 * @remarks Since 0.1.0
 */
export function runScenario(
  scenario: ScenarioInput | Scenario,
  options: RunScenarioOptions = {},
): Report {
  return runScenarioDetailed(scenario, options).report;
}

/**
 * Runs a scenario and returns the report with the resolved scenario and the topology graph.
 *
 * @remarks Since 0.1.0
 */
export function runScenarioDetailed(
  input: ScenarioInput | Scenario,
  options: RunScenarioOptions = {},
): ScenarioRun {
  const base = resolveScenario(input);
  const scenario: Scenario =
    options.seed === undefined ? base : resolveScenario({ ...base, seed: options.seed });
  const sim = new Simulation({ seed: scenario.seed });
  const topology = buildTopology(sim, scenario);

  const all = new Histogram();
  const read = new Histogram();
  const write = new Histogram();
  const errors = new CounterMap();
  let completed = 0;
  const onComplete = (op: Operation): void => {
    if (op.error !== null) {
      errors.add(op.error, 1);
      return;
    }
    const latency = op.completedAt - op.issuedAt;
    all.record(latency);
    (op.kind === "read" ? read : write).record(latency);
    completed++;
  };

  const workload = new Workload(sim, topology.workload, topology.front, onComplete);
  workload.start();

  const warmupMs = scenario.warmup;
  const endMs = warmupMs + scenario.duration;
  let issuedAtCut = 0;
  let connectsAtCut = 0;
  let measuring = false;
  const cut = (): void => {
    measuring = true;
    all.reset();
    read.reset();
    write.reset();
    errors.reset();
    completed = 0;
    issuedAtCut = workload.issued;
    connectsAtCut = topology.client.connectsOpened;
    topology.client.resetWaitingMax();
    for (const node of topology.nodes) node.resetStats(sim.now);
  };
  if (warmupMs > 0) sim.at(warmupMs, cut, -1);
  else cut();

  const maxEvents = options.maxEvents ?? 2_000_000_000;
  const steps = 100;
  let eventsLeft = maxEvents;
  let stoppedBy: Report["stoppedBy"] = "end";
  for (let i = 1; i <= steps; i++) {
    const until = i === steps ? endMs : (endMs * i) / steps;
    const result = sim.run({ until, maxEvents: eventsLeft });
    eventsLeft -= result.events;
    options.onProgress?.(i / steps);
    if (result.reason === "maxEvents") {
      stoppedBy = "eventLimit";
      break;
    }
  }
  // A run stopped by its event limit inside the warm-up measured nothing.
  if (!measuring) cut();

  const measuredMs = Math.max(0, Math.min(sim.now, endMs) - warmupMs);
  const perSec = (n: number): number => (measuredMs > 0 ? (n * 1000) / measuredMs : 0);
  const byKind: Record<string, number> = {};
  for (const kind of ERROR_KINDS) byKind[kind] = errors.get(kind);
  const report: Report = {
    scenario: scenario.name,
    seed: scenario.seed,
    events: sim.eventsProcessed,
    simulatedMs: roundFigure(sim.now),
    warmupMs: roundFigure(warmupMs),
    durationMs: roundFigure(measuredMs),
    stoppedBy,
    throughput: {
      offeredPerSec: roundFigure(perSec(workload.issued - issuedAtCut)),
      completedPerSec: roundFigure(perSec(completed)),
    },
    latency: { read: summarize(read), write: summarize(write), all: summarize(all) },
    errors: { total: errors.total, byKind },
    client: {
      connections: scenario.client.connections,
      connectionsOpened: topology.client.connectsOpened - connectsAtCut,
      waitingMax: topology.client.waitingMax,
    },
    nodes: topology.nodes.map((node) => {
      const now = sim.now;
      const connectionsMax = node.connections.max;
      return {
        name: node.name,
        role: "primary" as const,
        cores: node.config.cores,
        utilization: roundFigure(node.busyCores.mean(now) / node.config.cores),
        concurrencyMean: roundFigure(node.inService.mean(now)),
        statementsPerSec: roundFigure(perSec(node.statements)),
        connectionsMax,
        connectionsMean: roundFigure(node.connections.mean(now)),
        memoryMB: roundFigure(connectionsMax * node.config.memoryPerConnectionMB),
      };
    }),
  };
  return { report, scenario, graph: topology.graph };
}

function summarize(h: Histogram): LatencySummary {
  const s = h.summary();
  return {
    count: s.count,
    mean: roundFigure(s.mean),
    p50: roundFigure(s.p50),
    p90: roundFigure(s.p90),
    p95: roundFigure(s.p95),
    p99: roundFigure(s.p99),
    p999: roundFigure(s.p999),
    max: roundFigure(s.max),
  };
}
