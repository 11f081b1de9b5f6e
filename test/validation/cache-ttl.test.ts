// Validation of TTL caches for one key read by a Poisson stream of rate λ with
// TTL T (Jung, Berger & Balakrishnan, "Modeling TTL-based Internet caches",
// INFOCOM 2003):
// - expire after write: a miss starts a TTL period; the hits in it are Poisson
//   with mean λT, so H = λT / (1 + λT);
// - TTL renewed on every hit: a request hits iff the previous request came
//   within T, so H = P(gap < T) = 1 − e^(−λT).
import { describe, expect, it } from "vitest";
import { RandomStream } from "../../src/kernel/index.js";
import { ExactLruStore, TtlPolicy } from "../../src/models/cache/index.js";

const REQUESTS = 200_000;

function ttlHitRatio(lambdaPerMs: number, ttl: TtlPolicy, seed: number): number {
  const store = new ExactLruStore<number>(1, "items");
  const arrivals = new RandomStream(seed, "arrivals");
  const jitter = new RandomStream(seed, "jitter");
  let now = 0;
  let hits = 0;
  for (let i = 0; i < REQUESTS; i++) {
    now += arrivals.exponential(1 / lambdaPerMs);
    const entry = store.get(0, now);
    if (entry === undefined) {
      store.set(0, 0, 1, ttl.expiryAt(now, jitter.next()), now);
      continue;
    }
    hits++;
    if (ttl.renewOnRead) entry.expiresAt = ttl.expiryAt(now, jitter.next());
  }
  return hits / REQUESTS;
}

// Tolerance 0.01: the standard error of a hit ratio over 200,000 requests is
// below 0.002 even counting the correlation within a TTL period (a period holds
// 1 + λT requests on average, at most 6 here, so the variance grows by at most
// that factor: √(6 · 0.25 / 200,000) = 0.0027); 0.01 is nearly 4 of those.
describe("TTL caches, one key at Poisson rate λ", () => {
  it.each([0.5, 1, 2, 5])("expire after write, λT = %d: H = λT/(1+λT)", (lambdaT) => {
    const measured = ttlHitRatio(lambdaT / 100, new TtlPolicy({ ttlMs: 100 }), 21);
    expect(Math.abs(measured - lambdaT / (1 + lambdaT))).toBeLessThan(0.01);
  });

  it.each([0.5, 1, 2])("renewed on every hit, λT = %d: H = 1 − e^(−λT)", (lambdaT) => {
    const measured = ttlHitRatio(
      lambdaT / 100,
      new TtlPolicy({ ttlMs: 100, renewOnRead: true }),
      22,
    );
    expect(Math.abs(measured - (1 - Math.exp(-lambdaT)))).toBeLessThan(0.01);
  });

  it("jitter keeps the mean TTL, so expire-after-write's hit ratio stays λT/(1+λT)", () => {
    // With TTL uniform on T(1 ± j), the hits per period have mean λ·E[TTL] = λT.
    const measured = ttlHitRatio(2 / 100, new TtlPolicy({ ttlMs: 100, jitter: 0.5 }), 23);
    expect(Math.abs(measured - 2 / 3)).toBeLessThan(0.01);
  });
});
