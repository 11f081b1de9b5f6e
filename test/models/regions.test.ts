// The region map: sessions cut into contiguous blocks by the regions' shares,
// and regions ranked by mean round trip.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RegionMap } from "../../src/models/regions/regions.js";

function mapOf(shares: readonly number[], sessions: number, means?: number[][]): RegionMap {
  return new RegionMap({
    names: shares.map((_, i) => `r${i}`),
    shares,
    sessions,
    roundTrip: (a, b) => () => means?.[a]?.[b] ?? 10,
    meanRoundTripMs: (a, b) => means?.[a]?.[b] ?? 10,
  });
}

describe("RegionMap", () => {
  it("cuts sessions into blocks by share: 50/30/20 of 10", () => {
    const map = mapOf([0.5, 0.3, 0.2], 10);
    expect(Array.from({ length: 10 }, (_, s) => map.regionOf(s))).toEqual([
      0, 0, 0, 0, 0, 1, 1, 1, 2, 2,
    ]);
    expect([0, 1, 2].map((r) => map.sessionsIn(r))).toEqual([5, 3, 2]);
  });

  it("gives each region round(sessions × cumulative share) − the cut before, blocks in order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 500 }),
        (weights, sessions) => {
          const total = weights.reduce((a, b) => a + b, 0);
          fc.pre(total > 0);
          const shares = weights.map((w) => w / total);
          const map = mapOf(shares, sessions);
          let previous = 0;
          let cumulative = 0;
          for (let s = 0; s < sessions; s++) {
            // Regions never go backwards: each is one contiguous block.
            expect(map.regionOf(s)).toBeGreaterThanOrEqual(previous);
            previous = map.regionOf(s);
          }
          for (const [r, share] of shares.entries()) {
            cumulative += share;
            const n = map.sessionsIn(r);
            expect(Math.abs(n - share * sessions)).toBeLessThanOrEqual(1 + 1e-9);
          }
          expect(shares.reduce((n, _, r) => n + map.sessionsIn(r), 0)).toBe(sessions);
          expect(cumulative).toBeCloseTo(1, 9);
        },
      ),
      { seed: 16, numRuns: 50 },
    );
  });

  it("ranks regions by mean round trip, itself first, ties in the scenario's order", () => {
    const means = [
      [0, 80, 30, 30],
      [80, 0, 50, 50],
      [30, 50, 0, 10],
      [30, 50, 10, 0],
    ];
    const map = mapOf([0.25, 0.25, 0.25, 0.25], 4, means);
    expect(map.byNearness(0)).toEqual([0, 2, 3, 1]);
    expect(map.byNearness(1)).toEqual([1, 2, 3, 0]);
    expect(map.roundTrip(1, 1)(undefined as never)).toBe(0);
  });
});
