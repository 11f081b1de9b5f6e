// Partitions on the timeline. The driver's side: a statement that reaches a
// cut link waits for it until the driver's timeout (libpq and JDBC set none by
// default, so the kernel's TCP retransmissions decide: the partition's
// driverTimeout). The router's side: ProxySQL's monitor pings every
// mysql-monitor_ping_interval and shuns a server after
// mysql-monitor_ping_max_failures missed pings (lib/MySQL_Thread.cpp,
// MySQL_Threads_Handler's defaults: 8000 ms, 3, timeout 1000 ms). The
// replication side: a replica cut from its primary is a replica outage.
import { describe, expect, it } from "vitest";
import { runScenario, runScenarioDetailed, type ScenarioInput } from "../../../src/index.js";

const RT = 1;
const READ = 0.5;
const SETUP = 1;
const FROM = 600;
const TO = 900;
const TIMEOUT = 100;

const BASE = {
  seed: 7,
  warmup: 300,
  duration: 1_000,
  latency: { sameDatacenterRoundTrip: RT },
  database: {
    cores: 64,
    mechanisms: "none",
    readTime: READ,
    writeTime: 0.25,
    connectionSetupTime: SETUP,
  },
  client: { connections: "per-request", connectRoundTrips: 0 },
  workload: { rate: 200, readRatio: 1, keys: { count: 1_000 }, transactions: { share: 0 } },
} satisfies ScenarioInput;

/**
 * What the partition does to an operation issued at `issued`: its connection
 * set-up reaches the link at once (no set-up round trips), its statement once
 * the backend has started and half a round trip later. Each is held when the
 * link heals within the driver's timeout, else failed when the timeout ends.
 */
function fate(issued: number): { ok: boolean; held: boolean; latency: number } {
  const cut = (t: number) => t >= FROM && t < TO;
  let t = issued;
  let held = false;
  if (cut(t)) {
    if (TO >= t + TIMEOUT) return { ok: false, held, latency: TIMEOUT };
    held = true;
    t = TO;
  }
  t += SETUP + RT / 2;
  if (cut(t)) {
    if (TO >= t + TIMEOUT) return { ok: false, held, latency: t + TIMEOUT + RT / 2 - issued };
    held = true;
    t = TO;
  }
  return { ok: true, held, latency: t + READ + RT / 2 - issued };
}

describe("partition: the application cut from the primary", () => {
  const input: ScenarioInput = {
    ...BASE,
    timeline: [
      {
        at: FROM,
        kind: "partition",
        for: TO - FROM,
        sides: [["app"], ["primary"]],
        driverTimeout: TIMEOUT,
      },
    ],
  };

  it("holds what reaches the cut until it heals, or fails it with network_timeout after the driver's timeout", () => {
    // Act
    const run = runScenarioDetailed(input, { history: true });
    // Assert: each operation's fate from its issue time alone (fate below).
    const ops = (run.history?.toArray() ?? []).filter((op) => op.invokeMs >= 300);
    let failed = 0;
    let held = 0;
    for (const op of ops) {
      const expected = fate(op.invokeMs);
      if (!expected.ok) failed++;
      if (expected.held) held++;
      expect(op.ok).toBe(expected.ok);
      expect(op.completeMs - op.invokeMs).toBeCloseTo(expected.latency, 9);
    }
    expect(failed).toBeGreaterThan(20);
    expect(held).toBeGreaterThan(5);
    expect(run.report.errors.byKind.network_timeout).toBe(failed);
    expect(run.report.errors.total).toBe(failed);
    expect(run.report.network?.events[0]).toMatchObject({
      kind: "partition",
      held,
      failedByKind: { network_timeout: failed },
    });
  });

  it("leaves a run without network events as it was: no network section, no network_timeout kind", () => {
    const report = runScenario({ ...BASE });
    expect(report.network).toBeUndefined();
    expect(report.errors.byKind).not.toHaveProperty("network_timeout");
  });
});

describe("partition: the application cut from a replica", () => {
  it("fails reads sent to it until the health check shuns it, then reads go elsewhere until a ping finds it back", () => {
    // Arrange: pings every 50 ms, shunned after 2 missed, each waiting 10 ms
    const input: ScenarioInput = {
      ...BASE,
      replication: { replicas: 2 },
      routing: { via: "app" },
      timeline: [
        {
          at: 610,
          kind: "partition",
          for: 300,
          sides: [["app"], ["replica-1"]],
          driverTimeout: 1_000,
          healthCheck: { interval: 50, failures: 2, timeout: 10 },
        },
      ],
    };
    // The pings at 650 and 700 fail; the second's timeout ends at 710; the
    // first ping after the heal at 910 is at 950.
    const down = 710;
    const up = 950;
    // Act
    const run = runScenarioDetailed(input, { history: true });
    // Assert
    const ops = run.history?.toArray() ?? [];
    const toReplica1 = ops.filter((op) => op.ok && op.node === "replica-1");
    expect(toReplica1.some((op) => op.invokeMs >= down && op.invokeMs < up)).toBe(false);
    expect(toReplica1.some((op) => op.invokeMs >= up)).toBe(true);
    // Reads sent to it between the cut and the shunning wait on the link: held
    // until the heal (the timeout is longer than the partition).
    const held = run.report.network?.events[0]?.held ?? 0;
    expect(held).toBeGreaterThan(0);
    const waited = ops.filter(
      (op) => op.node === "replica-1" && op.invokeMs >= 610 && op.invokeMs < down,
    );
    for (const op of waited) expect(op.completeMs).toBeGreaterThanOrEqual(910);
  });
});

describe("partition: a replica cut from its primary", () => {
  it("is that replica's outage: the same report, the network section aside", () => {
    const replication = { replicas: 2 };
    const withPartition = runScenario({
      ...BASE,
      workload: { ...BASE.workload, readRatio: 0.7 },
      replication,
      routing: { via: "app" },
      timeline: [{ at: FROM, kind: "partition", for: 250, sides: [["primary"], ["replica-2"]] }],
    });
    const withOutage = runScenario({
      ...BASE,
      workload: { ...BASE.workload, readRatio: 0.7 },
      replication,
      routing: { via: "app" },
      timeline: [{ at: FROM, kind: "replica-outage", replica: "replica-2", for: 250 }],
    });
    const { network, ...rest } = withPartition;
    expect(network?.events).toHaveLength(1);
    expect(JSON.stringify(rest)).toBe(JSON.stringify(withOutage));
    expect(withOutage.replication?.replicas[1]?.replayLagMs.max).toBeGreaterThan(200);
  });

  it("makes a semi-sync primary wait for its acks, then fall back to async after its timeout", () => {
    // MySQL's rpl_semi_sync_source_timeout: a commit waits that long for an
    // ack, then the source switches to async (replication.ts).
    const report = runScenario({
      ...BASE,
      workload: { ...BASE.workload, readRatio: 0 },
      replication: { replicas: 1, mode: "semi-sync", timeout: 50 },
      timeline: [{ at: FROM, kind: "partition", for: 300, sides: [["primary"], ["replica-1"]] }],
    });
    expect(report.replication?.semiSync.fallbacks).toBeGreaterThanOrEqual(1);
    expect(report.latency.write.max).toBeGreaterThanOrEqual(50);
    expect(report.errors.total).toBe(0);
  });
});

describe("network events: determinism", () => {
  it("gives the same report bytes for the same scenario and seed, every kind at once", () => {
    const input: ScenarioInput = {
      ...BASE,
      client: {},
      workload: { ...BASE.workload, readRatio: 0.8 },
      replication: { replicas: 2, mode: "semi-sync", timeout: 20 },
      routing: { via: "app" },
      pool: { poolMode: "transaction" },
      timeline: [
        { at: 400, kind: "delay-spike", for: 300, extra: { kind: "exponential", mean: 3 } },
        { at: 500, kind: "delay-spike", for: 300, extra: 2, between: ["primary", "replica-1"] },
        {
          at: 600,
          kind: "partition",
          for: 200,
          sides: [["app", "primary"], ["replica-2"]],
          driverTimeout: 50,
        },
        { at: 900, kind: "pooler-restart", for: 100 },
      ],
    };
    const a = JSON.stringify(runScenario(input));
    const b = JSON.stringify(runScenario(input));
    expect(b).toBe(a);
    expect(JSON.parse(a).network.events).toHaveLength(4);
  });
});
