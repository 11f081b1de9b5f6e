// Validation of a primary crash behind ProxySQL, with constant delays so every
// instant is known in advance:
// - The HA manager promotes the most advanced replica after its detection time
//   and clears read_only on it; ProxySQL's monitor reads read_only every
//   mysql-monitor_read_only_interval (lib/MySQL_Monitor.cpp,
//   MySQL_Monitor::monitor_read_only) and only then copies the server into the
//   writer hostgroup (lib/MySQL_HostGroups_Manager.cpp, read_only_action_v2). So
//   the write outage = detection + promotion + the wait for the next poll, with
//   polls at 0, I, 2I, …: it ends at ceil((crash + detection) / I) · I here, the
//   replicas having applied all they received long before the detection ends.
// - Meanwhile writes wait in ProxySQL for a server in the writer hostgroup, each
//   for at most mysql-connect_timeout_server_max from its start, then fail
//   (MySQL_Session::handler_again___status_CONNECTING_SERVER, error 9001).
// - The writes lost are, as without ProxySQL, the acknowledged ones beyond the
//   promoted replica's received position, counted from the history.
import { describe, expect, it } from "vitest";
import {
  checkLostWrites,
  type HistoryOp,
  runScenarioDetailed,
  type ScenarioInput,
} from "../../src/index.js";

const CRASH_MS = 2_000;
const DETECTION_MS = 700;

function scenario(intervalMs: number, connectTimeoutServerMax = 10_000): ScenarioInput {
  return {
    seed: 5,
    duration: 3_300,
    warmup: 0,
    workload: { rate: 300, readRatio: 0.5, sessions: 1_000, keys: { count: 300 } },
    database: { cores: 8, maxConnections: 500, readTime: 0.1, writeTime: 0.2 },
    // A connection to ProxySQL per session: no write queues in the application.
    client: { poolSize: 1_000, roundTrip: 0.5 },
    // A constant 30 ms link: the replicas trail the primary, so async loses writes.
    replication: { replicas: 2, mode: "async", network: 30, applyTime: 0.05 },
    proxy: { monitorReadOnlyInterval: intervalMs, backendRoundTrip: 0.5, connectTimeoutServerMax },
    timeline: [{ at: CRASH_MS, kind: "primary-crash", failover: { detection: DETECTION_MS } }],
  } as ScenarioInput;
}

function run(intervalMs: number, connectTimeoutServerMax?: number) {
  const { report, history } = runScenarioDetailed(scenario(intervalMs, connectTimeoutServerMax), {
    history: true,
  });
  const fault = report.faults?.events[0];
  if (fault === undefined) throw new Error("no fault row");
  return { report, fault, ops: history?.toArray() ?? [] };
}

const writes = (ops: readonly HistoryOp[]) => ops.filter((o) => o.kind === "write");

describe("a primary crash behind ProxySQL", () => {
  it("with read_only polled every 1500 ms, writes resume at the poll at 3000 ms, not at the promotion", () => {
    const pollMs = 3_000;
    const { report, fault, ops } = run(1_500);
    const promotedMs = CRASH_MS + DETECTION_MS;
    expect(fault.promotedMs).toBe(promotedMs);
    expect(fault.endMs).toBe(pollMs);
    expect(fault.proxyReadOnlyWaitMs).toBe(pollMs - promotedMs);
    expect(fault.downtimeMs).toBe(DETECTION_MS + (pollMs - promotedMs));
    // From the history: nothing commits between the crash and the poll; the writes
    // sent meanwhile waited in ProxySQL (well within 10 s) and all went through.
    const after = writes(ops).filter((o) => o.invokeMs >= CRASH_MS);
    expect(after.length).toBeGreaterThan(50);
    const firstCommit = Math.min(...after.map((o) => o.commitMs ?? Number.NaN));
    expect(firstCommit).toBeGreaterThanOrEqual(pollMs);
    // Then the new writer row opens its backend connections, and every waiting write arrives at once.
    expect(firstCommit).toBeLessThan(pollMs + 50);
    const waited = after.filter((o) => o.invokeMs < pollMs);
    expect(waited.length).toBeGreaterThan(10);
    for (const o of waited) expect([o.ok, o.completeMs >= pollMs]).toEqual([true, true]);
    // The lost writes: acknowledged, beyond the promoted replica's position.
    const promotedLsn = Math.min(...after.map((o) => o.lsn)) - 1;
    const lost = writes(ops).filter(
      (o) => o.ok && o.commitMs !== undefined && o.commitMs < CRASH_MS && o.lsn > promotedLsn,
    );
    expect(lost.length).toBeGreaterThan(0);
    expect(fault.promotedLsn).toBe(promotedLsn);
    expect(report.faults?.lostWrites).toBe(lost.length);
    expect(checkLostWrites(ops, { maxExamples: 1_000 }).count).toBe(lost.length);
  });

  it("with polls every 400 ms, resumes at 2800 ms; a write that waited connect_timeout_server_max for a writer failed (hostgroup_unavailable)", () => {
    const pollMs = 2_800;
    const timeoutMs = 300;
    const { report, fault, ops } = run(400, timeoutMs);
    expect(fault.endMs).toBe(pollMs);
    expect(fault.proxyReadOnlyWaitMs).toBe(pollMs - CRASH_MS - DETECTION_MS);
    const sent = writes(ops).filter((o) => o.invokeMs >= CRASH_MS && o.invokeMs < pollMs);
    // The hop to ProxySQL and back is a few ms at most.
    const long = sent.filter((o) => pollMs - o.invokeMs > timeoutMs + 2);
    // Those with time left at the poll go through, once the new writer row has
    // opened a backend connection (three round trips and the node's connect).
    const short = sent.filter((o) => pollMs - o.invokeMs < timeoutMs - 20);
    expect([long.length > 10, short.length > 10]).toEqual([true, true]);
    // Each failed after the timeout, plus the hops to ProxySQL and back (a new
    // frontend connection's included: under 10 ms here).
    for (const o of long) {
      expect(o.ok).toBe(false);
      expect(o.completeMs - o.invokeMs).toBeGreaterThanOrEqual(timeoutMs);
      expect(o.completeMs - o.invokeMs).toBeLessThan(timeoutMs + 10);
    }
    const failed = writes(ops).filter((o) => !o.ok && o.invokeMs >= CRASH_MS).length;
    expect(report.errors.byKind.hostgroup_unavailable).toBe(failed);
    expect(fault.errors.hostgroup_unavailable).toBe(failed);
    for (const o of short) expect(o.ok).toBe(true);
  });
});

describe("a replica crash behind ProxySQL", () => {
  it("fails the reads ProxySQL sends it until it shuns it after `detection`, and serves it again once back", () => {
    const input = {
      seed: 4,
      duration: 1_600,
      warmup: 0,
      workload: { rate: 400, readRatio: 0.8, sessions: 200, keys: { count: 300 } },
      client: { poolSize: 200, roundTrip: 0.5 },
      replication: { replicas: 2, network: 1 },
      proxy: { backendRoundTrip: 0.5 },
      timeline: [
        { at: 500, kind: "replica-crash", replica: "replica-1", detection: 300, for: 600 },
      ],
    } as ScenarioInput;
    const { report, history } = runScenarioDetailed(input, { history: true });
    const ops = history?.toArray() ?? [];
    const failed = ops.filter((o) => !o.ok);
    expect(failed.length).toBeGreaterThan(5);
    // Reads only, sent between the crash and ProxySQL's shunning it (the hop to ProxySQL: under 2 ms).
    for (const o of failed) {
      expect(o.kind).toBe("read");
      expect(o.invokeMs).toBeGreaterThanOrEqual(500 - 2);
      expect(o.invokeMs).toBeLessThan(800);
    }
    const row = report.faults?.events[0];
    expect(row?.errors.node_down).toBe(failed.length);
    expect([row?.detectedMs, row?.endMs, row?.downtimeMs]).toEqual([800, 1_100, 600]);
    // Back at 1 100 ms: ProxySQL sends it reads again.
    expect(ops.some((o) => o.ok && o.node === "replica-1" && o.invokeMs > 1_150)).toBe(true);
    expect(
      ops.some((o) => o.ok && o.node === "replica-1" && o.invokeMs > 820 && o.completeMs < 1_100),
    ).toBe(false);
  });
});
