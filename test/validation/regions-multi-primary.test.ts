// Validation of multi-primary regions (last writer wins), with constant delays:
// - a write costs the same in every region: its own primary is local, so no
//   cross-region round trip is on its path;
// - two regions writing one key at Poisson rates λ₁ and λ₂, each change
//   arriving a constant d after its commit: writes a (region 1) and b (region 2)
//   are concurrent exactly when |a − b| < d (neither had arrived when the other
//   was made). Over [0, T] the expected number of such pairs is
//   λ₁λ₂ · |{(a, b) ∈ [0, T]² : |a − b| < d}| = λ₁λ₂ (2dT − d²) (the area of the
//   band around the diagonal; the pairs of two independent Poisson processes
//   form a Poisson process of rate λ₁λ₂ on the square: Kingman 1993, "Poisson
//   Processes", §3.2), ≈ 2λ₁λ₂dT for d ≪ T;
// - the count is exact against the history: the model counts each conflict as
//   it arises, and checkConcurrentWrites, reading only the recorded writes,
//   finds the same pairs and the same lost updates; with two regions and
//   constant d the pairs are exactly those within d of each other;
// - a read in another region returns the old version until the change has
//   arrived (half the round trip) and been applied (the apply work);
// - convergence: once every change has arrived, every region holds the same
//   version of every key, the one last writer wins picks over all its writes
//   (property, fast-check).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkConcurrentWrites, lastWriterWins } from "../../src/consistency/concurrent-writes.js";
import { runScenario } from "../../src/index.js";
import { Simulation } from "../../src/kernel/index.js";
import { MultiPrimary } from "../../src/models/regions/multi-primary.js";
import { RegionMap } from "../../src/models/regions/regions.js";
import { regionsPlan } from "./regions-plan.js";

/** A region map whose pairs take a constant round trip `rtt[a][b]`. */
function mapOf(rtt: number[][], sessions = 1): RegionMap {
  return new RegionMap({
    names: rtt.map((_, i) => `r${i}`),
    shares: rtt.map(() => 1 / rtt.length),
    sessions,
    roundTrip: (a, b) => () => rtt[a]?.[b] ?? 0,
    meanRoundTripMs: (a, b) => rtt[a]?.[b] ?? 0,
  });
}

/** Primaries whose apply work takes no time and no core. */
const instant = { runWork: (_work: number, done: () => void) => done() };

describe("multi-primary write latency (constant delays)", () => {
  it("is the local write's in every region: no round trip to another region", () => {
    const names = ["us", "eu", "ap"];
    const input = regionsPlan({
      seed: 5,
      duration: 1_000,
      names,
      keys: 10_000,
      replicas: [
        { name: "eu-1", region: "eu" },
        { name: "ap-1", region: "ap" },
      ],
      regions: {
        list: names.map((name) => ({ name })),
        primary: "us",
        rtt: { "us-eu": 80, "us-ap": 190, "eu-ap": 120 },
        writes: "multi-primary",
      },
    });
    const report = runScenario(input);
    for (const name of names) {
      const r = report.regions?.regions.find((x) => x.name === name);
      expect(r?.writes).toBeGreaterThan(30);
      // The same-datacenter round trip plus the write's own time, as in one region.
      expect(r?.writeLatencyMs.mean).toBeCloseTo(0.5 + 0.2, 9);
      expect(r?.writeLatencyMs.p99).toBeCloseTo(0.5 + 0.2, 9);
      expect(r?.remoteReads).toBe(0);
    }
    // Each primary applies the others' changes half the pair's round trip after their commit.
    // us applies eu's changes 40 ms (+ 0.01 ms of apply) after their commit and ap's 95 ms
    // after; the histogram's percentiles are within 0.4 % of the exact order statistic.
    const lag = report.regions?.multiPrimary?.regions.find((x) => x.name === "us")?.applyLagMs;
    expect(Math.abs((lag?.p50 ?? 0) / 40.01 - 1)).toBeLessThan(0.004);
    expect(Math.abs((lag?.p99 ?? 0) / 95.01 - 1)).toBeLessThan(0.004);
  });
});

/** Runs Poisson writes of one key in two regions; returns the model and the commit times. */
function twoRegions(rate1: number, rate2: number, d: number, seconds: number, seed: number) {
  const sim = new Simulation({ seed });
  const model = new MultiPrimary(
    sim,
    mapOf([
      [0, 2 * d],
      [2 * d, 0],
    ]),
    [instant, instant],
    { applyMs: () => 0, record: true },
  );
  const times: number[][] = [[], []];
  const rates = [rate1, rate2];
  rates.forEach((rate, region) => {
    const rng = sim.rng(`writes.${region}`);
    let lsn = 0;
    const next = (): void => {
      const gap = (-Math.log(1 - rng.next()) / rate) * 1000;
      if (sim.now + gap > seconds * 1000) return;
      sim.schedule(gap, () => {
        (times[region] as number[]).push(sim.now);
        model.committed(region, ++lsn, [7]);
        next();
      });
    };
    next();
  });
  sim.run();
  return { model, times: times as [number[], number[]] };
}

/** Pairs (a, b), a from the first list and b from the second, with |a − b| < d. */
function pairsWithin(first: readonly number[], second: readonly number[], d: number): number {
  let n = 0;
  for (const a of first) for (const b of second) if (Math.abs(a - b) < d) n++;
  return n;
}

describe("conflicts of two regions writing one key (constant one-way delay d)", () => {
  it("are exactly the pairs of writes within d of each other, and the checker agrees", () => {
    const d = 40;
    const { model, times } = twoRegions(4, 3, d, 150, 11);
    const pairs = pairsWithin(times[0], times[1], d);
    expect(pairs).toBeGreaterThan(25);
    expect(model.conflicts).toBe(pairs);
    const checked = checkConcurrentWrites(model.writes);
    expect(checked.conflicts).toBe(pairs);
    const lost = model.figures.reduce((n, f) => n + f.lostUpdates, 0);
    expect(checked.lost.length).toBe(lost);
  });

  it("average λ₁λ₂(2dT − d²) over runs (Poisson arithmetic)", () => {
    const [l1, l2, d, seconds] = [5, 4, 25, 400];
    const dS = d / 1000;
    const expected = l1 * l2 * (2 * dS * seconds - dS * dS);
    let total = 0;
    const runs = 4;
    for (let seed = 1; seed <= runs; seed++)
      total += twoRegions(l1, l2, d, seconds, seed).model.conflicts;
    // 400 expected per run, 1 600 in all: the count's standard deviation is about
    // √(1 600 × (1 + 2d(λ₁ + λ₂))) ≈ 48 (pairs sharing a write are correlated), so ±12 % is 4σ.
    expect(total / runs).toBeGreaterThan(expected * 0.88);
    expect(total / runs).toBeLessThan(expected * 1.12);
  });
});

describe("a read in another region (constant delays)", () => {
  it("sees the write once its change has arrived and been applied: one-way trip plus apply work", () => {
    const sim = new Simulation({ seed: 1 });
    const work = (ms: number, done: () => void) => sim.schedule(ms, done);
    const model = new MultiPrimary(
      sim,
      mapOf([
        [0, 80],
        [80, 0],
      ]),
      [{ runWork: work }, { runWork: work }],
      { applyMs: () => 0.5 },
    );
    sim.at(10, () => model.committed(0, 1, [3]));
    const seen: number[] = [];
    for (const at of [10, 50.4, 50.6]) sim.at(at, () => seen.push(model.versionAt(1, 3)));
    sim.run();
    // Committed at 10 ms, arrives at 10 + 80/2, applied 0.5 ms later.
    expect(seen).toEqual([0, 0, 1]);
    expect(model.versionAt(0, 3)).toBe(1);
  });
});

describe("convergence (property)", () => {
  it("every region ends with the version last writer wins picks, and the checker counts what the model counted", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }),
        fc.array(fc.integer({ min: 2, max: 200 }), { minLength: 6, maxLength: 6 }),
        fc.array(
          fc.record({
            at: fc.integer({ min: 0, max: 500 }),
            region: fc.nat(),
            key: fc.integer({ min: 0, max: 3 }),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        (n, trips, writes) => {
          const rtt = Array.from({ length: n }, (_, a) =>
            Array.from({ length: n }, (_, b) => (a === b ? 0 : (trips[a + b] as number))),
          );
          const sim = new Simulation({ seed: 1 });
          const model = new MultiPrimary(
            sim,
            mapOf(rtt),
            rtt.map(() => instant),
            {
              applyMs: () => 0.5,
              record: true,
            },
          );
          const lsn = new Array<number>(n).fill(0);
          for (const w of writes) {
            const region = w.region % n;
            sim.at(w.at, () => {
              lsn[region] = (lsn[region] as number) + 1;
              model.committed(region, lsn[region] as number, [w.key]);
            });
          }
          sim.run();
          for (let key = 0; key <= 3; key++) {
            const ofKey = model.writes.filter((w) => w.key === key);
            const winner = ofKey.reduce<(typeof ofKey)[number] | null>(
              (best, w) => (best === null ? w : (lastWriterWins(best, w) as typeof w)),
              null,
            );
            for (let r = 0; r < n; r++) expect(model.versionAt(r, key)).toBe(winner?.version ?? 0);
          }
          const checked = checkConcurrentWrites(model.writes);
          expect(checked.conflicts).toBe(model.conflicts);
          expect(checked.lost.length).toBe(model.figures.reduce((s, f) => s + f.lostUpdates, 0));
        },
      ),
      { numRuns: 100 },
    );
  });
});
