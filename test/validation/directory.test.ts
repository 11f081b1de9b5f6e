// The sharding directory against theory:
// - without the application's cache every operation queues for a lookup at
//   the directory's c workers: Poisson arrivals and exponential lookups make
//   it M/M/c, so the time to learn the shard is Erlang C's Wq = C/(cμ−λ) plus
//   the lookup 1/μ (Kleinrock 1975, vol. 1 §3.5);
// - with the cache, one key read at Poisson rate λ and answers kept T ms
//   (expire after write, instant lookups) is served from the cache a share
//   λT/(1+λT) of the time (each miss starts a cycle of T plus the wait for the
//   next arrival, 1/λ, holding λT hits: renewal-reward; Jung, Berger &
//   Balakrishnan, INFOCOM 2003).
// Means are compared through 99 % Student-t intervals over 20 batch means.
import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/kernel/index.js";
import { type Done, Operation, type Service } from "../../src/models/operation.js";
import { DirectoryLookup } from "../../src/models/sharding/directory.js";
import { ShardMap } from "../../src/models/sharding/shard-map.js";
import { confidenceInterval, formatInterval, mmcWaitMs } from "./queueing.js";

const BATCHES = 20;

function run(options: {
  lambdaPerMs: number;
  lookupMeanMs: number;
  workers: number;
  ttlMs: number;
  keys: number;
  perBatch: number;
  seed: number;
}): { delays: number[]; hitShares: number[] } {
  const sim = new Simulation({ seed: options.seed });
  const arrivals = sim.rng("arrivals");
  const service = sim.rng("lookups");
  const map = new ShardMap({ strategy: "jump", shards: 4 }, options.keys);
  const sums: number[] = new Array(BATCHES).fill(0);
  const counts: number[] = new Array(BATCHES).fill(0);
  const next: Service = {
    submit(op: Operation, done: Done): void {
      const batch = Math.floor(op.id / options.perBatch) - 1;
      if (batch >= 0 && batch < BATCHES) {
        sums[batch] = (sums[batch] as number) + (sim.now - op.issuedAt);
        counts[batch] = (counts[batch] as number) + 1;
      }
      done(op);
    },
  };
  const directory = new DirectoryLookup(
    sim,
    {
      map,
      workers: options.workers,
      lookupMs: () => (options.lookupMeanMs === 0 ? 0 : service.exponential(options.lookupMeanMs)),
      cacheTtlMs: options.ttlMs,
      cacheEntries: options.keys,
    },
    next,
  );
  // One batch of warm-up, then BATCHES batches.
  const total = (BATCHES + 1) * options.perBatch;
  const hitShares: number[] = [];
  let id = 0;
  let hitsAtBatch = 0;
  const arrive = (): void => {
    if (id > 0 && id % options.perBatch === 0) {
      if (id > options.perBatch) {
        hitShares.push((directory.cacheHits - hitsAtBatch) / options.perBatch);
      }
      hitsAtBatch = directory.cacheHits;
    }
    if (id >= total) return;
    const op = new Operation(id, 0, "read", id % options.keys, 1, sim.now);
    id++;
    directory.submit(op, () => {});
    sim.schedule(arrivals.exponential(1 / options.lambdaPerMs), arrive);
  };
  sim.schedule(0, arrive);
  sim.run();
  return { delays: sums.map((s, i) => s / (counts[i] as number)), hitShares };
}

describe("directory without a cache: M/M/c lookups (Erlang C)", () => {
  for (const { workers, rho } of [
    { workers: 1, rho: 0.7 },
    { workers: 4, rho: 0.85 },
  ]) {
    it(`c = ${workers}, ρ = ${rho}: time to the shard inside the 99 % CI of Wq + 1/μ`, () => {
      const lookupMeanMs = 1;
      const lambdaPerMs = (rho * workers) / lookupMeanMs;
      const { delays } = run({
        lambdaPerMs,
        lookupMeanMs,
        workers,
        ttlMs: 0,
        keys: 1000,
        perBatch: 10_000,
        seed: workers,
      });
      const theory = mmcWaitMs(workers, lambdaPerMs, 1 / lookupMeanMs) + lookupMeanMs;
      const ci = confidenceInterval(delays, 0.99);
      expect(ci.low <= theory && theory <= ci.high, formatInterval(ci, theory, 0.99)).toBe(true);
    });
  }
});

describe("directory with the application's cache: expire-after-write hit ratio", () => {
  for (const lambdaT of [0.5, 2, 5]) {
    it(`λT = ${lambdaT}: hit share inside the 99 % CI of λT/(1+λT)`, () => {
      const ttlMs = 100;
      const { hitShares } = run({
        lambdaPerMs: lambdaT / ttlMs,
        lookupMeanMs: 0,
        workers: 1,
        ttlMs,
        keys: 1,
        perBatch: 5000,
        seed: 7,
      });
      const theory = lambdaT / (1 + lambdaT);
      const ci = confidenceInterval(hitShares, 0.99);
      expect(ci.low <= theory && theory <= ci.high, formatInterval(ci, theory, 0.99)).toBe(true);
    });
  }
});
