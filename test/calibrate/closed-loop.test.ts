// The closed loop on dbsim's server, checked against formulas it must meet:
// one client cycles through client and server alone, X(1) = 1/(D + Z); with no
// client time every client sits at the server, X(N) = capacity(N)/D; many
// clients saturate the server at its largest capacity over D; and the mechanism
// fit recovers the D, Z, σ, κ that generated its data.
import { describe, expect, it } from "vitest";
import { calibrate, closedLoopThroughput } from "../../src/calibrate/index.js";

const MODEL = { cores: 2, demandMs: 0.2, clientMs: 0.15, sigma: 0, kappa: 0 };

describe("closedLoopThroughput", () => {
  it("gives 1000/(D + Z) per second at one client", () => {
    expect(closedLoopThroughput(1, MODEL)).toBeCloseTo(1000 / 0.35, 9);
  });

  it("gives min(N, c)/(1 + σ(N−1) + κN(N−1))/D with a negligible client time", () => {
    const model = { ...MODEL, clientMs: 1e-9, sigma: 0.1, kappa: 0.01 };
    const capacity = 2 / (1 + 0.1 * 7 + 0.01 * 8 * 7);
    expect(closedLoopThroughput(8, model)).toBeCloseTo((capacity / 0.2) * 1000, 3);
  });

  it("saturates at c/D with many clients and no USL penalty", () => {
    expect(closedLoopThroughput(500, MODEL)).toBeCloseTo(2000 / 0.2, 6);
  });

  it("for one core matches the machine-repairman formula X = (1 − p0)/D", () => {
    // M/M/1//N (Kleinrock 1975, eq. 3.43): p0 = 1 / Σ_k N!/(N−k)! (D/Z)^k.
    const model = { ...MODEL, cores: 1 };
    const n = 5;
    let sum = 0;
    let term = 1;
    for (let k = 0; k <= n; k++) {
      sum += term;
      term *= ((n - k) * model.demandMs) / model.clientMs;
    }
    expect(closedLoopThroughput(n, model)).toBeCloseTo(((1 - 1 / sum) / model.demandMs) * 1000, 6);
  });
});

describe("calibrate, model mechanisms", () => {
  it("recovers D, Z, σ, κ from the closed loop's own figures", () => {
    const truth = { cores: 2, demandMs: 0.2, clientMs: 0.15, sigma: 0.03, kappa: 0.002 };
    const runs = [1, 2, 3, 4, 6, 8, 12, 16].map((n) => ({
      concurrency: n,
      throughput: closedLoopThroughput(n, truth),
    }));
    // σ and κ are fitted after D and Z, with those held: the two stages need not
    // land on the generating values, but together they must reproduce the data.
    const fit = calibrate(runs, { cores: 2 });
    for (const level of fit.fitted) expect(Math.abs(level.errorPercent)).toBeLessThan(2);
    expect(fit.rSquared).toBeGreaterThan(0.99);
    expect(fit.sections.database.cores).toBe(2);
  });

  it("recovers D and Z exactly when there is no contention to leave over", () => {
    const truth = { cores: 4, demandMs: 0.3, clientMs: 0.5, sigma: 0, kappa: 0 };
    const runs = [1, 2, 4, 8, 16].map((n) => ({
      concurrency: n,
      throughput: closedLoopThroughput(n, truth),
    }));
    const fit = calibrate(runs, { cores: 4, statementsPerTransaction: 3 });
    expect(fit.parameters.demandMs).toBeCloseTo(0.3, 6);
    expect(fit.parameters.clientMs).toBeCloseTo(0.5, 6);
    expect(fit.parameters.sigma).toBeLessThan(1e-6);
    expect(fit.parameters.kappa).toBeLessThan(1e-8);
    expect(fit.sections.database.readTime).toEqual({ kind: "exponential", mean: 0.1 });
    expect(fit.sections.workload.thinkTime).toEqual({ kind: "exponential", mean: 0.5 });
  });
});
