// Validation of a node crash in a services plan with a database per service:
// each service's database is a cluster of its own (its primary, replicas and
// log), so a crash of one service's primary fails over inside it, as in a
// sharded plan (PostgreSQL's promote ends recovery at what the standby received,
// docs "High Availability", 27.2.4; the new primary starts a new timeline there,
// 26.3.5): under async replication that service loses exactly its acknowledged
// writes beyond the promoted replica's position, and the other services, one
// failure domain each, fail nothing.
import { describe, expect, it } from "vitest";
import { checkLostWrites, runScenarioDetailed, type ScenarioInput } from "../../src/index.js";
import { clusterOf, LAGGING_REPLICAS, lostBeyondPromoted } from "./cluster-failover.js";

const CRASH_MS = 1_500;
const ORDERS = 1;

const input = {
  seed: 9,
  duration: 2_800,
  warmup: 0,
  workload: { rate: 900, readRatio: 0.5, sessions: 60, keys: { count: 900 } },
  ...LAGGING_REPLICAS,
  services: {
    database: "per-service",
    list: [
      { name: "customers", share: 0.3 },
      { name: "orders", share: 0.4 },
      { name: "payments", share: 0.3 },
    ],
  },
  timeline: [
    { at: CRASH_MS, kind: "primary-crash", node: "orders/primary", failover: { detection: 400 } },
  ],
} as ScenarioInput;

describe("a crash in a services plan fails over inside the service's own database", () => {
  const { report, history } = runScenarioDetailed(input, { history: true });
  const ops = history?.toArray() ?? [];
  const fault = report.faults?.events[0];

  it("loses exactly the service's acknowledged writes beyond its promoted replica", () => {
    const { promotedLsn, lost } = lostBeyondPromoted(ops, ORDERS, CRASH_MS);
    expect(lost.length).toBeGreaterThan(0);
    expect(fault?.node).toBe("orders/primary");
    expect(fault?.promoted).toMatch(/^orders\/replica-[12]$/);
    expect(fault?.promotedLsn).toBe(promotedLsn);
    expect(report.faults?.lostWrites).toBe(lost.length);
    const checked = checkLostWrites(ops, { maxExamples: 1_000 });
    expect(checked.count).toBe(lost.length);
    for (const v of checked.violations) expect(clusterOf(v.op)).toBe(ORDERS);
  });

  it("fails operations of that service only", () => {
    const failed = (cluster: number) => ops.filter((o) => !o.ok && clusterOf(o) === cluster).length;
    expect(failed(ORDERS)).toBeGreaterThan(0);
    expect(failed(ORDERS)).toBe(fault?.errors.node_down);
    expect([failed(0), failed(2)]).toEqual([0, 0]);
  });
});
