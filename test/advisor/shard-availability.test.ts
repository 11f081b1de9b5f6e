// Availability of a sharded plan, scored by crashing one shard's primary. The
// definition: what a user of a key sees, the share of writes whose shard is up.
// Each of the n shards fails once per interval (the interval is per node) and
// takes its share w_i of the writes down for the recovery r, so
//   unavailability = Σ_i w_i · r / interval = r / interval        (Σ w_i = 1)
// e.g. 4 shards: (4 failures × ¼ of the writes × r) / interval. The bounds
// below come from the configured detection and replacement, as
// availability.test.ts's: with replicas r = detection + promotion (~0 at this
// rate) + the wait for shard 0's next write (25 writes/s, allow 1 s); without,
// r = the replacement + that wait. Figures of a crash in shard 0 only:
// docs/faults.md "In a sharded plan" (one HA manager per shard, as Vitess's
// VTOrc recovers each keyspace shard on its own).
import { describe, expect, it } from "vitest";
import { advise, formatAdvice, type ProfileInput } from "../../src/advisor/index.js";
import { planSearch } from "../../src/advisor/search.js";

const HOUR_MS = 3_600_000;
const DETECTION_MS = 2_000;
const REPLACEMENT_MS = 10_000;
const SHARDS = 4;

const profile: ProfileInput = {
  name: "shard availability",
  workload: { rate: 200, readShare: 0.5, sessions: 50 },
  data: { keys: 10_000 },
  slo: { readP99Ms: 50, writeP99Ms: 50, availability: 0.999, lostWrites: 0 },
  failures: { interval: "1h", detection: DETECTION_MS, replacement: REPLACEMENT_MS },
  simulation: { duration: 1_000, warmup: 500, seeds: 3 },
};

const scoreOf = (plan: ProfileInput["plan"]) => {
  const advice = advise(profile, { plan: plan ?? {}, maxSuggestions: 0 });
  const score = advice.current;
  const slo = (name: string) => {
    const row = score.slos.find((s) => s.slo === name);
    if (row === undefined) throw new Error(`no ${name} row`);
    return row;
  };
  return { advice, score, availability: slo("availability"), lostWrites: slo("lostWrites") };
};

/** 1 − (n failures × 1/n of the writes × recovery) / interval. */
const perKey = (recoveryMs: number) => 1 - (SHARDS * (1 / SHARDS) * recoveryMs) / HOUR_MS;

describe("availability of a sharded plan: one shard's primary crashed", () => {
  it("with replicas: 1 − recovery / interval, n failures each taking 1/n of the writes", () => {
    const { advice, score, availability, lostWrites } = scoreOf({
      replicas: { count: 1 },
      shards: { count: SHARDS },
    });
    expect(availability.status).toBe("met");
    for (const a of availability.perSeed) {
      expect(a).toBeLessThanOrEqual(perKey(DETECTION_MS));
      expect(a).toBeGreaterThanOrEqual(perKey(DETECTION_MS + 1_000));
      // Not the share of time every key is up, 1 − n · r / interval (0.99778 here).
      expect(a).toBeGreaterThan(1 - (SHARDS * DETECTION_MS) / HOUR_MS);
    }
    const evidence = score.availability;
    expect(evidence?.shard).toEqual({ node: "s0/primary", shards: SHARDS });
    // The failover stays inside shard 0: its own replica is promoted.
    expect(evidence?.promoted).toEqual(["s0/replica-1", "s0/replica-1", "s0/replica-1"]);
    expect(evidence?.scenario.timeline?.[0]).toMatchObject({
      kind: "primary-crash",
      node: "s0/primary",
    });
    expect(lostWrites.status).not.toBe("not scored");
    expect(formatAdvice(advice)).toMatch(
      /s0\/primary crash at 1000 ms \(one per 1 h per shard, 4 shards\): s0\/replica-1 promoted; recovery 20\d\d ms/,
    );
  });

  it("without replicas the shard is down for the replacement, and keeps what it acknowledged", () => {
    const { score, availability, lostWrites } = scoreOf({ shards: { count: SHARDS } });
    // 1 − 10 s / 1 h = 0.99722 < 0.999, whatever the number of shards.
    expect(availability.status).toBe("missed");
    for (const a of availability.perSeed) {
      expect(a).toBeLessThanOrEqual(perKey(REPLACEMENT_MS));
      expect(a).toBeGreaterThanOrEqual(perKey(REPLACEMENT_MS + 1_000));
    }
    // Its WAL was flushed at each commit: nothing acknowledged is lost.
    expect(score.availability?.lostWrites).toEqual([0, 0, 0]);
    expect(lostWrites.status).toBe("met");
  });

  it("counts the crash runs of a sharded plan in a search's bounds", () => {
    const sharded = { ...profile, plan: { shards: { count: SHARDS } } };
    const { availability: _, lostWrites: __, ...slo } = profile.slo ?? {};
    const plain = planSearch({ ...sharded, slo });
    expect(planSearch(sharded).runs).toBe(2 * plain.runs);
  });
});
