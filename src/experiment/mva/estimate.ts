// The analytic estimate beside a simulation: a scenario that reduces to a
// product-form queueing network is solved exactly; any other says why not.
// What reduces: one database node (its cores processor-sharing, with the USL's
// σ and κ as a load-dependent rate), the client's round trips and the
// workload's think time as delays, closed clients or open Poisson arrivals at a
// constant rate, and a driver pool that never makes a request wait. What does
// not: replication (the replicas' apply threads queue outside the cores),
// pgbouncer and ProxySQL (connections held across queues), routing policies,
// timed events, and any setting the estimate does not know (a newer mechanism).
import { distributionMean, resolveLatencyTable } from "../../latency/index.js";
import { resolveScenario } from "../../scenario/parse.js";
import type { Scenario, ScenarioInput } from "../../scenario/schema.js";
import { unsupported } from "./applicability.js";
import { type ClosedSolution, closedOneStation, openResponseMs } from "./queueing.js";

/**
 * The analytic estimate of a scenario (see {@link analyticEstimate}).
 *
 * @remarks Since 0.2.0
 */
export type AnalyticEstimate =
  | {
      readonly applies: true;
      /** The model solved, in words. */
      readonly model: string;
      /** Operations completed per second. */
      readonly throughputPerSec: number;
      /** Mean response time of an operation (ms), all kinds. */
      readonly latencyMeanMs: number;
      /** The node's mean busy cores over its cores, as the report's `nodes[].utilization`. */
      readonly utilization: number;
      /** What the figures assume, for the reader. */
      readonly notes: readonly string[];
    }
  | {
      readonly applies: false;
      /** Why the scenario is not a product-form network, one reason each. */
      readonly reasons: readonly string[];
    };

/** E[statements per operation], or a reason when it is not a plain mean. */
function statementsPerOp(s: Scenario): number | string {
  const { share, statements } = s.workload.transactions;
  if (share === 0) return 1;
  const fixed =
    typeof statements === "number"
      ? statements
      : typeof statements === "object" &&
          statements !== null &&
          "kind" in statements &&
          statements.kind === "constant"
        ? (statements as { value: number }).value
        : null;
  if (fixed === null) {
    return "workload.transactions.statements: a random count is drawn, rounded and raised to 2, so its mean is not the distribution's";
  }
  return 1 - share + share * Math.max(2, Math.round(fixed));
}

/** P(N ≥ k) for N Poisson with mean m: how often k connections would all be busy. */
function poissonTail(mean: number, k: number): number {
  let term = Math.exp(-mean);
  let below = 0;
  for (let n = 0; n < k; n++) {
    below += term;
    term *= mean / (n + 1);
  }
  return Math.max(0, 1 - below);
}

interface Network {
  /** CPU work per operation (core-ms). */
  readonly demandMs: number;
  /** Delay per operation outside the cores: round trips (and set-up) (ms). */
  readonly delayMs: number;
  readonly statements: number;
  readonly cores: number;
  readonly rate: (j: number) => number;
}

function networkOf(s: Scenario): Network | string[] {
  const table = resolveLatencyTable(s.latency);
  const mean = (spec: Parameters<typeof distributionMean>[0]): number =>
    distributionMean(spec, table);
  const statements = statementsPerOp(s);
  if (typeof statements === "string") return [statements];
  const { readRatio } = s.workload;
  const db = s.database;
  const workPerStatement = readRatio * mean(db.readTime) + (1 - readRatio) * mean(db.writeTime);
  const roundTrip = mean(s.client.roundTrip);
  const perRequest = s.client.connections === "per-request";
  const connectDelay = perRequest ? s.client.connectRoundTrips * roundTrip : 0;
  const { cores, sigma, kappa } = db;
  return {
    demandMs: statements * workPerStatement + (perRequest ? mean(db.connectionSetupTime) : 0),
    delayMs: statements * roundTrip + connectDelay,
    statements,
    cores,
    // The server's rate (src/models/server/server.ts, rateAt): min(j, c) / (1 + σ(j−1) + κj(j−1)).
    rate: (j) => Math.min(j, cores) / (1 + sigma * (j - 1) + kappa * j * (j - 1)),
  };
}

function closedEstimate(s: Scenario, net: Network, clients: number): AnalyticEstimate {
  const table = resolveLatencyTable(s.latency);
  const think = distributionMean(s.workload.thinkTime, table);
  const c = s.client;
  const reasons: string[] = [];
  if (c.connections === "persistent" && clients > c.poolSize) {
    reasons.push(
      `client.poolSize: ${clients} clients share pools of ${c.poolSize} connections, so a request may wait for a connection it then holds through the round trips (not product form); with at most ${c.poolSize} clients it never waits`,
    );
  }
  const connections =
    c.connections === "persistent" ? Math.min(clients, c.instances * c.poolSize) : clients;
  if (connections > s.database.maxConnections) {
    reasons.push(
      `database.maxConnections: ${connections} connections may be opened, more than ${s.database.maxConnections}: some requests fail`,
    );
  }
  if (reasons.length > 0) return { applies: false, reasons };
  const solved = closedOneStation(
    clients,
    { demandMs: net.demandMs, rate: net.rate },
    think + net.delayMs,
  );
  const x = solved.throughputPerMs;
  const cpu = solved.residenceMs[0] as number;
  return {
    applies: true,
    model: `exact product-form solution (what MVA computes): a closed loop of ${clients} clients over one load-dependent processor-sharing station (${net.cores} cores) and a delay`,
    throughputPerSec: x * 1000,
    latencyMeanMs: cpu + net.delayMs,
    utilization: busyShare(solved, net),
    notes: [
      `think ${fmt(think)} ms, round trips ${fmt(net.delayMs)} ms and ${fmt(net.demandMs)} core-ms of work per operation`,
      "only the means of the distributions matter (BCMP: processor-sharing and delay stations)",
    ],
  };
}

/** E[min(j, c)] / c from the station's marginal distribution at N: busy cores over cores. */
function busyShare(solved: ClosedSolution, net: Network): number {
  const p = solved.marginals[0] ?? [];
  let busy = 0;
  p.forEach((pj, j) => {
    busy += pj * Math.min(j, net.cores);
  });
  return busy / net.cores;
}

function openEstimate(s: Scenario, net: Network, ratePerSec: number): AnalyticEstimate {
  const reasons: string[] = [];
  const db = s.database;
  if (db.sigma !== 0 || db.kappa !== 0) {
    reasons.push(
      `database.sigma/kappa: with USL contention (σ ${db.sigma}, κ ${db.kappa}) the rate falls as statements pile up, so open arrivals have no steady state without the connection bound, which is not product form`,
    );
  }
  const lambda = ratePerSec / 1000;
  const serviceMs = net.demandMs / net.statements;
  const statementMs = openResponseMs(net.cores, lambda * net.statements, serviceMs);
  if (!Number.isFinite(statementMs)) {
    reasons.push(
      `workload.rate: ${fmt(ratePerSec)}/s asks ${fmt(lambda * net.demandMs)} cores of ${net.cores}: overloaded, no steady state`,
    );
  }
  if (reasons.length > 0) return { applies: false, reasons };
  const latency = net.statements * statementMs + net.delayMs;
  const c = s.client;
  const notes = [
    `${fmt(net.demandMs)} core-ms of work and ${fmt(net.delayMs)} ms of round trips per operation`,
  ];
  // Screening, not theory: connections held if no request ever waited (M/G/∞).
  const [slots, held, what] =
    c.connections === "persistent"
      ? [c.poolSize, (lambda / c.instances) * latency, "an instance's pool"]
      : [db.maxConnections, lambda * latency, "max_connections"];
  const full = poissonTail(held, slots);
  if (full > 1e-3) {
    return {
      applies: false,
      reasons: [
        `${c.connections === "persistent" ? "client.poolSize" : "database.maxConnections"}: ${what} of ${slots} would be full ${fmt(full * 100)} % of the time (Poisson, mean ${fmt(held)} held), so requests wait or fail: not product form`,
      ],
    };
  }
  notes.push(
    `${what} (${slots}) full < 0.1 % of the time (Poisson, mean ${fmt(held)} held): it is left out`,
  );
  return {
    applies: true,
    model: `M/M/${net.cores} processor sharing (Erlang C) with open Poisson arrivals at ${fmt(ratePerSec)}/s, plus delays`,
    throughputPerSec: ratePerSec,
    latencyMeanMs: latency,
    utilization: (lambda * net.demandMs) / net.cores,
    notes: [
      ...notes,
      "only the means of the distributions matter (BCMP: processor-sharing and delay stations)",
    ],
  };
}

function fmt(v: number): string {
  return String(Number(v.toPrecision(4)));
}

/**
 * The exact steady-state throughput, mean latency and utilisation of a
 * scenario that reduces to a product-form queueing network, or the reasons it
 * does not. Screening beside the simulation: it needs no run and takes
 * milliseconds. Of a scenario with variants, it estimates the base plan.
 *
 * @example
 * ```ts
 * const e = analyticEstimate({ workload: { clients: 20 }, database: { cores: 4 } });
 * if (e.applies) console.log(e.throughputPerSec); else console.log(e.reasons);
 * ```
 *
 * @remarks Since 0.2.0
 */
export function analyticEstimate(input: ScenarioInput | Scenario): AnalyticEstimate {
  const s = resolveScenario(input);
  const reasons = unsupported(s);
  const rate = s.workload.rate;
  if (s.workload.clients === undefined && typeof rate !== "number") {
    reasons.push("workload.rate: a rate that changes over the run has no single steady state");
  }
  if (reasons.length > 0) return { applies: false, reasons };
  const net = networkOf(s);
  if (Array.isArray(net)) return { applies: false, reasons: net };
  return s.workload.clients !== undefined
    ? closedEstimate(s, net, s.workload.clients)
    : openEstimate(s, net, rate as number);
}
