// Run seeds: a function of (master seed, point, replication) only.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deriveSeed, planRuns, resolveExperiment } from "../../src/index.js";

describe("derived seeds", () => {
  it("are safe non-negative integers, the same for the same inputs", () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(1e6), fc.nat(1e4), (m, p, r) => {
        const s = deriveSeed(m, p, r);
        expect(Number.isSafeInteger(s) && s >= 0).toBe(true);
        expect(deriveSeed(m, p, r)).toBe(s);
      }),
    );
  });
  it("differ across 100 points × 100 replications (no collision among 10⁴ runs)", () => {
    const seen = new Set<number>();
    for (let p = 0; p < 100; p++) for (let r = 0; r < 100; r++) seen.add(deriveSeed(7, p, r));
    expect(seen.size).toBe(10_000);
  });
  it("a shard plans the same seed for a run as the whole sweep does", () => {
    const plan = resolveExperiment({
      scenario: "read-heavy",
      parameters: { "workload.rate": [100, 200, 300] },
      replications: 2,
      seed: 99,
    });
    const whole = planRuns(plan).map((t) => [t.point, t.replication, t.seed]);
    const sharded = [0, 1].flatMap((i) =>
      planRuns(plan, { index: i, count: 2 }).map((t) => [t.point, t.replication, t.seed]),
    );
    expect(
      sharded.sort(
        (a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number),
      ),
    ).toEqual(whole);
    expect(whole[0]?.[2]).toBe(deriveSeed(99, 0, 0));
  });
  it("with common random numbers, replication r of every point shares one seed", () => {
    const plan = resolveExperiment({
      scenario: "read-heavy",
      parameters: { "workload.rate": [100, 200] },
      replications: 2,
      commonRandomNumbers: true,
    });
    const seeds = planRuns(plan).map((t) => t.seed);
    expect(seeds[0]).toBe(seeds[2]);
    expect(seeds[1]).toBe(seeds[3]);
    expect(seeds[0]).not.toBe(seeds[1]);
  });
});
