// runScenario: build the topology, run warm-up + duration, and read the report.
// Measuring starts at the warm-up cut: histograms and counters restart, time
// averages restart from the state the system is in. Operations count by their
// completion time. The run is bounded by its end time and by maxEvents.
import { ConsistencyMonitor, History, type HistoryOp } from "../consistency/index.js";
import { DEFAULT_MAX_EVENTS_PER_INSTANT, LivelockError, Simulation } from "../kernel/index.js";
import { CounterMap, Histogram } from "../metrics/index.js";
import { ERROR_KINDS, Operation, type Service } from "../models/operation.js";
import type { ProxySql } from "../models/proxy/proxysql.js";
import { Workload } from "../models/workload/workload.js";
import { buildTopology, type TopologyGraph } from "./build.js";
import { estimateWork } from "./estimate.js";
import { LagRecorder, type LagSeries } from "./lag.js";
import { checkWorkLimits, type RunLimits, resolveLimits } from "./limits.js";
import { resolveScenario } from "./parse.js";
import { type LatencySummary, type Report, roundFigure } from "./report.js";
import type { Scenario, ScenarioInput } from "./schema.js";
import {
  type AbortSignalLike,
  explainLivelock,
  InstantErrors,
  type RunProgress,
  runInSlices,
  stopDetail,
} from "./stops.js";
import { VerdictRecorder } from "./verdict.js";
import { VERSION } from "./version.js";

export type { LagPoint, LagSeries } from "./lag.js";

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
  /**
   * Called with the fraction done, 0..1, and where the run is: at least a
   * hundred times per run, and at least every 2^20 events (a fraction of a
   * second), so a long run shows progress from its first second.
   */
  onProgress?: (fraction: number, progress: RunProgress) => void;
  /**
   * Stops the run between two slices of events once it is aborted: the report
   * comes back with `stoppedBy: "aborted"` and figures for the time run. The run
   * is synchronous, so abort it from `onProgress` (or from another thread
   * through shared memory); a timer's abort cannot fire while it runs.
   *
   * @remarks Since 0.2.0
   */
  signal?: AbortSignalLike;
  /**
   * Limits checked against the run's estimate before it starts (a
   * {@link WorkLimitError} when passed) and, for `maxInFlight`, while it runs.
   * Defaults: {@link DEFAULT_LIMITS}.
   *
   * @remarks Since 0.2.0
   */
  limits?: RunLimits;
  /**
   * Run even when the estimate passes `limits` (the in-flight bound still
   * applies: it is what keeps the process alive).
   *
   * @remarks Since 0.2.0
   */
  force?: boolean;
  /**
   * Record every operation (warm-up included) in a {@link History} for the
   * consistency checkers: `true`, or `{ limit }` to bound it (default limit 10^7
   * operations; about 40 bytes each). Off by default.
   */
  history?: boolean | { readonly limit?: number };
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
  /** Replica lag over time (empty without replication). */
  readonly lagSeries: readonly LagSeries[];
  /** Every operation, when `history` was asked for; otherwise null. */
  readonly history: History | null;
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
  const limits = resolveLimits(options.limits);
  if (options.force !== true) {
    // A run the caller bounds by its own event count cannot outlast that bound:
    // only the memory held from the start can still refuse it.
    const bounded = options.maxEvents !== undefined && options.maxEvents <= limits.maxEvents;
    const checked = bounded
      ? { ...limits, maxEvents: Number.POSITIVE_INFINITY, maxOperations: Number.POSITIVE_INFINITY }
      : limits;
    checkWorkLimits(estimateWork(scenario, { history: options.history ?? false }), checked);
  }
  const maxInFlight = limits.maxInFlight;
  const sim = new Simulation({
    seed: scenario.seed,
    maxEventsPerInstant: maxEventsPerInstant(scenario),
  });
  const topology = buildTopology(sim, scenario);
  const { nodes, replication, router, proxy, clients } = topology;

  const all = new Histogram();
  const read = new Histogram();
  const write = new Histogram();
  const replicaReads = new Histogram();
  const movedReads = new Histogram();
  const errors = new CounterMap();
  const instantErrors = new InstantErrors();
  const readsServed = new Float64Array(nodes.length);
  const writesServed = new Float64Array(nodes.length);
  const nodeIndex = new Map(nodes.map((n, i) => [n.server.name, i]));
  let completed = 0;

  const limit = typeof options.history === "object" ? options.history.limit : undefined;
  const history = options.history ? new History(limit === undefined ? {} : { limit }) : null;
  const monitor = replication !== null ? new ConsistencyMonitor() : null;
  // The newest acknowledged version of every key: what a read is stale against.
  const acked = monitor !== null ? new Uint32Array(scenario.workload.keys.count) : null;

  // One scratch record, refilled per operation: History and the monitor copy what they keep.
  const scratch = toHistoryOp(new Operation(0, 0, "read", 0, 1, 0));
  const verdict = new VerdictRecorder(sim, scenario.warmup + scenario.duration, replication);
  const onComplete = (op: Operation): void => {
    verdict.finished();
    if (history !== null || monitor !== null) {
      fillHistoryOp(scratch, op);
      history?.record(scratch);
      monitor?.onComplete(scratch);
    }
    if (
      acked !== null &&
      op.kind === "write" &&
      op.error === null &&
      op.version > (acked[op.key] as number)
    ) {
      acked[op.key] = op.version;
    }
    if (op.error !== null) {
      errors.add(op.error, 1);
      instantErrors.add(op.error, sim.now);
      return;
    }
    const latency = op.completedAt - op.issuedAt;
    all.record(latency);
    // A read answered by a proxy's query cache has no node of its own.
    const at = nodeIndex.get(op.node);
    if (op.kind === "read") {
      read.record(latency);
      if (at !== undefined) {
        readsServed[at] = (readsServed[at] as number) + 1;
        if (at > 0) replicaReads.record(latency);
      }
    } else {
      write.record(latency);
      if (at !== undefined) writesServed[at] = (writesServed[at] as number) + 1;
    }
    completed++;
  };
  if (router !== null)
    router.onMovedRead = (op) => {
      if (op.error === null) movedReads.record(op.completedAt - op.issuedAt);
    };
  let front: Service = verdict.counting(topology.front);
  if (monitor !== null) {
    const inner = front;
    front = {
      submit(op, done) {
        monitor.onInvoke(op, (acked as Uint32Array)[op.key]);
        inner.submit(op, done);
      },
    };
  }
  const workload = new Workload(sim, { ...topology.workload, maxInFlight }, front, onComplete);
  workload.start();

  const warmupMs = scenario.warmup;
  const endMs = warmupMs + scenario.duration;
  const lag =
    replication === null
      ? null
      : new LagRecorder(
          sim,
          replication,
          nodes.filter((n) => n.role === "replica").map((n) => n.server.name),
          scenario.replication?.lagSampleInterval ?? 100,
        );
  let issuedAtCut = 0;
  const connectsAtCut = new Float64Array(clients.length);
  let measuring = false;
  const cut = (): void => {
    measuring = true;
    for (const h of [all, read, write, replicaReads, movedReads]) h.reset();
    replication?.commitWaitMs.reset();
    errors.reset();
    readsServed.fill(0);
    writesServed.fill(0);
    completed = 0;
    issuedAtCut = workload.issued;
    clients.forEach((c, i) => {
      connectsAtCut[i] = c.connectsOpened;
      c.resetWaitingMax();
    });
    for (const n of nodes) {
      n.server.resetStats(sim.now);
      n.pool?.resetStats(sim.now);
    }
    proxy?.resetStats(sim.now);
    router?.resetStats();
    monitor?.reset();
    lag?.startMeasuring();
    verdict.start();
    if (replication !== null) {
      replication.semiSyncTimeouts = 0;
      replication.semiSyncFallbacks = 0;
    }
  };
  if (warmupMs > 0) sim.at(warmupMs, cut, -1);
  else cut();
  if (lag !== null) {
    // Compacting walks every entry: once per simulated second bounds the memory
    // without paying for it at every lag sample.
    let compactedAt = Number.NEGATIVE_INFINITY;
    lag.start(() => {
      if (monitor === null || replication === null) return;
      if (sim.now - compactedAt < 1000) return;
      compactedAt = sim.now;
      // Cached results are nodes too: a hit returns what the cache holds.
      const cached = proxy === null ? Number.POSITIVE_INFINITY : proxy.cacheLsnFloor();
      monitor.compact(Math.min(replication.minAppliedLsn(), cached));
    });
  }

  const maxEvents = options.maxEvents ?? 2_000_000_000;
  let stoppedBy: Report["stoppedBy"];
  try {
    stoppedBy = runInSlices(sim, workload, endMs, maxEvents, options);
  } catch (error) {
    if (!(error instanceof LivelockError)) throw error;
    throw explainLivelock(error, scenario, instantErrors.dominant(error.timeMs));
  }
  // A run stopped by its event limit inside the warm-up measured nothing.
  if (!measuring) cut();
  router?.stop();
  proxy?.stop();
  lag?.stop();
  verdict.stop();

  const now = sim.now;
  const measuredMs = Math.max(0, Math.min(now, endMs) - warmupMs);
  const perSec = (n: number): number => (measuredMs > 0 ? (n * 1000) / measuredMs : 0);
  const byKind: Record<string, number> = {};
  for (const kind of ERROR_KINDS) byKind[kind] = errors.get(kind);
  let waitingMax = 0;
  let connectsOpened = 0;
  clients.forEach((c, i) => {
    waitingMax = Math.max(waitingMax, c.waitingMax);
    connectsOpened += c.connectsOpened - (connectsAtCut[i] as number);
  });
  const detail = stopDetail(stoppedBy, sim, workload, maxEvents, maxInFlight);
  const report: Omit<Report, "verdict"> = {
    version: VERSION,
    scenario: scenario.name,
    seed: scenario.seed,
    events: sim.eventsProcessed,
    simulatedMs: roundFigure(now),
    warmupMs: roundFigure(warmupMs),
    durationMs: roundFigure(measuredMs),
    stoppedBy,
    ...(detail === undefined ? {} : { stopDetail: detail }),
    throughput: {
      offeredPerSec: roundFigure(perSec(workload.issued - issuedAtCut)),
      completedPerSec: roundFigure(perSec(completed)),
    },
    latency: { read: summarize(read), write: summarize(write), all: summarize(all) },
    errors: { total: errors.total, byKind },
    client: {
      connections: scenario.client.connections,
      connectionsOpened: connectsOpened,
      waitingMax,
    },
    nodes: nodes.map((n, i) => {
      const node = n.server;
      const connectionsMax = node.connections.max;
      return {
        name: node.name,
        role: n.role,
        cores: node.config.cores,
        utilization: roundFigure(node.busyCores.mean(now) / node.config.cores),
        concurrencyMean: roundFigure(node.inService.mean(now)),
        statementsPerSec: roundFigure(perSec(node.statements)),
        readsServed: readsServed[i] as number,
        writesServed: writesServed[i] as number,
        connectionsMax,
        connectionsMean: roundFigure(node.connections.mean(now)),
        memoryMB: roundFigure(connectionsMax * node.config.memoryPerConnectionMB),
      };
    }),
  };
  const pools = nodes.filter((n) => n.pool !== null);
  if (pools.length > 0 && scenario.pool !== undefined) {
    const allWaits = new Histogram();
    let waitingMax = 0;
    let serversMax = 0;
    report.pool = {
      poolMode: scenario.pool.poolMode,
      waitMs: { mean: 0, p99: 0, max: 0 },
      clientsWaitingMax: 0,
      serverConnectionsMax: 0,
      pools: pools.map((n) => {
        const b = n.pool as NonNullable<typeof n.pool>;
        allWaits.merge(b.waitMs);
        waitingMax = Math.max(waitingMax, b.waiting.max);
        serversMax += b.serversOpen.max;
        return {
          name: b.name,
          node: n.server.name,
          clientsMax: b.clients.max,
          clientsMean: roundFigure(b.clients.mean(now)),
          clientsWaitingMax: b.waiting.max,
          clientsWaitingMean: roundFigure(b.waiting.mean(now)),
          serversActiveMax: b.serversActive.max,
          serversActiveMean: roundFigure(b.serversActive.mean(now)),
          serverConnectionsMax: b.serversOpen.max,
          serversIdleMax: b.serversIdle.max,
          serversIdleMean: roundFigure(b.serversIdle.mean(now)),
          serverConnectionsOpened: b.stats.serverConnectionsOpened,
          serverLoginFailures: b.stats.serverLoginFailures,
          waitMs: spread(b.waitMs),
          xactPerSec: roundFigure(perSec(b.stats.xactCount)),
          queryPerSec: roundFigure(perSec(b.stats.queryCount)),
          sessionStateBroken: b.stats.sessionStateBroken,
        };
      }),
    };
    report.pool.waitMs = spread(allWaits);
    report.pool.clientsWaitingMax = waitingMax;
    report.pool.serverConnectionsMax = serversMax;
  }
  if (replication !== null && lag !== null) {
    const rep = scenario.replication;
    const log = rep?.log ?? (scenario.database.engine === "mysql" ? "binlog" : "wal");
    report.replication = {
      log,
      mode: rep?.mode ?? "async",
      primaryLsn: replication.lsn,
      commitWaitMs: spread(replication.commitWaitMs),
      semiSync: {
        timeouts: replication.semiSyncTimeouts,
        fallbacks: replication.semiSyncFallbacks,
      },
      replicas: lag.report(),
    };
  }
  if (router !== null && scenario.routing !== undefined) {
    const st = router.stats;
    report.routing = {
      via: scenario.routing.via,
      readBalancing: scenario.routing.readBalancing,
      consistency: policyName(scenario.routing.consistency),
      readsToPrimary: st.readsToPrimary,
      readsToReplicas: st.readsToReplicas,
      movedToPrimary: { byPolicy: st.movedByPolicy, byLag: st.movedByLag },
      lsnWaits: {
        count: st.lsnWaits,
        timeouts: st.lsnWaitTimeouts,
        meanWaitMs: roundFigure(st.lsnWaits > 0 ? st.lsnWaitMs / st.lsnWaits : 0),
      },
      movedReadLatencyMs: roundFigure(movedReads.mean),
      replicaReadLatencyMs: roundFigure(replicaReads.mean),
    };
  }
  if (proxy !== null && scenario.proxy !== undefined) {
    report.proxy = proxyReport(proxy, scenario.proxy, now);
  }
  if (monitor !== null) {
    const c = monitor.counts();
    report.consistency = {
      violations: {
        readYourWrites: c.readYourWrites,
        monotonicReads: c.monotonicReads,
        monotonicReadsPerKey: c.monotonicReadsPerKey,
        monotonicWrites: c.monotonicWrites,
        writesFollowReads: c.writesFollowReads,
      },
      staleReads: c.staleReads,
      versionsBehind: {
        mean: roundFigure(c.versionsBehindMean),
        max: c.versionsBehindMax,
      },
    };
  }
  const judged = verdict.verdict({
    stoppedBy,
    simulatedMs: now,
    measuredMs,
    offered: workload.issued - issuedAtCut,
    completed,
    failedByKind: byKind,
    nodes: report.nodes,
    replicaNames: report.replication?.replicas.map((r) => r.name) ?? [],
  });
  return {
    report: { ...report, verdict: judged },
    scenario,
    graph: topology.graph,
    lagSeries: lag?.series() ?? [],
    history,
  };
}

function fillHistoryOp(h: HistoryOp, op: Operation): void {
  h.id = op.id;
  h.session = op.session;
  h.kind = op.kind;
  h.key = op.key;
  h.invokeMs = op.issuedAt;
  h.completeMs = op.completedAt;
  h.ok = op.error === null;
  h.version = op.version;
  h.lsn = op.lsn;
  h.versionLsn = op.versionLsn;
  h.commitMs = op.commitMs;
  h.cluster = op.cluster;
  h.node = op.node;
}

function toHistoryOp(op: Operation): HistoryOp {
  return {
    id: op.id,
    session: op.session,
    kind: op.kind,
    key: op.key,
    invokeMs: op.issuedAt,
    completeMs: op.completedAt,
    ok: op.error === null,
    version: op.version,
    lsn: op.lsn,
    versionLsn: op.versionLsn,
    commitMs: op.commitMs,
    cluster: op.cluster,
    node: op.node,
  };
}

function proxyReport(
  proxy: ProxySql,
  px: NonNullable<Scenario["proxy"]>,
  now: number,
): NonNullable<Report["proxy"]> {
  const st = proxy.stats;
  const cacheable = st.cacheHits + st.cacheMisses;
  return {
    frontendConnectionsMax: proxy.frontends.max,
    frontendConnectionsMean: roundFigure(proxy.frontends.mean(now)),
    frontendRefused: st.frontendRefused,
    multiplexing: px.multiplexing,
    multiplexingDisabled: st.multiplexingDisabled,
    hostgroups: proxy.hostgroupIds.map((id, i) => ({
      name: `hostgroup ${id}`,
      hostgroup: id,
      role: id === px.writerHostgroup ? ("writer" as const) : ("reader" as const),
      queries: st.hostgroupQueries[i] as number,
    })),
    rules: proxy.rules.map((r, i) => ({
      name: `rule ${r.ruleId}`,
      ruleId: r.ruleId,
      hits: st.ruleHits[i] as number,
    })),
    unmatchedQueries: st.unmatchedQueries,
    cache: {
      hits: st.cacheHits,
      misses: st.cacheMisses,
      hitRatio: roundFigure(cacheable > 0 ? st.cacheHits / cacheable : 0),
      staleHits: st.cacheStaleHits,
      evictions: st.cacheEvictions,
      entriesMax: proxy.cacheEntriesMax,
      capacityEntries: proxy.cacheCapacity,
    },
    backendWaitMs: spread(proxy.backendWaitMs),
    backendWaits: st.backendWaits,
    hostgroupUnavailable: {
      noOnlineServer: st.noOnlineServer,
      noBackendConnection: st.backendWaitTimeouts,
    },
    servers: proxy.serverStats(now).map((x) => ({
      name: `hostgroup ${x.hostgroup}/${x.server}`,
      hostgroup: x.hostgroup,
      server: x.server,
      weight: x.weight,
      status: x.status,
      connectionsMax: x.connectionsMax,
      connectionsUsedMax: x.connectionsUsedMax,
      connectionsOpened: x.connectionsOpened,
      connectErrors: x.connectErrors,
      queries: x.queries,
      shunEvents: x.shunEvents,
      shunnedMs: roundFigure(x.shunnedMs),
    })),
  };
}

function policyName(c: NonNullable<Scenario["routing"]>["consistency"]): string {
  return c.policy === "none" ? "none" : `${c.policy} (${c.by})`;
}

function spread(h: Histogram): { mean: number; p99: number; max: number } {
  return {
    mean: roundFigure(h.mean),
    p99: roundFigure(h.count > 0 ? h.percentile(99) : 0),
    max: roundFigure(h.count > 0 ? h.max : 0),
  };
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

/**
 * The kernel's bound on events at one instant: 10^6, or 100 per entity that
 * could legitimately act at once (clients, connections), whichever is larger.
 */
function maxEventsPerInstant(scenario: Scenario): number {
  const c = scenario.client;
  const entities =
    (scenario.workload.clients ?? 0) +
    scenario.database.maxConnections +
    (c.connections === "persistent" ? c.instances * c.poolSize : 0);
  return Math.max(DEFAULT_MAX_EVENTS_PER_INSTANT, 100 * entities);
}
