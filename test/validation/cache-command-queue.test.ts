// A cache node's command queue (src/models/cache/command-queue.ts) against
// queueing theory, Kleinrock, Queueing Systems vol. 1 (1975): one Redis node
// (one thread executing commands, as server.c's event loop does) under Poisson
// GETs with exponential command times is M/M/1, Wq = ρ/(μ−λ) (§3.2); Memcached
// with its default 4 worker threads (memcached.c settings_init, num_threads = 4)
// is M/M/4, Wq = C(4, λ/μ)/(4μ−λ) with C Erlang's formula (§3.5).
//
// First the sample path: on the same draws the queue's waits equal the FIFO
// recursion's (Kiefer–Wolfowitz; Lindley for one server) exactly. Then the
// statistics: independent replications, a Student-t interval of their means
// that must hold the theory. Two interval checks at 1 − 0.05/2 each
// (Bonferroni): a correct queue fails the pair for ≤ 5 % of seed choices.
// Each replication starts empty and discards a warm-up of many relaxation
// times (M/M/1's relaxation time 1/(μ(1−√ρ)²) ≈ 90 command times at ρ = 0.8,
// the warm-up 5 000 arrivals ≈ 5 000 command times), so the start-up bias is
// far below the interval's width.
import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/kernel/index.js";
import { CommandQueue } from "../../src/models/cache/index.js";
import {
  confidenceInterval,
  fifoWaitsMs,
  formatInterval,
  mm1WaitMs,
  mmcWaitMs,
} from "./queueing.js";

const COMMAND_MS = 0.01;
const MU = 1 / COMMAND_MS;
const LEVEL = 1 - 0.05 / 2;

interface Run {
  readonly waitMeanMs: number;
  readonly utilisation: number;
  readonly waitsMs: number[];
}

/** Poisson GETs at λ per ms into one node; the figures of `measured` commands after `warmup`. */
function runNode(
  seed: number,
  threads: number,
  lambda: number,
  warmup: number,
  measured: number,
): Run {
  const sim = new Simulation({ seed });
  const arrivals = sim.rng("arrivals");
  const service = sim.rng("service");
  const draws: number[] = [];
  const queue = new CommandQueue(sim, threads, () => {
    const s = service.exponential(COMMAND_MS);
    draws.push(s);
    return s;
  });
  const waitsMs: number[] = [];
  let sent = 0;
  let finished = 0;
  const arrive = (): void => {
    const at = sim.now;
    const n = sent++;
    if (n === warmup) queue.resetStats();
    queue.execute(() => {
      // FIFO: the n-th command to start is the n-th to arrive, and takes the n-th draw.
      waitsMs[n] = sim.now - at - (draws[n] as number);
      finished++;
    });
    if (sent < warmup + measured) sim.schedule(arrivals.exponential(1 / lambda), arrive);
  };
  sim.schedule(arrivals.exponential(1 / lambda), arrive);
  // Stop as the last arrival is in: the utilisation is over the arrival window.
  sim.run({ until: Number.POSITIVE_INFINITY, maxEvents: 10 * (warmup + measured) });
  const stats = queue.stats();
  expect(finished).toBe(warmup + measured);
  return { waitMeanMs: stats.waitMeanMs, utilisation: stats.utilisation, waitsMs };
}

describe("a cache node's command queue = the FIFO recursion on the same draws", () => {
  it.each([1, 4])("threads = %i: every one of 5 000 waits is identical", (threads) => {
    const lambda = 0.9 * threads * MU;
    const run = runNode(7, threads, lambda, 0, 5000);
    // The same seed and labels as runNode's streams: the same draws, in the same order.
    const sim = new Simulation({ seed: 7 });
    const arrivals = sim.rng("arrivals");
    const service = sim.rng("service");
    const same = fifoWaitsMs(
      5000,
      threads,
      () => arrivals.exponential(1 / lambda),
      () => service.exponential(COMMAND_MS),
    );
    expect(run.waitsMs.length).toBe(5000);
    for (let i = 0; i < 5000; i++)
      expect(run.waitsMs[i] as number).toBeCloseTo(same[i] as number, 9);
    expect(same.filter((w) => w > 0).length).toBeGreaterThan(2500);
  });
});

describe("queue figures against M/M/c theory", () => {
  const replications = 12;
  const theories = [
    { name: "Redis, 1 thread: M/M/1", threads: 1, wait: (l: number) => mm1WaitMs(l, MU) },
    { name: "Memcached, 4 threads: M/M/4", threads: 4, wait: (l: number) => mmcWaitMs(4, l, MU) },
  ];
  it.each(theories)(
    "$name at ρ = 0.8: mean wait inside the CI, utilisation ≈ ρ",
    ({ threads, wait }) => {
      const lambda = 0.8 * threads * MU;
      const runs = Array.from({ length: replications }, (_, r) =>
        runNode(500 + 10 * threads + r, threads, lambda, 5000, 40_000),
      );
      const theory = wait(lambda);
      const ci = confidenceInterval(
        runs.map((r) => r.waitMeanMs),
        LEVEL,
      );
      expect(theory >= ci.low && theory <= ci.high, formatInterval(ci, theory, LEVEL)).toBe(true);
      // Utilisation = λ/(cμ): the mean over the replications within 2 % (its spread is far smaller).
      const utilisation = runs.reduce((s, r) => s + r.utilisation, 0) / replications;
      expect(utilisation).toBeGreaterThan(0.8 * 0.98);
      expect(utilisation).toBeLessThan(0.8 * 1.02);
    },
  );
});
