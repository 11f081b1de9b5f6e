// The composition root: the one place that wires models into a topology. Each
// component contributes a builder, nodes and edges of the diagram, and its
// report fields — the diagram is drawn from the same list that runs, so the
// picture cannot drift from the simulation.
//
// The request path, front to back:
//   workload -> client -> [cache] -> [router | proxy] -> [pool] -> [shard router] -> nodes
// (bracketed components arrive with later sections of the scenario).
import type { Simulation } from "../kernel/index.js";
import {
  compileDistribution,
  type DistributionSpec,
  type LatencyTable,
  resolveLatencyTable,
  type Sampler,
} from "../latency/index.js";
import { DatabaseClient } from "../models/client/client.js";
import type { Service } from "../models/operation.js";
import { DatabaseServer } from "../models/server/server.js";
import type { RateSchedule, WorkloadConfig } from "../models/workload/workload.js";
import type { Scenario } from "./schema.js";

/**
 * A box in the topology diagram.
 *
 * @remarks Since 0.1.0
 */
export interface DiagramNode {
  /** A stable id (letters, digits, underscores). */
  readonly id: string;
  /** The text shown. */
  readonly label: string;
  /** How it is drawn: an actor, a component, or a database. */
  readonly shape: "actor" | "component" | "database";
}

/**
 * An arrow in the topology diagram.
 *
 * @remarks Since 0.1.0
 */
export interface DiagramEdge {
  /** Source node id. */
  readonly from: string;
  /** Target node id. */
  readonly to: string;
  /** Text on the arrow. */
  readonly label?: string;
  /** Dotted for background flows such as replication. */
  readonly style?: "solid" | "dotted";
}

/**
 * The topology as a graph, drawn from the composition that runs.
 *
 * @remarks Since 0.1.0
 */
export interface TopologyGraph {
  /** The boxes, front to back. */
  readonly nodes: readonly DiagramNode[];
  /** The arrows. */
  readonly edges: readonly DiagramEdge[];
}

/** @internal The built topology: the front service, the parts the report reads, the graph. */
export interface BuiltTopology {
  readonly front: Service;
  readonly client: DatabaseClient;
  readonly nodes: readonly DatabaseServer[];
  readonly graph: TopologyGraph;
  readonly workload: WorkloadConfig;
}

/** @internal Compiles distribution specs against the scenario's latency table. */
export function samplerFactory(scenario: Scenario): (spec: DistributionSpec) => Sampler {
  const table: LatencyTable = resolveLatencyTable(scenario.latency);
  return (spec) => compileDistribution(spec, table);
}

/** @internal The workload section as the model takes it. */
export function workloadConfig(
  scenario: Scenario,
  compile: (spec: DistributionSpec) => Sampler,
): WorkloadConfig {
  const w = scenario.workload;
  const stopAtMs = scenario.warmup + scenario.duration;
  const arrivals: WorkloadConfig["arrivals"] =
    w.clients !== undefined
      ? { kind: "closed", clients: w.clients, thinkMs: compile(w.thinkTime) }
      : { kind: "open", rate: rateSchedule(w.rate ?? 0) };
  return {
    arrivals,
    readRatio: w.readRatio,
    transactions: { share: w.transactions.share, statements: compile(w.transactions.statements) },
    keys: { count: w.keys.count, popularity: w.keys.popularity },
    sessions: w.sessions,
    stopAtMs,
  };
}

function rateSchedule(rate: NonNullable<Scenario["workload"]["rate"]>): RateSchedule {
  if (typeof rate === "number") return { kind: "constant", perSec: rate };
  if ("steps" in rate) {
    const steps = [...rate.steps]
      .map((s) => ({ atMs: s.at, perSec: s.rate }))
      .sort((a, b) => a.atMs - b.atMs);
    return { kind: "steps", steps };
  }
  return {
    kind: "ramp",
    fromPerSec: rate.ramp.from,
    toPerSec: rate.ramp.to,
    overMs: rate.ramp.over,
  };
}

/** @internal Builds the topology of a scenario in a simulation. */
export function buildTopology(sim: Simulation, scenario: Scenario): BuiltTopology {
  const compile = samplerFactory(scenario);
  const db = scenario.database;
  const primary = new DatabaseServer(sim, {
    name: "primary",
    cores: db.cores,
    sigma: db.sigma,
    kappa: db.kappa,
    maxConnections: db.maxConnections,
    memoryPerConnectionMB: db.memoryPerConnectionMB,
    keyCount: scenario.workload.keys.count,
    readWorkMs: compile(db.readTime),
    writeWorkMs: compile(db.writeTime),
    connectWorkMs: compile(db.connectionSetupTime),
  });
  const c = scenario.client;
  const client = new DatabaseClient(
    sim,
    {
      connections:
        c.connections === "per-request"
          ? { mode: "per-request" }
          : {
              mode: "persistent",
              instances: c.instances,
              poolSize: c.poolSize,
              connectionTimeoutMs: c.connectionTimeout,
            },
      roundTripMs: compile(c.roundTrip),
      connectRoundTrips: c.connectRoundTrips,
    },
    primary,
  );
  const appLabel =
    c.connections === "per-request"
      ? `${c.instances > 1 ? `${c.instances} app instances` : "Application"}<br/>connection per request`
      : `${c.instances > 1 ? `${c.instances} app instances` : "Application"}<br/>pool ${c.poolSize}${c.instances > 1 ? " each" : ""}`;
  const graph: TopologyGraph = {
    nodes: [
      { id: "workload", label: workloadLabel(scenario), shape: "actor" },
      { id: "app", label: appLabel, shape: "component" },
      {
        id: "primary",
        label: `Primary (${db.engine === "mysql" ? "MySQL" : "PostgreSQL"})<br/>${db.cores} cores, max_connections ${db.maxConnections}`,
        shape: "database",
      },
    ],
    edges: [
      { from: "workload", to: "app" },
      { from: "app", to: "primary", label: "reads + writes" },
    ],
  };
  return {
    front: client,
    client,
    nodes: [primary],
    graph,
    workload: workloadConfig(scenario, compile),
  };
}

function workloadLabel(scenario: Scenario): string {
  const w = scenario.workload;
  const reads = `${Math.round(w.readRatio * 100)}% reads`;
  if (w.clients !== undefined) return `${w.clients} clients<br/>${reads}`;
  const rate = w.rate ?? 0;
  const text =
    typeof rate === "number" ? `${rate} ops/s` : "steps" in rate ? "stepped rate" : "ramped rate";
  return `Workload<br/>${text}, ${reads}`;
}
