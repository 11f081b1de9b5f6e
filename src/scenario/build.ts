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
import type { ServerPort, Service } from "../models/operation.js";
import { PgBouncer } from "../models/pool/pgbouncer.js";
import { type ProxyServerConfig, ProxySql, type QueryRule } from "../models/proxy/proxysql.js";
import {
  type ReplicaLinkConfig,
  Replication,
  type ReplicationMode,
} from "../models/replication/replication.js";
import { type ConsistencyPolicy, Router } from "../models/routing/router.js";
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

/** @internal A database node as the report sees it. */
export interface BuiltNode {
  readonly server: DatabaseServer;
  readonly role: "primary" | "replica";
  /** The application's driver for this node; null behind a proxy (one driver talks to the proxy). */
  readonly client: DatabaseClient | null;
  /** The pgbouncer in front of it, when the scenario has a pool. */
  readonly pool: PgBouncer | null;
}

/** @internal The built topology: the front service, the parts the report reads, the graph. */
export interface BuiltTopology {
  readonly front: Service;
  readonly nodes: readonly BuiltNode[];
  readonly primary: DatabaseServer;
  readonly replication: Replication | null;
  readonly router: Router | null;
  readonly proxy: ProxySql | null;
  /** Every application driver (one per node, or the one in front of the proxy). */
  readonly clients: readonly DatabaseClient[];
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
    readOwnWrites: w.readOwnWrites,
    lockingReads: w.lockingReads,
    ...(w.sessionState === undefined ? {} : { sessionState: w.sessionState }),
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
  const keyCount = scenario.workload.keys.count;
  const server = (name: string, cores: number, maxConnections: number): DatabaseServer =>
    new DatabaseServer(sim, {
      name,
      cores,
      sigma: db.sigma,
      kappa: db.kappa,
      maxConnections,
      memoryPerConnectionMB: db.memoryPerConnectionMB,
      keyCount,
      readWorkMs: compile(db.readTime),
      writeWorkMs: compile(db.writeTime),
      connectWorkMs: compile(db.connectionSetupTime),
    });
  const c = scenario.client;
  const p = scenario.pool;
  const poolFor = (node: DatabaseServer): PgBouncer | null =>
    p === undefined
      ? null
      : new PgBouncer(
          sim,
          {
            name: `pgbouncer-${node.name}`,
            poolMode: p.poolMode,
            defaultPoolSize: p.defaultPoolSize,
            minPoolSize: p.minPoolSize,
            reservePoolSize: p.reservePoolSize,
            reservePoolTimeoutMs: p.reservePoolTimeout,
            maxClientConn: p.maxClientConn,
            maxDbConnections: p.maxDbConnections,
            queryWaitTimeoutMs: p.queryWaitTimeout,
            serverIdleTimeoutMs: p.serverIdleTimeout,
            serverLifetimeMs: p.serverLifetime,
            serverConnectTimeoutMs: p.serverConnectTimeout,
            serverLoginRetryMs: p.serverLoginRetry,
            maxPreparedStatements: p.maxPreparedStatements,
            serverRoundTripMs: compile(p.serverRoundTrip),
            serverConnectRoundTrips: p.serverConnectRoundTrips,
          },
          node,
        );
  const px = scenario.proxy;
  const builtNode = (
    server: DatabaseServer,
    role: "primary" | "replica",
    rngLabel: string,
  ): BuiltNode => {
    const pool = poolFor(server);
    const client = px === undefined ? clientFor(pool ?? server, rngLabel) : null;
    return { server, role, pool, client };
  };
  const clientFor = (node: ServerPort, rngLabel: string): DatabaseClient =>
    new DatabaseClient(
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
        rngLabel,
      },
      node,
    );

  const primary = server("primary", db.cores, db.maxConnections);
  const nodes: BuiltNode[] = [builtNode(primary, "primary", "client.network")];
  const engineName = db.engine === "mysql" ? "MySQL" : "PostgreSQL";
  const graphNodes: DiagramNode[] = [
    { id: "workload", label: workloadLabel(scenario), shape: "actor" },
    { id: "app", label: appLabel(scenario), shape: "component" },
    {
      id: "primary",
      label: `Primary (${engineName})<br/>${db.cores} cores, max_connections ${db.maxConnections}`,
      shape: "database",
    },
  ];
  const edges: DiagramEdge[] = [{ from: "workload", to: "app" }];

  let replication: Replication | null = null;
  const rep = scenario.replication;
  if (rep !== undefined) {
    const specs =
      typeof rep.replicas === "number"
        ? Array.from({ length: rep.replicas }, () => ({}))
        : rep.replicas;
    const log = rep.log ?? (db.engine === "mysql" ? "binlog" : "wal");
    const bytesPerWrite =
      rep.bytesPerWrite ?? (log === "wal" ? 250 : rep.binlogFormat === "row" ? 400 : 150);
    const ports: DatabaseServer[] = [];
    const links: ReplicaLinkConfig[] = [];
    specs.forEach((spec: ReplicaSpec, i) => {
      const name = spec.name ?? `replica-${i + 1}`;
      const cores = spec.cores ?? db.cores;
      const maxConnections = spec.maxConnections ?? db.maxConnections;
      const node = server(name, cores, maxConnections);
      ports.push(node);
      nodes.push(builtNode(node, "replica", `client.network.${name}`));
      links.push({
        roundTripMs: compile(spec.network ?? rep.network),
        flushMs: compile(rep.flushTime),
        applyMs: compile(spec.applyTime ?? rep.applyTime),
        applyWorkers: spec.applyWorkers ?? rep.applyWorkers ?? (log === "wal" ? 1 : 4),
        outages: (spec.outages ?? [])
          .map((o) => ({ fromMs: o.at, toMs: o.at + o.for }))
          .sort((a, b) => a.fromMs - b.fromMs),
      });
      const id = diagramId(name);
      graphNodes.push({
        id,
        label: `${name}<br/>${cores} cores`,
        shape: "database",
      });
      const modeLabel = rep.mode === "sync" ? `sync ${rep.synchronousCommit}` : rep.mode;
      edges.push({
        from: "primary",
        to: id,
        label: `${log === "wal" ? "WAL" : `binlog (${rep.binlogFormat})`} ${modeLabel}`,
        style: "dotted",
      });
    });
    const mode: ReplicationMode =
      rep.mode === "async"
        ? { kind: "async" }
        : rep.mode === "semi-sync"
          ? { kind: "semi-sync", acks: rep.acks, timeoutMs: rep.timeout }
          : { kind: "sync", acks: rep.acks, synchronousCommit: rep.synchronousCommit };
    const replayFrom = log === "wal" ? "flushed" : "received";
    const r = new Replication(sim, { mode, bytesPerWrite, replicas: links, replayFrom }, ports);
    primary.onCommit((lsn, key, version, ack) => r.commit(lsn, key, version, ack));
    replication = r;
  }

  let router: Router | null = null;
  let proxy: ProxySql | null = null;
  const primaryNode = nodes[0] as BuiltNode;
  const clients: DatabaseClient[] = [];
  for (const n of nodes) if (n.client !== null) clients.push(n.client);
  let front: Service;
  const routing = scenario.routing;
  const replicaNodes = nodes.filter((n) => n.role === "replica");
  if (px !== undefined) {
    // The application's one driver talks to ProxySQL, which fans out to every node.
    const port = (n: BuiltNode): ServerPort => n.pool ?? n.server;
    const row = (n: BuiltNode, hostgroup: number, weight: number): ProxyServerConfig => ({
      hostgroup,
      port: port(n),
      weight,
      maxConnections: px.maxBackendConnections,
      maxReplicationLagS: 0,
      secondsBehindSource: null,
    });
    const servers: ProxyServerConfig[] = [row(primaryNode, px.writerHostgroup, 1)];
    if (px.readers.primaryWeight > 0) {
      servers.push(row(primaryNode, px.readerHostgroup, px.readers.primaryWeight));
    }
    replicaNodes.forEach((n, i) => {
      const lagOf = replication;
      servers.push({
        ...row(n, px.readerHostgroup, px.readers.replicaWeights?.[i] ?? 1),
        maxReplicationLagS: px.maxReplicationLag,
        secondsBehindSource: lagOf === null ? null : () => lagOf.lag(i).secondsBehindSource,
      });
    });
    proxy = new ProxySql(
      sim,
      {
        name: "proxysql",
        maxConnections: px.maxConnections,
        defaultHostgroup: px.writerHostgroup,
        queryRules: px.queryRules.map(
          (r): QueryRule => ({
            ruleId: r.ruleId,
            match: r.match,
            destinationHostgroup: r.destinationHostgroup ?? null,
            cacheTtlMs: r.cacheTtl ?? null,
            apply: r.apply,
          }),
        ),
        multiplexing: px.multiplexing,
        backendRoundTripMs: compile(px.backendRoundTrip),
        backendConnectRoundTrips: px.backendConnectRoundTrips,
        queryCacheSizeMB: px.queryCacheSizeMB,
        queryCacheEntryBytes: px.queryCacheEntryBytes,
        cacheHitMs: compile(px.queryCacheHitTime),
        monitorReplicationLagIntervalMs: px.monitorReplicationLagInterval,
        monitorSlaveLagWhenNullS: px.monitorSlaveLagWhenNull,
        connectTimeoutServerMaxMs: px.connectTimeoutServerMax,
      },
      servers,
      (key) => primary.read(key),
    );
    const client = clientFor(proxy, "client.network");
    clients.push(client);
    front = client;
  } else {
    front = primaryNode.client as DatabaseClient;
  }
  const primaryClient = primaryNode.client;
  if (routing !== undefined && primaryClient !== null) {
    router = new Router(
      sim,
      {
        via: routing.via,
        proxyRoundTripMs: compile(routing.proxyHop),
        dnsTtlMs: routing.dnsTtl,
        instances: c.instances,
        readBalancing: routing.readBalancing,
        maxReplicationLagMs: routing.maxReplicationLag ?? null,
        lagCheckIntervalMs: routing.lagCheckInterval,
        consistency: consistencyPolicy(routing.consistency),
        sessions: scenario.workload.sessions,
      },
      primaryClient,
      replicaNodes.map((n) => n.client as DatabaseClient),
      replication ?? NO_REPLICAS,
    );
    front = router;
  }

  // With a pool, every database node gets a pgbouncer box in front of it.
  const entry = (nodeId: string): string => (p === undefined ? nodeId : `pool_${nodeId}`);
  if (p !== undefined) {
    for (const n of nodes) {
      const id = n.role === "primary" ? "primary" : diagramId(n.server.name);
      const at = graphNodes.findIndex((g) => g.id === id);
      graphNodes.splice(at, 0, {
        id: `pool_${id}`,
        label: `PgBouncer<br/>${p.poolMode} mode, pool ${p.defaultPoolSize}`,
        shape: "component",
      });
      edges.push({
        from: `pool_${id}`,
        to: id,
        label: `≤ ${p.defaultPoolSize + p.reservePoolSize} connections`,
      });
    }
  }

  if (px !== undefined) {
    graphNodes.splice(2, 0, { id: "proxysql", label: proxyLabel(px), shape: "component" });
    edges.push({ from: "app", to: "proxysql", label: "frontend connections" });
    const lagNote = px.maxReplicationLag > 0 ? `, shunned if lag > ${px.maxReplicationLag} s` : "";
    const primaryReads =
      px.readers.primaryWeight > 0
        ? ` + ${px.readerHostgroup} (reader, weight ${px.readers.primaryWeight})`
        : "";
    edges.push({
      from: "proxysql",
      to: entry("primary"),
      label: `hostgroup ${px.writerHostgroup} (writer)${primaryReads}`,
    });
    replicaNodes.forEach((n, i) => {
      edges.push({
        from: "proxysql",
        to: entry(diagramId(n.server.name)),
        label: `hostgroup ${px.readerHostgroup} (reader), weight ${px.readers.replicaWeights?.[i] ?? 1}${lagNote}`,
      });
    });
  } else {
    // Edges from the application (through a proxy box when routing says so).
    const routed = router !== null && replicaNodes.length > 0;
    let from = "app";
    if (routing?.via === "proxy") {
      graphNodes.splice(2, 0, {
        id: "proxy",
        label: "Proxy<br/>read/write split",
        shape: "component",
      });
      edges.push({ from: "app", to: "proxy" });
      from = "proxy";
    }
    edges.push({ from, to: entry("primary"), label: routed ? "writes" : "reads + writes" });
    if (routed) {
      for (const n of replicaNodes) {
        edges.push({
          from,
          to: entry(diagramId(n.server.name)),
          label: routing?.via === "dns" ? "reads (DNS)" : "reads",
        });
      }
    }
  }
  return {
    front,
    nodes,
    primary,
    replication,
    router,
    proxy,
    clients,
    graph: { nodes: graphNodes, edges },
    workload: workloadConfig(scenario, compile),
  };
}

type ReplicaSpec =
  | Exclude<NonNullable<Scenario["replication"]>["replicas"], number>[number]
  | Record<string, never>;

const NO_REPLICAS = {
  lagMs: () => 0,
  appliedLsn: () => 0,
  waitForLsn: (_i: number, _lsn: number, _t: number, done: (applied: boolean) => void) =>
    done(true),
};

function consistencyPolicy(c: NonNullable<Scenario["routing"]>["consistency"]): ConsistencyPolicy {
  switch (c.policy) {
    case "none":
      return { policy: "none" };
    case "read-your-writes":
      return c.by === "window"
        ? { policy: "read-your-writes", by: "window", windowMs: c.window }
        : { policy: "read-your-writes", by: "lsn", maxWaitMs: c.maxWait };
    case "monotonic-reads":
      return c.by === "pinning"
        ? { policy: "monotonic-reads", by: "pinning" }
        : { policy: "monotonic-reads", by: "lsn", maxWaitMs: c.maxWait };
  }
}

/** The ProxySQL box: its rules in order, what is unmatched, multiplexing. */
function proxyLabel(px: NonNullable<Scenario["proxy"]>): string {
  const lines = ["ProxySQL"];
  const rules = [...px.queryRules].sort((a, b) => a.ruleId - b.ruleId);
  for (const r of rules) {
    const what: string[] = [];
    if (r.match.kind !== undefined) what.push(r.match.kind === "read" ? "reads" : "writes");
    if (r.match.forUpdate !== undefined)
      what.push(r.match.forUpdate ? "FOR UPDATE" : "not FOR UPDATE");
    if (r.match.inTransaction !== undefined) {
      what.push(r.match.inTransaction ? "in transactions" : "single statements");
    }
    const to: string[] = [];
    if (r.destinationHostgroup !== undefined) to.push(`→ HG ${r.destinationHostgroup}`);
    if (r.cacheTtl !== undefined) {
      const ttl = r.cacheTtl >= 1000 ? `${r.cacheTtl / 1000} s` : `${r.cacheTtl} ms`;
      to.push(`cache TTL ${ttl}`);
    }
    if (!r.apply) to.push("(continue)");
    lines.push(
      `rule ${r.ruleId}: ${what.length > 0 ? what.join(", ") : "all"} ${to.join(", ")}`.trimEnd(),
    );
  }
  lines.push(`default → HG ${px.writerHostgroup}`);
  lines.push(`multiplexing ${px.multiplexing ? "on" : "off"}`);
  return lines.join("<br/>");
}

function diagramId(name: string): string {
  return `node_${name.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

function appLabel(scenario: Scenario): string {
  const c = scenario.client;
  const who = c.instances > 1 ? `${c.instances} app instances` : "Application";
  if (scenario.proxy !== undefined) {
    return c.connections === "per-request"
      ? `${who}<br/>connection per request to ProxySQL`
      : `${who}<br/>pool ${c.poolSize}${c.instances > 1 ? " each" : ""} to ProxySQL`;
  }
  return c.connections === "per-request"
    ? `${who}<br/>connection per request`
    : `${who}<br/>pool ${c.poolSize}${c.instances > 1 ? " each" : ""} per node`;
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
