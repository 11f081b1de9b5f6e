// A lognormal by its median and p99: μ = ln median, σ = (ln p99 − ln median)/z₀.₉₉,
// mean e^(μ + σ²/2) (Johnson, Kotz & Balakrishnan, Continuous Univariate
// Distributions vol. 1, ch. 14). The sampling error of an empirical p-quantile of
// n draws is √(p(1−p)/n) / f(q_p) (Serfling, Approximation Theorems of
// Mathematical Statistics, 1980, §2.3.3); for ln X ~ N(μ, σ²), f(q_p) = φ(z_p)/σ.
import { readFileSync } from "node:fs";
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  calibrate,
  lognormalFromMeanP99,
  lognormalFromSamples,
  lognormalMean,
  lognormalSigma,
  lognormalWithMean,
  parsePgbenchLog,
} from "../../src/calibrate/index.js";
import { compileDistribution, RandomStream } from "../../src/index.js";

const Z_99 = 2.3263478740408408;
const DRAWS = 20_000;

const phi = (z: number) => Math.exp(-(z * z) / 2) / Math.sqrt(2 * Math.PI);
/** Standard error of the empirical p-quantile of ln X, N(μ, σ²), from DRAWS draws. */
const logQuantileError = (p: number, z: number, sigma: number) =>
  (Math.sqrt((p * (1 - p)) / DRAWS) * sigma) / phi(z);

describe("lognormalFromSamples", () => {
  test.prop(
    [
      fc.double({ min: 0.01, max: 100, noNaN: true }),
      fc.double({ min: 1.05, max: 50, noNaN: true }),
      fc.integer({ min: 1, max: 1e6 }),
    ],
    { numRuns: 25 },
  )(
    "recovers the median and p99 of dbsim's own lognormal within 4.5 standard errors",
    (median, ratio, seed) => {
      const spec = { kind: "lognormal" as const, median, p99: median * ratio };
      const sample = compileDistribution(spec);
      const rng = new RandomStream(seed, "lognormal-test");
      const draws = Array.from({ length: DRAWS }, () => sample(rng));
      const fitted = lognormalFromSamples(draws);
      const sigma = Math.log(ratio) / Z_99;
      expect(Math.abs(Math.log(fitted.median / median))).toBeLessThan(
        4.5 * logQuantileError(0.5, 0, sigma),
      );
      expect(Math.abs(Math.log(fitted.p99 / spec.p99))).toBeLessThan(
        4.5 * logQuantileError(0.99, Z_99, sigma),
      );
    },
  );

  it("takes quantile 7 of Hyndman & Fan: 1..101 has median 51 and p99 100", () => {
    const values = Array.from({ length: 101 }, (_, i) => i + 1);
    expect(lognormalFromSamples(values)).toEqual({ kind: "lognormal", median: 51, p99: 100 });
  });

  it("refuses fewer than 100 samples and a non-positive one, naming them", () => {
    expect(() => lognormalFromSamples([1, 2, 3], "log.txt")).toThrow(
      "log.txt: expected at least 100 latencies for a p99, got 3.",
    );
    const withZero = Array.from({ length: 100 }, (_, i) => i);
    expect(() => lognormalFromSamples(withZero, "s")).toThrow(
      "s[0]: expected a positive latency (ms), got 0.",
    );
  });
});

describe("lognormalFromMeanP99 and lognormalWithMean", () => {
  test.prop([
    fc.double({ min: 0.001, max: 1000, noNaN: true }),
    fc.double({ min: 0, max: Z_99, noNaN: true }),
  ])("give back the mean e^(μ+σ²/2) and p99 e^(μ+z₀.₉₉σ) they were given", (mean, sigma) => {
    const spec = lognormalWithMean(sigma, mean);
    expect(lognormalMean(spec) / mean).toBeCloseTo(1, 9);
    expect(lognormalSigma(spec)).toBeCloseTo(sigma, 9);
    const back = lognormalFromMeanP99(mean, spec.p99);
    expect(back.median / spec.median).toBeCloseTo(1, 6);
    expect(back.p99 / spec.p99).toBeCloseTo(1, 9);
  });

  it("σ = 1: mean 1 ms gives median e^−½ = 0.60653 ms and p99 e^(z₀.₉₉ − ½) = e^1.82635 = 6.2112 ms", () => {
    const spec = lognormalWithMean(1, 1);
    expect(spec.median).toBeCloseTo(0.60653, 5);
    expect(spec.p99).toBeCloseTo(6.2112, 4);
  });

  it("refuses a p99 beyond e^(z₀.₉₉²/2) ≈ 14.97 × the mean, or below it", () => {
    expect(() => lognormalFromMeanP99(0.195, 4.2, "pgbench at 1 client")).toThrow(
      "pgbench at 1 client: no lognormal has mean 0.195 ms and p99 4.2 ms; expected mean > 0 and mean ≤ p99 ≤ 14.97 × mean",
    );
    expect(() => lognormalFromMeanP99(2, 1)).toThrow(/no lognormal has mean 2 ms and p99 1 ms/);
  });
});

describe("parsePgbenchLog", () => {
  const fixture = readFileSync(
    new URL("../fixtures/calibrate/pgbench-select-c1.log", import.meta.url),
    "utf8",
  );

  it("reads a real PostgreSQL 15 pgbench --log: 1000 transactions, time in µs", () => {
    const latencies = parsePgbenchLog(fixture, "pgbench-select-c1.log");
    expect(latencies).toHaveLength(1000);
    // The file's first lines: "0 1 797 0 1796011492 180793", "0 2 119 0 …".
    expect(latencies.slice(0, 2)).toEqual([0.797, 0.119]);
    // The run's summary printed "latency average = 0.195 ms"; the log's own mean
    // (sum of the time column / 1000) is 192.462 µs, within its rounding.
    const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
    expect(mean).toBeCloseTo(0.192462, 6);
  });

  it("passes over skipped and failed transactions, and reads schedule_lag and retries columns", () => {
    const text = [
      "0 1 2000 0 1796011492 180793 15",
      "0 2 skipped 0 1796011492 180925 9000",
      "1 1 failed 0 1796011492 181010 0 2",
      "1 2 500 0 1796011492 181100 0 1",
    ].join("\n");
    expect(parsePgbenchLog(text)).toEqual([2, 0.5]);
  });

  it("refuses the aggregated log and a malformed line, naming the line", () => {
    expect(() =>
      parsePgbenchLog("1796011492 950 180000 40000000 50 4000 0 0 0 0 0 0 0 0 0 0", "agg.log"),
    ).toThrow("agg.log, line 1: this is pgbench's aggregated log (--aggregate-interval)");
    expect(() => parsePgbenchLog("0 1 200 0\n", "x.log")).toThrow(
      'x.log, line 1: expected "client_id transaction_no time script_no time_epoch time_us [schedule_lag] [retries]", got "0 1 200 0".',
    );
  });
});

describe("calibrate with a lognormal service time", () => {
  // A closed loop of 1–16 clients generated by the USL itself: the fit is exact,
  // so what is checked here is only where the statement time's shape comes from.
  const levels = [1, 2, 4, 8, 16].map((n) => ({
    concurrency: n,
    throughput: (2000 * n) / (1 + 0.05 * (n - 1)),
  }));

  it("takes σ from the samples and keeps the fitted CPU per statement as the mean", () => {
    const samples = Array.from({ length: 101 }, (_, i) => 0.1 * Math.exp((i - 50) / 50));
    const fit = calibrate(levels, {
      cores: 2,
      serviceTime: "lognormal",
      latencySamplesMs: samples,
      statementsPerTransaction: 2,
    });
    // Quantile 7 of 101 points: the median is the 51st, e^0 · 0.1; the p99 is the
    // 100th, 0.1 · e^(49/50).
    expect(fit.serviceTime?.measured.median).toBeCloseTo(0.1, 12);
    expect(fit.serviceTime?.measured.p99).toBeCloseTo(0.1 * Math.exp(0.98), 12);
    const sigma = 0.98 / Z_99;
    const statement = fit.sections.database.readTime;
    if (statement.kind !== "lognormal") throw new Error("expected a lognormal statement time");
    expect(lognormalSigma(statement)).toBeCloseTo(sigma, 5);
    expect(lognormalMean(statement) / (fit.parameters.demandMs / 2)).toBeCloseTo(1, 5);
    expect(fit.sections.database.writeTime).toEqual(statement);
  });

  it("else takes σ from the mean and p99 at the fewest clients (the repeats averaged)", () => {
    const [one, two, ...rest] = levels;
    const withLatency = [
      { concurrency: 1, throughput: one?.throughput ?? 0, meanMs: 0.4, p99Ms: 1.9 },
      { concurrency: 1, throughput: one?.throughput ?? 0, meanMs: 0.6, p99Ms: 2.1 },
      { concurrency: 2, throughput: two?.throughput ?? 0, meanMs: 5, p99Ms: 60 },
      ...rest,
    ];
    const fit = calibrate(withLatency, { cores: 2, serviceTime: "lognormal" });
    expect(fit.serviceTime?.source).toBe("mean and p99 of the measurements at 1 client");
    const expected = lognormalFromMeanP99(0.5, 2);
    expect(fit.serviceTime?.sigma).toBeCloseTo(lognormalSigma(expected), 12);
  });

  it("refuses a lognormal with neither samples nor a level with mean and p99", () => {
    expect(() => calibrate(levels, { serviceTime: "lognormal" })).toThrow(
      /options.serviceTime: a lognormal needs latency samples or a run with both mean and p99 latency/,
    );
  });
});
