// Key popularity: which key an operation touches. Uniform; Zipf by rejection-
// inversion (Hörmann & Derflinger 1996, as in Apache Commons' ZipfDistribution
// sampler: O(1) per draw, no table, so a billion keys cost nothing); hotspot (a
// share of the operations on a share of the keys, as YCSB's hotspot generator);
// recency (YCSB's "latest": Zipf over the distance from the newest key, and
// writes insert new keys, so the newest rows are the hottest). Key 0 is the
// most popular for zipf and hotspot; keys are not scrambled.
import type { RandomStream } from "../../kernel/index.js";

/**
 * How keys are chosen.
 *
 * @remarks Since 0.1.0
 */
export type KeyPopularity =
  | { readonly kind: "uniform" }
  | { readonly kind: "zipf"; readonly s: number }
  | { readonly kind: "hotspot"; readonly keyShare: number; readonly opShare: number }
  | { readonly kind: "recency"; readonly s: number };

/**
 * Draws keys in [0, count).
 *
 * @remarks Since 0.1.0
 */
export interface KeyChooser {
  /** A key for a read. */
  read(): number;
  /** A key for a write (for recency, a newly inserted key). */
  write(): number;
}

/**
 * A Zipf sampler over ranks 1..n with exponent s > 0, by rejection-inversion.
 * P(k) ∝ k^(−s).
 *
 * @remarks Since 0.1.0
 */
export class ZipfSampler {
  private readonly n: number;
  private readonly s: number;
  private readonly hX1: number;
  private readonly hN: number;
  private readonly cut: number;

  /**
   * @param n - number of ranks (≥ 1)
   * @param s - exponent (> 0)
   */
  constructor(n: number, s: number) {
    if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`Zipf n ${n} is not an integer ≥ 1`);
    if (!(s > 0 && Number.isFinite(s))) throw new RangeError(`Zipf exponent ${s} is not > 0`);
    this.n = n;
    this.s = s;
    this.hX1 = this.hIntegral(1.5) - 1;
    this.hN = this.hIntegral(n + 0.5);
    this.cut = 2 - this.hIntegralInverse(this.hIntegral(2.5) - this.h(2));
  }

  /** A rank in [1, n]; bounded to 1000 rejections (the acceptance rate is above 50 %). */
  sample(rng: RandomStream): number {
    for (let i = 0; i < 1000; i++) {
      const u = this.hN + rng.next() * (this.hX1 - this.hN);
      const x = this.hIntegralInverse(u);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > this.n) k = this.n;
      if (k - x <= this.cut || u >= this.hIntegral(k + 0.5) - this.h(k)) return k;
    }
    return 1;
  }

  private h(x: number): number {
    return Math.exp(-this.s * Math.log(x));
  }

  private hIntegral(x: number): number {
    const logX = Math.log(x);
    return helper2((1 - this.s) * logX) * logX;
  }

  private hIntegralInverse(x: number): number {
    let t = x * (1 - this.s);
    if (t < -1) t = -1;
    return Math.exp(helper1(t) * x);
  }
}

// log1p(x)/x and expm1(x)/x, with their series near 0 where the quotient loses precision.
function helper1(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1 / 3 - 0.25 * x));
}

function helper2(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + (x / 3) * (1 + 0.25 * x));
}

/**
 * Makes the key chooser for a popularity spec over `count` keys.
 *
 * @remarks Since 0.1.0
 */
export function createKeyChooser(
  popularity: KeyPopularity,
  count: number,
  rng: RandomStream,
): KeyChooser {
  switch (popularity.kind) {
    case "uniform": {
      const pick = () => Math.floor(rng.next() * count);
      return { read: pick, write: pick };
    }
    case "zipf": {
      const zipf = new ZipfSampler(count, popularity.s);
      const pick = () => zipf.sample(rng) - 1;
      return { read: pick, write: pick };
    }
    case "hotspot": {
      const hot = Math.max(1, Math.min(count, Math.round(popularity.keyShare * count)));
      const cold = count - hot;
      const pick = () => {
        if (cold === 0 || rng.next() < popularity.opShare) return Math.floor(rng.next() * hot);
        return hot + Math.floor(rng.next() * cold);
      };
      return { read: pick, write: pick };
    }
    case "recency": {
      const zipf = new ZipfSampler(count, popularity.s);
      // The newest key; writes insert after it, wrapping over the key space.
      let newest = count - 1;
      return {
        read: () => {
          const back = zipf.sample(rng) - 1;
          return (newest - back + count) % count;
        },
        write: () => {
          newest = (newest + 1) % count;
          return newest;
        },
      };
    }
  }
}
