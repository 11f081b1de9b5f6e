// Validation of the experiment's 95 % intervals: the coverage of Student-t
// intervals from independent replications of an M/M/c queue, against the exact
// mean response time from Erlang C.
// - The server with σ = κ = 0 is processor sharing over c cores, whose
//   number-in-system is the birth–death chain of M/M/c, so its mean response time
//   is W = C(c, a)/(cμ − λ) + 1/μ (Kleinrock, Queueing Systems vol. 1, 1975, §3.5;
//   test/validation/server.test.ts checks the model against it with long runs).
// - Each interval should contain W with probability 0.95; the number of the 400
//   intervals that do is Binomial(400, 0.95): mean 380, σ = √(400·0.95·0.05) ≈ 4.36,
//   so the share must lie within 0.95 ± 3σ/400 (0.917 … 0.983).
import { describe, expect, it } from "vitest";
import { runExperiment, type ScenarioInput } from "../../src/index.js";
import { erlangC } from "../validation/queueing.js";

const CORES = 2;
const LAMBDA_PER_MS = 1; // ρ = λ/(cμ) = 0.5 with μ = 1 per ms
const INTERVALS = 400;
const REPLICATIONS = 5;

/** A server with nothing but its cores: no network, no set-up, connections never scarce. */
const mmc: ScenarioInput = {
  duration: 1_000,
  // The queue starts empty; at ρ = 0.5 it forgets that in tens of service times.
  warmup: 100,
  workload: {
    rate: LAMBDA_PER_MS * 1000,
    readRatio: 1,
    keys: { count: 1000, popularity: { kind: "uniform" } },
  },
  database: {
    cores: CORES,
    sigma: 0,
    kappa: 0,
    maxConnections: 2000,
    readTime: { kind: "exponential", mean: 1 },
    connectionSetupTime: 0,
  },
  client: { poolSize: 1000, roundTrip: 0, connectRoundTrips: 0 },
};

describe("experiment: coverage of the 95 % intervals (M/M/c, Erlang C)", () => {
  it(`${INTERVALS} intervals of ${REPLICATIONS} replications contain W = C/(cμ−λ) + 1/μ in 95 % ± 3σ of cases`, () => {
    const theory = erlangC(CORES, LAMBDA_PER_MS) / (CORES - LAMBDA_PER_MS) + 1;
    // Points that differ in their description only: each is one independent interval.
    const result = runExperiment({
      scenario: mmc,
      parameters: { description: Array.from({ length: INTERVALS }, (_, i) => `interval ${i}`) },
      replications: REPLICATIONS,
      seed: 14,
      metrics: ["latency.all.mean"],
    });
    let covered = 0;
    for (const point of result.points) {
      const ci = point.summary["latency.all.mean"]?.ci95;
      if (ci === null || ci === undefined) throw new Error(`point ${point.index} has no interval`);
      if (ci.low <= theory && theory <= ci.high) covered++;
    }
    const share = covered / INTERVALS;
    if (process.env.DBSIM_PRINT === "1") console.log(`coverage ${covered}/${INTERVALS}`);
    const sigma = Math.sqrt((0.95 * 0.05) / INTERVALS);
    expect(share, `${covered} of ${INTERVALS} intervals contain ${theory}`).toBeGreaterThanOrEqual(
      0.95 - 3 * sigma,
    );
    expect(share).toBeLessThanOrEqual(0.95 + 3 * sigma);
  });
});
