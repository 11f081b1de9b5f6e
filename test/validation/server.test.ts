// Validation of the database server model through the public API (runScenario),
// against queueing theory and the USL (sources in docs/reference.md):
// - M/M/c (Erlang C): with σ = κ = 0 the server is processor sharing over c cores,
//   whose number-in-system is the birth–death chain of M/M/c (departure rate
//   μ·min(N, c)), so its mean response time is Erlang C's Wq + 1/μ (Little's law).
// - USL (Gunther): a closed loop of N clients with no think time keeps N statements
//   in service, so throughput is X(N) = min(N, c)·μ / (1 + σ(N−1) + κN(N−1)).
// - Little's law: the time-average number in service equals throughput × mean time.
import { describe, expect, it } from "vitest";
import { runScenario, type ScenarioInput } from "../../src/index.js";
import { confidenceInterval, erlangC, formatInterval } from "./queueing.js";

/** A server with nothing but its cores: no network, no set-up, connections never scarce. */
function bareServer(extra: {
  cores: number;
  sigma?: number;
  kappa?: number;
  workload: ScenarioInput["workload"];
  seed: number;
  duration: number;
}): ScenarioInput {
  return {
    seed: extra.seed,
    duration: extra.duration,
    warmup: 2_000,
    workload: {
      readRatio: 1,
      keys: { count: 1000, popularity: { kind: "uniform" } },
      ...extra.workload,
    },
    database: {
      cores: extra.cores,
      sigma: extra.sigma ?? 0,
      kappa: extra.kappa ?? 0,
      maxConnections: 2000,
      readTime: { kind: "exponential", mean: 1 },
      connectionSetupTime: 0,
    },
    client: { poolSize: 1000, roundTrip: 0, connectRoundTrips: 0 },
  };
}

describe("database server: M/M/c (Erlang C) with σ = κ = 0", () => {
  // Wq = C(c, a) / (cμ − λ), W = Wq + 1/μ, μ = 1 per ms.
  for (const { c, rho } of [
    { c: 2, rho: 0.8 },
    { c: 4, rho: 0.7 },
  ]) {
    it(`c = ${c}, ρ = ${rho}: mean response time W = C/(cμ−λ) + 1/μ inside the 95 % CI of 10 replications`, () => {
      const lambda = c * rho; // per ms
      const theory = erlangC(c, lambda) / (c - lambda) + 1;
      const means: number[] = [];
      let customers = 0;
      for (let r = 0; r < 10; r++) {
        const report = runScenario(
          bareServer({
            cores: c,
            seed: 1000 + r,
            duration: 60_000,
            workload: { rate: lambda * 1000 },
          }),
        );
        means.push(report.latency.all.mean);
        customers += report.latency.all.count;
      }
      const ci = confidenceInterval(means);
      expect(customers).toBeGreaterThan(900_000);
      expect(theory, formatInterval(ci, theory, 0.95)).toBeGreaterThanOrEqual(ci.low);
      expect(theory, formatInterval(ci, theory, 0.95)).toBeLessThanOrEqual(ci.high);
    });
  }
});

describe("database server: USL throughput of a closed loop", () => {
  const cores = 32;
  const sigma = 0.05;
  const kappa = 0.001;
  const usl = (n: number) => Math.min(n, cores) / (1 + sigma * (n - 1) + kappa * n * (n - 1));
  for (const n of [1, 4, 8, 16, 32, 48]) {
    it(`N = ${n}: completed/s within 2 % of X(N) = min(N,c)μ/(1+σ(N−1)+κN(N−1))`, () => {
      const report = runScenario(
        bareServer({
          cores,
          sigma,
          kappa,
          seed: 7 + n,
          duration: 60_000,
          workload: { clients: n, thinkTime: 0 },
        }),
      );
      const theoryPerSec = usl(n) * 1000;
      expect(report.errors.total).toBe(0);
      expect(Math.abs(report.throughput.completedPerSec / theoryPerSec - 1)).toBeLessThan(0.02);
    });
  }

  it("throughput falls past N* = √((1−σ)/κ): more connections, less work", () => {
    const nStar = Math.sqrt((1 - sigma) / kappa); // ≈ 30.8
    const at = (n: number) =>
      runScenario(
        bareServer({
          cores: 64,
          sigma,
          kappa,
          seed: 3,
          duration: 20_000,
          workload: { clients: n, thinkTime: 0 },
        }),
      ).throughput.completedPerSec;
    const peak = at(Math.round(nStar));
    expect(peak).toBeGreaterThan(at(10));
    expect(peak).toBeGreaterThan(at(60));
  });
});

describe("database server: Little's law", () => {
  it("time-average statements in service = throughput × mean time in service (L = λW)", () => {
    const report = runScenario(
      bareServer({ cores: 4, seed: 11, duration: 60_000, workload: { rate: 3000 } }),
    );
    const node = report.nodes[0];
    if (node === undefined) throw new Error("no node in the report");
    const lambdaPerMs = report.throughput.completedPerSec / 1000;
    const littleL = lambdaPerMs * report.latency.all.mean;
    expect(Math.abs(node.concurrencyMean / littleL - 1)).toBeLessThan(0.02);
  });
});
