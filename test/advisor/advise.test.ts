// The advisor end to end, on short simulated windows: reads that saturate the
// largest node get a read replica (the seeds' table: "too many reads -> read
// replica") whose checked run meets the read SLO; the same profile gives the
// same bytes twice; a connection per request gets a pool.
import { describe, expect, it } from "vitest";
import { advise } from "../../src/advisor/advise.js";
import { BUILTIN_PROFILES } from "../../src/advisor/builtins.js";
import { formatAdvice } from "../../src/advisor/format.js";
import type { ProfileInput } from "../../src/advisor/profile.js";
import { nodeSize } from "../../src/models/server/node-sizes.js";

// Reads of 15–25 ms of CPU (mean 20) at 0.95 × 4000 = 3800/s need 76 cores;
// db.r6g.16xlarge, the largest size, has 64, so scaling up cannot help and the
// node saturates at 64 / 20 ms = 3200 reads/s.
const SATURATED: ProfileInput = {
  name: "reads-saturate",
  seed: 7,
  workload: { rate: 4000, readShare: 0.95, readCpuMs: { kind: "uniform", min: 15, max: 25 } },
  data: { keys: 10_000 },
  clients: { instances: 8, poolSize: 16 },
  maxConnections: 400,
  slo: { readP99Ms: 100, writeP99Ms: 100 },
  plan: { size: "db.r6g.16xlarge" },
  simulation: { duration: "1s", warmup: "300ms", seeds: 3 },
};

describe("advise", () => {
  it("sends reads that saturate the largest node to read replicas, and the checked plan meets the read SLO", () => {
    expect(nodeSize("db.r6g.16xlarge").vcpus).toBe(64);
    const advice = advise(SATURATED);
    const read = advice.current.slos.find((s) => s.slo === "readP99Ms");
    expect(read?.status).toBe("missed");
    const symptom = advice.symptoms.find((s) => s.code === "reads-saturate");
    expect(symptom?.figures.utilization).toBeGreaterThan(0.9);
    // 3800 reads/s × 20 ms over 64 cores at 70 % busy: ⌈76 / 44.8⌉ = 2 replicas.
    expect(symptom?.figures.replicasNeeded).toBe(2);
    expect(["replica", "cache"]).toContain(advice.nextStep?.step);
    const next = advice.nextStep?.score.slos.find((s) => s.slo === "readP99Ms");
    expect(next?.status).toBe("met");
    expect(advice.seeds).toHaveLength(3);
    expect(advice.nextStep?.score.seeds).toEqual(advice.seeds);
  });

  it("gives the same advice, byte for byte, for the same profile", () => {
    const profile = { ...SATURATED, simulation: { duration: "500ms", warmup: "100ms", seeds: 3 } };
    const a = JSON.stringify(advise(profile));
    const b = JSON.stringify(advise(structuredClone(profile)));
    expect(a).toBe(b);
    expect(formatAdvice(JSON.parse(a))).toBe(formatAdvice(JSON.parse(b)));
  });

  it("puts a pool in front of a connection per request (too many connections -> connection pool)", () => {
    const storm = BUILTIN_PROFILES["connection-storm"] as ProfileInput;
    const advice = advise({ ...storm, simulation: { duration: "1s", warmup: "300ms", seeds: 3 } });
    expect(advice.symptoms.map((s) => s.code)).toContain("too-many-connections");
    expect(advice.nextStep?.step).toBe("pool");
    expect(advice.nextStep?.score.met).toBeGreaterThan(advice.current.met);
  });

  it("scores availability from a simulated primary crash, and says what it does not score yet", () => {
    // One crash a month (the default interval, 720 h), detected in 2 s: the writes
    // come back after 2 s plus the next write (200 × 0.5 = 100 writes/s), so
    // availability = 1 − recovery / interval is between 1 − 3 s / 720 h and 1 − 2 s / 720 h.
    const month = 720 * 3_600_000;
    const advice = advise(
      {
        name: "small",
        workload: { rate: 200, readShare: 0.5, sessions: 50 },
        data: { keys: 1000 },
        slo: { readP99Ms: 100, writeP99Ms: 100, availability: 0.999 },
        failures: { detection: "2s" },
        plan: { replicas: { count: 2 } },
        simulation: { duration: "500ms", warmup: "100ms", seeds: 3 },
      },
      { maxSuggestions: 0 },
    );
    const availability = advice.current.slos.find((s) => s.slo === "availability");
    expect(availability?.status).toBe("met");
    expect(availability?.value).toBeGreaterThanOrEqual(1 - 3_000 / month);
    expect(availability?.value).toBeLessThanOrEqual(1 - 2_000 / month);
    expect(formatAdvice(advice)).toMatch(
      /primary crash at 350 ms \(one per 720 h\): replica-\d promoted/,
    );
    expect(advice.notScored.join(" ")).toMatch(/CQRS: the read model's own store is not simulated/);
  });
});
