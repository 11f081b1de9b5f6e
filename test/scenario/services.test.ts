// The `services` section: a database per service builds one cluster per service
// (its nodes "<service>/…", holding only its keys) and sends each service's
// operations there; a shared database builds one cluster for all; API
// composition fans a share of the reads out and is reported as its own class;
// bad input is refused with the path, the value and what was expected.
import { test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  parseScenario,
  runScenario,
  runScenarioDetailed,
  type ScenarioInput,
} from "../../src/index.js";
import { arbScenario } from "../../src/testing/index.js";
import { issueAt } from "./issues.js";

const LIST = [
  { name: "customers", share: 0.3 },
  { name: "orders", share: 0.5 },
  { name: "payments", share: 0.2 },
];

const BASE: ScenarioInput = {
  seed: 3,
  warmup: 200,
  duration: 2_000,
  workload: { rate: 400, readRatio: 0.8, keys: { count: 3_000, popularity: { kind: "uniform" } } },
  services: { database: "per-service", list: LIST },
};

describe("services: a database per service", () => {
  it("builds a cluster per service and keeps each service's operations on its own keys and nodes", () => {
    // Act
    const run = runScenarioDetailed(BASE, { history: true });
    // Assert: nodes named by service, one primary each
    expect(run.report.nodes.map((n) => n.name)).toEqual([
      "customers/primary",
      "orders/primary",
      "payments/primary",
    ]);
    // The even split of 3 000 keys: [0, 1000), [1000, 2000), [2000, 3000); cluster i holds service i's.
    const entries = run.history?.toArray() ?? [];
    expect(entries.length).toBeGreaterThan(500);
    for (const e of entries) {
      const c = e.cluster ?? 0;
      expect(c * 1000 <= e.key && e.key < (c + 1) * 1000, `${c} ${e.key}`).toBe(true);
    }
  });

  it("splits the operations by share (binomial: within 4 standard deviations)", () => {
    const report = runScenario(BASE);
    const list = report.services?.list ?? [];
    const n = list.reduce((a, s) => a + s.operations, 0);
    expect(n).toBeGreaterThan(600);
    LIST.forEach((s, i) => {
      const ops = list[i]?.operations ?? 0;
      expect(Math.abs(ops - n * s.share)).toBeLessThan(4 * Math.sqrt(n * s.share * (1 - s.share)));
      // Each service's work lands on its own primary alone.
      expect(list[i]?.nodes.map((x) => x.name)).toEqual([`${s.name}/primary`]);
      expect(list[i]?.p99Ms).toBeGreaterThan(0);
    });
  });

  it("builds a service's database from its own sections merged over the top level", () => {
    const report = runScenario({
      ...BASE,
      duration: 300,
      database: { cores: 4 },
      replication: { replicas: 1 },
      services: {
        list: [
          LIST[0],
          { ...LIST[1], database: { cores: 16 }, replication: { replicas: 2 } },
          LIST[2],
        ],
      } as ScenarioInput["services"],
    });
    const cores = Object.fromEntries(report.nodes.map((n) => [n.name, n.cores]));
    expect(cores).toEqual({
      "customers/primary": 4,
      "customers/replica-1": 4,
      "orders/primary": 16,
      "orders/replica-1": 16,
      "orders/replica-2": 16,
      "payments/primary": 4,
      "payments/replica-1": 4,
    });
    expect(report.services?.list[1]?.replication?.replicas).toHaveLength(2);
    // The verdict follows every service's replicas, by their nodes' names.
    expect(report.verdict.replicas.map((r) => r.name)).toEqual([
      "customers/replica-1",
      "orders/replica-1",
      "orders/replica-2",
      "payments/replica-1",
    ]);
  });

  it("prices every service's database: each its own nodes", () => {
    // a: a primary; b: a primary and the replica its own section adds — three RDS nodes.
    const report = runScenario({
      ...BASE,
      duration: 200,
      database: { size: "db.r6g.large" },
      services: {
        list: [
          { name: "a", share: 0.5 },
          { name: "b", share: 0.5, replication: { replicas: 1 } },
        ],
      },
    });
    const item = report.cost?.items.find((i) => i.component === "database");
    expect(item?.count).toBe(3);
    expect(report.cost?.perHour).toBeCloseTo(3 * (item?.unitPerHour ?? 0), 9);
  });

  it("is deterministic: the same scenario and seed give the same report", () => {
    const input = {
      ...BASE,
      services: { list: LIST, compose: { share: 0.5, services: ["customers", "orders"] } },
    };
    expect(JSON.stringify(runScenario(input))).toBe(JSON.stringify(runScenario(input)));
  });
});

describe("services: a shared database", () => {
  it("builds one cluster; every service's row lists its nodes", () => {
    const report = runScenario({ ...BASE, services: { database: "shared", list: LIST } });
    expect(report.nodes.map((n) => n.name)).toEqual(["primary"]);
    for (const s of report.services?.list ?? [])
      expect(s.nodes.map((x) => x.name)).toEqual(["primary"]);
    expect(report.services?.database).toBe("shared");
  });
});

describe("services: API composition", () => {
  it("fans the composed share of the reads out to every named service and reports it as its own class", () => {
    const report = runScenario({
      ...BASE,
      services: {
        list: LIST,
        compose: { share: 0.4, services: ["customers", "orders", "payments"] },
      },
    });
    const s = report.services;
    const composed = s?.composed;
    expect(composed?.services).toEqual(["customers", "orders", "payments"]);
    // Reads are 80 % of ~800 operations; 40 % of them composed: ~256, within 4 sd.
    const reads = report.latency.read.count;
    const expected = reads * 0.4;
    expect(Math.abs((composed?.requests ?? 0) - expected)).toBeLessThan(
      4 * Math.sqrt(reads * 0.4 * 0.6) + 2,
    );
    // Every composed request calls each service once; exactly one of them answers last.
    for (const row of s?.list ?? []) expect(row.composedCalls).toBe(composed?.requests);
    expect((s?.list ?? []).reduce((a, r) => a + r.slowestInComposed, 0)).toBe(composed?.requests);
    expect(composed?.latencyMs.p99).toBeGreaterThan(0);
    // The slowest of three answers is no faster than the typical single read.
    expect(composed?.p50Ms).toBeGreaterThanOrEqual(
      Math.min(...(s?.list ?? []).map((r) => r.p50Ms)),
    );
  });
});

describe("services: event-driven data replication", () => {
  it("copies each acknowledged write of the source into the subscriber's database and reports the lag", () => {
    // Arrange: writes only; customers' writes are copied into orders' database
    const report = runScenario({
      ...BASE,
      workload: { ...(BASE.workload as object), readRatio: 0 },
      services: {
        list: [
          { name: "customers", share: 0.5 },
          { name: "orders", share: 0.5 },
        ],
        events: [{ from: "customers", to: "orders", applyTime: 1 }],
      },
    } as ScenarioInput);
    // Assert
    const events = report.services?.events?.[0];
    const [customers, orders] = report.services?.list ?? [];
    expect(events?.published).toBeGreaterThan(300);
    // Every published write is applied, but for the few in hand at the window's edges.
    expect(Math.abs((events?.published ?? 0) - (events?.applied ?? 0))).toBeLessThanOrEqual(5);
    // The lag is at least the consumer's 1 ms of processing plus its write.
    expect(events?.lagMs.mean).toBeGreaterThan(1);
    // orders' primary runs its own writes' statements and the copies'; customers' only its own
    // (statements per second over the 2 s window; `writesServed` counts the workload's operations only).
    const statements = (name: string) =>
      2 * (report.nodes.find((n) => n.name === name)?.statementsPerSec ?? 0);
    expect(
      Math.abs(statements("orders/primary") - (orders?.operations ?? 0) - (events?.applied ?? 0)),
    ).toBeLessThanOrEqual(5);
    expect(
      Math.abs(statements("customers/primary") - (customers?.operations ?? 0)),
    ).toBeLessThanOrEqual(5);
  });

  it("refuses an event stream naming an unknown service, or one service at both ends", () => {
    const input = (events: unknown) => ({ ...BASE, services: { list: LIST, events } });
    expect(
      issueAt(input([{ from: "billing", to: "orders" }]), "services.events.0.from").message,
    ).toMatch(/one of the services \(customers, orders, payments\), got "billing"/);
    expect(
      issueAt(input([{ from: "orders", to: "orders" }]), "services.events.0.to").message,
    ).toMatch(/another service than "from"/);
  });
});

describe("services: the diagram", () => {
  it("draws a box per service, each to its own database (per-service) or to the one shared, and the composer's calls", () => {
    for (const database of ["per-service", "shared"] as const) {
      const { graph } = runScenarioDetailed({
        ...BASE,
        duration: 100,
        services: {
          database,
          list: LIST,
          compose: { share: 0.2, services: ["orders", "payments"] },
        },
      });
      const ids = new Set(graph.nodes.map((n) => n.id));
      for (const e of graph.edges)
        expect(ids.has(e.from) && ids.has(e.to), `${e.from} -> ${e.to}`).toBe(true);
      const arrows = graph.edges.map((e) => `${e.from}->${e.to}`);
      const apps =
        database === "shared" ? ["app", "app", "app"] : ["svc0_app", "svc1_app", "svc2_app"];
      apps.forEach((app, i) => {
        expect(arrows).toContain(`service_${i}->${app}`);
      });
      expect(arrows).toEqual(
        expect.arrayContaining([
          "workload->services",
          "composer->service_1",
          "composer->service_2",
        ]),
      );
      expect(arrows).not.toContain("composer->service_0");
    }
  });
});

describe("services: bad input", () => {
  it("refuses shares that do not sum to 1", () => {
    const issue = issueAt(
      {
        ...BASE,
        services: {
          list: [
            { name: "a", share: 0.5 },
            { name: "b", share: 0.4 },
          ],
        },
      },
      "services.list",
    );
    expect(issue.message).toMatch(/sum to 1, got 0\.9 \(a 0\.5 \+ b 0\.4\)/);
  });

  it("refuses a composed service that does not exist", () => {
    const issue = issueAt(
      {
        ...BASE,
        services: { list: LIST, compose: { share: 0.1, services: ["orders", "billing"] } },
      },
      "services.compose.services.1",
    );
    expect(issue.message).toMatch(
      /one of the services \(customers, orders, payments\), got "billing"/,
    );
  });

  it("refuses services with sharding", () => {
    const issue = issueAt({ ...BASE, sharding: { strategy: "hash-mod", shards: 2 } }, "services");
    expect(issue.message).toMatch(/services with sharding are not supported/);
  });

  it("refuses services with cqrs or regions, whose report sections are one cluster's", () => {
    const cqrs = issueAt(
      { ...BASE, cqrs: { projections: [{ name: "p", throughput: 1000, serves: 0.5 }] } },
      "services",
    );
    expect(cqrs.message).toMatch(/services with cqrs are not supported/);
    const regions = issueAt(
      { ...BASE, regions: { list: [{ name: "a" }, { name: "b" }], primary: "a" } },
      "services",
    );
    expect(regions.message).toMatch(/services with regions are not supported/);
  });

  it("names a crashed node by its service with a database per service (orders/primary)", () => {
    const withReplica = { ...BASE, replication: { replicas: 1 } };
    const bare = issueAt(
      { ...withReplica, timeline: [{ at: 500, kind: "primary-crash" }] },
      "timeline.0.node",
    );
    expect(bare.message).toBe(
      'expected a service\'s primary: one of customers/primary, orders/primary, payments/primary; got "primary"',
    );
    const replica = issueAt(
      {
        ...withReplica,
        timeline: [{ at: 500, kind: "replica-crash", replica: "orders/replica-2" }],
      },
      "timeline.0.replica",
    );
    expect(replica.message).toMatch(
      /one of customers\/replica-1, orders\/replica-1, payments\/replica-1;/,
    );
  });

  it("takes a shared database's crash as one cluster's (primary)", () => {
    const shared = {
      ...BASE,
      services: { database: "shared", list: LIST },
      replication: { replicas: 1 },
      timeline: [{ at: 500, kind: "primary-crash" }],
    } as ScenarioInput;
    expect(parseScenario(shared).ok).toBe(true);
  });

  it("refuses overlapping key ranges with a database per service, and own sections with a shared one", () => {
    const overlap = issueAt(
      {
        ...BASE,
        services: {
          list: [
            { name: "a", share: 0.5, keys: { from: 0, to: 600 } },
            { name: "b", share: 0.5, keys: { from: 500, to: 1000 } },
          ],
        },
      },
      "services.list.1.keys",
    );
    expect(overlap.message).toMatch(/b \(500 … 1000\) overlaps a \(0 … 600\)/);
    const own = issueAt(
      {
        ...BASE,
        services: { database: "shared", list: [{ name: "a", share: 1, database: { cores: 2 } }] },
      },
      "services.list.0.database",
    );
    expect(own.message).toMatch(/shared database has one set of sections/);
  });

  it("checks a service's own sections as the scenario they make", () => {
    const issue = issueAt(
      { ...BASE, services: { list: [{ name: "a", share: 1, database: { cores: -1 } }] } },
      "services.list.0.database.cores",
    );
    expect(issue.message).toMatch(/>|positive|expected/);
  });
});

describe("any services plan (arbScenario)", () => {
  test.prop([arbScenario({ services: "always" })], { numRuns: 8 })(
    "runs, reports every service once, and composes only when asked",
    (scenario) => {
      const section = runScenario(scenario).services;
      const asked = (scenario.services as { list: { name: string }[]; compose?: unknown }).list;
      expect(section?.list.map((s) => s.name)).toEqual(asked.map((s) => s.name));
      for (const s of section?.list ?? []) expect(s.p99Ms).toBeGreaterThanOrEqual(s.p50Ms);
      const composes = (scenario.services as { compose?: unknown }).compose !== undefined;
      expect(section?.composed === null).toBe(!composes);
    },
  );
});
