// Deadlocks in a scenario: two hot rows, and write transactions that update both.
// - Drawn in random order, two transactions can each hold one row and wait for
//   the other: a wait-for cycle, so the run must show deadlocks. PostgreSQL looks
//   for one only once a waiter has waited deadlock_timeout (proc.c, CheckDeadLock)
//   and aborts that waiter, so every victim waited at least that long; InnoDB
//   looks at every new wait (lock0wait.cc, innodb_deadlock_detect), so a victim
//   can end well before.
// - Taken in ascending key order (one global lock order, Havender 1968), a
//   transaction only waits for a row above every row it holds, so the wait-for
//   graph has no cycle: no deadlock, on any seed, for either engine.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  type Report,
  runScenario,
  runScenarioDetailed,
  type ScenarioInput,
} from "../../src/index.js";

const DEADLOCK_TIMEOUT_MS = 40;

function twoHotRows(
  engine: "postgresql" | "mysql",
  rows: "same" | "distinct" | "distinct-sorted",
  seed = 11,
): ScenarioInput {
  return {
    seed,
    duration: "1s",
    warmup: "0.2s",
    workload: {
      clients: 6,
      thinkTime: { kind: "exponential", mean: 3 },
      readRatio: 0,
      transactions: { share: 1, statements: 2, rows },
      keys: { count: 2, popularity: { kind: "uniform" } },
      sessions: 6,
    },
    database: {
      engine,
      cores: 8,
      maxConnections: 100,
      ...(engine === "postgresql" ? { deadlockTimeout: DEADLOCK_TIMEOUT_MS } : {}),
    },
  };
}

const locks = (report: Report) => {
  const server = report.nodes[0]?.server;
  if (server === undefined) throw new Error("no server section");
  return server.locks;
};

/** Latencies (ms) of the operations that failed; deadlock is the one error these plans can meet. */
function failedLatencies(scenario: ScenarioInput): { report: Report; failedMs: number[] } {
  const run = runScenarioDetailed(scenario, { history: true });
  const failedMs: number[] = [];
  for (const op of run.history ?? []) if (!op.ok) failedMs.push(op.completeMs - op.invokeMs);
  return { report: run.report, failedMs };
}

describe("two hot rows updated in random order deadlock", () => {
  it("PostgreSQL: deadlocks, each victim found after deadlock_timeout", () => {
    const { report, failedMs } = failedLatencies(twoHotRows("postgresql", "distinct"));
    expect(locks(report).deadlocks).toBeGreaterThan(0);
    expect(report.errors.byKind.deadlock).toBeGreaterThan(0);
    expect(report.errors.total).toBe(report.errors.byKind.deadlock);
    expect(failedMs.length).toBeGreaterThan(0);
    expect(Math.min(...failedMs)).toBeGreaterThanOrEqual(DEADLOCK_TIMEOUT_MS);
    // the other transaction of each cycle proceeds: most commit
    expect(report.throughput.completedPerSec).toBeGreaterThan(0);
  });

  it("InnoDB: deadlocks found at once, victims ending sooner than a PostgreSQL check could", () => {
    const { report, failedMs } = failedLatencies(twoHotRows("mysql", "distinct"));
    expect(locks(report).deadlocks).toBeGreaterThan(0);
    expect(report.errors.total).toBe(report.errors.byKind.deadlock);
    expect(Math.min(...failedMs)).toBeLessThan(DEADLOCK_TIMEOUT_MS / 4);
    expect(report.throughput.completedPerSec).toBeGreaterThan(0);
  });

  it("PostgreSQL with lock_timeout below deadlock_timeout: every wait gives up first, as lock_timeout", () => {
    // A wait ends at lock_timeout (10 ms), long before its deadlock check (1 s)
    // would run, so cycles are broken by timeouts and none is found as a deadlock.
    const scenario = twoHotRows("postgresql", "distinct");
    const database = { ...scenario.database, lockTimeout: 10, deadlockTimeout: 1000 };
    const { report, failedMs } = failedLatencies({ ...scenario, database });
    expect(locks(report).timeouts).toBeGreaterThan(0);
    expect(locks(report).deadlocks).toBe(0);
    expect(report.errors.total).toBe(report.errors.byKind.lock_timeout);
    expect(Math.min(...failedMs)).toBeGreaterThanOrEqual(10);
    expect(locks(report).waitMs.max).toBeLessThanOrEqual(10 + 1e-6);
  });

  it('one row per transaction ("same") cannot deadlock', () => {
    for (const engine of ["postgresql", "mysql"] as const) {
      expect(locks(runScenario(twoHotRows(engine, "same"))).deadlocks).toBe(0);
    }
  });
});

describe("the same rows in ascending key order never deadlock", () => {
  test.prop(
    [
      fc.constantFrom("postgresql" as const, "mysql" as const),
      fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    ],
    { numRuns: 8 },
  )("no deadlock, while rows are still waited for", (engine, seed) => {
    const report = runScenario(twoHotRows(engine, "distinct-sorted", seed));
    expect(locks(report).waits).toBeGreaterThan(0);
    expect(locks(report).deadlocks).toBe(0);
    expect(report.errors.total).toBe(0);
  });
});
