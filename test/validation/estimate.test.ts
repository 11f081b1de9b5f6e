// The analytic estimate (dbsim run --estimate) against textbook queueing
// results and against the simulation:
// - the closed solution against the finite-source M/M/c//N model in closed form (the
//   "machine repair" model: Kleinrock, "Queueing Systems" vol. 1, 1975, §3.10;
//   Gross & Harris, "Fundamentals of Queueing Theory", §2.8):
//   p_n ∝ C(N, n) r^n for n ≤ c, C(N, n) n! / (c! c^(n−c)) r^n for n > c, r = D/Z;
// - with no delay every client is always at the station: X(N) = α(N)/D, the
//   USL throughput (Gunther, "Guerrilla Capacity Planning", 2007, ch. 4);
// - Erlang C for M/M/2 at ρ = 0.8: C = 0.7111, W = 2.778/μ (Gross & Harris,
//   §2.3, whose tables give Lq = 2.844 for c = 2, ρ = 0.8);
// - the simulation of product-form scenarios, closed and open, within the 95 %
//   interval of its replications (widened by 1 % for the histogram-free means);
// - and scenarios that are not product form get reasons, not figures.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  analyticEstimate,
  closedOneStation,
  erlangC,
  openResponseMs,
  runScenario,
  type ScenarioInput,
} from "../../src/index.js";
import { confidenceInterval } from "./queueing.js";

/** Throughput of the finite-source M/M/c//N queue from its closed-form distribution. */
function machineRepair(
  customers: number,
  servers: number,
  demandMs: number,
  thinkMs: number,
): number {
  const r = demandMs / thinkMs;
  const weights: number[] = [];
  let binom = 1;
  for (let n = 0; n <= customers; n++) {
    if (n > 0) binom = (binom * (customers - n + 1)) / n;
    let w = binom * r ** n;
    if (n > servers) {
      let f = 1;
      for (let k = servers + 1; k <= n; k++) f *= k / servers;
      w *= f;
    }
    weights.push(w);
  }
  const total = weights.reduce((s, w) => s + w, 0);
  return weights.reduce((s, w, n) => s + (w / total) * Math.min(n, servers), 0) / demandMs;
}

describe("closedOneStation", () => {
  it("any N, c, D, Z: the throughput of the finite-source M/M/c//N queue (closed form)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 8 }),
        fc.double({ min: 0.05, max: 10, noNaN: true }),
        fc.double({ min: 0.05, max: 50, noNaN: true }),
        (n, c, d, z) => {
          const exact = machineRepair(n, c, d, z);
          const direct = closedOneStation(n, { demandMs: d, rate: (j) => Math.min(j, c) }, z);
          expect(Math.abs(direct.throughputPerMs - exact) / exact).toBeLessThan(1e-10);
        },
      ),
    );
  });
  it("where MVA's recursion loses 20 % (100 clients, 64 cores, no think time), it keeps every digit", () => {
    const exact = machineRepair(100, 64, 2, 0.1);
    const x = closedOneStation(
      100,
      { demandMs: 2, rate: (j) => Math.min(j, 64) },
      0.1,
    ).throughputPerMs;
    expect(Math.abs(x - exact) / exact).toBeLessThan(1e-10);
    expect(
      closedOneStation(100, { demandMs: 2, rate: (j) => Math.min(j, 64) }, 0).throughputPerMs,
    ).toBe(32);
  });
  it("any N, c, σ, κ with no delay: X(N) = α(N)/D, the USL", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 64 }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        fc.double({ min: 0, max: 0.01, noNaN: true }),
        (n, c, sigma, kappa) => {
          const rate = (j: number) => Math.min(j, c) / (1 + sigma * (j - 1) + kappa * j * (j - 1));
          expect(closedOneStation(n, { demandMs: 2, rate }, 0).throughputPerMs).toBe(rate(n) / 2);
        },
      ),
    );
  });
});

describe("Erlang C", () => {
  it("M/M/2 at ρ = 0.8: C = 0.7111 and W = 2.778 ms for μ = 1/ms (Gross & Harris)", () => {
    expect(erlangC(2, 1.6)).toBeCloseTo(0.7111, 4);
    expect(openResponseMs(2, 1.6, 1)).toBeCloseTo(2.7778, 4);
    expect(openResponseMs(2, 2, 1)).toBe(Number.POSITIVE_INFINITY);
  });
});

const PRODUCT_FORM: ScenarioInput = {
  duration: 4_000,
  warmup: 1_000,
  workload: {
    clients: 20,
    thinkTime: { kind: "exponential", mean: 5 },
    readRatio: 0.8,
    transactions: { share: 0.25, statements: 3 },
    keys: { count: 1000, popularity: { kind: "uniform" } },
  },
  // The pure processor-sharing server: the mechanisms (buffer pool, locks, log
  // flush) are not product form.
  database: {
    mechanisms: "none",
    cores: 4,
    sigma: 0.02,
    kappa: 0.001,
    readTime: { kind: "exponential", mean: 0.4 },
    writeTime: { kind: "lognormal", median: 0.6, p99: 3 },
    maxConnections: 100,
  },
  client: { poolSize: 20, roundTrip: 0.5 },
};

function simulated(input: ScenarioInput): { throughput: number[]; latency: number[] } {
  const throughput: number[] = [];
  const latency: number[] = [];
  for (let seed = 1; seed <= 5; seed++) {
    const r = runScenario(input, { seed });
    throughput.push(r.throughput.completedPerSec);
    latency.push(r.latency.all.mean);
  }
  return { throughput, latency };
}

function expectInside(samples: number[], value: number): void {
  const ci = confidenceInterval(samples);
  const slack = 0.01 * Math.abs(value);
  expect(value, `estimate ${value} vs simulated CI [${ci.low}, ${ci.high}]`).toBeGreaterThanOrEqual(
    ci.low - slack,
  );
  expect(value, `estimate ${value} vs simulated CI [${ci.low}, ${ci.high}]`).toBeLessThanOrEqual(
    ci.high + slack,
  );
}

describe("the estimate against the simulation", () => {
  it("closed clients, USL contention, transactions, non-exponential writes: throughput and mean latency", () => {
    const e = analyticEstimate(PRODUCT_FORM);
    if (!e.applies) throw new Error(e.reasons.join("; "));
    const sim = simulated(PRODUCT_FORM);
    expectInside(sim.throughput, e.throughputPerSec);
    expectInside(sim.latency, e.latencyMeanMs);
  });
  it("open Poisson arrivals, M/M/4 processor sharing: mean latency", () => {
    const open: ScenarioInput = {
      ...PRODUCT_FORM,
      workload: { ...PRODUCT_FORM.workload, clients: undefined, rate: 3_000 },
      database: { ...PRODUCT_FORM.database, sigma: 0, kappa: 0 },
    };
    const e = analyticEstimate(open);
    if (!e.applies) throw new Error(e.reasons.join("; "));
    expectInside(simulated(open).latency, e.latencyMeanMs);
  });
});

describe("variants", () => {
  it("a scenario with variants: the estimate is the base plan's", () => {
    const withVariants: ScenarioInput = {
      ...PRODUCT_FORM,
      variants: [{ name: "replicated", patch: { replication: { replicas: 1 } } }],
    };
    expect(analyticEstimate(withVariants)).toEqual(analyticEstimate(PRODUCT_FORM));
  });
});

describe("where it does not apply, it says why", () => {
  const cases: [string, ScenarioInput, RegExp][] = [
    ["replication", { ...PRODUCT_FORM, replication: { replicas: 1 } }, /^replication:/],
    [
      "the server's mechanisms on (the default)",
      { ...PRODUCT_FORM, database: { ...PRODUCT_FORM.database, mechanisms: "all" } },
      /^database\.mechanisms: the buffer pool, row locks and the log flush are on/,
    ],
    [
      "a pool smaller than the clients",
      { ...PRODUCT_FORM, client: { poolSize: 5, roundTrip: 0.5 } },
      /^client\.poolSize: 20 clients/,
    ],
    [
      "open arrivals with USL contention",
      { ...PRODUCT_FORM, workload: { ...PRODUCT_FORM.workload, clients: undefined, rate: 1000 } },
      /^database\.sigma\/kappa/,
    ],
    [
      "an overloaded open system",
      {
        ...PRODUCT_FORM,
        workload: { ...PRODUCT_FORM.workload, clients: undefined, rate: 20_000 },
        database: { ...PRODUCT_FORM.database, sigma: 0, kappa: 0 },
      },
      /^workload\.rate: .*overloaded/,
    ],
    ["pgbouncer", { ...PRODUCT_FORM, pool: {} }, /^pool \(pgbouncer\)/],
  ];
  for (const [what, scenario, reason] of cases) {
    it(`${what}: no figures, and the reason`, () => {
      const e = analyticEstimate(scenario);
      expect(e.applies).toBe(false);
      if (!e.applies)
        expect(
          e.reasons.some((r) => reason.test(r)),
          e.reasons.join("\n"),
        ).toBe(true);
    });
  }
});
