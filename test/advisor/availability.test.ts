// Availability scored by simulation: one primary crash per failures.interval,
// availability = 1 − recovery / interval (MTBF / (MTBF + MTTR) ≈ 1 − MTTR / MTBF,
// Barlow & Proschan 1965). The expected figures come from the configured
// detection and replacement times, not from the code's output: with replicas the
// writes come back after detection + promotion (the replay is ~0 at this rate)
// plus the wait for the next write; without, after the replacement.
import { describe, expect, it } from "vitest";
import {
  advise,
  diagnose,
  formatAdvice,
  type ProfileInput,
  resolvePlan,
  resolveProfile,
  type SloResult,
  scorePlan,
} from "../../src/advisor/index.js";
import { planSearch } from "../../src/advisor/search.js";
import { applyStep } from "../../src/advisor/steps.js";

const DAY_MS = 86_400_000;
const DETECTION_MS = 10_000;
const REPLACEMENT_MS = 120_000;

const profile: ProfileInput = {
  name: "availability",
  workload: { rate: 200, readShare: 0.5, sessions: 50 },
  data: { keys: 10_000 },
  slo: { readP99Ms: 50, writeP99Ms: 50, availability: 0.999 },
  failures: { interval: "24h", detection: DETECTION_MS, replacement: REPLACEMENT_MS },
  simulation: { duration: 1_000, warmup: 500, seeds: 3 },
};

const availabilityOf = (p: ProfileInput, plan: ProfileInput["plan"]) => {
  const score = scorePlan(resolveProfile(p), plan ?? {});
  const slo = score.slos.find((s) => s.slo === "availability");
  if (slo === undefined) throw new Error("no availability row");
  return { score, slo };
};

/** The replica plan's score, computed once for the tests that read it. */
let replicaScore: ReturnType<typeof availabilityOf> | undefined;
const withReplica = () => {
  replicaScore ??= availabilityOf(profile, { replicas: { count: 1 } });
  return replicaScore;
};

describe("availability scored by a simulated primary crash", () => {
  it("a plan with replicas meets 0.999 where one without misses it", () => {
    const withReplicas = withReplica();
    const without = availabilityOf(profile, {});
    // 100 writes/s: the first write after the promotion comes within a few ms; allow 1 s.
    const best = 1 - DETECTION_MS / DAY_MS;
    const worst = 1 - (DETECTION_MS + 1_000) / DAY_MS;
    expect(withReplicas.slo.status).toBe("met");
    for (const a of withReplicas.slo.perSeed) {
      expect(a).toBeLessThanOrEqual(best);
      expect(a).toBeGreaterThanOrEqual(worst);
    }
    // Without replicas the node is down for the replacement: 1 − 120 s / 1 day = 0.99861.
    expect(without.slo.status).toBe("missed");
    for (const a of without.slo.perSeed) {
      expect(a).toBeLessThanOrEqual(1 - REPLACEMENT_MS / DAY_MS);
      expect(a).toBeGreaterThanOrEqual(1 - (REPLACEMENT_MS + 1_000) / DAY_MS);
    }
    // Its WAL was flushed at each commit: the replaced primary lost no acknowledged write.
    expect(without.score.availability?.lostWrites).toEqual([0, 0, 0]);
    expect(without.score.availability?.promoted).toEqual([null, null, null]);
    expect(withReplicas.score.availability?.promoted).toEqual([
      "replica-1",
      "replica-1",
      "replica-1",
    ]);
  });

  it("is deterministic", () => {
    const a = withReplica();
    const b = availabilityOf(profile, { replicas: { count: 1 } });
    expect(JSON.stringify(a.score)).toBe(JSON.stringify(b.score));
  });

  it("advises a replica when the plan without one misses the availability SLO", () => {
    const advice = advise(profile, { maxSuggestions: 1 });
    expect(advice.symptoms.map((s) => s.message).join(" ")).toMatch(/availability missed/);
    expect(advice.nextStep?.step).toBe("replica");
    const after = advice.nextStep?.score.slos.find((s) => s.slo === "availability");
    expect(after?.status).toBe("met");
    // The text keeps the nines: 1 − 120 s / 1 day = 0.998611 shows as 0.99861, not 0.9986.
    expect(formatAdvice(advice)).toMatch(/availability +missed +0\.9986\d against 0\.999/);
    expect(formatAdvice(advice)).toMatch(/no replica: down until replaced; recovery 1200\d\d ms/);
  });

  it("counts the crash runs in a search's bounds", () => {
    const { availability: _, ...slo } = profile.slo;
    const plain = planSearch({ ...profile, slo });
    const crashed = planSearch(profile);
    expect(crashed.runs).toBe(2 * plain.runs);
    // The longest crash run (no replica) lasts half the window + the 120 s replacement + 2 s,
    // over 100 times the plan's 1.5 s: its events bound each run.
    expect(crashed.eventsPerRun).toBeGreaterThan(50 * plain.eventsPerRun);
  });

  it("judges the writes a failure loses; semi-sync loses none, and is the step for a missed budget", () => {
    const budget = { ...profile, slo: { ...profile.slo, lostWrites: 0 } };
    // Semi-sync (MySQL AFTER_SYNC): a commit returns once a replica received it, and the
    // most advanced replica is promoted, so no acknowledged write is lost (faults.md).
    const semi = availabilityOf(budget, { replicas: { count: 1, mode: "semi-sync" } }).score;
    const lost = semi.slos.find((s) => s.slo === "lostWrites");
    expect(semi.availability?.lostWrites).toEqual([0, 0, 0]);
    expect(lost?.status).toBe("met");
    const missed = { ...(lost as SloResult), status: "missed" as const, value: 3 };
    const symptoms = diagnose(resolveProfile(budget), semi.evidence, [missed]);
    expect(symptoms[0]?.steps).toEqual(["semi-sync"]);
    const async = resolvePlan({ replicas: { count: 2 } });
    expect(applyStep(async, "semi-sync")?.replicas).toEqual({ count: 2, mode: "semi-sync" });
    expect(applyStep(resolvePlan({}), "semi-sync")).toBeNull();
  });
});
