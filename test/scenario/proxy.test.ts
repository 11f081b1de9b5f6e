// The `proxy` scenario section: its defaults, the checks that need the rest of
// the scenario, the composition (one driver in front of ProxySQL, ProxySQL in
// front of each node or its pgbouncer), the diagram and the report.
import { describe, expect, it } from "vitest";
import {
  diagram,
  parseScenario,
  ReportSchema,
  resolveScenario,
  runScenario,
  runScenarioDetailed,
  type ScenarioInput,
  type ScenarioIssue,
} from "../../src/index.js";

const BASE: ScenarioInput = {
  duration: 3_000,
  warmup: 500,
  workload: { rate: 300, readRatio: 0.8, keys: { count: 200 } },
  database: { engine: "mysql", cores: 4 },
  replication: { replicas: 2 },
  proxy: {},
};

function issues(input: unknown): ScenarioIssue[] {
  const r = parseScenario(input);
  if (r.ok) throw new Error("expected the scenario to be refused");
  return [...r.issues];
}

describe("proxy: defaults", () => {
  it("names ProxySQL's defaults and fills in the usual read/write split", () => {
    const p = resolveScenario(BASE).proxy;
    expect(p).toEqual({
      maxConnections: 2048,
      writerHostgroup: 10,
      readerHostgroup: 20,
      readers: { primaryWeight: 0 },
      queryRules: [
        { ruleId: 1, match: { forUpdate: true }, destinationHostgroup: 10, apply: true },
        { ruleId: 2, match: { kind: "read" }, destinationHostgroup: 20, apply: true },
      ],
      multiplexing: true,
      maxBackendConnections: 1000,
      backendRoundTrip: "sameDatacenterRoundTrip",
      backendConnectRoundTrips: 3,
      queryCacheSizeMB: 256,
      queryCacheEntryBytes: 1024,
      queryCacheHitTime: "ramRead",
      monitorReplicationLagInterval: 10_000,
      // ProxySQL's mysql-monitor_slave_lag_when_null default (seconds).
      monitorSlaveLagWhenNull: 60,
      maxReplicationLag: 0,
      connectTimeoutServerMax: 10_000,
    });
  });

  it("default rules follow the hostgroup ids; a rule's apply defaults to false and cacheTtl takes a unit", () => {
    const p = resolveScenario({
      ...BASE,
      proxy: { writerHostgroup: 1, readerHostgroup: 2 },
    }).proxy;
    expect(p?.queryRules.map((r) => r.destinationHostgroup)).toEqual([1, 2]);
    const q = resolveScenario({
      ...BASE,
      proxy: { queryRules: [{ ruleId: 5, match: { kind: "read" }, cacheTtl: "2s" }] },
    }).proxy;
    expect(q?.queryRules).toEqual([
      { ruleId: 5, match: { kind: "read" }, cacheTtl: 2_000, apply: false },
    ]);
  });
});

describe("proxy: checks", () => {
  it("refuses proxy and routing together, naming both", () => {
    const [issue] = issues({ ...BASE, routing: { via: "app" } });
    expect(issue?.path).toBe("proxy");
    expect(issue?.message).toContain("`routing`");
    expect(issue?.message).toContain("`proxy`");
  });

  it("refuses a rule that sends writes to the reader hostgroup, and says why", () => {
    const found = issues({
      ...BASE,
      proxy: { queryRules: [{ ruleId: 7, match: {}, destinationHostgroup: 20 }] },
    });
    expect(found).toHaveLength(1);
    expect(found[0]?.path).toBe("proxy.queryRules.0.destinationHostgroup");
    expect(found[0]?.message).toMatch(
      /rule 7 sends writes to the reader hostgroup \(20\).*read-only/,
    );
  });

  it("follows the rules as the proxy does: an earlier applying rule keeps writes off a later catch-all", () => {
    const ok = parseScenario({
      ...BASE,
      proxy: {
        queryRules: [
          { ruleId: 1, match: { kind: "write" }, destinationHostgroup: 10, apply: true },
          { ruleId: 2, match: {}, destinationHostgroup: 20 },
        ],
      },
    });
    expect(ok.ok).toBe(true);
    // Only writes in transactions reach rule 2 here.
    const found = issues({
      ...BASE,
      proxy: {
        queryRules: [
          { ruleId: 1, match: { inTransaction: false }, destinationHostgroup: 10, apply: true },
          { ruleId: 2, match: {}, destinationHostgroup: 20 },
        ],
      },
    });
    expect(found[0]?.message).toContain("rule 2 sends writes in transactions");
  });

  it("refuses rules that use the reader hostgroup when it has no servers, naming the rule", () => {
    const { replication: _, ...noReplicas } = BASE;
    const found = issues(noReplicas);
    expect(found).toHaveLength(1);
    expect(found[0]?.path).toBe("proxy.queryRules.1.destinationHostgroup");
    expect(found[0]?.message).toMatch(
      /^rule 2 sends queries to the reader hostgroup \(20\), which has no servers/,
    );
    // With the primary in the reader hostgroup, or rules that do not use it, it is fine.
    expect(parseScenario({ ...noReplicas, proxy: { readers: { primaryWeight: 1 } } }).ok).toBe(
      true,
    );
    expect(
      parseScenario({
        ...noReplicas,
        proxy: { queryRules: [{ ruleId: 1, match: { kind: "read" }, cacheTtl: 1000 }] },
      }).ok,
    ).toBe(true);
  });

  it("refuses unknown hostgroups, duplicate ruleIds, equal hostgroup ids and a weight per replica mismatch", () => {
    const found = issues({
      ...BASE,
      proxy: {
        readerHostgroup: 10,
        queryRules: [
          { ruleId: 1, match: { kind: "read" }, destinationHostgroup: 30 },
          { ruleId: 1, match: { kind: "read" } },
        ],
      },
    });
    expect(found.map((i) => i.path).sort()).toEqual([
      "proxy.queryRules.0.destinationHostgroup",
      "proxy.queryRules.1.ruleId",
      "proxy.readerHostgroup",
    ]);
    const weights = issues({ ...BASE, proxy: { readers: { replicaWeights: [1, 2, 3] } } });
    expect(weights.map((i) => [i.path, i.message])).toEqual([
      ["proxy.readers.replicaWeights", "expected one weight per replica (2); got [1,2,3]"],
    ]);
  });

  it("refuses unknown keys in a rule's match", () => {
    const [issue] = issues({
      ...BASE,
      proxy: { queryRules: [{ ruleId: 1, match: { kind: "read", digest: "^SELECT" } }] },
    });
    expect(issue?.code).toBe("unrecognized_keys");
    expect(issue?.path).toBe("proxy.queryRules.0.match");
  });
});

describe("proxy: composition, diagram and report", () => {
  it("draws ProxySQL between the application and the nodes, with hostgroups and weights", () => {
    const text = diagram({
      ...BASE,
      proxy: { readers: { primaryWeight: 2, replicaWeights: [3, 1] }, maxReplicationLag: 10 },
    });
    expect(text).toContain(
      'proxysql["ProxySQL<br/>rule 1: FOR UPDATE → HG 10<br/>rule 2: reads → HG 20<br/>default → HG 10<br/>multiplexing on"]',
    );
    expect(text).toContain('app -->|"frontend connections"| proxysql');
    expect(text).toContain('proxysql -->|"hostgroup 10 (writer) + 20 (reader, weight 2)"| primary');
    expect(text).toContain(
      'proxysql -->|"hostgroup 20 (reader), weight 3, shunned if lag > 10 s"| node_replica_1',
    );
    expect(text).toContain(
      'proxysql -->|"hostgroup 20 (reader), weight 1, shunned if lag > 10 s"| node_replica_2',
    );
  });

  it("puts ProxySQL in front of each node's pgbouncer when there is a pool", () => {
    const text = diagram({ ...BASE, pool: { poolMode: "transaction" } });
    expect(text).toContain('proxysql -->|"hostgroup 10 (writer)"| pool_primary');
    expect(text).toContain("pool_node_replica_1 -->");
    const report = runScenario({ ...BASE, pool: { poolMode: "transaction" } });
    expect(report.errors.total).toBe(0);
    // ProxySQL's backend connections are pgbouncer's clients.
    const pools = report.pool?.pools ?? [];
    const proxyConns = report.proxy?.servers.map((s) => s.connectionsMax) ?? [];
    expect(pools.map((p) => p.clientsMax)).toEqual(proxyConns);
  });

  it("reports the proxy section (ReportSchema), counting from the warm-up cut", () => {
    const run = runScenarioDetailed({ ...BASE, workload: { ...BASE.workload, lockingReads: 0.1 } });
    const report = run.report;
    expect(() => ReportSchema.parse(report)).not.toThrow();
    const proxy = report.proxy;
    if (proxy === undefined) throw new Error("no proxy section");
    expect(report.errors.total).toBe(0);
    // One driver, in front of the proxy: its connections are ProxySQL's frontends.
    expect(proxy.frontendConnectionsMax).toBeLessThanOrEqual(run.scenario.client.poolSize);
    expect(proxy.hostgroups.map((h) => [h.hostgroup, h.role])).toEqual([
      [10, "writer"],
      [20, "reader"],
    ]);
    // Statements counted in the window only: about the operations completed in it.
    const statements = proxy.hostgroups.reduce((s, h) => s + h.queries, 0);
    expect(Math.abs(statements - report.latency.all.count)).toBeLessThan(10);
    expect(proxy.servers.map((s) => s.name)).toEqual([
      "hostgroup 10/primary",
      "hostgroup 20/replica-1",
      "hostgroup 20/replica-2",
    ]);
    expect(proxy.cache.hits + proxy.cache.misses).toBe(0);
  });

  it("counts cache hits as reads served by no node", () => {
    const report = runScenario({
      ...BASE,
      proxy: {
        queryRules: [
          {
            ruleId: 1,
            match: { kind: "read" },
            destinationHostgroup: 20,
            cacheTtl: "1s",
            apply: true,
          },
        ],
      },
    });
    const cache = report.proxy?.cache;
    const servedByNodes = report.nodes.reduce((s, n) => s + n.readsServed, 0);
    expect(cache?.hits).toBeGreaterThan(0);
    expect(Math.abs(servedByNodes + (cache?.hits ?? 0) - report.latency.read.count)).toBeLessThan(
      10,
    );
    // Hits are consistency facts too: stale hits are stale reads.
    expect(report.consistency?.staleReads).toBeGreaterThanOrEqual(cache?.staleHits ?? 0);
  });

  it("is the same report for the same seed", () => {
    const input = { ...BASE, workload: { ...BASE.workload, lockingReads: 0.2 } };
    expect(JSON.stringify(runScenario(input))).toBe(JSON.stringify(runScenario(input)));
  });
});

describe("proxy: multiplexingDisabled counts frontends, warm-up or not", () => {
  // docs/proxy.md promises the number of frontend connections with multiplexing
  // off. With every session relying on session state and persistent driver
  // connections, every frontend is pinned by its first statement, almost all of
  // them within the warm-up; the measured window must still count them all.
  it("frontends pinned before the cut are counted in the window", () => {
    const report = runScenario({
      ...BASE,
      duration: 1_000,
      warmup: 2_000,
      workload: { rate: 2_000, readRatio: 0.8, keys: { count: 200 }, sessionState: { share: 1 } },
      client: { connections: "persistent", instances: 1, poolSize: 100 },
    });
    const frontends = report.proxy?.frontendConnectionsMax ?? 0;
    expect(frontends).toBeGreaterThan(10);
    expect(report.proxy?.multiplexingDisabled).toBe(frontends);
  });
});
