// Validation of a node crash in a sharded plan, the lost writes counted from the
// recorded history alone. Each shard is a cluster of its own with its own log, so
// a crash of one shard's primary fails over inside that shard: PostgreSQL's
// promote (docs "High Availability", 27.2.4 "Standby Server Operation") ends
// recovery once the standby has replayed what it received, and the new primary
// continues its log from there on a new timeline (26.3.5 "Timelines"); under async
// replication the writes that shard had acknowledged beyond the promoted position
// are gone. The other shards' logs, nodes and clients are untouched: none of their
// operations fails and none of their writes is lost.
import { describe, expect, it } from "vitest";
import { checkLostWrites, runScenarioDetailed, type ScenarioInput } from "../../src/index.js";
import { clusterOf, LAGGING_REPLICAS, lostBeyondPromoted } from "./cluster-failover.js";

const CRASH_MS = 2_000;
const SHARD = 1;

function scenario(timeline: unknown[], durationMs = 3_000): ScenarioInput {
  return {
    seed: 11,
    duration: durationMs,
    warmup: 0,
    workload: { rate: 900, readRatio: 0.5, sessions: 60, keys: { count: 600 } },
    ...LAGGING_REPLICAS,
    sharding: { shards: 3, strategy: "hash-mod" },
    timeline,
  } as ScenarioInput;
}

describe("a crash in a sharded plan fails over inside its shard", () => {
  const { report, history } = runScenarioDetailed(
    scenario([
      {
        at: CRASH_MS,
        kind: "primary-crash",
        node: `s${SHARD}/primary`,
        failover: { detection: 400 },
      },
    ]),
    { history: true },
  );
  const ops = history?.toArray() ?? [];
  const fault = report.faults?.events[0];

  it("loses exactly the shard's acknowledged writes beyond its promoted replica, as the history shows", () => {
    const { promotedLsn, lost } = lostBeyondPromoted(ops, SHARD, CRASH_MS);
    expect(lost.length).toBeGreaterThan(0);
    expect(fault?.node).toBe(`s${SHARD}/primary`);
    expect(fault?.promoted).toMatch(/^s1\/replica-[12]$/);
    expect(fault?.promotedLsn).toBe(promotedLsn);
    expect(fault?.lostWrites).toBe(lost.length);
    expect(report.faults?.lostWrites).toBe(lost.length);
    const checked = checkLostWrites(ops, { maxExamples: 1_000 });
    expect(checked.count).toBe(lost.length);
    for (const v of checked.violations) expect(clusterOf(v.op)).toBe(SHARD);
  });

  it("fails operations of the crashed shard only: the other shards' error counts stay zero", () => {
    const failed = (shard: number) => ops.filter((o) => !o.ok && clusterOf(o) === shard).length;
    expect(failed(SHARD)).toBeGreaterThan(0);
    expect(failed(SHARD)).toBe(fault?.errors.node_down);
    expect(failed(0)).toBe(0);
    expect(failed(2)).toBe(0);
    // They kept serving writes through the crashed shard's downtime.
    const during = (shard: number) =>
      ops.filter(
        (o) =>
          o.ok &&
          o.kind === "write" &&
          clusterOf(o) === shard &&
          o.invokeMs >= CRASH_MS &&
          o.completeMs <= CRASH_MS + 400,
      ).length;
    expect(during(0)).toBeGreaterThan(0);
    expect(during(2)).toBeGreaterThan(0);
    expect(during(SHARD)).toBe(0);
  });

  it("crashes the named shard's replica only", () => {
    const run = runScenarioDetailed(
      scenario(
        [{ at: 500, kind: "replica-crash", replica: "s2/replica-1", detection: 300 }],
        1_200,
      ),
      { history: true },
    );
    const all = run.history?.toArray() ?? [];
    const row = run.report.faults?.events[0];
    expect(row?.node).toBe("s2/replica-1");
    const failed = all.filter((o) => !o.ok);
    expect(failed.length).toBe(row?.errors.node_down);
    // Reads sent to it before the router's check took it out (300 ms), none after.
    for (const o of failed) {
      expect([clusterOf(o), o.kind]).toEqual([2, "read"]);
      expect(o.invokeMs).toBeLessThan(800);
    }
    expect(failed.length).toBeGreaterThan(0);
  });
});
