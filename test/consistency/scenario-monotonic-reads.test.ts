// Monotonic reads over all keys, end to end: on a run whose replicas drift apart,
// sessions go back in time on other keys far more often than on the same key; the
// routing policies that promise monotonic reads (pinning, or waiting for the LSN the
// session has read) show zero under the full check; and the online monitor of
// runScenario counts exactly what the offline checkers find in the recorded history.
import { describe, expect, it } from "vitest";
import {
  BUILTIN_SCENARIOS,
  checkMonotonicReads,
  checkMonotonicReadsPerKey,
  runScenarioDetailed,
  type ScenarioInput,
} from "../../src/index.js";

/**
 * The built-in read-your-writes plan, 2 s from a cold start, with 1,000 keys (so
 * sessions often read recently written rows) and a replication network whose p99 is
 * 100 ms (so the two replicas' applied positions drift apart).
 */
function driftingReplicas(consistency: object): ScenarioInput {
  const { variants: _variants, ...base } = BUILTIN_SCENARIOS["read-your-writes"] as Record<
    string,
    unknown
  > & { workload: Record<string, unknown>; replication: Record<string, unknown> };
  return {
    ...base,
    duration: "2s",
    warmup: "0s",
    workload: { ...base.workload, keys: { count: 1000, popularity: { kind: "zipf", s: 0.99 } } },
    replication: { ...base.replication, network: { kind: "lognormal", median: 2, p99: 100 } },
    routing: { via: "app", readBalancing: "round-robin", consistency },
  } as ScenarioInput;
}

function runWithHistory(consistency: object) {
  const run = runScenarioDetailed(driftingReplicas(consistency), { history: true });
  const history = run.history;
  if (history === null) throw new Error("no history recorded");
  return {
    online: run.report.consistency?.violations,
    anyKey: checkMonotonicReads(history),
    perKey: checkMonotonicReadsPerKey(history),
  };
}

describe("monotonic reads over all keys in a run", () => {
  it("without a policy: finds reads that go back on another key, which the per-key check misses", () => {
    const { online, anyKey, perKey } = runWithHistory({ policy: "none" });
    expect(perKey.count).toBeGreaterThan(0);
    expect(anyKey.count).toBeGreaterThan(perKey.count);
    expect(anyKey.unchecked).toBe(0); // every read carries its snapshot LSN
    expect(online?.monotonicReads).toBe(anyKey.count);
    expect(online?.monotonicReadsPerKey).toBe(perKey.count);
  });

  for (const policy of [
    { policy: "monotonic-reads", by: "pinning" },
    { policy: "monotonic-reads", by: "lsn", maxWait: "100ms" },
  ]) {
    it(`with ${policy.policy} by ${policy.by}: none, online or offline`, () => {
      const { online, anyKey, perKey } = runWithHistory(policy);
      expect(anyKey.count).toBe(0);
      expect(perKey.count).toBe(0);
      expect(online?.monotonicReads).toBe(0);
      expect(online?.monotonicReadsPerKey).toBe(0);
    });
  }
});
