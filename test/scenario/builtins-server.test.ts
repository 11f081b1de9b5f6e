// The built-in scenarios about the server's mechanisms (docs/server.md), each
// run shortened, and checked for the shape its description claims — from
// theory, not from figures a run printed.
import { describe, expect, it } from "vitest";
import { builtinScenario, type Report, resolveVariants, runScenario } from "../../src/index.js";

/** Every plan of a built-in, run for `durationMs` after a 1 s warm-up, by plan name. */
function plans(name: string, durationMs: number): Map<string, Report> {
  const resolved = resolveVariants({
    ...builtinScenario(name),
    warmup: 1000,
    duration: durationMs,
  });
  if (!resolved.ok) throw new Error(JSON.stringify(resolved.issues));
  return new Map(resolved.variants.map((p) => [p.name, runScenario(p.scenario)]));
}

function server(report: Report | undefined) {
  const s = report?.nodes[0]?.server;
  if (s === undefined) throw new Error("no server section");
  return s;
}

describe("pool-size-io: the pool-size paradox on an I/O-bound working set", () => {
  const runs = plans("pool-size-io", 2000);

  it("most page accesses miss the buffer pool (16 MB against a million rows)", () => {
    // 2,048 pages of 8 KiB hold about an eighth of the ~18,000 pages; uniform keys hit ≈ 2,048/18,000.
    expect(server(runs.get("base")).bufferPool.hitRatio).toBeLessThan(0.25);
  });

  it("throughput peaks at a pool above the 16 cores: waiting on the disk holds no core", () => {
    // The USL's N* ≈ 10 counts statements on the cores; a connection spends a
    // fraction f < 1 of its time there, so its peak lies near N*/f connections.
    const best = [...runs].reduce((a, b) =>
      b[1].throughput.completedPerSec > a[1].throughput.completedPerSec ? b : a,
    );
    const pool = Number(best[0].replace("pool ", "").replace("base", "10"));
    expect(pool).toBeGreaterThan(16);
  });
});

describe("hot-row: more connections only add lock waits", () => {
  const runs = plans("hot-row", 2000);

  it("ten rows, each held at least two round trips (2 ms): never more than 5,000 commits/s", () => {
    // Each row is a single server of its lock (Little's law: at most 1 / hold per row).
    for (const r of runs.values()) expect(r.throughput.completedPerSec).toBeLessThan(5000);
  });

  it("from 60 to 250 connections throughput barely moves while lock waits grow several-fold", () => {
    const at60 = runs.get("pool 60") as Report;
    const at250 = runs.get("pool 250") as Report;
    expect(at250.throughput.completedPerSec).toBeLessThan(1.15 * at60.throughput.completedPerSec);
    expect(server(at250).locks.waitMs.mean).toBeGreaterThan(3 * server(at60).locks.waitMs.mean);
    expect(server(at250).locks.hottestRows.length).toBeGreaterThan(0);
  });
});

describe("group-commit: concurrent commits share a flush", () => {
  const runs = plans("group-commit", 2000);

  it("one connection: one commit per flush, fewer than 1,000 per second (1 ms fsync each)", () => {
    const base = runs.get("base") as Report;
    expect(server(base).commits.commitsPerFlush).toBe(1);
    expect(base.throughput.completedPerSec).toBeLessThan(1000);
  });

  it("flushes run one at a time, so commits/s ≤ 1,000 × commits per flush; more connections batch more", () => {
    for (const r of runs.values()) {
      expect(r.throughput.completedPerSec).toBeLessThanOrEqual(
        1000 * server(r).commits.commitsPerFlush * 1.02,
      );
    }
    const base = runs.get("base") as Report;
    const wide = runs.get("pool 64") as Report;
    expect(server(wide).commits.commitsPerFlush).toBeGreaterThan(10);
    expect(wide.throughput.completedPerSec).toBeGreaterThan(5 * base.throughput.completedPerSec);
  });

  it("commit_delay makes the groups larger still", () => {
    const wide = server(runs.get("pool 64"));
    const delayed = server(runs.get("pool 64, commit_delay"));
    expect(delayed.commits.commitsPerFlush).toBeGreaterThan(wide.commits.commitsPerFlush);
  });
});

describe("scale-up: three sizes of one family", () => {
  const runs = plans("scale-up", 2000);

  it("the 2-vCPU size cannot carry 20,000/s (about 0.11 core-ms each: 2 cores do ~18,000/s); 4 and 8 vCPUs can", () => {
    expect(runs.get("base")?.verdict.status).toBe("overloaded");
    expect(runs.get("db.r6g.xlarge")?.verdict.status).toBe("ok");
    expect(runs.get("db.r6g.2xlarge")?.verdict.status).toBe("ok");
  });

  it("doubling the cores halves the utilisation at the same load", () => {
    const u4 = runs.get("db.r6g.xlarge")?.nodes[0]?.utilization ?? 0;
    const u8 = runs.get("db.r6g.2xlarge")?.nodes[0]?.utilization ?? 0;
    expect(u8 / u4).toBeCloseTo(0.5, 1);
    expect(runs.get("db.r6g.2xlarge")?.nodes[0]?.size).toBe("db.r6g.2xlarge");
  });
});

describe("deadlock: transfers that lock two accounts", () => {
  const runs = plans("deadlock", 3000);

  it("random order on PostgreSQL deadlocks, and each victim waited deadlock_timeout (1 s) first", () => {
    // proc.c CheckDeadLock runs only once a waiter has waited deadlock_timeout, and
    // aborts that waiter: its wait, the longest lock wait, is at least 1 s.
    const base = runs.get("base") as Report;
    expect(server(base).locks.deadlocks).toBeGreaterThan(0);
    expect(base.errors.byKind.deadlock).toBeGreaterThan(0);
    expect(server(base).locks.waitMs.max).toBeGreaterThanOrEqual(1000);
  });

  it("the same accounts locked in ascending order never deadlock (one lock order: no wait-for cycle)", () => {
    const sorted = runs.get("sorted") as Report;
    expect(server(sorted).locks.waits).toBeGreaterThan(0);
    expect(server(sorted).locks.deadlocks).toBe(0);
    expect(sorted.errors.total).toBe(0);
  });

  it("random order on MySQL deadlocks too, found at the wait that closes the cycle (no 1 s timer)", () => {
    const mysql = runs.get("mysql") as Report;
    expect(server(mysql).locks.deadlocks).toBeGreaterThan(0);
    expect(server(mysql).locks.waitMs.max).toBeLessThan(1000);
  });
});
