// A real streaming standby's byte lag against dbsim's. PostgreSQL 15 primary and
// standby (pg_basebackup) on loopback; `pgbench --rate` sends single-row UPDATEs,
// scheduled as a Poisson process (pgbench docs, --rate); pg_stat_replication is
// sampled every 100 ms for pg_wal_lsn_diff(sent_lsn, replay_lsn).
//
// On bare loopback that lag is below what sampling resolves (mostly 0, now and
// then one record: replay within a millisecond), so the standby is given
// `recovery_min_apply_delay = 500ms`: it replays each commit record 500 ms after
// the commit's time on the primary (xlogrecovery.c, recoveryApplyDelay). dbsim
// has no such setting; a constant 1000 ms round trip (500 ms each way) stands in
// for it, delaying every record's arrival, so its replay, by the same 500 ms.
// The log bytes per transaction are measured (WAL written over the run /
// transactions; full_page_writes off, so no full-page images after the
// basebackup's checkpoint make early transactions larger), and the rate is
// pgbench's achieved tps. Apply itself (under a millisecond here) is put at
// 0.2 ms: under 0.1 % of the delay.
//
// Tolerance 20 %: by Little's law the mean lag is rate × bytes × 500 ms whatever
// the arrival process, and dbsim computes the same mean; what differs is
// sampling. A sample counts the ~rate × 0.5 s commits of the last half second
// (Poisson: ±10 % at 200/s), the samples of a 4-second window span about 8
// independent half seconds (±3.5 % on their mean), and the load on the shared
// cores bunches commits; pg_stat_replication's replay_lsn is the standby's last
// reply, sent on each received batch, so one inter-arrival (~1 %) stale.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScenarioInput } from "../../src/index.js";
import { runScenario } from "../../src/index.js";
import {
  asUser,
  missingPrograms,
  PGBENCH,
  PSQL,
  psql,
  type RealCluster,
  run,
  startPostgres,
} from "./harness.js";
import { type RealStandby, startStandby } from "./standby.js";

const APPLY_DELAY_MS = 500;
const RATES = [100, 250];
const SECONDS = 5;
/** Samples from this long after pgbench starts (the lag builds up over the delay). */
const STEADY_FROM_MS = 1_000;
const TOLERANCE = 0.2;
const SAMPLE_MS = 100;

const skip = missingPrograms();
if (skip !== null) console.warn(`test/real: streaming replica ${skip}`);

interface Sample {
  readonly atMs: number;
  readonly lagBytes: number;
}

interface RealRun {
  readonly tps: number;
  readonly transactions: number;
  readonly walBytes: number;
  readonly samples: readonly Sample[];
  /** When pgbench ended, from its start (ms). */
  readonly endedMs: number;
}

async function currentLsnBytes(port: number): Promise<number> {
  const result = await psql(port, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')");
  return Number(result.stdout.trim());
}

/** pgbench --rate for SECONDS, without blocking the sampler. */
function pgbenchRate(port: number, script: string, rate: number): Promise<string> {
  const [file, argv] = asUser(PGBENCH, [
    ...["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-n"],
    ...["-f", script, "--rate", String(rate), "-T", String(SECONDS), "postgres"],
  ]);
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.on("close", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`pgbench exited ${code}`)),
    );
  });
}

/**
 * Samples pg_stat_replication every SAMPLE_MS through one psql session (a psql
 * per sample took up to half a second to start on the loaded machine); a line
 * of -1 means no standby row.
 */
function startSampler(port: number, startedMs: number): { stop(): Promise<Sample[]> } {
  const child = spawn(
    PSQL,
    ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-XAt", "postgres"],
    { stdio: ["pipe", "pipe", "ignore"] },
  );
  const samples: Sample[] = [];
  let pending = "";
  child.stdout.on("data", (d: Buffer) => {
    pending += d.toString();
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      const lagBytes = Number(line.trim());
      if (line.trim() !== "" && lagBytes >= 0) {
        samples.push({ atMs: performance.now() - startedMs, lagBytes });
      }
    }
  });
  const query =
    "SELECT coalesce((SELECT pg_wal_lsn_diff(sent_lsn, replay_lsn) FROM pg_stat_replication LIMIT 1), -1);\n";
  const timer = setInterval(() => child.stdin.write(query), SAMPLE_MS);
  return {
    stop: () =>
      new Promise((resolve) => {
        clearInterval(timer);
        child.on("close", () => resolve(samples));
        child.stdin.end();
      }),
  };
}

async function measure(primary: RealCluster, script: string, rate: number): Promise<RealRun> {
  const before = await currentLsnBytes(primary.pgPort);
  const startedMs = performance.now();
  const sampler = startSampler(primary.pgPort, startedMs);
  const output = await pgbenchRate(primary.pgPort, script, rate);
  const endedMs = performance.now() - startedMs;
  const samples = (await sampler.stop()).filter((s) => s.atMs <= endedMs);
  const after = await currentLsnBytes(primary.pgPort);
  const tps = Number(/tps = (\S+) \(without initial connection time\)/.exec(output)?.[1]);
  const transactions = Number(/actually processed: (\d+)/.exec(output)?.[1]);
  return { tps, transactions, walBytes: after - before, samples, endedMs };
}

function simulatedLagBytes(rate: number, bytesPerWrite: number): number {
  const input: ScenarioInput = {
    seed: 1,
    duration: SECONDS * 1000,
    warmup: STEADY_FROM_MS,
    workload: { rate, readRatio: 0, keys: { count: 100_000, popularity: { kind: "uniform" } } },
    database: { cores: 2, mechanisms: "none", writeTime: { kind: "exponential", mean: 0.2 } },
    replication: {
      replicas: [{ network: { kind: "constant", value: 2 * APPLY_DELAY_MS } }],
      bytesPerWrite,
      flushTime: { kind: "constant", value: 0 },
      applyTime: { kind: "constant", value: 0.2 },
    },
  };
  return runScenario(input).replication?.replicas[0]?.lagBytes.mean ?? Number.NaN;
}

describe.skipIf(skip !== null)(
  "a streaming standby under pgbench --rate against dbsim's lag in bytes",
  () => {
    let primary: RealCluster | undefined;
    let standby: RealStandby | undefined;
    let script = "";

    beforeAll(async () => {
      primary = await startPostgres();
      const port = String(primary.pgPort);
      run(PGBENCH, ["-h", "127.0.0.1", "-p", port, "-U", "postgres", "-i", "-s", "1", "postgres"]);
      await psql(primary.pgPort, "ALTER SYSTEM SET full_page_writes = off");
      await psql(primary.pgPort, "SELECT pg_reload_conf()");
      standby = await startStandby(primary, {
        recovery_min_apply_delay: `${APPLY_DELAY_MS}ms`,
      });
      script = join(primary.dir, "update-one.sql");
      writeFileSync(
        script,
        "\\set aid random(1, 100000)\nUPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = :aid;\n",
        { mode: 0o644 },
      );
    }, 120_000);

    afterAll(() => {
      standby?.stop();
      primary?.stop();
    });

    for (const rate of RATES) {
      it(`${rate} writes/s, replay delayed 500 ms: mean byte lag within ${TOLERANCE * 100} % of dbsim's`, async () => {
        if (primary === undefined) throw new Error("no primary");
        const real = await measure(primary, script, rate);
        const steady = real.samples.filter(
          (s) => s.atMs >= STEADY_FROM_MS && s.atMs <= real.endedMs - 300,
        );
        expect(steady.length).toBeGreaterThanOrEqual(10);
        const realMean = steady.reduce((a, s) => a + s.lagBytes, 0) / steady.length;
        const bytesPerTransaction = real.walBytes / real.transactions;
        const dbsim = simulatedLagBytes(real.tps, bytesPerTransaction);
        const little = real.tps * bytesPerTransaction * (APPLY_DELAY_MS / 1000);
        console.info(
          `test/real: standby at ${rate}/s: ${real.tps.toFixed(1)} tps, ${bytesPerTransaction.toFixed(0)} WAL bytes per transaction, ${steady.length} samples, mean lag ${realMean.toFixed(0)} B real, ${dbsim.toFixed(0)} B dbsim, ${little.toFixed(0)} B rate × bytes × delay`,
        );
        expect(Math.abs(dbsim / realMean - 1)).toBeLessThanOrEqual(TOLERANCE);
      }, 60_000);
    }
  },
);
