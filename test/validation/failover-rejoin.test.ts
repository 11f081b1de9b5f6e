// The old primary, back after its crash's `for`, rejoins as a replica of the
// promoted one: Patroni starts it as a standby of the new leader, rewound first
// with use_pg_rewind (Ha._handle_rewind_or_reinitialize, patroni/ha.py), so its
// lost branch is discarded and it streams from the fork on. Under PostgreSQL
// synchronous replication with ANY 2 standbys (synchronous_standby_names), a
// commit on the new primary with one standby left waits until a second one
// acknowledges it (PostgreSQL docs, "synchronous_commit": the wait is
// unbounded), so its writes complete only once the old primary has rejoined.
//
// Rewound, it is a hot standby of the promoted one: it serves reads once it has replayed to a consistent point
// (PostgreSQL docs, "Hot Standby": connections are accepted once recovery has
// reached a consistent state), and from then on it is one more replica in the
// rotation. pg_rewind made its data directory "analogous to a base backup of the
// source" (PostgreSQL docs, pg_rewind; Patroni's use_pg_rewind,
// Ha._handle_rewind_or_reinitialize in patroni/ha.py), so it never serves a
// version of the lost branch. Round-robin over three replicas gives it one read
// in three.
import { describe, expect, it } from "vitest";
import {
  checkMonotonicReads,
  checkReadYourWrites,
  type HistoryOp,
  runScenarioDetailed,
  type ScenarioInput,
} from "../../src/index.js";
import { shardReplicaNames } from "../../src/scenario/components/shard-sections.js";

const CRASH_MS = 1_000;
const DETECTION_MS = 300;
const FOR_MS = 1_500;
const REWIND_MS = 200;

function plan(mode: "async" | "sync"): ScenarioInput {
  return {
    seed: 9,
    duration: 4_000,
    warmup: 0,
    workload: { rate: 200, readRatio: 0.5, sessions: 20, keys: { count: 100 } },
    database: { cores: 8, maxConnections: 500 },
    client: { poolSize: 100 },
    replication: {
      replicas: 2,
      mode,
      acks: 2,
      network: { kind: "constant", value: 10 },
      applyTime: { kind: "constant", value: 0.1 },
      flushTime: { kind: "constant", value: 0.1 },
    },
    timeline: [
      {
        at: CRASH_MS,
        kind: "primary-crash",
        for: FOR_MS,
        failover: { detection: DETECTION_MS, rewind: REWIND_MS },
      },
    ],
  } as ScenarioInput;
}

describe("failover: the old primary rejoins as a replica", () => {
  it("sync with 2 acks: writes after the failover complete only once the old primary, rewound, acknowledges them", () => {
    const { report, history } = runScenarioDetailed(plan("sync"), { history: true });
    const ops = history?.toArray() ?? [];
    const rewoundMs = CRASH_MS + FOR_MS + REWIND_MS;
    const after = ops.filter(
      (o) => o.ok && o.kind === "write" && o.invokeMs >= CRASH_MS + DETECTION_MS,
    );
    expect(after.length).toBeGreaterThan(50);
    // One round trip (10 ms) after the rewind at the earliest: the old primary receives, flushes, answers.
    expect(Math.min(...after.map((o) => o.completeMs))).toBeGreaterThanOrEqual(rewoundMs + 10);
    const note = report.faults?.events[0]?.note ?? "";
    expect(note).toContain(`rewound at ${rewoundMs} ms`);
    expect(note).toMatch(/caught up at [0-9.]+ ms/);
  });

  it("async: rewound at back + rewind, and caught up (the note says when)", () => {
    const { report } = runScenarioDetailed(plan("async"));
    const fault = report.faults?.events[0];
    expect(fault?.lostWrites).toBeGreaterThanOrEqual(0);
    const caught = /caught up at ([0-9.]+) ms/.exec(fault?.note ?? "");
    expect(Number(caught?.[1])).toBeGreaterThanOrEqual(CRASH_MS + FOR_MS + REWIND_MS);
    expect(Number(caught?.[1])).toBeLessThan(CRASH_MS + FOR_MS + REWIND_MS + 100);
  });

  it("refuses a `for` no longer than the detection (the HA manager would keep it the primary)", () => {
    const input = plan("async");
    const timeline = [
      { at: CRASH_MS, kind: "primary-crash", for: 200, failover: { detection: 300 } },
    ];
    expect(() => runScenarioDetailed({ ...input, timeline } as ScenarioInput)).toThrow(
      /timeline\.0\.for.*longer than failover\.detection \(300 ms\)/s,
    );
  });
});

const REJOINED = "primary (rejoined)";

function readPlan(
  routing: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): ScenarioInput {
  return {
    seed: 3,
    duration: 4_000,
    warmup: 0,
    workload: { rate: 400, readRatio: 0.5, sessions: 40, keys: { count: 100 } },
    database: { cores: 8, maxConnections: 500 },
    client: { poolSize: 50 },
    replication: {
      replicas: 2,
      network: { kind: "constant", value: 20 },
      applyTime: { kind: "constant", value: 0.1 },
      flushTime: { kind: "constant", value: 0.1 },
    },
    routing: { via: "app", ...routing },
    timeline: [
      {
        at: CRASH_MS,
        kind: "primary-crash",
        node: extra.node ?? "primary",
        for: FOR_MS,
        failover: { detection: DETECTION_MS, rewind: REWIND_MS },
      },
    ],
    ...(extra.sharding === undefined ? {} : { sharding: extra.sharding }),
  } as ScenarioInput;
}

const identity = (key: number, version: number, lsn: number) => `${key}/${version}/${lsn}`;

function run(routing: Record<string, unknown>) {
  const { report, history } = runScenarioDetailed(readPlan(routing), { history: true });
  const ops = history?.toArray() ?? [];
  const fault = report.faults?.events[0];
  const caughtUpMs = Number(/caught up at ([0-9.]+) ms/.exec(fault?.note ?? "")?.[1]);
  const reads = ops.filter((o) => o.ok && o.kind === "read");
  // The old primary's node is "primary" in the history; after the crash only the rejoined one is.
  const fromOld = (r: HistoryOp) => r.node === "primary" && r.invokeMs > CRASH_MS;
  return { report, ops, fault, caughtUpMs, reads, fromOld };
}

describe("failover: the rejoined old primary serves reads", () => {
  it("round-robin: none before it caught up, one in three after, never a version of the lost branch", () => {
    const { report, ops, fault, caughtUpMs, reads, fromOld } = run({
      readBalancing: "round-robin",
    });
    const rewoundMs = CRASH_MS + FOR_MS + REWIND_MS;
    // Caught up within a round trip and the applies after the rewind.
    expect(caughtUpMs).toBeGreaterThanOrEqual(rewoundMs);
    expect(caughtUpMs).toBeLessThan(rewoundMs + 100);
    expect(reads.filter((r) => fromOld(r) && r.invokeMs < caughtUpMs)).toEqual([]);
    const after = reads.filter((r) => r.invokeMs >= caughtUpMs);
    const served = after.filter(fromOld);
    expect(after.length).toBeGreaterThan(200);
    // Round-robin over the promoted node, the other replica and the old primary.
    expect(served.length / after.length).toBeGreaterThan(0.3);
    expect(served.length / after.length).toBeLessThan(0.37);
    // The lost branch: acknowledged before the crash, beyond the promoted position.
    const forkLsn = fault?.promotedLsn ?? Number.NaN;
    const writes = ops.filter((o) => o.ok && o.kind === "write");
    const newBranch = new Set(
      writes.filter((w) => w.invokeMs >= CRASH_MS).map((w) => identity(w.key, w.version, w.lsn)),
    );
    const lost = writes
      .filter((w) => w.completeMs <= CRASH_MS && w.lsn > forkLsn)
      .map((w) => identity(w.key, w.version, w.lsn))
      .filter((id) => !newBranch.has(id));
    expect(lost.length).toBe(fault?.lostWrites ?? -1);
    expect(lost.length).toBeGreaterThan(0);
    const lostSet = new Set(lost);
    expect(
      served.filter((r) => lostSet.has(identity(r.key, r.version, r.versionLsn ?? -1))),
    ).toEqual([]);
    // Its row among the replicas: caught up with the new primary's log by the end.
    const row = report.replication?.replicas.find((x) => x.name === REJOINED);
    expect(row).toBeDefined();
    expect(report.replication?.primaryLsn).toBeGreaterThanOrEqual(row?.appliedLsn ?? 0);
    expect(row?.appliedLsn).toBeGreaterThan(forkLsn);
    // The monitor counts what the checker finds in the history, its reads included.
    expect(report.consistency?.violations.readYourWrites).toBe(checkReadYourWrites(ops).count);
    expect(report.consistency?.violations.monotonicReads).toBe(checkMonotonicReads(ops).count);
  });

  it("least-lag: its lag counts like any replica's, so it takes as many reads as the other follower", () => {
    const { fault, caughtUpMs, reads, fromOld } = run({ readBalancing: "least-lag" });
    expect(reads.filter((r) => fromOld(r) && r.invokeMs < caughtUpMs)).toEqual([]);
    // The promoted node applies nothing (lag 0) and wins most reads; the other
    // follower and the old primary stream over the same 20 ms link, so they tie.
    const other = fault?.promoted === "replica-1" ? "replica-2" : "replica-1";
    const after = reads.filter((r) => r.invokeMs >= caughtUpMs);
    const old = after.filter(fromOld).length;
    const follower = after.filter((r) => r.node === other).length;
    expect(follower).toBeGreaterThan(10);
    expect(old).toBeGreaterThanOrEqual(follower / 2);
    expect(old).toBeLessThanOrEqual(follower * 2);
  });

  it("sharded: the old primary of the crashed shard rejoins that shard and serves a third of its reads", () => {
    const { report, history } = runScenarioDetailed(
      readPlan(
        { readBalancing: "round-robin" },
        { node: "s1/primary", sharding: { shards: 2, strategy: "hash-mod" } },
      ),
      { history: true },
    );
    const ops = history?.toArray() ?? [];
    const fault = report.faults?.events[0];
    expect(fault?.promoted).toMatch(/^s1\/replica-[12]$/);
    const caughtUpMs = Number(/caught up at ([0-9.]+) ms/.exec(fault?.note ?? "")?.[1]);
    expect(caughtUpMs).toBeGreaterThanOrEqual(CRASH_MS + FOR_MS + REWIND_MS);
    const reads = ops.filter((o) => o.ok && o.kind === "read" && o.invokeMs > CRASH_MS);
    const fromOld = reads.filter((r) => r.node === "s1/primary");
    expect(fromOld.filter((r) => r.invokeMs < caughtUpMs)).toEqual([]);
    // Only shard 1's reads reach it; the other shard's primary serves none.
    expect(fromOld.every((r) => r.cluster === 1)).toBe(true);
    expect(reads.filter((r) => r.node === "s0/primary")).toEqual([]);
    const shardAfter = reads.filter((r) => r.cluster === 1 && r.invokeMs >= caughtUpMs);
    expect(shardAfter.length).toBeGreaterThan(100);
    expect(fromOld.length / shardAfter.length).toBeGreaterThan(0.3);
    expect(fromOld.length / shardAfter.length).toBeLessThan(0.37);
    const names = report.sharding?.shards[1]?.replication?.replicas.map((x) => x.name);
    expect(names).toContain("s1/primary (rejoined)");
    // The verdict names each shard's configured replicas in order: the rejoined row is not one.
    expect(shardReplicaNames(report)).toEqual([
      "s0/replica-1",
      "s0/replica-2",
      "s1/replica-1",
      "s1/replica-2",
    ]);
  });
});
