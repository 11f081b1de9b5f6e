// The cqrs section through the public API: bad input is refused with its path,
// the value and what was expected; the report's section, table and diagram.
import { test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { timeSeriesCharts } from "../../src/experiment/html/time-series-html.js";
import { runScenario, runScenarioDetailed, type ScenarioInput } from "../../src/index.js";
import { componentTables } from "../../src/scenario/tables.js";
import { arbScenario } from "../../src/testing/index.js";
import { issueAt, issuesOf } from "./issues.js";

const BASE: ScenarioInput = {
  duration: 1000,
  warmup: 200,
  workload: { rate: 400, readRatio: 0.7, keys: { count: 100 } },
  cqrs: { projections: [{ name: "orders", throughput: 2000, serves: 0.5 }] },
};

function withCqrs(cqrs: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown {
  return { ...BASE, cqrs, ...extra };
}

describe("the cqrs section refuses", () => {
  it("a projection name used twice", () => {
    const issue = issueAt(
      withCqrs({
        projections: [
          { name: "a", throughput: 10, serves: 0.1 },
          { name: "a", throughput: 10, serves: 0.1 },
        ],
      }),
      "cqrs.projections.1.name",
    );
    expect(issue.message).toContain("no other projection");
  });

  it("serves shares adding up to more than 1, with the sum", () => {
    const issue = issueAt(
      withCqrs({
        projections: [
          { name: "a", throughput: 10, serves: 0.7 },
          { name: "b", throughput: 10, serves: 0.6 },
        ],
      }),
      "cqrs.projections",
    );
    expect(issue.message).toContain("at most 1; got 1.3");
  });

  it("a projection with both throughput and applyTime, or neither", () => {
    for (const p of [
      { name: "a", throughput: 10, applyTime: 1, serves: 0 },
      { name: "a", serves: 0 },
    ]) {
      expect(
        issueAt(withCqrs({ projections: [p] }), "cqrs.projections.0.throughput").message,
      ).toContain("exactly one of throughput");
    }
  });

  it("a replay naming no projection, with the names there are", () => {
    const issue = issueAt(
      withCqrs(
        { projections: [{ name: "orders", throughput: 10, serves: 0 }], store: "events" },
        { timeline: [{ at: 100, kind: "projection-replay", projection: "order" }] },
      ),
      "timeline.0.projection",
    );
    expect(issue.message).toBe('expected the name of a projection: one of orders; got "order"');
  });

  it("a replay without an event store, and a replay without a cqrs section", () => {
    const stateStore = issueAt(
      withCqrs(
        { projections: [{ name: "orders", throughput: 10, serves: 0 }] },
        { timeline: [{ at: 100, kind: "projection-replay", projection: "orders" }] },
      ),
      "timeline.0.kind",
    );
    expect(stateStore.message).toContain('store: "events"');
    const { cqrs: _, ...noCqrs } = BASE;
    const none = issueAt(
      { ...noCqrs, timeline: [{ at: 100, kind: "projection-replay", projection: "orders" }] },
      "timeline.0.projection",
    );
    expect(none.message).toContain("no `cqrs.projections`");
  });

  it("snapshots without an event store, and cqrs with sharding", () => {
    expect(
      issueAt(
        withCqrs({ projections: [{ name: "a", throughput: 10, serves: 0 }], snapshotEvery: 5 }),
        "cqrs.snapshotEvery",
      ).message,
    ).toContain('store "events"');
    const issues = issuesOf({ ...BASE, sharding: { strategy: "hash-mod", shards: 2 } });
    expect(issues.map((i) => i.path)).toContain("cqrs");
  });

  it("a primary crash: the projections would stop at the old primary's log", () => {
    const crash = issueAt(
      {
        ...BASE,
        replication: { replicas: 1 },
        timeline: [{ at: 500, kind: "primary-crash" }],
      },
      "timeline.0.kind",
    );
    expect(crash.message).toContain("no primary crash with `cqrs`");
  });
});

describe("a cqrs run", () => {
  it("reports each projection, sends a share of the reads to it, and draws it", () => {
    const run = runScenarioDetailed(BASE);
    const section = run.report.cqrs;
    const p = section?.projections[0];
    // 70 % reads at 400/s over 1 s, half of them queries: about 140 (binomial sd ≈ 12, Poisson arrivals on top).
    expect(p?.queries).toBeGreaterThan(80);
    expect(p?.queries).toBeLessThan(200);
    // A projection applying 2000 events/s against ~120 writes/s keeps up.
    expect(p?.backlogEvents.max).toBeLessThan(5);
    expect(run.report.nodes.find((n) => n.name === "primary")?.readsServed).toBeGreaterThan(0);
    expect(run.graph.nodes.map((n) => n.id)).toContain("node_projection_orders");
  });

  it("prints its section in the report's table: a row per projection with its replays", () => {
    const { report } = runScenarioDetailed({
      ...BASE,
      cqrs: { projections: [{ name: "orders", throughput: 2000, serves: 0.5 }], store: "events" },
      timeline: [{ at: 300, kind: "projection-replay", projection: "orders" }],
    });
    const lines = componentTables(report);
    const at = lines.indexOf("CQRS");
    expect(at).toBeGreaterThan(-1);
    const row = lines.slice(at).find((l) => l.trimStart().startsWith("orders"));
    const replay = report.cqrs?.projections[0]?.replays[0];
    expect(row).toContain(`${replay?.items} in `);
    expect(row).toContain(String(report.cqrs?.projections[0]?.queries));
  });

  it("offers each projection's lag and backlog to the time series", () => {
    const { report } = runScenarioDetailed(
      {
        ...BASE,
        workload: { rate: 1000, readRatio: 0, keys: { count: 100 } },
        cqrs: { projections: [{ name: "orders", throughput: 500, serves: 0 }] },
      },
      { timeSeries: { windowMs: 400 } },
    );
    const windows = report.timeSeries?.windows ?? [];
    // Writes at ~1000/s outrun 500 events/s: the backlog at each window's end grows.
    const backlog = windows.map((w) => w.probes["backlog.orders"] ?? Number.NaN);
    expect(backlog.length).toBeGreaterThan(1);
    expect(backlog[backlog.length - 1]).toBeGreaterThan(backlog[0] ?? Number.POSITIVE_INFINITY);
    expect(windows.every((w) => (w.probes["lag.orders"] ?? -1) >= 0)).toBe(true);
    // The HTML report draws it (a chart only a plan with projections has).
    expect(timeSeriesCharts([{ name: "base", report }])).toContain("Projection lag");
  });
});

describe("any cqrs plan (arbScenario)", () => {
  test.prop([arbScenario({ cqrs: "always" })], { numRuns: 8 })(
    "runs, and its figures hold together: stale queries ≤ queries, max ≥ mean ≥ 0, backlog ≥ 0",
    (scenario) => {
      const report = runScenario(scenario);
      const section = report.cqrs;
      expect(section).toBeDefined();
      for (const p of section?.projections ?? []) {
        expect(p.staleQueries).toBeLessThanOrEqual(p.queries);
        expect(p.backlogEvents.end).toBeGreaterThanOrEqual(0);
        expect(p.backlogEvents.max).toBeGreaterThanOrEqual(p.backlogEvents.mean);
        expect(p.lagMs.max).toBeGreaterThanOrEqual(p.lagMs.mean);
        expect(p.lagMs.mean).toBeGreaterThanOrEqual(0);
      }
    },
  );
});
