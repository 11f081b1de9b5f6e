// Limits of a run (issue 8, items 7–9, 10c, 10d, 10f): nothing hangs, nothing
// silently explodes. A run whose clock stands still throws a LivelockError
// naming the component; a scenario whose estimate passes the limits is refused
// before it runs (WorkLimitError) unless forced; work piling up stops the run
// as "overloaded"; an abort signal stops it as "aborted"; every report carries
// the dbsim version.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LivelockError, Simulation } from "../../src/kernel/index.js";
import { Router } from "../../src/models/routing/router.js";
import { Workload } from "../../src/models/workload/workload.js";
import { samplerFactory, workloadConfig } from "../../src/scenario/build.js";
import {
  builtinScenario,
  builtinScenarioNames,
  DEFAULT_LIMITS,
  estimateWork,
  parseScenario,
  ReportSchema,
  resolveScenario,
  roundFigure,
  runScenario,
  runScenarioDetailed,
  ScenarioError,
  type ScenarioInput,
  WorkLimitError,
} from "../../src/scenario/index.js";
import { explainLivelock, runInSlices } from "../../src/scenario/stops.js";

const root = join(import.meta.dirname, "..", "..");

/** Closed-loop clients whose every connect is refused at once: per-request, no round trips. */
const refusedAtOnce: ScenarioInput = {
  duration: "1s",
  warmup: 0,
  workload: { clients: 50, thinkTime: 0 },
  database: { maxConnections: 10 },
  client: { connections: "per-request", connectRoundTrips: 0 },
};

function refusal(input: ScenarioInput, options = {}): WorkLimitError {
  try {
    runScenario(input, options);
  } catch (error) {
    expect(error).toBeInstanceOf(WorkLimitError);
    return error as WorkLimitError;
  }
  throw new Error("expected a WorkLimitError, but the scenario ran");
}

describe("livelock (item 7)", () => {
  it("clients refused at no time cost, retrying at once: a LivelockError naming the database and the error kind", () => {
    // 40 of the 50 clients are refused (max_connections 10) and retry at the same
    // instant; before the kernel's check this ran to the 5·10^6 event bound at t = 0.
    let caught: unknown;
    try {
      runScenario(refusedAtOnce, { maxEvents: 5_000_000 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LivelockError);
    const e = caught as LivelockError;
    expect(e.timeMs).toBe(0);
    expect(e.events).toBe(1_000_000);
    expect(e.component).toContain("max_connections 10");
    expect(e.message).toMatch(/^Livelock in the database/);
    expect(e.message).toContain("too_many_clients");
    expect(e.message).toContain("thinkTime");
  });

  it("the bound scales with the entities that may act at once: 100 per client", () => {
    // 20,000 clients with a constant think time all issue at the same instants:
    // 10^6 events at one instant would be a false alarm for them, 100 × 20,000 is not.
    const report = runScenario({
      duration: 20,
      warmup: 0,
      workload: { clients: 20_000, thinkTime: 5 },
    });
    expect(report.stoppedBy).toBe("end");
  });
});

describe("the work estimate (item 8)", () => {
  // Two fast-check counterexamples: an infinite mean was taken as 0, so the cycle was
  // 0 ms long, the operations infinite, and the events NaN — first with the think
  // time heavy-tailed, then with the statement time and the round trip.
  const HEAVY = { kind: "pareto" as const, scale: 0.000001, shape: 0.17 };
  const base = {
    duration: 1,
    warmup: 0,
    workload: {
      clients: 1,
      thinkTime: 0,
      readRatio: 0,
      transactions: { share: 0, statements: 0 },
      keys: { count: 1 },
    },
    database: { readTime: 0 },
    client: { roundTrip: 0 },
  };
  it.each([
    ["the think time", { ...base, workload: { ...base.workload, thinkTime: HEAVY } }],
    [
      "the statement time and the round trip",
      { ...base, database: { readTime: HEAVY }, client: { roundTrip: HEAVY } },
    ],
  ])(
    "a cycle with no finite mean (%s Pareto, shape ≤ 1): a finite estimate, not NaN, and the run goes ahead",
    (_, input) => {
      const e = estimateWork(resolveScenario(input));
      expect(e.operations).toBe(1);
      expect(Number.isFinite(e.events)).toBe(true);
      expect(() => runScenario(input)).not.toThrow();
    },
  );

  it("a zero-length cycle is unbounded work, said as ∞, never NaN", () => {
    const e = estimateWork(resolveScenario(base));
    expect(e.operations).toBe(Number.POSITIVE_INFINITY);
    expect(e.events).toBe(Number.POSITIVE_INFINITY);
  });

  it("operations = rate × (warm-up + duration)", () => {
    const e = estimateWork(resolveScenario({ workload: { rate: 1000 }, duration: "60s" }));
    expect(e.operations).toBe(65_000); // 1000/s × (5 s warm-up + 60 s)
    expect(e.operationsBasis).toBe("rate 1,000/s × 65 s");
  });

  it("steps and ramps are integrated piece by piece", () => {
    const steps = estimateWork(
      resolveScenario({
        workload: {
          rate: {
            steps: [
              { at: 0, rate: 100 },
              { at: "10s", rate: 300 },
            ],
          },
        },
        duration: "15s",
        warmup: "5s",
      }),
    );
    expect(steps.operations).toBe(100 * 10 + 300 * 10);
    // A ramp 0 → 1000/s over 10 s, then 1000/s for 10 s more: 5,000 + 10,000.
    const ramp = estimateWork(
      resolveScenario({
        workload: { rate: { ramp: { from: 0, to: 1000, over: "10s" } } },
        duration: "20s",
        warmup: 0,
      }),
    );
    expect(ramp.operations).toBe(15_000);
  });

  it("a closed loop issues at most clients × time ÷ (think + round trip + statement)", () => {
    const e = estimateWork(
      resolveScenario({
        workload: { clients: 10, thinkTime: 9 },
        client: { roundTrip: 0.5 },
        database: { readTime: 0.5 },
        duration: "10s",
        warmup: 0,
      }),
    );
    expect(e.operations).toBe((10 * 10_000) / 10);
  });

  for (const name of builtinScenarioNames()) {
    it(`${name}: the event estimate errs high — at least the events the run takes, and for open arrivals at most 3.5 times them`, () => {
      const scenario = resolveScenario({ ...builtinScenario(name), duration: 3000, warmup: 1000 });
      const estimate = estimateWork(scenario);
      const { events } = runScenario(scenario);
      expect(estimate.events).toBeGreaterThanOrEqual(events);
      // A closed loop's estimate is an upper bound only: a loaded server slows the loop.
      if (scenario.workload.clients === undefined) {
        expect(estimate.events).toBeLessThanOrEqual(3.5 * events);
      }
    });
  }

  it("refuses duration 1000h: about 3.6e+9 operations, over the limit, with the way round it", () => {
    const e = refusal({ workload: { rate: 1000 }, duration: "1000h" });
    expect(e.limit).toBe("maxOperations");
    expect(e.limitValue).toBe(DEFAULT_LIMITS.maxOperations);
    expect(e.estimate.operations).toBeCloseTo(1000 * 3_600_005, 0);
    expect(e.message).toContain("about 3.6e+9 operations (rate 1,000/s × 3,600,005 s)");
    expect(e.message).toContain("force");
  });

  it("refuses rate 1e9 and lagSampleInterval 1e-9 (events), each naming its limit", () => {
    expect(refusal({ workload: { rate: 1e9 } }).limit).toBe("maxOperations");
    const samples = refusal({
      workload: { rate: 100 },
      replication: { replicas: 1, lagSampleInterval: 1e-9 },
    });
    expect(samples.limit).toBe("maxEvents");
    // 65 s of samples every 10^-9 ms: 6.5·10^13 events.
    expect(samples.estimate.events).toBeGreaterThan(6.5e13);
  });

  it("refuses clients 1e8 for memory before allocating any of them", () => {
    const e = refusal({ workload: { clients: 1e8 } });
    expect(e.limit).toBe("maxMemoryBytes");
    expect(e.message).toContain("closed-loop clients (100,000,000");
  });

  it("tighter limits refuse what the defaults let through; force runs it anyway", () => {
    const small: ScenarioInput = { workload: { rate: 100 }, duration: "1s", warmup: 0 };
    const e = refusal(small, { limits: { maxOperations: 50 } });
    expect(e.limit).toBe("maxOperations");
    expect(e.message).toContain("about 100 operations");
    const forced = runScenario(small, { limits: { maxOperations: 50 }, force: true });
    expect(forced.stoppedBy).toBe("end");
  });

  it("a run the caller bounds by maxEvents is not refused for its length, only for memory", () => {
    const long: ScenarioInput = { workload: { rate: 1000 }, duration: "1000h" };
    const bounded = runScenario(long, { maxEvents: 10_000 });
    expect(bounded.stoppedBy).toBe("eventLimit");
    expect(bounded.events).toBeLessThanOrEqual(10_000);
    // A bound above the events limit bounds nothing the limit does not.
    expect(refusal(long, { maxEvents: 3e9 }).limit).toBe("maxOperations");
    expect(refusal({ workload: { clients: 1e8 } }, { maxEvents: 10 }).limit).toBe("maxMemoryBytes");
  });

  it("a limit that is not a number > 0 is named", () => {
    for (const bad of [0, -1, Number.NaN]) {
      expect(() =>
        runScenario({ workload: { rate: 1 } }, { limits: { maxInFlight: bad } }),
      ).toThrow(`limits.maxInFlight must be a number > 0 (Infinity for no limit); got ${bad}`);
    }
  });
});

describe("memory (item 9, 10d)", () => {
  it("the router allocates per-session state only for a policy that reads it", () => {
    // 10^10 sessions: a typed array that long cannot be made ("Invalid typed array length").
    const sim = new Simulation();
    const config = {
      via: "app" as const,
      proxyRoundTripMs: () => 0,
      dnsTtlMs: 1000,
      instances: 1,
      readBalancing: "round-robin" as const,
      maxReplicationLagMs: null,
      lagCheckIntervalMs: 1000,
      sessions: 1e10,
    };
    const status = { lagMs: () => 0, appliedLsn: () => 0, waitForLsn: () => {} };
    const service = { submit: () => {} };
    expect(
      () => new Router(sim, { ...config, consistency: { policy: "none" } }, service, [], status),
    ).not.toThrow();
    expect(
      () =>
        new Router(
          sim,
          { ...config, consistency: { policy: "read-your-writes", by: "lsn", maxWaitMs: 1 } },
          service,
          [],
          status,
        ),
    ).toThrow(RangeError);
  });

  it("per-session state a policy needs is in the estimate: a billion sessions by LSN are refused", () => {
    const e = refusal({
      workload: { rate: 100, sessions: 1e9 },
      replication: { replicas: 1 },
      routing: { consistency: { policy: "read-your-writes", by: "lsn" } },
    });
    expect(e.limit).toBe("maxMemoryBytes");
    expect(e.message).toContain("per-session state (1.0e+9 sessions × 8 bytes)");
    // Without a policy the same sessions cost nothing.
    const none = estimateWork(
      resolveScenario({ workload: { rate: 100, sessions: 1e9 }, replication: { replicas: 1 } }),
    );
    expect(none.memory.some((m) => m.what.startsWith("per-session"))).toBe(false);
  });

  it("keys.count 1e8 with 64 replicas is refused: 8 bytes per key on each of 65 nodes", () => {
    const e = refusal({
      workload: { rate: 100, keys: { count: 1e8 } },
      replication: { replicas: 64 },
    });
    expect(e.limit).toBe("maxMemoryBytes");
    const keys = e.estimate.memory.find((m) => m.what.startsWith("key versions"));
    // Each of the 65 nodes holds a version and a commit LSN per key (two
    // Uint32Arrays), and the oracle the newest acknowledged version (one).
    expect(keys?.bytes).toBe((65 * 8 + 4) * 1e8);
  });

  it("the schema bounds sessions, clients, bytesPerWrite, memoryPerConnectionMB and empirical samples", () => {
    const paths = (input: unknown): string[] => {
      const r = parseScenario(input);
      return r.ok ? [] : r.issues.map((i) => i.path);
    };
    expect(paths({ workload: { rate: 1, sessions: 1e10 } })).toContain("workload.sessions");
    expect(paths({ workload: { clients: 1e10 } })).toContain("workload.clients");
    expect(
      paths({ workload: { rate: 1 }, replication: { replicas: 1, bytesPerWrite: 1e308 } }),
    ).toContain("replication.bytesPerWrite");
    expect(paths({ workload: { rate: 1 }, database: { memoryPerConnectionMB: 1e308 } })).toContain(
      "database.memoryPerConnectionMB",
    );
    const samples = new Array(1_000_001).fill(1);
    expect(
      paths({ workload: { rate: 1 }, database: { readTime: { kind: "empirical", samples } } }),
    ).toContain("database.readTime");
    expect(() => resolveScenario({ workload: { rate: 1, sessions: 1e10 } })).toThrow(ScenarioError);
  });

  it("a figure that is not finite is an error, never a silent 0 (memoryPerConnectionMB 1e308 once reported 0 MB)", () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => roundFigure(bad)).toThrow(RangeError);
      expect(() => roundFigure(bad)).toThrow(`a report figure came out as ${bad}`);
    }
    expect(roundFigure(1e12 * 7.5)).toBe(7.5e12);
  });

  it("requests piling up stop the run as overloaded, with the count in stopDetail", () => {
    // 100,000/s against one connection busy 1 s per request: the queue grows without bound.
    const report = runScenario(
      {
        duration: "10s",
        warmup: 0,
        workload: { rate: 100_000 },
        client: { poolSize: 1, connectionTimeout: "1h" },
        database: { readTime: 1000, writeTime: 1000 },
      },
      { limits: { maxInFlight: 10_000 } },
    );
    expect(report.stoppedBy).toBe("overloaded");
    expect(report.stopDetail).toMatch(/^overloaded: 10,000 operations in flight at /);
    expect(report.simulatedMs).toBeLessThan(1000);
    expect(() => ReportSchema.parse(report)).not.toThrow();
  });
});

describe("runaway rates (item 10c)", () => {
  const ramp: ScenarioInput = {
    duration: "1h",
    warmup: 0,
    workload: { rate: { ramp: { from: 0, to: 1e300, over: "1h" } } },
  };

  it("a ramp to 1e300/s is refused by its estimate (every thinning candidate is an event)", () => {
    expect(refusal(ramp).limit).toBe("maxOperations");
    const e = estimateWork(resolveScenario(ramp));
    expect(e.events).toBeGreaterThanOrEqual(1e300 * 3600);
  });

  it("forced, the ramp's candidates count as events: maxEvents stops it", () => {
    // Before, the thinning loop ran inside one event and never returned.
    const report = runScenario(ramp, { force: true, maxEvents: 100_000 });
    expect(report.stoppedBy).toBe("eventLimit");
    expect(report.events).toBe(100_000);
  });

  it("a rate whose gaps underflow stands the clock still: the kernel stops it, runScenario names the workload", () => {
    // At t = 1000 ms a gap of 10^-297 ms rounds away: every arrival lands on the same instant.
    const sim = new Simulation({ maxEventsPerInstant: 10_000 });
    const scenario = resolveScenario({
      workload: {
        rate: {
          steps: [
            { at: 0, rate: 0 },
            { at: "1s", rate: 1e300 },
          ],
        },
      },
      duration: "2s",
      warmup: 0,
    });
    const config = workloadConfig(scenario, samplerFactory(scenario));
    new Workload(sim, config, { submit: () => {} }, () => {}).start();
    let caught: unknown;
    try {
      sim.run({ until: 2000 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LivelockError);
    expect((caught as LivelockError).timeMs).toBe(1000);
    const named = explainLivelock(caught as LivelockError, scenario, null);
    expect(named.message).toMatch(/^Livelock in the workload/);
    expect(named.message).toContain("workload.rate");
  });

  it("forced, a rate the plan cannot serve stops as overloaded rather than exhausting memory", () => {
    const report = runScenario(
      { workload: { rate: 1e300 }, duration: "1s", warmup: 0 },
      { force: true, limits: { maxInFlight: 1000 } },
    );
    expect(report.stoppedBy).toBe("overloaded");
  });
});

describe("runScenario options for embedders (item 10f)", () => {
  const small: ScenarioInput = { workload: { rate: 500 }, duration: "2s", warmup: "1s" };

  it("an abort signal stops the run between slices: stoppedBy aborted, figures for the time run", () => {
    const controller = new AbortController();
    const report = runScenario(small, {
      signal: controller.signal,
      onProgress: (fraction) => {
        if (fraction >= 0.5) controller.abort();
      },
    });
    expect(report.stoppedBy).toBe("aborted");
    expect(report.simulatedMs).toBe(1500);
    expect(report.stopDetail).toContain("aborted at 1,500 ms");
    expect(() => ReportSchema.parse(report)).not.toThrow();
  });

  it("an already aborted signal runs no event", () => {
    const report = runScenario(small, { signal: AbortSignal.abort() });
    expect(report.stoppedBy).toBe("aborted");
    expect(report.events).toBe(0);
  });

  it("onProgress gets where the run is: simulated time, its end, events and operations", () => {
    const seen: { f: number; simulatedMs: number; endMs: number; events: number }[] = [];
    const { report } = runScenarioDetailed(small, {
      onProgress: (f, p) => seen.push({ f, ...p }),
    });
    const last = seen.at(-1);
    expect(last?.f).toBe(1);
    expect(last?.simulatedMs).toBe(3000);
    expect(last?.endMs).toBe(3000);
    expect(last?.events).toBe(report.events);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]?.events).toBeGreaterThanOrEqual(seen[i - 1]?.events ?? 0);
    }
  });

  it("progress comes at least every 2^20 events, even inside one hundredth of the run", () => {
    const sim = new Simulation();
    // 3·2^20 events, a chain 10^-6 ms apart, all in the first hundredth of the run.
    let left = 3 * 2 ** 20;
    const next = (): void => {
      if (--left > 0) sim.schedule(1e-6, next);
    };
    sim.at(0, next);
    const workload = { issued: 0, overloadedAtMs: null } as unknown as Workload;
    const fractions: number[] = [];
    const stop = runInSlices(sim, workload, 1000, 1e9, { onProgress: (f) => fractions.push(f) });
    expect(stop).toBe("end");
    // Two reports inside the first hundredth (after 2^20 and 2^21 events), then the hundred slice ends.
    expect(fractions.length).toBe(102);
    expect(fractions.slice(0, 2).every((f) => f < 0.01)).toBe(true);
    for (let i = 1; i < fractions.length; i++) {
      expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1] as number);
    }
  });

  it("every report carries the version of dbsim from package.json", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
    const report = runScenario(small);
    expect(report.version).toBe(pkg.version);
    expect(Object.keys(report)[0]).toBe("version");
  });
});
