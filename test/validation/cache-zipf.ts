// Independent references for the cache validation: Che's approximation for LRU
// under independent references (Che, Tung & Wang, IEEE JSAC 20(7), 2002) and a
// Zipf key sampler by inverse CDF, written here, not taken from the models.
import type { RandomStream } from "../../src/kernel/index.js";

/** Zipf probabilities p_i ∝ 1/i^s over n keys (key i − 1 has rank i). */
export function zipf(n: number, s: number): number[] {
  const weights = Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s);
  const total = weights.reduce((sum, w) => sum + w, 0);
  return weights.map((w) => w / total);
}

/** Che: T solves Σ(1 − e^(−p_i T)) = C; H = Σ p_i (1 − e^(−p_i T)). */
export function che(p: readonly number[], capacity: number): number {
  const filled = (t: number) => p.reduce((s, pi) => s + (1 - Math.exp(-pi * t)), 0);
  let low = 0;
  let high = 1;
  while (filled(high) < capacity) high *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = (low + high) / 2;
    if (filled(mid) < capacity) low = mid;
    else high = mid;
  }
  const t = (low + high) / 2;
  return p.reduce((s, pi) => s + pi * (1 - Math.exp(-pi * t)), 0);
}

/** A sampler of keys 0 … n − 1 with probabilities p, by binary search on the CDF. */
export function sampler(p: readonly number[], rng: RandomStream): () => number {
  const cdf = new Float64Array(p.length);
  let acc = 0;
  p.forEach((pi, i) => {
    acc += pi;
    cdf[i] = acc;
  });
  return () => {
    const u = rng.next() * acc;
    let lo = 0;
    let hi = p.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}
