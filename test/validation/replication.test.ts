// Validation of replication through the public API (runScenario), against the
// arithmetic of a replication backlog (MySQL manual, replica_parallel_workers;
// docs/reference.md):
// - one apply thread needing a ms per transaction saturates at 1000/a tx/s;
//   above it the backlog, and so the lag, grows linearly. With writes at λ and
//   applies at μ (per ms), after t ms λt records are committed and μt applied,
//   so the oldest unapplied record committed at μt/λ: lag(t) = t(1 − μ/λ);
//   bytes grow at (λ − μ) × bytes per write;
// - below it, lag stays bounded; parallel apply raises the ceiling;
// - semi-sync (MySQL AFTER_SYNC) with no replica reachable returns commits
//   after rpl_semi_sync_source_timeout, then runs async;
// - a synchronous commit waits at least one round trip to the standby, more
//   for later synchronous_commit levels; one session committing serially at
//   round trip r ms cannot exceed 1000/r commits per second.
import { describe, expect, it } from "vitest";
import {
  type LagSeries,
  runScenario,
  runScenarioDetailed,
  type ScenarioInput,
} from "../../src/index.js";

/** Writes only, cheap on the primary, so the replica's applier is the bottleneck. */
function writesOnly(
  extra: Partial<ScenarioInput> & { rate: number; replication: ScenarioInput["replication"] },
): ScenarioInput {
  return {
    seed: 5,
    duration: extra.duration ?? 20_000,
    warmup: 0,
    workload: {
      rate: extra.rate,
      readRatio: 0,
      keys: { count: 1000, popularity: { kind: "uniform" } },
    },
    database: { cores: 16, writeTime: 0.2, connectionSetupTime: 0, maxConnections: 1000 },
    client: { poolSize: 200, roundTrip: 0.5, connectRoundTrips: 0 },
    replication: extra.replication,
  };
}

/** Least-squares slope of lag (ms) against time (ms) over the points after `fromMs`. */
function slope(
  series: LagSeries,
  fromMs: number,
  field: "oldestUnappliedAgeMs" | "lagBytes",
): number {
  const pts = series.points.filter((p) => p.tMs >= fromMs);
  const n = pts.length;
  const mx = pts.reduce((s, p) => s + p.tMs, 0) / n;
  const my = pts.reduce((s, p) => s + p[field], 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of pts) {
    sxy += (p.tMs - mx) * (p[field] - my);
    sxx += (p.tMs - mx) ** 2;
  }
  return sxy / sxx;
}

describe("replication lag against the apply ceiling (1000/a tx/s for one thread)", () => {
  it("writes at 2000/s over a 1 ms single-threaded apply: lag grows at 1 − μ/λ = 0.5 ms per ms", () => {
    const run = runScenarioDetailed(
      writesOnly({
        rate: 2000,
        replication: { replicas: 1, applyTime: 1, applyWorkers: 1, bytesPerWrite: 300 },
      }),
    );
    const series = run.lagSeries[0];
    if (series === undefined) throw new Error("no lag series");
    // Poisson arrivals: the committed count has sd √(λt) ≈ 200 at t = 20 s, so the
    // fitted slope is within a few percent of its expectation.
    expect(slope(series, 2000, "oldestUnappliedAgeMs")).toBeGreaterThan(0.5 * 0.95);
    expect(slope(series, 2000, "oldestUnappliedAgeMs")).toBeLessThan(0.5 * 1.05);
    // Bytes: (λ − μ) × 300 = (2 − 1) per ms × 300 = 300 bytes per ms.
    expect(slope(series, 2000, "lagBytes") / 300).toBeGreaterThan(0.95);
    expect(slope(series, 2000, "lagBytes") / 300).toBeLessThan(1.05);
  });

  it("writes at 500/s under the same ceiling: lag stays bounded (an M/D/1 queue at ρ = 0.5)", () => {
    const report = runScenario(
      writesOnly({ rate: 500, replication: { replicas: 1, applyTime: 1, applyWorkers: 1 } }),
    );
    const lag = report.replication?.replicas[0]?.oldestUnappliedAgeMs;
    if (lag === undefined) throw new Error("no lag in the report");
    // Theory: mean time in the apply queue W = Wq + S = 0.5/(2·0.5) + 1 = 1.5 ms, plus
    // half the 0.5 ms round trip in transit; the age of the oldest unapplied record,
    // sampled, is of that order. Growth would reach seconds in 20 s.
    expect(lag.mean).toBeLessThan(5);
    expect(lag.max).toBeLessThan(50);
  });

  it("four apply workers raise the ceiling to 4000/s: the 2000/s load that lagged without bound stays bounded", () => {
    const report = runScenario(
      writesOnly({ rate: 2000, replication: { replicas: 1, applyTime: 1, applyWorkers: 4 } }),
    );
    const lag = report.replication?.replicas[0]?.oldestUnappliedAgeMs;
    if (lag === undefined) throw new Error("no lag in the report");
    expect(lag.max).toBeLessThan(50);
  });

  it("Seconds_Behind_Source reads 0 while records are in transit and the applier is idle (its blind spot)", () => {
    // A cross-region link (100 ms one way) and a fast applier: the replica's
    // data is ~100 ms old, but its relay log is almost always empty.
    const report = runScenario(
      writesOnly({
        rate: 200,
        replication: { replicas: 1, network: 200, applyTime: 0.05, log: "binlog" },
      }),
    );
    const r = report.replication?.replicas[0];
    if (r === undefined) throw new Error("no replica");
    expect(r.oldestUnappliedAgeMs.mean).toBeGreaterThan(90);
    expect(r.secondsBehindSource.max).toBe(0);
    // A number at every sample: the receiver is connected, so never NULL.
    expect(r.secondsBehindSource.nullSamples).toBe(0);
  });
});

// PostgreSQL's pg_stat_replication (docs, "The Cumulative Statistics System"):
// replay_lag is the time from a commit to its replay on the standby (as seen from
// the primary, so with the standby's reply trip added), measured per WAL record —
// not the age of whatever happens to be pending when someone looks. With constant
// costs every record's delay is the same: half of a 2 ms round trip in transit,
// 0.5 ms flush, then 1 ms apply (PostgreSQL replays only flushed WAL) = 2.5 ms.
describe("replay lag per record, and exact maxima (a quiet replica)", () => {
  const quiet = (): ScenarioInput => ({
    ...writesOnly({
      rate: 2,
      replication: {
        replicas: 1,
        network: 2,
        flushTime: 0.5,
        applyTime: 1,
        lagSampleInterval: 100,
      },
    }),
    // No network or queueing on the primary side to blur the commit instant.
    client: { poolSize: 10, roundTrip: 0, connectRoundTrips: 0 },
    // The link's costs alone: with the server's mechanisms on, a replica's apply
    // also reads its page, a cold miss the first time (PostgreSQL's redo reads the
    // block into shared buffers), which replica-apply-io.test.ts checks on its own.
    database: {
      cores: 16,
      writeTime: 0.2,
      connectionSetupTime: 0,
      maxConnections: 1000,
      mechanisms: "none",
    },
  });

  it("replayLagMs is network/2 + flush + apply for every record, measured at apply events", () => {
    const r = runScenario(quiet()).replication?.replicas[0];
    if (r === undefined) throw new Error("no replica");
    expect(r.replayLagMs.mean).toBeCloseTo(2.5, 2);
    expect(r.replayLagMs.max).toBeCloseTo(2.5, 2);
  });

  it("the oldest-unapplied age peaks just before each apply: its maximum is 2.5 ms, not the 0 that 100 ms samples mostly see", () => {
    const r = runScenario(quiet()).replication?.replicas[0];
    if (r === undefined) throw new Error("no replica");
    // ~40 writes, each pending for 2.5 ms of every 500: the samples rarely catch one.
    expect(r.oldestUnappliedAgeMs.mean).toBeLessThan(0.1);
    expect(r.oldestUnappliedAgeMs.max).toBeCloseTo(2.5, 2);
    // The deprecated alias carries the same figures.
    expect(r.lagMs).toEqual(r.oldestUnappliedAgeMs);
    // Each write is applied long before the next: the byte lag peaks at one
    // record (dbsim's default of 250 bytes per WAL write) at every commit.
    expect(r.lagBytes.max).toBe(250);
  });
});

describe("semi-sync and sync commits", () => {
  it("semi-sync with every replica unreachable: commits return after the timeout, then the source runs async", () => {
    const report = runScenario({
      ...writesOnly({
        rate: 100,
        duration: 10_000,
        replication: {
          replicas: [{ outages: [{ at: 0, for: "1h" }] }, { outages: [{ at: 0, for: "1h" }] }],
          mode: "semi-sync",
          timeout: "1s",
        },
      }),
    });
    const rep = report.replication;
    if (rep === undefined) throw new Error("no replication");
    expect(rep.semiSync.fallbacks).toBe(1);
    // Commits issued in the first second waited for the timeout (about 100 of them);
    // everything after returned at once.
    expect(rep.semiSync.timeouts).toBeGreaterThan(50);
    expect(rep.commitWaitMs.max).toBeGreaterThanOrEqual(1000 * 0.99);
    expect(rep.commitWaitMs.max).toBeLessThan(1001);
    expect(rep.commitWaitMs.p99).toBeLessThan(1001);
    // About 10 % of the commits waited (those of the first second of ten).
    expect(report.latency.write.p50).toBeLessThan(5);
    expect(report.errors.total).toBe(0);
  });

  const level = (
    synchronousCommit: "remote_write" | "on" | "remote_apply",
    rttMs: number,
    flushTime = 0.5,
  ) =>
    runScenario({
      seed: 9,
      duration: 10_000,
      warmup: 0,
      workload: { clients: 1, readRatio: 0, keys: { count: 100, popularity: { kind: "uniform" } } },
      database: { writeTime: 0.1, connectionSetupTime: 0 },
      client: { roundTrip: 0, connectRoundTrips: 0, poolSize: 1 },
      replication: {
        replicas: 1,
        mode: "sync",
        synchronousCommit,
        network: rttMs,
        flushTime,
        applyTime: 1,
      },
    });

  it("commit wait grows with the standby's round trip, at least one round trip", () => {
    const waits = [1, 5, 20].map((rtt) => level("on", rtt).replication?.commitWaitMs.mean ?? 0);
    expect(waits[0]).toBeGreaterThanOrEqual(1);
    expect(waits[1]).toBeGreaterThanOrEqual(5);
    expect(waits[2]).toBeGreaterThanOrEqual(20);
    // Round trip plus the 0.5 ms flush, nothing else in the way.
    expect(waits[2]).toBeLessThan(20 + 0.5 + 0.1);
  });

  it("remote_apply ≥ on ≥ remote_write", () => {
    const wait = (l: "remote_write" | "on" | "remote_apply") =>
      level(l, 5).replication?.commitWaitMs.mean ?? 0;
    const [write, on, apply] = [wait("remote_write"), wait("on"), wait("remote_apply")];
    expect(on).toBeGreaterThanOrEqual(write);
    expect(apply).toBeGreaterThanOrEqual(on);
    // The stages cost what they are given, one after the other: flush 0.5 ms,
    // then apply 1 ms (replay reads only flushed WAL).
    expect(on - write).toBeCloseTo(0.5, 1);
    expect(apply - on).toBeCloseTo(1, 1);
  });

  // PostgreSQL replays only WAL the walreceiver has flushed: the startup process
  // reads up to GetWalRcvFlushRecPtr() (src/backend/access/transam/xlogrecovery.c,
  // WaitForWALToBecomeAvailable). So with a 10 ms round trip, a 3 ms flush and a
  // 1 ms apply: remote_write 10, on 13, remote_apply 14 — never before `on`.
  it("remote_apply = round trip + flush + apply when the flush is longer than the apply", () => {
    const wait = (l: "remote_write" | "on" | "remote_apply") =>
      level(l, 10, 3).replication?.commitWaitMs.mean ?? 0;
    expect(wait("remote_write")).toBeCloseTo(10, 1);
    expect(wait("on")).toBeCloseTo(13, 1);
    expect(wait("remote_apply")).toBeCloseTo(14, 1);
  });

  it("one session committing serially to a standby 10 ms away stays under 1000/r = 100 commits/s", () => {
    const report = level("remote_write", 10);
    expect(report.throughput.completedPerSec).toBeLessThanOrEqual(100);
    expect(report.throughput.completedPerSec).toBeGreaterThan(90);
  });
});
