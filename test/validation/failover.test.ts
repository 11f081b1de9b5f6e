// Validation of failover (primary-crash) through the public API, the lost writes
// computed from the recorded history alone, not from the model's own count:
// - PostgreSQL promote (docs "High Availability", 27.2.4 "Standby Server
//   Operation" / pg_promote) ends recovery once the standby has replayed all WAL it
//   has, and the new primary continues its log from there on a new timeline
//   (26.3.5 "Timelines"). So the new primary's first LSN is the promoted position
//   P + 1, and the writes lost are exactly the ones acknowledged before the crash
//   with an LSN above P.
// - Async replication loses those; MySQL semi-sync waiting after sync
//   (rpl_semi_sync_source_wait_point = AFTER_SYNC, MySQL 8.4 manual 19.4.10) has
//   every acknowledged commit received by a replica, so the most advanced replica
//   has them all: none lost — unless the source had fallen back to async after
//   rpl_semi_sync_source_timeout with no replica answering; PostgreSQL
//   synchronous_commit = on / remote_apply loses none either.
// - Downtime: detection (Patroni's leader key ttl), then the replay of what the
//   promoted standby received and had not applied, then the endpoint's switch.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkLostWrites,
  type HistoryOp,
  runScenarioDetailed,
  type ScenarioInput,
} from "../../src/index.js";

interface Setup {
  readonly mode: "async" | "semi-sync" | "sync";
  readonly synchronousCommit?: "on" | "remote_apply";
  readonly crashMs: number;
  readonly seed?: number;
  readonly timeline?: NonNullable<ScenarioInput["timeline"]>;
  readonly replicas?: number;
}

/** Writes and reads over a slow cross-zone link, so async replicas trail by tens of ms. */
function scenario(s: Setup): ScenarioInput {
  return {
    seed: s.seed ?? 7,
    duration: s.crashMs + 1_500,
    warmup: 0,
    workload: { rate: 400, readRatio: 0.5, sessions: 40, keys: { count: 200 } },
    database: { cores: 8, maxConnections: 500 },
    client: { poolSize: 50 },
    replication: {
      replicas: s.replicas ?? 2,
      mode: s.mode,
      timeout: 300,
      ...(s.synchronousCommit === undefined ? {} : { synchronousCommit: s.synchronousCommit }),
      network: { kind: "lognormal", median: 20, p99: 200 },
    },
    routing: { via: "app", readBalancing: "round-robin" },
    timeline: [
      ...(s.timeline ?? []),
      { at: s.crashMs, kind: "primary-crash", failover: { detection: 500 } },
    ],
  } as ScenarioInput;
}

interface FromHistory {
  /** Writes acknowledged before the crash. */
  readonly acked: number;
  /** The promoted position: the new primary's first LSN minus one. */
  readonly promotedLsn: number;
  /** Of the acknowledged writes, those beyond it. */
  readonly lost: number;
  /** The first write acknowledged after the crash. */
  readonly firstWriteAfterMs: number;
}

/** What the history alone says: the new timeline starts at the lowest LSN written after the crash. */
function fromHistory(ops: readonly HistoryOp[], crashMs: number): FromHistory {
  const writes = ops.filter((o) => o.ok && o.kind === "write");
  const before = writes.filter((o) => o.completeMs <= crashMs);
  const after = writes.filter((o) => o.invokeMs >= crashMs);
  const promotedLsn = Math.min(...after.map((o) => o.lsn)) - 1;
  return {
    acked: before.length,
    promotedLsn,
    lost: before.filter((o) => o.lsn > promotedLsn).length,
    firstWriteAfterMs: Math.min(...after.map((o) => o.completeMs)),
  };
}

/** Six significant digits, as the report rounds every figure. */
function sixDigits(x: number): number {
  return Number(x.toPrecision(6));
}

function run(s: Setup) {
  const { report, history } = runScenarioDetailed(scenario(s), { history: true });
  const ops = history?.toArray() ?? [];
  const fault = report.faults?.events[0];
  if (fault === undefined) throw new Error("no fault row");
  return { report, ops, fault, seen: fromHistory(ops, s.crashMs) };
}

describe("primary crash and failover: acknowledged writes lost", () => {
  it("async: exactly the acknowledged writes beyond the promoted replica's received position, and the checker finds the same", () => {
    // 11 s of 200 writes/s (about 2 200 acknowledged): past the 2 048 acknowledged writes after which the
    // model forgets those every replica has received.
    const { report, ops, fault, seen } = run({ mode: "async", crashMs: 11_000 });
    expect(seen.acked).toBeGreaterThan(2_048);
    expect(seen.lost).toBeGreaterThan(0);
    expect(fault.promotedLsn).toBe(seen.promotedLsn);
    expect(fault.lostWrites).toBe(seen.lost);
    expect(report.faults?.lostWrites).toBe(seen.lost);
    const checked = checkLostWrites(ops, { maxExamples: 1_000 });
    expect(checked.count).toBe(seen.lost);
    for (const v of checked.violations) expect(v.op.lsn).toBeGreaterThan(seen.promotedLsn);
  });

  it("async, both replicas cut off long before the crash: more than 2 048 writes lost, every one counted", () => {
    // The model keeps a bounded buffer of acknowledged writes and forgets those every
    // replica has received; here none is received after 500 ms, so the buffer must keep
    // all of them past its bound: the report's count equals the history's exactly.
    const cut = [
      { at: 500, kind: "replica-outage", replica: "replica-1", for: 30_000 },
      { at: 500, kind: "replica-outage", replica: "replica-2", for: 30_000 },
    ] as NonNullable<ScenarioInput["timeline"]>;
    const { report, fault, seen } = run({ mode: "async", crashMs: 12_000, timeline: cut });
    expect(seen.lost).toBeGreaterThan(2_048);
    expect(fault.lostWrites).toBe(seen.lost);
    expect(report.faults?.lostWrites).toBe(seen.lost);
  });

  it("async: a later read of a lost write's key returns an older version", () => {
    const { ops, fault, seen } = run({ mode: "async", crashMs: 3_000 });
    const lost = ops.filter(
      (o) => o.ok && o.kind === "write" && o.completeMs <= 3_000 && o.lsn > seen.promotedLsn,
    );
    const older = lost.some((w) =>
      ops.some(
        (r) =>
          r.ok &&
          r.kind === "read" &&
          r.key === w.key &&
          r.node === fault.promoted &&
          r.invokeMs >= 3_500 &&
          (r.versionLsn ?? Number.NaN) < w.lsn,
      ),
    );
    expect(older).toBe(true);
  });

  it("semi-sync AFTER_SYNC that never fell back: none lost", () => {
    const { report, ops, fault, seen } = run({ mode: "semi-sync", crashMs: 3_000 });
    expect(report.replication?.semiSync.fallbacks).toBe(0);
    expect(seen.acked).toBeGreaterThan(100);
    expect(seen.lost).toBe(0);
    expect(fault.lostWrites).toBe(0);
    expect(checkLostWrites(ops).count).toBe(0);
  });

  it("semi-sync that had fallen back to async before the crash (both replicas cut off past the timeout): acknowledged writes lost", () => {
    const outage = (replica: string) =>
      ({ at: 1_000, kind: "replica-outage", replica, for: 5_000 }) as const;
    const { report, ops, fault, seen } = run({
      mode: "semi-sync",
      crashMs: 3_000,
      timeline: [outage("replica-1"), outage("replica-2")],
    });
    expect(report.replication?.semiSync.fallbacks).toBeGreaterThan(0);
    expect(seen.lost).toBeGreaterThan(0);
    expect(fault.lostWrites).toBe(seen.lost);
    expect(checkLostWrites(ops).count).toBe(seen.lost);
  });

  it.each(["on", "remote_apply"] as const)(
    "PostgreSQL sync, synchronous_commit %s: none lost",
    (level) => {
      const { fault, seen } = run({ mode: "sync", synchronousCommit: level, crashMs: 3_000 });
      expect(seen.acked).toBeGreaterThan(100);
      expect(seen.lost).toBe(0);
      expect(fault.lostWrites).toBe(0);
    },
  );

  it("RPO: crash minus the commit of the oldest acknowledged write lost", () => {
    const { ops, fault, seen } = run({ mode: "async", crashMs: 3_000 });
    const lost = ops.filter(
      (o) => o.ok && o.kind === "write" && o.completeMs <= 3_000 && o.lsn > seen.promotedLsn,
    );
    const oldest = Math.min(...lost.map((o) => o.commitMs));
    // Report figures carry six significant digits.
    expect(fault.rpoMs).toBe(sixDigits(3_000 - oldest));
  });
});

describe("primary crash: downtime and RTO", () => {
  it("with the standby caught up: promoted at crash + detection, writes back after the routing update, RTO = first write acknowledged after", () => {
    const s: ScenarioInput = {
      seed: 3,
      duration: 4_000,
      warmup: 0,
      workload: { rate: 200, readRatio: 0, keys: { count: 100 } },
      database: { cores: 8 },
      replication: { replicas: 1, network: { kind: "constant", value: 1 } },
      timeline: [
        { at: 1_000, kind: "primary-crash", failover: { detection: 1_000, routingUpdate: 250 } },
      ],
    } as ScenarioInput;
    const { report, history } = runScenarioDetailed(s, { history: true });
    const f = report.faults?.events[0];
    expect(f?.detectedMs).toBe(2_000);
    expect(f?.promotedMs).toBe(2_000);
    expect(f?.endMs).toBe(2_250);
    expect(f?.downtimeMs).toBe(1_250);
    const seen = fromHistory(history?.toArray() ?? [], 1_000);
    expect(f?.rtoMs).toBe(sixDigits(seen.firstWriteAfterMs - 1_000));
    expect(f?.rtoMs).toBeGreaterThanOrEqual(1_250);
    // Every write between the crash and the switch failed.
    const failed = (history?.toArray() ?? []).filter(
      (o) => !o.ok && o.invokeMs >= 1_000 && o.invokeMs < 2_250,
    );
    expect(failed.length).toBeGreaterThan(150);
  });

  it("replay is downtime: a standby that applies one record per a ms finishes replaying P records about P × a after it started", () => {
    // Writes at 1000/s, one applier at a = 2 ms (500/s): the standby applies
    // back to back from its first record, so record k is visible at t0 + k·a.
    const a = 2;
    const s: ScenarioInput = {
      seed: 4,
      duration: 5_000,
      warmup: 0,
      workload: { rate: 1_000, readRatio: 0, keys: { count: 1000 } },
      database: { cores: 16, maxConnections: 1000 },
      client: { poolSize: 200 },
      replication: {
        replicas: 1,
        network: { kind: "constant", value: 1 },
        flushTime: { kind: "constant", value: 0.1 },
        applyTime: { kind: "constant", value: a },
      },
      timeline: [{ at: 1_000, kind: "primary-crash", failover: { detection: 100 } }],
    } as ScenarioInput;
    const { report } = runScenarioDetailed(s);
    const f = report.faults?.events[0];
    const p = f?.promotedLsn ?? 0;
    expect(p).toBeGreaterThan(900);
    // t0: the first write's commit (a few ms in) plus half a round trip and the flush.
    expect(f?.promotedMs ?? 0).toBeGreaterThan(p * a);
    expect(f?.promotedMs ?? 0).toBeLessThan(p * a + 20);
    expect(f?.endMs).toBe(f?.promotedMs);
  });
});

describe("lost writes: a property", () => {
  it("lost = acknowledged − surviving, never negative, zero for sync; the checker agrees", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000 }),
        fc.integer({ min: 500, max: 1_500 }),
        fc.constantFrom("async", "semi-sync", "sync"),
        (seed, crashMs, mode) => {
          const { ops, fault, seen } = run({ mode, crashMs, seed, replicas: 1 });
          const surviving = ops.filter(
            (o) =>
              o.ok && o.kind === "write" && o.completeMs <= crashMs && o.lsn <= seen.promotedLsn,
          ).length;
          expect(fault.lostWrites).toBe(seen.acked - surviving);
          expect(fault.lostWrites).toBeGreaterThanOrEqual(0);
          if (mode !== "async") expect(fault.lostWrites).toBe(0);
          expect(checkLostWrites(ops).count).toBe(fault.lostWrites);
        },
      ),
      { numRuns: 8, seed: 16 },
    );
  });
});
