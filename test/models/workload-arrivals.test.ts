// Open arrivals are a chain: each one schedules the next on the queue entry it ran
// from. The chain must give exactly the times the arrival process draws, replayed
// here from the same random stream ("workload.arrivals"): a Poisson process's gaps
// are exponential with mean 1000/λ ms; a ramp is thinned (Lewis & Shedler 1979),
// candidates at the peak rate, each kept with probability rate(t)/peak.
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import {
  type Operation,
  type RateSchedule,
  type Service,
  Simulation,
  Workload,
  type WorkloadConfig,
} from "../../src/index.js";

const STOP_MS = 1_000;

function issueTimes(arrivals: RateSchedule, seed: number): number[] {
  const sim = new Simulation({ seed });
  const issued: number[] = [];
  const service: Service = {
    submit(op: Operation, done) {
      issued.push(op.issuedAt);
      // Answered later, so completions interleave with the arrivals' chain.
      sim.schedule(0.5, () => done(op));
    },
  };
  const config: WorkloadConfig = {
    arrivals: { kind: "open", rate: arrivals },
    readRatio: 0.5,
    transactions: { share: 0, statements: () => 1 },
    keys: { count: 100, popularity: { kind: "uniform" } },
    sessions: 10,
    readOwnWrites: 0,
    stopAtMs: STOP_MS,
  };
  new Workload(sim, config, service, () => {}).start();
  sim.run();
  return issued;
}

/** The arrival times drawn afresh from the workload's stream. */
function replay(arrivals: RateSchedule, seed: number): number[] {
  const rng = new Simulation({ seed }).rng("workload.arrivals");
  const times: number[] = [];
  if (arrivals.kind === "constant") {
    for (let t = rng.exponential(1000 / arrivals.perSec); t < STOP_MS; ) {
      times.push(t);
      t += rng.exponential(1000 / arrivals.perSec);
    }
    return times;
  }
  if (arrivals.kind !== "ramp") throw new Error("replay: constant or ramp only");
  const peak = Math.max(arrivals.fromPerSec, arrivals.toPerSec);
  for (let t = 0; ; ) {
    t += rng.exponential(1000 / peak);
    if (t >= STOP_MS) return times;
    const f = Math.min(1, t / arrivals.overMs);
    const rate = arrivals.fromPerSec + (arrivals.toPerSec - arrivals.fromPerSec) * f;
    if (rng.next() * peak < rate) times.push(t);
  }
}

const rate = fc.oneof(
  fc.record({ kind: fc.constant("constant" as const), perSec: fc.integer({ min: 1, max: 2000 }) }),
  fc.record({
    kind: fc.constant("ramp" as const),
    fromPerSec: fc.integer({ min: 0, max: 2000 }),
    toPerSec: fc.integer({ min: 1, max: 2000 }),
    overMs: fc.integer({ min: 1, max: 1500 }),
  }),
);

describe("the open arrivals' chain", () => {
  test.prop([rate, fc.integer({ min: 1, max: 1e6 })], { numRuns: 40 })(
    "issues at exactly the times the arrival process draws",
    (arrivals, seed) => {
      expect(issueTimes(arrivals, seed)).toEqual(replay(arrivals, seed));
    },
  );
});
