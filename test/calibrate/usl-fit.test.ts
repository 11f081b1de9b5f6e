// The USL-only fit recovers λ, σ, κ from data the USL itself generates
// (X(N) = λN / (1 + σ(N−1) + κN(N−1)), Gunther, Guerrilla Capacity Planning,
// 2007, eq. 4.31), and its peak is √((1−σ)/κ) (eq. 4.33).
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { calibrate, uslPeakConcurrency, uslThroughput } from "../../src/calibrate/index.js";

const LEVELS = [1, 2, 4, 8, 16, 32, 64];

function synthetic(lambda: number, sigma: number, kappa: number) {
  return LEVELS.map((n) => ({
    concurrency: n,
    throughput: uslThroughput(n, { lambda, sigma, kappa }),
  }));
}

describe("calibrate, model usl", () => {
  it("recovers λ = 1000, σ = 0.05, κ = 0.001 to solver precision", () => {
    const fit = calibrate(synthetic(1000, 0.05, 0.001), { model: "usl" });
    expect(fit.usl?.lambda).toBeCloseTo(1000, 6);
    expect(fit.usl?.sigma).toBeCloseTo(0.05, 9);
    expect(fit.usl?.kappa).toBeCloseTo(0.001, 9);
    expect(fit.rSquared).toBeCloseTo(1, 12);
  });

  test.prop([
    fc.double({ min: 10, max: 1e5, noNaN: true }),
    fc.double({ min: 0, max: 0.5, noNaN: true }),
    fc.double({ min: 0, max: 0.01, noNaN: true }),
  ])("recovers any λ, σ, κ within 1e-6 relative (σ, κ within 1e-7)", (lambda, sigma, kappa) => {
    const fit = calibrate(synthetic(lambda, sigma, kappa), { model: "usl" });
    expect(Math.abs((fit.usl?.lambda ?? 0) / lambda - 1)).toBeLessThan(1e-6);
    expect(Math.abs((fit.usl?.sigma ?? 0) - sigma)).toBeLessThan(1e-7);
    expect(Math.abs((fit.usl?.kappa ?? 0) - kappa)).toBeLessThan(1e-7);
  });

  it("puts the peak at the integer nearest √((1−σ)/κ) with the highest USL figure", () => {
    // σ = 0.02, κ = 0.0005: N* = √(0.98/0.0005) = 44.27, so the integer peak is 44.
    const fit = calibrate(synthetic(500, 0.02, 0.0005), { model: "usl" });
    expect(uslPeakConcurrency({ lambda: 500, sigma: 0.02, kappa: 0.0005 })).toBeCloseTo(44.27, 2);
    expect(fit.peak.concurrency).toBe(44);
    expect(fit.peak.throughput).toBeCloseTo(
      uslThroughput(44, { lambda: 500, sigma: 0.02, kappa: 0.0005 }),
      3,
    );
  });

  it("predicts held-out levels from the others: exact data, zero error", () => {
    const fit = calibrate(synthetic(1000, 0.05, 0.001), { model: "usl", holdout: [8, 16] });
    expect(fit.fitted.map((l) => l.concurrency)).toEqual([1, 2, 4, 32, 64]);
    expect(fit.heldOut.map((l) => l.concurrency)).toEqual([8, 16]);
    for (const level of fit.heldOut) expect(Math.abs(level.errorPercent)).toBeLessThan(1e-6);
  });

  it("refuses fewer than three levels left to fit, naming them", () => {
    expect(() => calibrate(synthetic(1000, 0.05, 0.001).slice(0, 4), { holdout: [1, 2] })).toThrow(
      /at least 3 concurrency levels outside the hold-out, got 2 \(4, 8\)/,
    );
  });

  it("names a bad measurement by index, field and value", () => {
    expect(() => calibrate([{ concurrency: 1.5, throughput: 10 }])).toThrow(
      "measurements[0].concurrency: expected an integer ≥ 1, got 1.5.",
    );
  });
});
