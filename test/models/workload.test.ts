// The workload model on its own: a Simulation, a Workload, and a stub service
// that completes every operation after a fixed delay (no queueing, so the
// workload's own behaviour is all that is measured). Expected values:
// - Poisson arrivals: the count in a window of mean m has standard deviation √m;
//   we allow 4 of them.
// - Closed loop, interactive response-time law: N clients with response time R and
//   mean think time Z complete X = N / (R + Z) per unit time.
// - Binomial shares (reads, transactions) within 4.5 standard errors √(p(1−p)/n).
import { describe, expect, it } from "vitest";
import {
  type DrawFn,
  type Operation,
  type RandomStream,
  type Service,
  Simulation,
  Workload,
  type WorkloadConfig,
} from "../../src/index.js";

/** A service that completes each operation `delayMs` after it was submitted. */
class FixedDelay implements Service {
  readonly submitted: Operation[] = [];
  constructor(
    private readonly sim: Simulation,
    private readonly delayMs: number,
  ) {}
  submit(op: Operation, done: (op: Operation) => void): void {
    this.submitted.push(op);
    this.sim.schedule(this.delayMs, () => {
      op.completedAt = this.sim.now;
      done(op);
    });
  }
}

const constant =
  (value: number): DrawFn =>
  () =>
    value;
const exponential =
  (mean: number): DrawFn =>
  (rng: RandomStream) =>
    rng.exponential(mean);

function config(
  overrides: Partial<WorkloadConfig> & Pick<WorkloadConfig, "arrivals">,
): WorkloadConfig {
  return {
    readRatio: 0.5,
    transactions: { share: 0, statements: constant(3) },
    keys: { count: 1000, popularity: { kind: "uniform" } },
    sessions: 100,
    readOwnWrites: 0,
    stopAtMs: 10_000,
    ...overrides,
  };
}

interface Run {
  readonly submitted: readonly Operation[];
  readonly completed: readonly Operation[];
  readonly workload: Workload;
  readonly sim: Simulation;
}

/** Runs a workload against a fixed-delay service until nothing is left to do. */
function run(cfg: WorkloadConfig, { delayMs = 1, seed = 7 } = {}): Run {
  const sim = new Simulation({ seed });
  const service = new FixedDelay(sim, delayMs);
  const completed: Operation[] = [];
  const workload = new Workload(sim, cfg, service, (op) => completed.push(op));
  workload.start();
  sim.run({ until: cfg.stopAtMs + 100 * delayMs + 1000 });
  return { submitted: service.submitted, completed, workload, sim };
}

function countIn(ops: readonly Operation[], from: number, to: number): number {
  let n = 0;
  for (const op of ops) if (op.issuedAt >= from && op.issuedAt < to) n++;
  return n;
}

/** |observed − mean| within 4 Poisson standard deviations (and exact when the mean is 0). */
function expectPoisson(observed: number, mean: number, what: string): void {
  expect(
    Math.abs(observed - mean),
    `${what}: ${observed} arrivals, expected ${mean}`,
  ).toBeLessThanOrEqual(4 * Math.sqrt(mean));
}

function expectShare(hits: number, n: number, p: number, what: string): void {
  const se = Math.sqrt((p * (1 - p)) / n);
  expect(Math.abs(hits / n - p), `${what}: ${hits}/${n}, expected ${p}`).toBeLessThanOrEqual(
    4.5 * se + 1e-12,
  );
}

describe("open arrivals", () => {
  it("a constant rate λ gives λ·t arrivals in t (Poisson: within 4√n)", () => {
    const { submitted } = run(
      config({
        arrivals: { kind: "open", rate: { kind: "constant", perSec: 1000 } },
        stopAtMs: 10_000,
      }),
    );
    expectPoisson(submitted.length, 10_000, "0–10 s at 1000/s");
    // And evenly over time: each half holds half of them.
    expectPoisson(countIn(submitted, 0, 5000), 5000, "first half");
  });

  it("inter-arrival times are exponential: mean 1/λ and P(gap > 1/λ) = e^(−1)", () => {
    const { submitted } = run(
      config({
        arrivals: { kind: "open", rate: { kind: "constant", perSec: 500 } },
        stopAtMs: 20_000,
      }),
    );
    const gaps: number[] = [];
    for (let i = 1; i < submitted.length; i++) {
      gaps.push((submitted[i] as Operation).issuedAt - (submitted[i - 1] as Operation).issuedAt);
    }
    const n = gaps.length;
    const mean = gaps.reduce((a, b) => a + b, 0) / n;
    // The mean of n exponentials with mean 2 ms has standard deviation 2/√n.
    expect(Math.abs(mean - 2)).toBeLessThan((4 * 2) / Math.sqrt(n));
    expectShare(gaps.filter((g) => g > 2).length, n, Math.exp(-1), "gaps longer than the mean");
  });

  it("rate 0 issues nothing", () => {
    const { submitted } = run(
      config({ arrivals: { kind: "open", rate: { kind: "constant", perSec: 0 } } }),
    );
    expect(submitted).toHaveLength(0);
  });

  it("steps: each step's window holds rate × its length arrivals; a zero step holds none", () => {
    const steps = [
      { atMs: 0, perSec: 200 },
      { atMs: 2000, perSec: 1000 },
      { atMs: 4000, perSec: 0 },
      { atMs: 5000, perSec: 500 },
    ];
    const { submitted } = run(
      config({ arrivals: { kind: "open", rate: { kind: "steps", steps } }, stopAtMs: 7000 }),
    );
    expectPoisson(countIn(submitted, 0, 2000), 400, "step 1 (200/s for 2 s)");
    expectPoisson(countIn(submitted, 2000, 4000), 2000, "step 2 (1000/s for 2 s)");
    expect(countIn(submitted, 4000, 5000)).toBe(0);
    expectPoisson(countIn(submitted, 5000, 7000), 1000, "step 4 (500/s for 2 s)");
  });

  it("steps: before the first step the rate is 0", () => {
    const { submitted } = run(
      config({
        arrivals: { kind: "open", rate: { kind: "steps", steps: [{ atMs: 3000, perSec: 1000 }] } },
        stopAtMs: 5000,
      }),
    );
    expect(countIn(submitted, 0, 3000)).toBe(0);
    expectPoisson(submitted.length, 2000, "1000/s from 3 s to 5 s");
  });

  it("ramp: the first and last tenths hold ∫ rate dt there, and the rate stays at `to` after the ramp", () => {
    // rate(t) = 500 + 2000·t/10 000 per s for t in ms ∈ [0, 10 000]; 2500/s after.
    // Arrivals in [a, b] ms = (500·(b − a) + 0.1·(b² − a²)) / 1000.
    const expected = (a: number, b: number) => (500 * (b - a) + 0.1 * (b * b - a * a)) / 1000;
    const { submitted } = run(
      config({
        arrivals: {
          kind: "open",
          rate: { kind: "ramp", fromPerSec: 500, toPerSec: 2500, overMs: 10_000 },
        },
        stopAtMs: 12_000,
      }),
    );
    expect(expected(0, 1000)).toBe(600);
    expect(expected(9000, 10_000)).toBe(2400);
    expectPoisson(countIn(submitted, 0, 1000), 600, "first tenth of the ramp");
    expectPoisson(countIn(submitted, 9000, 10_000), 2400, "last tenth of the ramp");
    expectPoisson(countIn(submitted, 10_000, 12_000), 5000, "2 s after the ramp at 2500/s");
  });

  it("a falling ramp works too: 2000/s down to 0 over 5 s gives 5000 arrivals, few at the end", () => {
    const { submitted } = run(
      config({
        arrivals: {
          kind: "open",
          rate: { kind: "ramp", fromPerSec: 2000, toPerSec: 0, overMs: 5000 },
        },
        stopAtMs: 8000,
      }),
    );
    // ∫0^5 2000(1 − t/5) dt = 5000; the last 0.5 s holds 2000·0.5·0.1/2 = 50.
    expectPoisson(submitted.length, 5000, "whole ramp");
    expectPoisson(countIn(submitted, 4500, 5000), 50, "last tenth");
    expect(countIn(submitted, 5000, 8000)).toBe(0);
  });
});

describe("operation mix", () => {
  const mixRun = () =>
    run(
      config({
        arrivals: { kind: "open", rate: { kind: "constant", perSec: 2000 } },
        readRatio: 0.7,
        transactions: { share: 0.3, statements: (rng) => 0.6 + rng.next() * 8 },
        sessions: 37,
        stopAtMs: 10_000,
      }),
    );

  it("reads are readRatio of the operations, transactions are transactions.share", () => {
    const { submitted } = mixRun();
    const n = submitted.length;
    expect(n).toBeGreaterThan(15_000);
    expectShare(submitted.filter((op) => op.kind === "read").length, n, 0.7, "reads");
    expectShare(submitted.filter((op) => op.isTransaction).length, n, 0.3, "transactions");
  });

  it("a transaction has at least 2 statements (its draw rounded); a single statement has 1", () => {
    const { submitted } = mixRun();
    const tx = submitted.filter((op) => op.isTransaction);
    const single = submitted.filter((op) => !op.isTransaction);
    expect(single.every((op) => op.statements === 1)).toBe(true);
    expect(tx.every((op) => Number.isInteger(op.statements) && op.statements >= 2)).toBe(true);
    // Draws below 1.5 round to 1 and are raised to 2: P = 0.9/8; the largest is round(8.6) = 9.
    expectShare(
      tx.filter((op) => op.statements === 2).length,
      tx.length,
      0.9 / 8 + 1 / 8,
      "2 statements",
    );
    expect(Math.max(...tx.map((op) => op.statements))).toBe(9);
  });

  it("a constant statement count is used as is", () => {
    const { submitted } = run(
      config({
        arrivals: { kind: "open", rate: { kind: "constant", perSec: 500 } },
        transactions: { share: 1, statements: constant(5) },
      }),
    );
    expect(submitted.length).toBeGreaterThan(0);
    expect(submitted.every((op) => op.statements === 5)).toBe(true);
  });

  it("sessions are integers in [0, sessions), and open arrivals use all of them about evenly", () => {
    const { submitted } = mixRun();
    const counts = new Array<number>(37).fill(0);
    let outside = 0;
    for (const op of submitted) {
      if (!(Number.isInteger(op.session) && op.session >= 0 && op.session < 37)) outside++;
      else counts[op.session] = (counts[op.session] ?? 0) + 1;
    }
    expect(outside).toBe(0);
    for (const c of counts) expectShare(c, submitted.length, 1 / 37, "one session's share");
  });

  it("ids count from 0 in issue order, and issue times do not decrease", () => {
    const { submitted, workload } = mixRun();
    // The first offender, not an expect per operation: tens of thousands of them.
    expect(submitted.findIndex((op, i) => op.id !== i)).toBe(-1);
    expect(workload.issued).toBe(submitted.length);
    expect(
      submitted.findIndex(
        (op, i) => i > 0 && op.issuedAt < (submitted[i - 1] as Operation).issuedAt,
      ),
    ).toBe(-1);
  });

  it("keys come from the popularity: hotspot puts opShare of the operations on the hot keys", () => {
    const { submitted } = run(
      config({
        arrivals: { kind: "open", rate: { kind: "constant", perSec: 2000 } },
        keys: { count: 1000, popularity: { kind: "hotspot", keyShare: 0.1, opShare: 0.9 } },
      }),
    );
    expectShare(submitted.filter((op) => op.key < 100).length, submitted.length, 0.9, "hot ops");
  });
});

describe("closed loop", () => {
  it("N clients, think time Z, response time R: throughput N/(R + Z) (interactive response-time law)", () => {
    const clients = 10;
    const think = 20;
    const service = 5;
    const stopAtMs = 20_000;
    const { completed } = run(
      config({
        arrivals: { kind: "closed", clients, thinkMs: exponential(think) },
        stopAtMs,
      }),
      { delayMs: service },
    );
    const theory = (clients / (service + think)) * stopAtMs; // 8000 operations
    expect(Math.abs(completed.length - theory) / theory).toBeLessThan(0.04);
  });

  it("with zero think time each client keeps exactly one operation in flight", () => {
    const clients = 4;
    const { completed } = run(
      config({ arrivals: { kind: "closed", clients, thinkMs: constant(0) }, stopAtMs: 1000 }),
      { delayMs: 10 },
    );
    // Each client issues at 0, 10, …, 990: 100 operations each.
    expect(completed).toHaveLength(clients * 100);
  });

  it("client i belongs to session i mod sessions", () => {
    const { submitted } = run(
      config({
        arrivals: { kind: "closed", clients: 7, thinkMs: constant(3) },
        sessions: 3,
        stopAtMs: 200,
      }),
      { delayMs: 2 },
    );
    // All clients start at 3 ms, in client order, so the first seven operations are clients 0..6.
    expect(submitted.slice(0, 7).map((op) => op.session)).toEqual([0, 1, 2, 0, 1, 2, 0]);
    expect(new Set(submitted.map((op) => op.session))).toEqual(new Set([0, 1, 2]));
  });
});

describe("stopAtMs", () => {
  const cases: { name: string; arrivals: WorkloadConfig["arrivals"] }[] = [
    { name: "constant", arrivals: { kind: "open", rate: { kind: "constant", perSec: 5000 } } },
    {
      name: "steps",
      arrivals: {
        kind: "open",
        rate: {
          kind: "steps",
          steps: [
            { atMs: 0, perSec: 100 },
            { atMs: 900, perSec: 5000 },
          ],
        },
      },
    },
    {
      name: "ramp",
      arrivals: {
        kind: "open",
        rate: { kind: "ramp", fromPerSec: 0, toPerSec: 9000, overMs: 2000 },
      },
    },
    { name: "closed", arrivals: { kind: "closed", clients: 50, thinkMs: exponential(1) } },
  ];
  for (const { name, arrivals } of cases) {
    it(`${name}: no operation is issued at or after stopAtMs, though arrivals run up to it`, () => {
      const stopAtMs = 1000;
      const { submitted, sim } = run(config({ arrivals, stopAtMs }), { delayMs: 0.5 });
      const last = Math.max(...submitted.map((op) => op.issuedAt));
      expect(last).toBeLessThan(stopAtMs);
      expect(last).toBeGreaterThan(stopAtMs - 10);
      // Nothing is left to happen: the workload has stopped generating.
      expect(sim.pending).toBe(0);
    });
  }

  it("a closed client whose first think time reaches stopAtMs never issues", () => {
    const { submitted } = run(
      config({ arrivals: { kind: "closed", clients: 3, thinkMs: constant(500) }, stopAtMs: 500 }),
    );
    expect(submitted).toHaveLength(0);
  });
});
