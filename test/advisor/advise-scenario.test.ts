// adviseScenario: the symptoms of a scenario's runs, and each step they call
// for applied to the scenario itself and simulated on the same seeds. The
// expectations rest on the report's figures and on how the real systems
// behave, never on the advice's own output.
import { describe, expect, it } from "vitest";
import {
  adviseScenario,
  applyScenarioStep,
  builtinScenario,
  runScenario,
  type ScenarioInput,
} from "../../src/index.js";

const SLO = { readP99Ms: 10, writeP99Ms: 20, errorBudget: 0.001 };

const short = (name: string): ScenarioInput => {
  const { variants: _v, ...s } = builtinScenario(name) as ScenarioInput & { variants?: unknown };
  return { ...s, duration: "1s", warmup: "200ms" } as ScenarioInput;
};

// Each advice is a dozen short runs: made once per scenario for the tests below.
const made = new Map<string, ReturnType<typeof adviseScenario>>();
const adviceOf = (name: string) => {
  const advice = made.get(name) ?? adviseScenario(SLO, short(name));
  made.set(name, advice);
  return advice;
};

describe("adviseScenario", () => {
  it("every suggestion is the stepped scenario, run on the same seeds", () => {
    const scenario = short("read-your-writes");
    const advice = adviceOf("read-your-writes");
    expect(advice.suggestions.length).toBeGreaterThan(0);
    for (const g of advice.suggestions) {
      expect(g.score.scenario).toEqual(applyScenarioStep(scenario, g.step));
      expect(g.score.seeds).toEqual(advice.current.seeds);
      const reports = g.score.seeds.map((seed) => runScenario(g.score.scenario, { seed }));
      const write = g.score.slos.find((s) => s.slo === "writeP99Ms");
      expect(write?.perSeed).toEqual(reports.map((r) => r.latency.write.p99));
    }
  });

  it("read-your-writes: violations call for reads from the primary after a write, or sync replication, and both cure them", () => {
    const scenario = short("read-your-writes");
    const advice = adviceOf("read-your-writes");
    const reports = advice.current.seeds.map((seed) => runScenario(scenario, { seed }));
    // The report's own count: reloads that landed on a replica behind the post.
    expect(reports.some((r) => (r.consistency?.violations.readYourWrites ?? 0) > 0)).toBe(true);
    const symptom = advice.symptoms.find((s) => s.code === "read-your-writes-violated");
    expect(symptom?.steps).toEqual(["read-primary-after-write", "sync-replication"]);
    const window = advice.suggestions.find((g) => g.step === "read-primary-after-write");
    const sync = advice.suggestions.find((g) => g.step === "sync-replication");
    // A 1 s window is far longer than the replicas' lag (2 ms median round
    // trip, 1–2 ms apply): the session's reads after its write go to the primary.
    expect(window?.score.evidence.readYourWritesViolations).toBe(0);
    // remote_apply: a commit returns once every standby has applied it and it
    // "has become visible to queries on the standby" (PostgreSQL docs, synchronous_commit).
    expect(sync?.score.evidence.readYourWritesViolations).toBe(0);
    // ... and every commit waits for the slower of two round trips whose p99 is
    // 20 ms, so the write p99 passes the 20 ms target: the window ranks first.
    expect(sync?.score.slos.find((s) => s.slo === "writeP99Ms")?.status).toBe("missed");
    expect(advice.nextStep?.step).toBe("read-primary-after-write");
    expect(advice.nextStep?.cures).toEqual(["read-your-writes-violated"]);
  });

  it("write-heavy: a write p99 missed on a primary serving mostly writes calls for scale-up, shard and write batching", () => {
    const scenario = short("write-heavy");
    const advice = adviceOf("write-heavy");
    const report = runScenario(scenario, { seed: advice.current.seeds[0] as number });
    const primary = report.nodes.find((n) => n.role === "primary");
    // 850/s with 70 % writes: the primary serves more writes than reads.
    expect(primary?.writesServed ?? 0).toBeGreaterThan(primary?.readsServed ?? 0);
    const missed = advice.symptoms.find((s) => s.message.startsWith("writeP99Ms missed"));
    expect(missed?.steps).toEqual(["scale-up", "shard", "write-batching"]);
    expect(advice.suggestions.map((g) => g.step).sort()).toEqual([
      "scale-up",
      "shard",
      "write-batching",
    ]);
    const before = advice.current.evidence.nodes[0]?.utilization ?? 0;
    const up = advice.suggestions.find((g) => g.step === "scale-up");
    // The same CPU work on twice the cores: utilisation about halves (USL
    // contention makes it a little more than half).
    const after = up?.score.evidence.nodes[0]?.utilization ?? 1;
    expect(after).toBeGreaterThan(before * 0.4);
    expect(after).toBeLessThan(before * 0.6);
    // Two shards split the writes by key: each primary serves about half of them.
    const shard = advice.suggestions.find((g) => g.step === "shard");
    const primaries = shard?.score.evidence.nodes.filter((n) => n.role === "primary") ?? [];
    expect(primaries).toHaveLength(2);
    const writes = advice.current.evidence.nodes[0]?.writesPerSec ?? 0;
    for (const p of primaries)
      expect(Math.abs(p.writesPerSec - writes / 2)).toBeLessThan(writes * 0.1);
  });

  it("shard-key: per-tenant queries scattered by a row key call for the tenant key, which keeps every query on one shard", () => {
    const advice = adviceOf("shard-key");
    // 30 % of the 90 % reads are per-tenant queries that span shards: about
    // 1 − 0.3 × 0.9 = 73 % of operations stay on one shard.
    const share = advice.current.evidence.sharding?.singleShardShare ?? 1;
    expect(Math.abs(share - (1 - 0.3 * 0.9))).toBeLessThan(0.02);
    expect(advice.symptoms.map((s) => s.code)).toContain("scatter-queries");
    const tenant = advice.suggestions.find((g) => g.step === "shard-key");
    expect(tenant?.score.scenario.sharding?.key).toBe("tenant");
    // By tenant, a tenant's rows all live on its shard: nothing scatters.
    expect(tenant?.score.evidence.sharding?.singleShardShare).toBe(1);
    expect(tenant?.cures).toEqual(["scatter-queries"]);
    // ... but the biggest tenants' shard carries more than the mean's load.
    expect(tenant?.score.evidence.sharding?.imbalance ?? 0).toBeGreaterThan(
      advice.current.evidence.sharding?.imbalance ?? 0,
    );
  });
});
