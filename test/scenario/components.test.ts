// The component registry: every component's scenario and report sections sit in
// the composed schemas, in the order reports have always had; building is a fold
// over the registry; the resolved scenario shows every default the run used;
// `routing.via: "proxy-hop"` names the plain proxy hop, so it does not read as
// the `proxy` (ProxySQL) section.
import { describe, expect, it } from "vitest";
import {
  ERROR_KINDS,
  ReportSchema,
  resolveScenario,
  runScenarioDetailed,
  type ScenarioInput,
  scenarioJsonSchema,
  topologyOf,
} from "../../src/index.js";
import {
  COMPONENTS,
  EVENT_ERROR_KINDS,
  REPORT_SECTIONS,
  SCENARIO_SECTIONS,
} from "../../src/scenario/components/index.js";

const SHORT = { duration: 300, warmup: 100 } as const;

describe("the component registry", () => {
  it("gives every component a report section and, but for the timeline-only ones (faults), a scenario section, each once", () => {
    // Arrange: node crashes are timeline entries, with no section of their own.
    const keys = COMPONENTS.map((c) => c.key);
    const reportKeys = COMPONENTS.map((c) => c.report.key);
    const timelineOnly = COMPONENTS.filter(
      (c) => (c.events?.length ?? 0) > 0 && !(c.key in SCENARIO_SECTIONS),
    );
    // Assert
    expect(timelineOnly.map((c) => c.key)).toEqual(["faults", "network"]);
    expect(keys.filter((k) => k !== "faults" && k !== "network").sort()).toEqual(
      Object.keys(SCENARIO_SECTIONS).sort(),
    );
    expect([...reportKeys].sort()).toEqual(Object.keys(REPORT_SECTIONS).sort());
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("gives every error kind an owner: the components' error kinds are ERROR_KINDS and the timeline's EVENT_ERROR_KINDS, each once", () => {
    // Act
    const owned = COMPONENTS.flatMap((c) => c.errorKinds.map((e) => e.kind));
    // Assert: a run without faults lists ERROR_KINDS alone (reports stay as they were).
    expect([...owned].sort()).toEqual([...ERROR_KINDS, ...EVENT_ERROR_KINDS].sort());
    expect(EVENT_ERROR_KINDS).toEqual([
      "node_down",
      "network_timeout",
      "connection_refused",
      "server_closed_connection",
    ]);
  });

  it("checks consistency wherever a component holds versions: ProxySQL's query cache without replicas", () => {
    // Arrange: one primary behind ProxySQL caching reads for 1 s, writes changing the keys
    const input: ScenarioInput = {
      workload: { rate: 200 },
      duration: 2000,
      warmup: 500,
      proxy: {
        queryRules: [
          { ruleId: 1, match: { kind: "read", forUpdate: false }, cacheTtl: 1000, apply: true },
        ],
      },
    };
    // Act
    const report = runScenarioDetailed(input, { seed: 1 }).report;
    // Assert: the monitor ran, and its stale reads are the cache's stale hits
    expect(report.consistency).toBeDefined();
    expect(report.proxy?.cache.staleHits).toBeGreaterThan(0);
    expect(report.consistency?.staleReads).toBe(report.proxy?.cache.staleHits);
  });

  it("explains a livelock by the declaring component's cause: the setting to change", () => {
    // Arrange: every client retries at once and every connection is refused
    const input: ScenarioInput = {
      workload: { clients: 50, thinkTime: 0 },
      database: { maxConnections: 1 },
      client: { connections: "per-request", connectRoundTrips: 0 },
      duration: 500,
      warmup: 0,
    };
    // Act
    const result = () => runScenarioDetailed(input, { seed: 1 });
    // Assert
    expect(result).toThrow(
      /Livelock in the database \(max_connections 1 refuses new connections\).*too_many_clients/,
    );
  });

  it("composes the scenario schema and the report schema from the sections, in their order", () => {
    // Arrange
    const scenarioKeys = Object.keys(
      (scenarioJsonSchema() as { properties: Record<string, unknown> }).properties,
    );
    const reportKeys = Object.keys(ReportSchema.shape);
    // Assert: the sections appear in the documented order, between the run's own fields
    expect(scenarioKeys.filter((k) => k in SCENARIO_SECTIONS)).toEqual(
      Object.keys(SCENARIO_SECTIONS),
    );
    expect(reportKeys.filter((k) => k in REPORT_SECTIONS)).toEqual(Object.keys(REPORT_SECTIONS));
    // The plan's cost follows the measured figures; the optional per-window
    // figures come last, after the verdict on the whole period.
    expect(reportKeys.slice(-4)).toEqual(["consistency", "cost", "verdict", "timeSeries"]);
  });

  it("builds back to front: each box of the diagram stands in front of what it wraps", () => {
    // Arrange: routing over a primary and a replica, each behind a pgbouncer
    const input: ScenarioInput = {
      workload: { rate: 10 },
      replication: { replicas: 1 },
      routing: { via: "proxy-hop" },
      pool: { defaultPoolSize: 5 },
    };
    // Act
    const graph = topologyOf(input);
    // Assert: request-path order, and an arrow along every hop
    expect(graph.nodes.map((n) => n.id)).toEqual([
      "workload",
      "app",
      "proxy",
      "pool_primary",
      "primary",
      "pool_node_replica_1",
      "node_replica_1",
    ]);
    const arrows = graph.edges.map((e) => `${e.from}>${e.to}`);
    expect(new Set(arrows)).toEqual(
      new Set([
        "workload>app",
        "primary>node_replica_1",
        "pool_primary>primary",
        "pool_node_replica_1>node_replica_1",
        "app>proxy",
        "proxy>pool_primary",
        "proxy>pool_node_replica_1",
      ]),
    );
  });
});

describe("defaults resolved once, in the schema", () => {
  // MySQL 8.0: binlog_format defaults to ROW and replica_parallel_workers to 4
  // (since 8.0.27; MySQL reference manual, "Replication and Binary Logging
  // Options and Variables"). PostgreSQL replays WAL in one startup process (docs,
  // "Hot Standby"). The bytes per write are the schema's documented estimates.
  it.each([
    ["mysql", { log: "binlog", bytesPerWrite: 400, applyWorkers: 4 }],
    ["postgresql", { log: "wal", bytesPerWrite: 250, applyWorkers: 1 }],
  ] as const)(
    "%s: the resolved scenario shows the log, its bytes per write and the appliers",
    (engine, expected) => {
      // Arrange
      const input: ScenarioInput = {
        ...SHORT,
        workload: { rate: 50 },
        database: { engine },
        replication: { replicas: 1 },
      };
      // Act
      const run = runScenarioDetailed(input);
      // Assert: the values are in the scenario the run returns, and the report agrees
      expect(run.scenario.replication).toMatchObject(expected);
      expect(run.report.replication?.log).toBe(expected.log);
    },
  );

  it("keeps values given, and resolving a resolved scenario changes nothing", () => {
    // Arrange
    const input: ScenarioInput = {
      workload: { rate: 50 },
      database: { engine: "mysql" },
      replication: { replicas: 2, log: "binlog", binlogFormat: "statement", applyWorkers: 2 },
    };
    // Act
    const once = resolveScenario(input);
    const twice = resolveScenario(once);
    // Assert: statement events are the SQL text, 150 bytes by the schema's estimate
    expect(once.replication).toMatchObject({ log: "binlog", bytesPerWrite: 150, applyWorkers: 2 });
    expect(twice).toEqual(once);
  });
});

describe("routing.via names the proxy hop apart from ProxySQL", () => {
  it('accepts "proxy", the old name, as "proxy-hop" in the resolved scenario, the report and the diagram', () => {
    // Arrange
    const input: ScenarioInput = {
      ...SHORT,
      workload: { rate: 50 },
      replication: { replicas: 1 },
      routing: { via: "proxy" },
    };
    // Act
    const run = runScenarioDetailed(input);
    // Assert
    expect(run.scenario.routing?.via).toBe("proxy-hop");
    expect(run.report.routing?.via).toBe("proxy-hop");
    expect(run.graph.nodes.find((n) => n.id === "proxy")?.label).toMatch(/^Proxy hop/);
  });

  it("a hop and ProxySQL in one scenario is refused, naming both sections", () => {
    // Act
    const result = () =>
      resolveScenario({
        workload: { rate: 50 },
        routing: { via: "proxy-hop" },
        proxy: {},
        replication: { replicas: 1 },
      });
    // Assert
    expect(result).toThrow(/either `routing`.*or `proxy`/);
  });
});
