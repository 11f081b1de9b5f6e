// ProxySQL between the application's driver and the nodes: the writer and
// reader hostgroups over the ways in, its query rules, its box and arrows, and
// its report section. The schemas are in proxy-section.ts.
import type * as z from "zod";
import type { ProxyErrorKind } from "../../models/proxy/errors.js";
import { type ProxyServerConfig, ProxySql, type QueryRule } from "../../models/proxy/proxysql.js";
import { roundFigure, spread } from "../fields.js";
import { alignColumns, countOf, formatDuration, percentText, spreadMs } from "../table-text.js";
import type { BuildContext, Component, Downstream, Way } from "./component.js";
import { gateBackends } from "./proxy-failover.js";
import { checkProxy, ProxyReportSchema, ProxySchema } from "./proxy-section.js";
import { replicaCount } from "./replication.js";

const ProxySection = ProxySchema.optional();
const ProxyReportSection = ProxyReportSchema.optional();
type ProxySpec = z.output<typeof ProxySchema>;
type ProxyReport = z.output<typeof ProxyReportSchema>;

/**
 * ProxySQL: takes every way in and offers one, the proxy.
 *
 * @remarks Since 0.2.0
 */
export const proxy: Component<typeof ProxySection, typeof ProxyReportSection> = {
  key: "proxy",
  schema: ProxySection,
  report: { key: "proxy", schema: ProxyReportSection },
  errorKinds: [
    {
      kind: "proxy_max_connections" satisfies ProxyErrorKind,
      cause: (s) => `ProxySQL (maxConnections ${s.proxy?.maxConnections} refuses new clients)`,
    },
    {
      kind: "hostgroup_unavailable" satisfies ProxyErrorKind,
      cause: () => "ProxySQL (no server available in the hostgroup)",
    },
  ],
  check: checkProxy,
  table: (section) => proxyTable(section),
  summary: (s) => (s.proxy === undefined ? undefined : ["proxy", proxySummary(s.proxy)]),

  estimate(s, run) {
    const px = s.proxy;
    if (px === undefined) return {};
    const replicas = replicaCount(s);
    // ProxySQL's hop; its monitor reads every replica's lag once per interval.
    const monitor = replicas > 0 ? (run.totalMs / px.monitorReplicationLagInterval) * replicas : 0;
    return { eventsPerOperation: 2, periodicEvents: monitor };
  },
  build(context, downstream) {
    const px = context.scenario.proxy;
    if (px === undefined) return { downstream };
    const model = buildProxy(context, downstream, px);
    drawProxy(context, downstream, px);
    const way: Way = {
      name: "proxysql",
      role: "proxy",
      port: model,
      service: null,
      diagramId: "proxysql",
    };
    return {
      downstream: { ways: [way] },
      holders: [model],
      stats: {
        reset: (now) => model.resetStats(now),
        stop: () => model.stop(),
        section: ({ now }) => proxyReport(model, px, now),
      },
    };
  },
};

function buildProxy(context: BuildContext, downstream: Downstream, px: ProxySpec): ProxySql {
  const { sim, compile, versions } = context;
  const cluster = context.cluster.index;
  const replication = context.shared.replication;
  const row = (way: Way, hostgroup: number, weight: number): ProxyServerConfig => ({
    hostgroup,
    port: way.port,
    weight,
    maxConnections: px.maxBackendConnections,
    maxReplicationLagS: 0,
    secondsBehindSource: null,
  });
  const gated = gateBackends(context, downstream.ways);
  const [primary, ...rest] = gated.ways as [Way, ...Way[]];
  const servers: ProxyServerConfig[] = [row(primary, px.writerHostgroup, 1)];
  if (px.readers.primaryWeight > 0) {
    servers.push(row(primary, px.readerHostgroup, px.readers.primaryWeight));
  }
  rest.forEach((way, i) => {
    servers.push({
      ...row(way, px.readerHostgroup, px.readers.replicaWeights?.[i] ?? 1),
      maxReplicationLagS: px.maxReplicationLag,
      secondsBehindSource:
        replication === null ? null : () => replication.lag(i).secondsBehindSource,
    });
  });
  const model = new ProxySql(
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
      ...(px.monitorReadOnlyInterval === undefined
        ? {}
        : { monitorReadOnlyIntervalMs: px.monitorReadOnlyInterval }),
    },
    servers,
    // One cluster behind each proxy (a sharded plan builds one per shard): its
    // stale-hit count compares with that cluster's primary.
    (key) => versions.newestCommittedVersion(cluster, key),
  );
  if (gated.gates !== null)
    context.shared.proxy = {
      model,
      gates: gated.gates,
      names: gated.ways.map((w) => w.name),
      writerHostgroup: px.writerHostgroup,
    };
  return model;
}

/** The ProxySQL box in front of the ways it fans out to, and its hostgroup arrows. */
function drawProxy(context: BuildContext, downstream: Downstream, px: ProxySpec): void {
  const { graph } = context;
  graph.front({ id: "proxysql", label: proxyLabel(px), shape: "component" });
  graph.arrow({ from: "app", to: "proxysql", label: "frontend connections" });
  const [primary, ...rest] = downstream.ways as [Way, ...Way[]];
  const lagNote = px.maxReplicationLag > 0 ? `, shunned if lag > ${px.maxReplicationLag} s` : "";
  const primaryReads =
    px.readers.primaryWeight > 0
      ? ` + ${px.readerHostgroup} (reader, weight ${px.readers.primaryWeight})`
      : "";
  graph.arrow({
    from: "proxysql",
    to: primary.diagramId,
    label: `hostgroup ${px.writerHostgroup} (writer)${primaryReads}`,
  });
  rest.forEach((way, i) => {
    graph.arrow({
      from: "proxysql",
      to: way.diagramId,
      label: `hostgroup ${px.readerHostgroup} (reader), weight ${px.readers.replicaWeights?.[i] ?? 1}${lagNote}`,
    });
  });
}

/** The ProxySQL box: its rules in order, what is unmatched, multiplexing. */
function proxyLabel(px: ProxySpec): string {
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

function proxyReport(
  proxy: ProxySql,
  px: ProxySpec,
  now: number,
): z.output<typeof ProxyReportSchema> {
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

/** The ProxySQL section of the report's table. */
function proxyTable(px: ProxyReport): string[] {
  const queries = px.hostgroups.reduce((sum, h) => sum + h.queries, 0);
  const rows = proxyRows(px);
  const hostgroups = alignColumns(
    [
      ["hostgroup", "role", "queries"],
      ...px.hostgroups.map((h) => [String(h.hostgroup), h.role, countOf(h.queries, queries)]),
    ],
    "ll",
  );
  const rules = alignColumns(
    [["rule", "hits"], ...px.rules.map((r) => [String(r.ruleId), String(r.hits)])],
    "l",
  );
  const servers = alignColumns(
    [
      [
        "hostgroup",
        "server",
        "weight",
        "status",
        "conns max",
        "used max",
        "opened",
        "queries",
        "shuns",
        "shunned (s)",
      ],
      ...px.servers.map((x) => [
        String(x.hostgroup),
        x.server,
        String(x.weight),
        x.status,
        String(x.connectionsMax),
        String(x.connectionsUsedMax),
        String(x.connectionsOpened),
        String(x.queries),
        String(x.shunEvents),
        (x.shunnedMs / 1000).toFixed(1),
      ]),
    ],
    "llrl",
  );
  return [
    "Proxy (ProxySQL)",
    ...alignColumns(rows, "ll"),
    "",
    ...hostgroups,
    "",
    ...rules,
    "",
    ...servers,
  ];
}

/** The ProxySQL figures as label and value rows. */
function proxyRows(px: ProxyReport): string[][] {
  const c = px.cache;
  const cacheable = c.hits + c.misses;
  const unavailable = px.hostgroupUnavailable;
  const rows: string[][] = [
    ["frontend connections max", String(px.frontendConnectionsMax)],
    ["frontend connections refused", String(px.frontendRefused)],
    [
      "multiplexing",
      px.multiplexing
        ? `on; switched off by session state on ${px.multiplexingDisabled} frontend connection${px.multiplexingDisabled === 1 ? "" : "s"}`
        : "off",
    ],
    ["backend connection wait (ms)", `${spreadMs(px.backendWaitMs)} (${px.backendWaits} waited)`],
    [
      "hostgroup_unavailable",
      `${unavailable.noOnlineServer} no ONLINE server, ${unavailable.noBackendConnection} no backend connection`,
    ],
    ["unmatched queries (default hostgroup)", String(px.unmatchedQueries)],
  ];
  if (cacheable > 0 || c.entriesMax > 0) {
    rows.push(
      ["query cache hits", `${c.hits} (hit ratio ${percentText(c.hitRatio)})`],
      ["query cache misses", String(c.misses)],
      ["query cache stale hits", countOf(c.staleHits, c.hits)],
      ["query cache evictions", String(c.evictions)],
      ["query cache entries max", `${c.entriesMax} of ${c.capacityEntries}`],
    );
  }
  return rows;
}

/** ProxySQL in the summary of a resolved scenario. */
function proxySummary(p: ProxySpec): string {
  const cached = p.queryRules.some((r) => r.cacheTtl !== undefined);
  const parts = [
    `ProxySQL, ${p.queryRules.length} query rule${p.queryRules.length === 1 ? "" : "s"}`,
    `writer hostgroup ${p.writerHostgroup}, reader hostgroup ${p.readerHostgroup}`,
    `multiplexing ${p.multiplexing ? "on" : "off"}`,
  ];
  if (cached) parts.push(`query cache ${p.queryCacheSizeMB} MB`);
  if (p.maxReplicationLag > 0) {
    parts.push(
      `shuns replicas with Seconds_Behind_Source > ${p.maxReplicationLag} s (checked every ${formatDuration(p.monitorReplicationLagInterval)})`,
    );
  }
  return parts.join(", ");
}
