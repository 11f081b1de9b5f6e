// Key popularity: the Zipf sampler against the exact Zipf probabilities
// P(k) = k^(−s) / H(n, s), H(n, s) = Σ_{j=1..n} j^(−s), and the key choosers
// against what each popularity promises (uniform: even buckets; hotspot: opShare
// of the draws on the first keyShare of the keys; recency: writes append, reads
// fall on the newest keys with Zipf weights by distance). Tolerances are 4.5
// binomial standard errors, √(p(1−p)/N), of a fixed-seed run.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { createKeyChooser, RandomStream, ZipfSampler } from "../../src/index.js";

/** H(n, s) = Σ_{k=1..n} k^(−s), summed exactly (smallest terms first). */
function harmonic(n: number, s: number): number {
  let h = 0;
  for (let k = n; k >= 1; k--) h += k ** -s;
  return h;
}

/** The binomial tolerance for a share p estimated from n draws. */
function tolerance(p: number, n: number): number {
  return 4.5 * Math.sqrt((p * (1 - p)) / n) + 1e-12;
}

function stream(label: string, seed = 20260101): RandomStream {
  return new RandomStream(seed, label);
}

describe("ZipfSampler", () => {
  const n = 1000;
  const draws = 200_000;
  for (const s of [0.5, 0.99, 1.5]) {
    it(`s = ${s}, n = ${n}: ranks 1..5 have frequency k^(−s)/H(n,s) within 4.5 binomial SE`, () => {
      const zipf = new ZipfSampler(n, s);
      const rng = stream(`zipf-${s}`);
      const counts = new Array<number>(n + 1).fill(0);
      for (let i = 0; i < draws; i++) {
        const k = zipf.sample(rng);
        counts[k] = (counts[k] ?? 0) + 1;
      }
      const h = harmonic(n, s);
      for (let k = 1; k <= 5; k++) {
        const p = k ** -s / h;
        const observed = (counts[k] ?? 0) / draws;
        expect(Math.abs(observed - p), `rank ${k}: observed ${observed}, theory ${p}`).toBeLessThan(
          tolerance(p, draws),
        );
      }
      // The tail as a whole too: P(k > 100) = 1 − H(100, s)/H(n, s).
      const tail = 1 - harmonic(100, s) / h;
      let observedTail = 0;
      for (let k = 101; k <= n; k++) observedTail += counts[k] ?? 0;
      expect(Math.abs(observedTail / draws - tail)).toBeLessThan(tolerance(tail, draws));
    });
  }

  test.prop(
    [
      fc.integer({ min: 1, max: 1_000_000_000 }),
      fc.double({ min: 0.01, max: 4, noNaN: true }),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    ],
    { numRuns: 200 },
  )("every draw is an integer rank in [1, n]", (size, s, seed) => {
    const zipf = new ZipfSampler(size, s);
    const rng = new RandomStream(seed, "support");
    const ks = Array.from({ length: 50 }, () => zipf.sample(rng));
    expect(ks.filter((k) => !(Number.isInteger(k) && k >= 1 && k <= size))).toEqual([]);
  });

  it("n = 1 always gives rank 1, whatever s", () => {
    for (const s of [0.1, 0.99, 1, 3]) {
      const zipf = new ZipfSampler(1, s);
      const rng = stream(`one-${s}`);
      const ranks = new Set(Array.from({ length: 1000 }, () => zipf.sample(rng)));
      expect([...ranks]).toEqual([1]);
    }
  });

  it("s = 1 exactly (the removable singularity of the integral) still matches 1/(k·H(n,1))", () => {
    const zipf = new ZipfSampler(50, 1);
    const rng = stream("s-one");
    const n1 = 100_000;
    let ones = 0;
    for (let i = 0; i < n1; i++) if (zipf.sample(rng) === 1) ones++;
    const p = 1 / harmonic(50, 1);
    expect(Math.abs(ones / n1 - p)).toBeLessThan(tolerance(p, n1));
  });

  it("rejects n that is not an integer ≥ 1 and s that is not > 0, naming the value", () => {
    expect(() => new ZipfSampler(0, 1)).toThrow(/0/);
    expect(() => new ZipfSampler(2.5, 1)).toThrow(/2\.5/);
    expect(() => new ZipfSampler(10, 0)).toThrow(/exponent 0/);
    expect(() => new ZipfSampler(10, Number.NaN)).toThrow(/NaN/);
  });
});

describe("createKeyChooser: uniform", () => {
  it("spreads 100,000 draws over 20 keys evenly (chi-square, 19 df, below the 0.1 % critical value)", () => {
    const count = 20;
    const draws = 100_000;
    const chooser = createKeyChooser({ kind: "uniform" }, count, stream("uniform"));
    const counts = new Array<number>(count).fill(0);
    let outside = 0;
    for (let i = 0; i < draws; i++) {
      const key = i % 2 === 0 ? chooser.read() : chooser.write();
      if (!(Number.isInteger(key) && key >= 0 && key < count)) outside++;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    expect(outside).toBe(0);
    const expected = draws / count;
    const chi2 = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
    // χ²(19) at p = 0.001 is 43.82.
    expect(chi2).toBeLessThan(43.82);
  });
});

describe("createKeyChooser: zipf", () => {
  it("key 0 is rank 1: its share is 1/H(n, s)", () => {
    const count = 1000;
    const draws = 100_000;
    const chooser = createKeyChooser({ kind: "zipf", s: 0.99 }, count, stream("zipf-keys"));
    let zero = 0;
    let outside = 0;
    for (let i = 0; i < draws; i++) {
      const key = chooser.read();
      if (!(key >= 0 && key < count)) outside++;
      if (key === 0) zero++;
    }
    expect(outside).toBe(0);
    const p = 1 / harmonic(count, 0.99);
    expect(Math.abs(zero / draws - p)).toBeLessThan(tolerance(p, draws));
  });
});

describe("createKeyChooser: hotspot", () => {
  for (const { keyShare, opShare } of [
    { keyShare: 0.2, opShare: 0.8 },
    { keyShare: 0.01, opShare: 0.5 },
    { keyShare: 0.5, opShare: 0.95 },
  ]) {
    it(`keyShare ${keyShare}, opShare ${opShare}: opShare of the draws fall on keys [0, keyShare·count), evenly`, () => {
      const count = 1000;
      const hot = keyShare * count;
      const draws = 100_000;
      const chooser = createKeyChooser(
        { kind: "hotspot", keyShare, opShare },
        count,
        stream(`hot-${keyShare}`),
      );
      let onHot = 0;
      let hotLowHalf = 0;
      let coldLowHalf = 0;
      let outside = 0;
      for (let i = 0; i < draws; i++) {
        const key = i % 2 === 0 ? chooser.read() : chooser.write();
        if (!(key >= 0 && key < count)) outside++;
        if (key < hot) {
          onHot++;
          if (key < hot / 2) hotLowHalf++;
        } else if (key < hot + (count - hot) / 2) coldLowHalf++;
      }
      expect(outside).toBe(0);
      // A cold draw lands on a hot key with probability 0: the hot share is opShare.
      expect(Math.abs(onHot / draws - opShare)).toBeLessThan(tolerance(opShare, draws));
      // Uniform inside each class: half of each class's draws in its lower half.
      expect(Math.abs(hotLowHalf / onHot - 0.5)).toBeLessThan(tolerance(0.5, onHot));
      const cold = draws - onHot;
      expect(Math.abs(coldLowHalf / cold - 0.5)).toBeLessThan(tolerance(0.5, cold));
    });
  }

  it("keyShare 1 makes every key hot: draws cover [0, count) evenly", () => {
    const chooser = createKeyChooser(
      { kind: "hotspot", keyShare: 1, opShare: 0.3 },
      10,
      stream("all-hot"),
    );
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 50_000; i++) {
      const k = chooser.read();
      counts[k] = (counts[k] ?? 0) + 1;
    }
    for (const c of counts) expect(Math.abs(c / 50_000 - 0.1)).toBeLessThan(tolerance(0.1, 50_000));
  });
});

describe("createKeyChooser: recency", () => {
  it("each write inserts the key after the newest, wrapping over the key space", () => {
    const count = 5;
    const chooser = createKeyChooser({ kind: "recency", s: 0.99 }, count, stream("rec-w"));
    // The newest key starts as the last one, so the first insert wraps to 0.
    const written = Array.from({ length: 12 }, () => chooser.write());
    expect(written).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1]);
  });

  it("reads fall d keys behind the newest with Zipf weight (d+1)^(−s)/H(n,s)", () => {
    const count = 1000;
    const s = 0.99;
    const draws = 100_000;
    const chooser = createKeyChooser({ kind: "recency", s }, count, stream("rec-r"));
    for (let i = 0; i < 42; i++) chooser.write();
    const newest = 41;
    const byDistance = new Array<number>(count).fill(0);
    let outside = 0;
    for (let i = 0; i < draws; i++) {
      const key = chooser.read();
      if (!(key >= 0 && key < count)) outside++;
      const d = (newest - key + count) % count;
      byDistance[d] = (byDistance[d] ?? 0) + 1;
    }
    expect(outside).toBe(0);
    const h = harmonic(count, s);
    for (let d = 0; d < 5; d++) {
      const p = (d + 1) ** -s / h;
      expect(Math.abs((byDistance[d] ?? 0) / draws - p), `distance ${d}`).toBeLessThan(
        tolerance(p, draws),
      );
    }
    // The most-read key is the newest one, and the next most-read is just behind it.
    const ranked = byDistance.map((c, d) => ({ c, d })).sort((a, b) => b.c - a.c);
    expect(ranked[0]?.d).toBe(0);
    expect(ranked[1]?.d).toBe(1);
  });

  it("the hot spot follows the writes: after more inserts, reads concentrate on the new newest key", () => {
    const count = 100;
    const chooser = createKeyChooser({ kind: "recency", s: 1.5 }, count, stream("rec-move"));
    const modeOfReads = (): number => {
      const counts = new Array<number>(count).fill(0);
      for (let i = 0; i < 20_000; i++) {
        const k = chooser.read();
        counts[k] = (counts[k] ?? 0) + 1;
      }
      return counts.indexOf(Math.max(...counts));
    };
    expect(modeOfReads()).toBe(count - 1);
    for (let i = 0; i < 30; i++) chooser.write();
    expect(modeOfReads()).toBe(29);
  });
});
