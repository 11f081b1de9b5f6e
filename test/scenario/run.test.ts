// runScenario end to end: reproducible to the byte, reports that satisfy their own
// schema with only finite numbers, bounded by maxEvents, measured only after the
// warm-up cut, and figures that follow from the scenario by arithmetic
// (a closed loop of one client completes duration / service-time operations;
// per-request connections run into max_connections; memory = peak connections ×
// memory per connection).
import { describe, expect, it } from "vitest";
import {
  BUILTIN_SCENARIOS,
  builtinScenarioNames,
  type Report,
  ReportSchema,
  runScenario,
  runScenarioDetailed,
  ScenarioError,
  type ScenarioInput,
} from "../../src/index.js";

/** A small, quick scenario: 1 s warm-up, 2 s measured, 500 ops/s. */
const small: ScenarioInput = {
  seed: 42,
  duration: "2s",
  warmup: "1s",
  workload: {
    rate: 500,
    readRatio: 0.8,
    transactions: { share: 0.1, statements: 3 },
    keys: { count: 1000 },
  },
};

/** Every number anywhere in the value, with its path. */
function numbers(value: unknown, path = "report"): { path: string; value: number }[] {
  if (typeof value === "number") return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => numbers(v, `${path}[${i}]`));
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => numbers(v, `${path}.${k}`));
  }
  return [];
}

function shortened(name: string): ScenarioInput {
  const builtin = BUILTIN_SCENARIOS[name] as ScenarioInput;
  return { ...builtin, duration: "3s", warmup: "1s" };
}

describe("determinism", () => {
  it("the same scenario and seed give byte-identical reports", () => {
    const a = JSON.stringify(runScenario(small));
    const b = JSON.stringify(runScenario(small));
    expect(a).toBe(b);
  });

  it("another seed gives a different report", () => {
    const a = runScenario(small);
    const b = runScenario({ ...small, seed: 43 });
    expect(b.seed).toBe(43);
    expect(JSON.stringify(b)).not.toBe(JSON.stringify(a));
    expect(b.latency.all).not.toEqual(a.latency.all);
  });

  it("the seed option overrides the scenario's seed exactly as writing it in would", () => {
    const byOption = runScenarioDetailed(small, { seed: 7 });
    expect(byOption.scenario.seed).toBe(7);
    expect(JSON.stringify(byOption.report)).toBe(
      JSON.stringify(runScenario({ ...small, seed: 7 })),
    );
  });

  it("a resolved scenario runs exactly like the input it came from", () => {
    const { scenario, report } = runScenarioDetailed(small);
    expect(JSON.stringify(runScenario(scenario))).toBe(JSON.stringify(report));
  });
});

describe("built-in scenarios, shortened to 1 s warm-up + 3 s", () => {
  it("are the documented ones (README; docs/server.md for the server's five, docs/caching.md for the cache's two, docs/sharding.md for the sharding three, docs/patterns.md for regions, cqrs and the services two, docs/faults.md for failover)", () => {
    expect(builtinScenarioNames()).toEqual([
      "read-heavy",
      "write-heavy",
      "many-clients",
      "read-your-writes",
      "pool-size",
      "proxysql",
      "pool-size-io",
      "hot-row",
      "deadlock",
      "group-commit",
      "scale-up",
      "cache-plans",
      "cache-races",
      "cache-nodes",
      "shard-hotspot",
      "shard-key",
      "add-shard",
      "regions",
      "cqrs",
      "api-composition",
      "shared-database",
      "failover",
    ]);
  });

  for (const name of builtinScenarioNames()) {
    it(`${name}: the report satisfies ReportSchema and every number in it is finite`, () => {
      const report = runScenario(shortened(name));
      expect(() => ReportSchema.parse(report)).not.toThrow();
      const bad = numbers(report).filter((n) => !Number.isFinite(n.value));
      expect(bad).toEqual([]);
      expect(report.scenario).toBe(name);
      expect(report.stoppedBy).toBe("end");
      expect(report.warmupMs).toBe(1000);
      expect(report.durationMs).toBe(3000);
      expect(report.simulatedMs).toBe(4000);
      expect(report.latency.all.count).toBe(report.latency.read.count + report.latency.write.count);
      expect(report.latency.all.count).toBeGreaterThan(0);
      // Percentiles are ordered.
      const l = report.latency.all;
      expect(l.p50).toBeLessThanOrEqual(l.p90);
      expect(l.p90).toBeLessThanOrEqual(l.p95);
      expect(l.p95).toBeLessThanOrEqual(l.p99);
      expect(l.p99).toBeLessThanOrEqual(l.p999);
      expect(l.p999).toBeLessThanOrEqual(l.max);
      // The report survives a JSON round trip unchanged.
      expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    });
  }

  it("an open workload at rate λ offers λ per second (Poisson: within 4√n over the window)", () => {
    const report = runScenario(shortened("read-heavy"));
    const expected = 1200 * 3; // 3 s at 1200/s
    const offered = report.throughput.offeredPerSec * 3;
    expect(Math.abs(offered - expected)).toBeLessThan(4 * Math.sqrt(expected));
  });

  it("many-clients: per-request connections exhaust max_connections — too_many_clients errors, peak connections = maxConnections", () => {
    const report = runScenario(shortened("many-clients"));
    expect(report.client.connections).toBe("per-request");
    expect(report.errors.byKind.too_many_clients).toBeGreaterThan(0);
    expect(report.errors.total).toBe(
      Object.values(report.errors.byKind).reduce((a, b) => a + b, 0),
    );
    const primary = report.nodes[0];
    expect(primary?.connectionsMax).toBe(100);
    // PostgreSQL default 7.5 MB per connection × 100 connections.
    expect(primary?.memoryMB).toBe(750);
    // Every request pays a set-up, failed ones excepted.
    expect(report.client.connectionsOpened).toBeGreaterThan(0);
  });
});

describe("limits", () => {
  it("maxEvents: 1000 stops the run early and says so", () => {
    const report = runScenario(small, { maxEvents: 1000 });
    expect(report.stoppedBy).toBe("eventLimit");
    expect(report.events).toBeLessThanOrEqual(1000);
    expect(report.simulatedMs).toBeLessThan(3000);
    expect(numbers(report).every((n) => Number.isFinite(n.value))).toBe(true);
    expect(() => ReportSchema.parse(report)).not.toThrow();
  });

  it("a run stopped by maxEvents inside the warm-up measured nothing: no latencies, no errors", () => {
    // 1000 events at 500 ops/s end long before the 1 s warm-up cut, so the window is empty.
    const report = runScenario(small, { maxEvents: 1000 });
    expect(report.simulatedMs).toBeLessThan(1000);
    expect(report.durationMs).toBe(0);
    expect(report.latency.all.count).toBe(0);
    expect(report.errors.total).toBe(0);
    expect(report.client.connectionsOpened).toBe(0);
  });

  it("a run that ends normally reports stoppedBy end", () => {
    expect(runScenario(small).stoppedBy).toBe("end");
  });

  it("maxEvents equal to the events the run needs is enough: same report, stoppedBy end; one fewer is not", () => {
    const full = runScenario(small);
    const exact = runScenario(small, { maxEvents: full.events });
    expect(exact.stoppedBy).toBe("end");
    expect(exact.simulatedMs).toBe(3000);
    expect(JSON.stringify(exact)).toBe(JSON.stringify(full));
    const short = runScenario(small, { maxEvents: full.events - 1 });
    expect(short.stoppedBy).toBe("eventLimit");
  });

  it("reports progress about a hundred times, increasing, ending at 1", () => {
    const seen: number[] = [];
    runScenario(small, { onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThanOrEqual(50);
    expect(seen.at(-1)).toBe(1);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i] as number).toBeGreaterThan(seen[i - 1] as number);
    }
  });
});

/** One closed-loop client, constant service time, no network, no set-up cost. */
function oneClient(serviceMs: number, warmup: number, duration: number): ScenarioInput {
  return {
    seed: 3,
    warmup,
    duration,
    workload: { clients: 1, thinkTime: 0, readRatio: 1, keys: { count: 10 } },
    // Pure processor sharing: the service time is the CPU work alone.
    database: {
      mechanisms: "none",
      readTime: serviceMs,
      writeTime: serviceMs,
      connectionSetupTime: 0,
    },
    client: { poolSize: 1, roundTrip: 0, connectRoundTrips: 0 },
  };
}

describe("the warm-up cut", () => {
  it("latencies count only completions in the window: 1 client × 2 ms service × 1 s = 500", () => {
    // Back-to-back requests of exactly 2 ms complete every 2 ms; the window [500, 1500) holds
    // 500 completions. Counting the warm-up too would give 750.
    const report = runScenario(oneClient(2, 500, 1000));
    expect(Math.abs(report.latency.all.count - 500)).toBeLessThanOrEqual(1);
    expect(report.latency.all.mean).toBeCloseTo(2, 6);
    expect(report.latency.write.count).toBe(0);
    // Throughput 1/(R + Z) = 1 / 2 ms = 500/s; the server is busy all the time on one of 8 cores.
    expect(report.throughput.completedPerSec).toBeCloseTo(500, 0);
    expect(report.nodes[0]?.utilization).toBeCloseTo(1 / 8, 3);
    expect(report.nodes[0]?.concurrencyMean).toBeCloseTo(1, 3);
  });

  it("without a warm-up every completion counts", () => {
    const report = runScenario(oneClient(4, 0, 1000));
    expect(Math.abs(report.latency.all.count - 250)).toBeLessThanOrEqual(1);
  });

  it("connection set-ups before the cut are not counted in the window", () => {
    // The single pooled connection opens at t = 0, long before the cut.
    const report = runScenario(oneClient(2, 500, 1000));
    expect(report.client.connectionsOpened).toBe(0);
    expect(report.nodes[0]?.connectionsMax).toBe(1);
  });
});

describe("bad input", () => {
  it("runScenario throws a ScenarioError whose issues name the paths", () => {
    let caught: unknown;
    try {
      runScenario({ workload: { rate: 10, readRatio: 2 }, database: { cores: -1 } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ScenarioError);
    const paths = (caught as ScenarioError).issues.map((i) => i.path).sort();
    expect(paths).toEqual(["database.cores", "workload.readRatio"]);
    expect((caught as ScenarioError).message).toContain("workload.readRatio");
  });

  it("raw JSON text with a typo is refused too", () => {
    expect(() => runScenario('{"workload":{"rate":10},"durration":"1s"}' as never)).toThrow(
      /durration/,
    );
  });
});

describe("figures that follow from the scenario", () => {
  it("memoryMB = connectionsMax × memoryPerConnectionMB (2 instances × pool 3 all in use → 6 × 9.5 MB)", () => {
    const report: Report = runScenario({
      seed: 5,
      warmup: 200,
      duration: 1000,
      workload: { clients: 12, thinkTime: 0, keys: { count: 100 } },
      database: { memoryPerConnectionMB: 9.5 },
      client: { instances: 2, poolSize: 3 },
    });
    const primary = report.nodes[0];
    // 12 busy clients keep both pools full: 6 connections, opened during the warm-up.
    expect(primary?.connectionsMax).toBe(6);
    expect(primary?.memoryMB).toBe(57);
    expect(primary?.connectionsMean).toBe(6);
    // 12 clients, 6 connections: some requests wait for one. A request's instance is not its
    // client's, so one instance can hold all 12 requests: at most 12 − 3 in service = 9 wait.
    expect(report.client.waitingMax).toBeGreaterThanOrEqual(6);
    expect(report.client.waitingMax).toBeLessThanOrEqual(9);
  });

  it("waitingMax is the most requests ever waiting at once, not a sample: 5 clients arriving together on 1 connection → 4", () => {
    // All five clients think 1055 ms, then ask at once for the only pooled connection:
    // one gets it, four wait (10 ms each), so at least 4 wait at once; never more (5 − 1).
    const report = runScenario({
      seed: 1,
      warmup: 0,
      duration: 3000,
      workload: { clients: 5, thinkTime: 1055, keys: { count: 10 } },
      database: { readTime: 10, writeTime: 10, connectionSetupTime: 0 },
      client: { poolSize: 1, roundTrip: 0, connectRoundTrips: 0 },
    });
    // The last of the five waited 40 ms for its 10 ms of work.
    expect(report.latency.all.max).toBeGreaterThanOrEqual(49);
    expect(report.client.waitingMax).toBe(4);
  });

  it("per-request connections: every successful request opens one connection", () => {
    const report = runScenario({
      seed: 9,
      warmup: 500,
      duration: 2000,
      workload: { rate: 200, keys: { count: 100 } },
      client: { connections: "per-request" },
    });
    expect(report.errors.total).toBe(0);
    // Set-ups counted in the window track the requests completed in it, to within those in flight at its edges.
    const completed = report.latency.all.count;
    expect(Math.abs(report.client.connectionsOpened - completed)).toBeLessThan(10);
  });
});
