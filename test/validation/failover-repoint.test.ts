// After a failover the surviving replicas follow the new primary, and a replica
// that had received WAL beyond the promoted position is rewound before it serves.
// - Patroni re-points the standbys at the new leader: Postgresql.follow
//   (patroni/postgresql/__init__.py) rewrites primary_conninfo, and since
//   PostgreSQL 13 a reload makes the WAL receiver restart with it (PostgreSQL
//   docs, "primary_conninfo"; src/test/recovery/t/001_stream_rep.pl, "check change
//   primary_conninfo without restart"). So their lag stays bounded after the
//   failover: what they read is at most a round trip and an apply behind.
// - A standby that received WAL the promoted one never had is on a timeline that
//   forked; it cannot stream from the new primary until pg_rewind has made its
//   data directory "analogous to a base backup of the source" (PostgreSQL docs,
//   pg_rewind; Patroni's use_pg_rewind, Ha._handle_rewind_or_reinitialize in
//   patroni/ha.py). So it never serves a version of the lost branch again.
import { describe, expect, it } from "vitest";
import {
  checkReadYourWrites,
  type HistoryOp,
  runScenarioDetailed,
  type ScenarioInput,
} from "../../src/index.js";

const CRASH_MS = 2_000;
const DETECTION_MS = 500;
const ONE_WAY_MS = 10;

function plan(timeline: NonNullable<ScenarioInput["timeline"]>, durationMs: number): ScenarioInput {
  return {
    seed: 5,
    duration: durationMs,
    warmup: 0,
    workload: { rate: 400, readRatio: 0.5, sessions: 40, keys: { count: 200 } },
    database: { cores: 8, maxConnections: 500 },
    client: { poolSize: 50 },
    replication: {
      replicas: 2,
      network: { kind: "constant", value: 2 * ONE_WAY_MS },
      applyTime: { kind: "constant", value: 0.1 },
      flushTime: { kind: "constant", value: 0.1 },
    },
    routing: { via: "app", readBalancing: "round-robin" },
    timeline: [
      ...timeline,
      { at: CRASH_MS, kind: "primary-crash", failover: { detection: DETECTION_MS, rewind: 500 } },
    ],
  } as ScenarioInput;
}

function ok(ops: readonly HistoryOp[], kind: "read" | "write") {
  return ops.filter((o) => o.ok && o.kind === kind);
}

describe("failover: the surviving replicas follow the new primary", () => {
  it("the replica not promoted keeps serving reads, at most a round trip and an apply behind the new primary", () => {
    const { report, history } = runScenarioDetailed(plan([], 4_000), { history: true });
    const ops = history?.toArray() ?? [];
    const promoted = report.faults?.events[0]?.promoted;
    const other = promoted === "replica-1" ? "replica-2" : "replica-1";
    const writes = ok(ops, "write");
    // Reads it served half a second after the promotion: each saw every write committed
    // 100 ms before it was invoked (a one-way trip, flush and apply take 10.2 ms).
    const reads = ok(ops, "read").filter(
      (r) => r.node === other && r.invokeMs >= CRASH_MS + DETECTION_MS + 500,
    );
    expect(reads.length).toBeGreaterThan(50);
    for (const r of reads) {
      const due = writes.filter((w) => w.invokeMs > CRASH_MS && w.completeMs <= r.invokeMs - 100);
      expect(r.lsn).toBeGreaterThanOrEqual(Math.max(...due.map((w) => w.lsn)));
    }
    const lag = report.replication?.replicas.find((x) => x.name === other);
    expect(lag?.replayLagMs.max).toBeLessThan(CRASH_MS + DETECTION_MS);
  });

  it("a replica that diverged (it had received the lost branch) is rewound: never serves a lost version, then follows", () => {
    // replica-1 is cut off from 1 s, replica-2 crashes at 1.9 s: at the crash replica-2
    // had received 0.9 s more of the log than replica-1, which is promoted (replica-2 is down).
    const back = 3_400;
    const timeline = [
      { at: 1_000, kind: "replica-outage", replica: "replica-1", for: 1_100 },
      { at: 1_900, kind: "replica-crash", replica: "replica-2", for: back - 1_900, detection: 50 },
    ] as NonNullable<ScenarioInput["timeline"]>;
    const { report, history } = runScenarioDetailed(plan(timeline, 5_000), { history: true });
    const ops = history?.toArray() ?? [];
    const fault = report.faults?.events.find((e) => e.kind === "primary-crash");
    expect(fault?.promoted).toBe("replica-1");
    const forkLsn = fault?.promotedLsn ?? Number.NaN;
    const writes = ok(ops, "write");
    const identity = (o: HistoryOp) => `${o.key}/${o.version}/${o.lsn}`;
    const newBranch = new Set(writes.filter((w) => w.invokeMs >= CRASH_MS).map(identity));
    const lostBranch = new Set(
      writes
        .filter((w) => w.completeMs <= CRASH_MS && w.lsn > forkLsn)
        .map(identity)
        .filter((id) => !newBranch.has(id)),
    );
    // replica-2 had applied some of the lost branch before it crashed.
    const servedBefore = ok(ops, "read").filter(
      (r) => r.node === "replica-2" && r.lsn > forkLsn && r.completeMs <= 1_900,
    );
    expect(servedBefore.length).toBeGreaterThan(0);
    expect(lostBranch.size).toBeGreaterThan(0);
    const after = ok(ops, "read").filter((r) => r.node === "replica-2" && r.invokeMs >= back);
    // Out of the rotation for the rewind (500 ms), then serving again…
    expect(Math.min(...after.map((r) => r.invokeMs))).toBeGreaterThanOrEqual(back + 500);
    expect(after.length).toBeGreaterThan(50);
    // …never a version of the lost branch.
    const lostServed = after.filter((r) => lostBranch.has(`${r.key}/${r.version}/${r.versionLsn}`));
    expect(lostServed).toEqual([]);
    // And the monitor still counts what the checker finds.
    expect(report.consistency?.violations.readYourWrites).toBe(checkReadYourWrites(ops).count);
  });
});
