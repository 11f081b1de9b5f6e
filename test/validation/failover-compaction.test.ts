// After a failover the consistency monitor's memory follows the live nodes, and
// the violations that lost writes cause are still counted exactly.
// - The new primary continues the log from the promoted position P on a new
//   timeline (PostgreSQL docs 26.3.5 "Timelines"), so after the promotion every
//   read is served at a snapshot of the new timeline, at least the least applied
//   LSN of the nodes still serving: the monitor's compaction point must follow it
//   (else it keeps every entry of the rest of the run).
// - An LSN above P names two writes, one on each branch: a session that wrote a
//   lost write of key k and later reads k gets an older version, a read-your-writes
//   violation (Terry et al. 1994), however far the new timeline's LSNs have gone.
//   checkReadYourWrites finds them from the recorded history alone; the monitor's
//   count must equal it.
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConsistencyMonitor } from "../../src/consistency/monitor.js";
import {
  checkMonotonicReadsPerKey,
  checkReadYourWrites,
  runScenarioDetailed,
  type ScenarioInput,
} from "../../src/index.js";

const CRASH_MS = 2_000;
const END_MS = 6_000;

/** Few keys per session, so sessions read back what they wrote; a slow link, so async replicas trail. */
const scenario = {
  seed: 11,
  duration: END_MS,
  warmup: 0,
  workload: { rate: 400, readRatio: 0.5, sessions: 20, keys: { count: 20 } },
  database: { cores: 8, maxConnections: 500 },
  client: { poolSize: 50 },
  replication: { replicas: 2, network: { kind: "lognormal", median: 20, p99: 200 } },
  routing: { via: "app", readBalancing: "round-robin" },
  timeline: [{ at: CRASH_MS, kind: "primary-crash", failover: { detection: 500 } }],
} as ScenarioInput;

afterEach(() => {
  vi.restoreAllMocks();
});

describe("failover: the monitor's compaction after the promotion", () => {
  it("follows the new primary, and counts the lost writes' read-your-writes violations as the checker does", () => {
    // Arrange
    // Every compaction point and fork, in order.
    const compactions: number[] = [];
    const calls: { readonly kind: "compact" | "fork"; readonly lsn: number }[] = [];
    const compact = ConsistencyMonitor.prototype.compact;
    const fork = ConsistencyMonitor.prototype.fork;
    vi.spyOn(ConsistencyMonitor.prototype, "compact").mockImplementation(function (
      this: ConsistencyMonitor,
      lsn: number,
      cluster?: number,
    ) {
      compactions.push(lsn);
      calls.push({ kind: "compact", lsn });
      compact.call(this, lsn, cluster);
    });
    vi.spyOn(ConsistencyMonitor.prototype, "fork").mockImplementation(function (
      this: ConsistencyMonitor,
      lsn: number,
      cluster?: number,
    ) {
      calls.push({ kind: "fork", lsn });
      fork.call(this, lsn, cluster);
    });
    // Act
    const { report, history } = runScenarioDetailed(scenario, { history: true });
    const ops = history?.toArray() ?? [];
    const fault = report.faults?.events[0];
    // Assert: the lost writes the report counts, from the history
    const promotedLsn = fault?.promotedLsn ?? Number.NaN;
    const lost = ops.filter(
      (o) => o.ok && o.kind === "write" && o.completeMs <= CRASH_MS && o.lsn > promotedLsn,
    );
    expect(lost.length).toBeGreaterThan(0);
    // The compaction point passed the lost writes' LSNs on the new timeline: it
    // is at least every LSN committed a second before the last compaction.
    const lastMs = END_MS - 1_000;
    const committed = ops.filter(
      (o) => o.ok && o.kind === "write" && o.completeMs <= lastMs - 1_000,
    );
    const newest = Math.max(...committed.map((o) => o.lsn));
    expect(newest).toBeGreaterThan(Math.max(...lost.map((o) => o.lsn)));
    expect(compactions.at(-1)).toBeGreaterThanOrEqual(newest);
    // The monitor heard of the fork at the promoted position before any compaction
    // passed it (without it, compaction would forget the lost writes' entries: see
    // the monitor's unit tests).
    const forkAt = calls.findIndex((c) => c.kind === "fork");
    expect(calls[forkAt]?.lsn).toBe(promotedLsn);
    expect(calls.slice(0, forkAt).every((c) => c.lsn <= promotedLsn)).toBe(true);
    // Some session read back an older version of its own lost write after the promotion…
    const ryw = checkReadYourWrites(ops, { maxExamples: 10_000 });
    const lostIds = new Set(lost.map((o) => `${o.session}/${o.key}`));
    const fromLost = ryw.violations.filter(
      (v) => v.op.invokeMs > CRASH_MS && lostIds.has(`${v.op.session}/${v.op.key}`),
    );
    expect(fromLost.length).toBeGreaterThan(0);
    // …and the monitor counted every violation the checker found, these included.
    expect(report.consistency?.violations.readYourWrites).toBe(ryw.count);
    expect(report.consistency?.violations.monotonicReadsPerKey).toBe(
      checkMonotonicReadsPerKey(ops).count,
    );
  });
});
