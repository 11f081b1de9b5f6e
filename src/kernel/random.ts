// Seeded random streams. One master seed; each stream is derived from
// (seed, label), so adding a stream never shifts the draws of another (common
// random numbers for paired comparisons, as in TigerBeetle's VOPR). The generator
// is seedrandom's alea: its default ARC4 generator halves a tight event loop.
import seedrandom from "seedrandom";
import { SimulationError } from "./errors.js";

/**
 * A source of uniform numbers in [0, 1). Any function of this shape can replace a stream's generator.
 *
 * @remarks Since 0.1.0
 */
export type UniformSource = () => number;

/**
 * An independent stream of random numbers with samplers for the distributions
 * dbsim uses. Create one with `sim.rng(label)`.
 *
 * @remarks Since 0.1.0
 */
export class RandomStream {
  /** The label this stream was derived from. */
  readonly label: string;
  private source: UniformSource;
  /** Only user-supplied generators are checked: alea's output is in [0, 1) by construction. */
  private checked: boolean;
  private spareNormal = Number.NaN;

  /**
   * @param seed - the master seed
   * @param label - the stream's name; the pair (seed, label) fixes its draws
   * @param source - optional generator replacing alea; must return numbers in [0, 1)
   */
  constructor(seed: number | string, label: string, source?: UniformSource) {
    this.label = label;
    this.source = source ?? seedrandom.alea(`${seed}\u0000${label}`);
    this.checked = source !== undefined;
  }

  /** Replaces the generator with a user function returning uniforms in [0, 1). */
  replace(source: UniformSource): void {
    this.source = source;
    this.checked = true;
    this.spareNormal = Number.NaN;
  }

  /** A uniform number in [0, 1). */
  next(): number {
    const u = this.source();
    if (this.checked && !(u >= 0 && u < 1)) {
      throw new SimulationError(
        "BAD_UNIFORM",
        `Random stream "${this.label}" produced ${u}; expected a number in [0, 1)`,
      );
    }
    return u;
  }

  /** A uniform number in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** An exponential draw with the given mean (inverse transform). */
  exponential(mean: number): number {
    // 1 - u is in (0, 1], so the log is finite.
    return -mean * Math.log(1 - this.next());
  }

  /** A standard normal draw (Marsaglia polar method; the spare is kept for the next call). */
  standardNormal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const z = this.spareNormal;
      this.spareNormal = Number.NaN;
      return z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return u * f;
  }

  /** A normal draw with the given mean and standard deviation. */
  normal(mean: number, sd: number): number {
    return mean + sd * this.standardNormal();
  }

  /**
   * A normal draw truncated to [min, ∞) by rejection. Bounded: after 1000
   * rejections (the mass above `min` is negligible) it returns `min`.
   */
  truncatedNormal(mean: number, sd: number, min = 0): number {
    for (let i = 0; i < 1000; i++) {
      const x = mean + sd * this.standardNormal();
      if (x >= min) return x;
    }
    return min;
  }

  /** A lognormal draw: exp(N(mu, sigma²)). */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(mu + sigma * this.standardNormal());
  }

  /** A Pareto (type I) draw with scale xm > 0 and shape alpha > 0; support [xm, ∞). */
  pareto(scale: number, shape: number): number {
    return scale / (1 - this.next()) ** (1 / shape);
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined && items.length === 0) {
      throw new SimulationError("EMPTY_PICK", "Cannot pick from an empty array");
    }
    return item as T;
  }
}
