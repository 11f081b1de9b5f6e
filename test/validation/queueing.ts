// Helpers for the queueing validation tests: an open queue (Poisson arrivals, c
// servers, FIFO) run on the kernel's Resource, written either with callbacks or with
// processes; the queueing formulas (Kleinrock 1975; docs/reference.md); and the replication statistics
// (mean, standard error, Student t confidence interval) the tests compare them with.
import {
  type RandomStream,
  Resource,
  Simulation,
  type UniformSource,
} from "../../src/kernel/index.js";

/** How the customers are written: `sim.schedule` + `request().on(...)`, or generators. */
export type Style = "callbacks" | "processes";

export interface QueueRun {
  seed: number;
  /** λ, customers per ms. */
  arrivalRatePerMs: number;
  /** c, the resource's capacity. */
  servers: number;
  /** Draws one service time (ms) from the "service" stream. */
  serviceMs: (rng: RandomStream) => number;
  /** Customers whose statistics are discarded (the queue starts empty, not in steady state). */
  warmupCustomers: number;
  /** Customers measured after the warm-up. */
  customers: number;
  style: Style;
  /** For the fraction of measured customers who wait longer than this (ms). Default ∞. */
  waitThresholdMs?: number;
  /** Replaces the "arrivals" / "service" streams (the kernel's `rngs` option). */
  rngs?: Readonly<Record<string, UniformSource>>;
  /** Keep every customer's wait (warm-up included), in arrival order. */
  recordWaits?: boolean;
}

export interface QueueStats {
  /** Mean wait in queue of the measured customers (ms). */
  meanWaitMs: number;
  /** Mean time in system (wait + service) of the measured customers (ms). */
  meanSojournMs: number;
  /** Fraction of measured customers whose wait exceeded `waitThresholdMs`. */
  fractionWaitAbove: number;
  /** Window of the measured customers: first measured arrival to last arrival (ms). */
  windowMs: number;
  /**
   * Arrival rate of the window, measured customers / windowMs: with it, λ̂ · W̄ · window is
   * exactly Σ waits, so Little's law over the window differs from it only by the waiting
   * that spills over the window's two ends.
   */
  arrivalRateInWindowPerMs: number;
  /** Time-average number waiting (the resource's queueLength) over the window. */
  meanQueueLength: number;
  /** Time-average number in system (in service + waiting) over the window. */
  meanInSystem: number;
  /** Every customer's wait in arrival order, when `recordWaits` was set. */
  waitsMs: number[];
  /** Whole run, from t = 0 (empty) until the last departure (empty again). */
  run: {
    customers: number;
    endMs: number;
    /** ∫ N(t) dt over the whole run, N = number in system. */
    areaInSystem: number;
    /** Σ of every customer's time in system. */
    totalSojournMs: number;
  };
}

/**
 * The integral of a step signal, kept exactly: `set` at each change; `areaAt(t)` is
 * ∫₀ᵗ of the signal for any t at or after the last change.
 */
export class StepIntegral {
  private value = 0;
  private lastMs = 0;
  private area = 0;

  set(nowMs: number, value: number): void {
    this.area += this.value * (nowMs - this.lastMs);
    this.lastMs = nowMs;
    this.value = value;
  }

  areaAt(nowMs: number): number {
    return this.area + this.value * (nowMs - this.lastMs);
  }
}

/**
 * Runs one replication of a FIFO c-server queue with Poisson arrivals on the kernel's
 * {@link Resource}. Arrivals come from `sim.rng("arrivals")`, service times from
 * `sim.rng("service")`. Customers 0 … warmup−1 are not measured; the run ends when
 * the last customer leaves.
 */
export function runQueue(options: QueueRun): QueueStats {
  const { arrivalRatePerMs, warmupCustomers, customers } = options;
  const total = warmupCustomers + customers;
  const threshold = options.waitThresholdMs ?? Number.POSITIVE_INFINITY;
  const sim = new Simulation({ seed: options.seed, rngs: options.rngs ?? {} });
  const waitsMs: number[] = [];
  const recordWaits = options.recordWaits === true;
  const arrivals = sim.rng("arrivals");
  const service = sim.rng("service");
  const server = new Resource(sim, { capacity: options.servers });
  const queued = new StepIntegral();
  const inSystem = new StepIntegral();
  const observe = (): void => {
    queued.set(sim.now, server.queueLength);
    inSystem.set(sim.now, server.count + server.queueLength);
  };

  let sumWait = 0;
  let sumSojourn = 0;
  let totalSojourn = 0;
  let above = 0;
  let windowStart = Number.NaN;
  let windowEnd = Number.NaN;
  let queuedAreaStart = 0;
  let queuedAreaEnd = 0;
  let systemAreaStart = 0;
  let systemAreaEnd = 0;

  // Called at each arrival, before the customer joins: marks the measurement window.
  const arrive = (index: number): void => {
    if (index === warmupCustomers) {
      windowStart = sim.now;
      queuedAreaStart = queued.areaAt(sim.now);
      systemAreaStart = inSystem.areaAt(sim.now);
    }
    if (index === total - 1) {
      windowEnd = sim.now;
      queuedAreaEnd = queued.areaAt(sim.now);
      systemAreaEnd = inSystem.areaAt(sim.now);
    }
  };
  const record = (index: number, waitMs: number, sojournMs: number): void => {
    totalSojourn += sojournMs;
    if (recordWaits) waitsMs[index] = waitMs;
    if (index < warmupCustomers) return;
    sumWait += waitMs;
    sumSojourn += sojournMs;
    if (waitMs > threshold) above++;
  };

  if (options.style === "callbacks") {
    let index = 0;
    const next = (): void => {
      const i = index++;
      arrive(i);
      if (index < total) sim.schedule(arrivals.exponential(1 / arrivalRatePerMs), next);
      const arrivedAt = sim.now;
      const req = server.request();
      observe();
      req.on(() => {
        const waitMs = sim.now - arrivedAt;
        sim.schedule(options.serviceMs(service), () => {
          server.release(req);
          observe();
          record(i, waitMs, sim.now - arrivedAt);
        });
      });
    };
    sim.schedule(arrivals.exponential(1 / arrivalRatePerMs), next);
  } else {
    const customer = function* (i: number) {
      const arrivedAt = sim.now;
      const req = server.request();
      observe();
      yield req;
      const waitMs = sim.now - arrivedAt;
      yield sim.timeout(options.serviceMs(service));
      server.release(req);
      observe();
      record(i, waitMs, sim.now - arrivedAt);
    };
    sim.process(
      (function* () {
        for (let i = 0; i < total; i++) {
          yield sim.timeout(arrivals.exponential(1 / arrivalRatePerMs));
          arrive(i);
          sim.process(customer(i));
        }
      })(),
    );
  }

  const result = sim.run();
  if (result.reason !== "empty") throw new Error(`run stopped early: ${result.reason}`);
  const windowMs = windowEnd - windowStart;
  return {
    meanWaitMs: sumWait / customers,
    meanSojournMs: sumSojourn / customers,
    fractionWaitAbove: above / customers,
    windowMs,
    arrivalRateInWindowPerMs: customers / windowMs,
    meanQueueLength: (queuedAreaEnd - queuedAreaStart) / windowMs,
    meanInSystem: (systemAreaEnd - systemAreaStart) / windowMs,
    waitsMs,
    run: {
      customers: total,
      endMs: sim.now,
      areaInSystem: inSystem.areaAt(sim.now),
      totalSojournMs: totalSojourn,
    },
  };
}

/** Independent replications: the same queue with seeds seed0, seed0 + 1, … */
export function replicate(
  replications: number,
  seed0: number,
  options: Omit<QueueRun, "seed">,
): QueueStats[] {
  return Array.from({ length: replications }, (_, r) => runQueue({ ...options, seed: seed0 + r }));
}

/**
 * The waits of a FIFO c-server queue by the Kiefer–Wolfowitz recursion, with no
 * event queue: customer n arrives at Aₙ = Aₙ₋₁ + Xₙ and starts at max(Aₙ, the
 * earliest time a server frees); that server is then busy until start + Sₙ. With c = 1
 * this is Lindley's recursion Wₙ₊₁ = max(0, Wₙ + Sₙ − Xₙ₊₁). Draws are taken in the
 * order the kernel's queue takes them: interarrival times in arrival order, service
 * times in order of service start (the same order under FIFO).
 */
export function fifoWaitsMs(
  customers: number,
  servers: number,
  interarrivalMs: () => number,
  serviceMs: () => number,
): number[] {
  const free = new Array<number>(servers).fill(0);
  const waits: number[] = [];
  let arrivalMs = 0;
  for (let n = 0; n < customers; n++) {
    arrivalMs += interarrivalMs();
    let k = 0;
    for (let j = 1; j < servers; j++) if ((free[j] as number) < (free[k] as number)) k = j;
    const startMs = Math.max(arrivalMs, free[k] as number);
    waits.push(startMs - arrivalMs);
    free[k] = startMs + serviceMs();
  }
  return waits;
}

// ---------------------------------------------------------------------------------
// Formulas: Kleinrock, Queueing Systems vol. 1 (1975), §3.2, §3.5 and ch. 5.

/** M/M/1: Wq = ρ/(μ−λ). */
export function mm1WaitMs(lambda: number, mu: number): number {
  return lambda / mu / (mu - lambda);
}

/**
 * Erlang C, the probability that an arrival waits in M/M/c, with a = λ/μ, ρ = a/c:
 * C = [aᶜ/c! · 1/(1−ρ)] / [Σ_{k<c} aᵏ/k! + aᶜ/c! · 1/(1−ρ)].
 */
export function erlangC(servers: number, offeredLoad: number): number {
  const rho = offeredLoad / servers;
  if (!(rho < 1)) throw new RangeError(`Erlang C needs ρ < 1, got ${rho}`);
  let term = 1; // aᵏ/k!, from k = 0
  let sum = 0;
  for (let k = 0; k < servers; k++) {
    sum += term;
    term *= offeredLoad / (k + 1);
  }
  const waiting = term / (1 - rho); // aᶜ/c! · 1/(1−ρ)
  return waiting / (sum + waiting);
}

/** M/M/c: Lq = Cρ/(1−ρ). */
export function mmcQueueLength(servers: number, lambda: number, mu: number): number {
  const rho = lambda / (servers * mu);
  return (erlangC(servers, lambda / mu) * rho) / (1 - rho);
}

/** M/M/c: Wq = C/(cμ−λ). */
export function mmcWaitMs(servers: number, lambda: number, mu: number): number {
  return erlangC(servers, lambda / mu) / (servers * mu - lambda);
}

/** M/M/c: P(wait > t) = C·e^(−(cμ−λ)t). */
export function mmcWaitTail(servers: number, lambda: number, mu: number, tMs: number): number {
  return erlangC(servers, lambda / mu) * Math.exp(-(servers * mu - lambda) * tMs);
}

/** M/G/1 (Pollaczek–Khinchine): Wq = λE[S²] / (2(1−ρ)), ρ = λE[S]. */
export function pkWaitMs(
  lambda: number,
  serviceMeanMs: number,
  serviceSecondMoment: number,
): number {
  return (lambda * serviceSecondMoment) / (2 * (1 - lambda * serviceMeanMs));
}

// ---------------------------------------------------------------------------------
// Statistics of independent replications.

// The t quantile is the library's own (src/experiment/stats.ts), checked against
// NIST's t table in test/experiment/stats.test.ts.
import { studentTQuantile } from "../../src/experiment/stats.js";

export { studentTCentral, studentTQuantile } from "../../src/experiment/stats.js";

export interface Interval {
  mean: number;
  /** Standard error of the mean. */
  se: number;
  low: number;
  high: number;
  halfWidth: number;
}

/**
 * The confidence interval of the mean of independent, identically distributed samples
 * (Student t with n − 1 degrees of freedom), at `level` (default 0.95).
 */
export function confidenceInterval(samples: readonly number[], level = 0.95): Interval {
  const n = samples.length;
  if (n < 2) throw new RangeError(`A confidence interval needs ≥ 2 samples, got ${n}`);
  const mean = samples.reduce((s, x) => s + x, 0) / n;
  const variance = samples.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  const se = Math.sqrt(variance / n);
  const halfWidth = studentTQuantile(level, n - 1) * se;
  return { mean, se, low: mean - halfWidth, high: mean + halfWidth, halfWidth };
}

/** A readable line for failure messages. */
export function formatInterval(ci: Interval, theory: number, level: number): string {
  return `theory ${theory.toFixed(4)}, ${(level * 100).toPrecision(4)}% CI ${ci.low.toFixed(4)} … ${ci.high.toFixed(4)} (mean ${ci.mean.toFixed(4)})`;
}
