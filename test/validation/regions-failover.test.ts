// Validation of node crashes in a multi-region plan, with every delay constant so
// each latency is exact arithmetic on the round-trip matrix:
// - after a primary crash, the most advanced replica is promoted (Patroni's
//   leader race; PostgreSQL promote) and the leader endpoint leads to it, so the
//   primary's region becomes the promoted replica's: a write from region X then
//   costs the local write plus rtt(X, new primary's region) (0 in that region);
// - reads go to the nearest region that holds a node still in the rotation; the
//   other replicas follow the new primary (Patroni re-points them) and keep
//   serving their regions' reads, as they do without regions;
// - a crashed replica leaves its region's reads after the health check
//   (HAProxy `inter` × `fall`), which then go to the nearest other region.
import { describe, expect, it } from "vitest";
import {
  builtinScenario,
  type HistoryOp,
  resolveVariants,
  runScenario,
  runScenarioDetailed,
  type ScenarioInput,
} from "../../src/index.js";
import { regionsPlan } from "./regions-plan.js";

const NAMES = ["us", "eu", "ap"] as const;
const RTT = { "us-eu": 70, "us-ap": 190, "eu-ap": 120 };
/** Same-datacenter round trip plus the statement's own time. */
const LOCAL_WRITE = 0.5 + 0.2;
const LOCAL_READ = 0.5 + 0.1;
const CRASH = 1_000;
const DETECTION = 500;

/** One closed client per region (session i in region i), single statements, nothing queues. */
function plan(timeline: NonNullable<ScenarioInput["timeline"]>): ScenarioInput {
  return regionsPlan({
    seed: 3,
    duration: 3_000,
    names: NAMES,
    // eu is nearer the primary, so its replica has received at least as much: promoted.
    replicas: [
      { name: "r-eu", region: "eu" },
      { name: "r-ap", region: "ap" },
    ],
    regions: { list: NAMES.map((name) => ({ name })), primary: "us", rtt: RTT },
    timeline,
  });
}

/** The distinct latencies of a region's successful operations of one kind in [from, to). */
function latencies(
  ops: readonly HistoryOp[],
  region: string,
  kind: string,
  from: number,
  to: number,
) {
  const session = NAMES.indexOf(region as (typeof NAMES)[number]);
  const chosen = ops.filter(
    (o) =>
      o.ok && o.session === session && o.kind === kind && o.invokeMs >= from && o.completeMs < to,
  );
  expect(chosen.length, `${region} ${kind}s in [${from}, ${to})`).toBeGreaterThan(0);
  return [...new Set(chosen.map((o) => Number((o.completeMs - o.invokeMs).toFixed(9))))];
}

describe("primary crash in a 3-region plan (constant delays)", () => {
  const run = runScenarioDetailed(
    plan([{ at: CRASH, kind: "primary-crash", failover: { detection: DETECTION } }]),
    { history: true },
  );
  const ops = run.history?.toArray() ?? [];
  const after = CRASH + DETECTION;

  it("promotes the replica nearest the primary", () => {
    expect(run.report.faults?.events[0]?.promoted).toBe("r-eu");
    expect(run.report.faults?.events[0]?.endMs).toBe(after);
  });

  it("before: writes pay the round trip to us, reads are local", () => {
    expect(latencies(ops, "us", "write", 0, CRASH)).toEqual([LOCAL_WRITE]);
    expect(latencies(ops, "eu", "write", 0, CRASH)).toEqual([LOCAL_WRITE + RTT["us-eu"]]);
    expect(latencies(ops, "ap", "write", 0, CRASH)).toEqual([LOCAL_WRITE + RTT["us-ap"]]);
    for (const region of NAMES)
      expect(latencies(ops, region, "read", 0, CRASH)).toEqual([LOCAL_READ]);
  });

  it("after: writes pay the round trip to eu, the new primary's region", () => {
    const end = 3_000;
    expect(latencies(ops, "eu", "write", after, end)).toEqual([LOCAL_WRITE]);
    expect(latencies(ops, "us", "write", after, end)).toEqual([LOCAL_WRITE + RTT["us-eu"]]);
    expect(latencies(ops, "ap", "write", after, end)).toEqual([LOCAL_WRITE + RTT["eu-ap"]]);
  });

  it("after: reads go to the nearest node still in the rotation", () => {
    const end = 3_000;
    expect(latencies(ops, "eu", "read", after, end)).toEqual([LOCAL_READ]);
    // us lost its node; r-ap is re-pointed at the new primary (Patroni rewrites its
    // primary_conninfo) and keeps serving ap's reads locally.
    expect(latencies(ops, "us", "read", after, end)).toEqual([LOCAL_READ + RTT["us-eu"]]);
    expect(latencies(ops, "ap", "read", after, end)).toEqual([LOCAL_READ]);
    expect(ops.filter((o) => !o.ok && o.invokeMs >= after)).toEqual([]);
  });
});

describe("replica crash in a 3-region plan (constant delays)", () => {
  const detection = 200;
  const run = runScenarioDetailed(
    plan([{ at: CRASH, kind: "replica-crash", replica: "r-ap", detection, for: 600 }]),
    { history: true },
  );
  const ops = run.history?.toArray() ?? [];

  it("sends its region's reads to the nearest other region once detected, and back after", () => {
    const detected = CRASH + detection;
    // From ap the nearest region is eu (120 ms), nearer than us (190 ms).
    expect(latencies(ops, "ap", "read", detected, CRASH + 600)).toEqual([
      LOCAL_READ + RTT["eu-ap"],
    ]);
    expect(latencies(ops, "ap", "read", CRASH + 600, 3_000)).toEqual([LOCAL_READ]);
    const failed = ops.filter((o) => !o.ok);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((o) => o.invokeMs < detected)).toBe(true);
  });
});

describe("the built-in regions, variant regional-failover", () => {
  it("promotes the replica the log reaches first, and async loses what was on its way", () => {
    const input = builtinScenario("regions");
    if (input === undefined) throw new Error("no built-in regions");
    // 41 s of run: the crash at 30 s, its detection 10 s later still inside.
    const resolved = resolveVariants({ ...input, duration: "26s", warmup: "15s" });
    if (!resolved.ok) throw new Error(JSON.stringify(resolved.issues));
    const plan = resolved.variants.find((v) => v.name === "regional-failover");
    if (plan === undefined) throw new Error("no variant regional-failover");
    const faults = runScenario(plan.scenario).faults;
    // A record reaches eu-west after half of 75 ms, ap-south after half of 190 ms.
    expect(faults?.events[0]?.promoted).toBe("eu-west-1");
    // Async: a write committed within the one-way trip before the crash had not arrived.
    expect(faults?.lostWrites).toBeGreaterThan(0);
    expect(faults?.events[0]?.rpoMs).toBeLessThanOrEqual(75 / 2 + 5);
  });
});
