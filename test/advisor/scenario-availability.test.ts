// Availability of a scenario as written (scoreScenario with `failures`), for the
// layouts a profile's plan cannot make: a database per service and ProxySQL.
// Bounds by arithmetic from the configured delays, as availability.test.ts's:
// - per service: every service's primary crashes at once (each its own
//   cluster, docs/faults.md "In a services plan"); a user of a service sees
//   its recovery, the score the worst: 1 − max_s r_s / interval. Without
//   replicas r_s = replacement + the wait for that service's next write;
//   with, detection + promotion (~0) + that wait (allow 1 s).
// - behind ProxySQL the writes come back at the first read_only poll at or
//   after the promotion (MySQL_Monitor::monitor_read_only every
//   mysql-monitor_read_only_interval; polls at 0, I, 2I, … of the run,
//   docs/faults.md "Behind ProxySQL"): crash at 1000 ms, detection 2.5 s,
//   promotion at ≈ 3 500 ms, I = 1 500 ms: the poll at 4 500 ms, so
//   3 500 ≤ r ≤ 4 500 — without the poll it would be ≈ 2 500.
import { describe, expect, it } from "vitest";
import { type ScenarioInput, scoreScenario } from "../../src/index.js";

const HOUR_MS = 3_600_000;
const DETECTION_MS = 2_500;
const REPLACEMENT_MS = 10_000;
const failures = { interval: "1h", detection: DETECTION_MS, replacement: REPLACEMENT_MS };
const slo = { readP99Ms: 50, writeP99Ms: 50, availability: 0.999, lostWrites: 0 };
const window = { duration: 1_000, warmup: 500, seed: 5 };
const keys = { count: 30_000, popularity: { kind: "uniform" as const } };

const services: ScenarioInput = {
  name: "services",
  ...window,
  workload: { rate: 300, readRatio: 0.5, keys, sessions: 200 },
  database: { engine: "postgresql", cores: 8 },
  services: {
    database: "per-service",
    list: [
      { name: "customers", share: 0.3 },
      { name: "orders", share: 0.5 },
      { name: "payments", share: 0.2 },
    ],
  },
};

const proxied: ScenarioInput = {
  name: "proxysql",
  ...window,
  workload: { rate: 300, readRatio: 0.5, keys, sessions: 200 },
  database: { engine: "mysql", cores: 8 },
  replication: { replicas: 1, mode: "async" },
  proxy: { monitorReadOnlyInterval: 1_500 },
};

const scored = (scenario: ScenarioInput) => {
  const score = scoreScenario(slo, scenario, { failures });
  const availability = score.slos.find((s) => s.slo === "availability");
  if (availability === undefined) throw new Error("no availability row");
  return { score, availability };
};

const between = (perSeed: readonly number[], lowMs: number, highMs: number) => {
  for (const a of perSeed) {
    expect(a).toBeLessThanOrEqual(1 - lowMs / HOUR_MS);
    expect(a).toBeGreaterThanOrEqual(1 - highMs / HOUR_MS);
  }
};

describe("availability of a scenario as written, given a fault model", () => {
  it("crashes every service's primary; the worst service's recovery counts", () => {
    const { score, availability } = scored(services);
    expect(score.availability?.crashed).toEqual([
      "customers/primary",
      "orders/primary",
      "payments/primary",
    ]);
    // No replicas: each is down for the replacement, 1 − 10 s / 1 h = 0.99722 < 0.999.
    expect(availability.status).toBe("missed");
    between(availability.perSeed, REPLACEMENT_MS, REPLACEMENT_MS + 1_000);
    expect(score.availability?.promoted).toEqual([null, null, null]);
    // With a replica each (the top-level section), each fails over on its own.
    const replicated = scored({ ...services, replication: { replicas: 1 } });
    expect(replicated.availability.status).toBe("met");
    between(replicated.availability.perSeed, DETECTION_MS, DETECTION_MS + 1_000);
  });

  it("behind ProxySQL, the recovery includes the wait for the read_only poll", () => {
    const { score, availability } = scored(proxied);
    between(availability.perSeed, DETECTION_MS + 1_000, DETECTION_MS + 2_000);
    expect(score.availability?.promoted).toEqual(["replica-1", "replica-1", "replica-1"]);
    // The run lasts the poll interval longer than the detection and the 2 s tail.
    expect(score.availability?.scenario.duration).toBe(500 + DETECTION_MS + 1_500 + 2_000);
  });

  it("is not scored without a fault model, nor for a scenario that crashes nodes itself", () => {
    const plain = scoreScenario(slo, proxied);
    expect(plain.slos.find((s) => s.slo === "availability")?.status).toBe("not scored");
    expect(plain.availability).toBeUndefined();
    const own = scored({
      ...proxied,
      timeline: [{ at: 800, kind: "replica-crash", replica: "replica-1" }],
    });
    expect(own.availability.status).toBe("not scored");
    expect(own.availability.note).toMatch(/crashes nodes itself/);
  });

  it("names a fault model's invalid field, its value and what was expected", () => {
    expect(() => scoreScenario(slo, proxied, { failures: { interval: 0 } })).toThrow(
      /scoreScenario: options\.failures\.interval is 0: expected a duration > 0/,
    );
  });
});
