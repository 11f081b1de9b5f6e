// Scatter-gather against theory: a read sent to k shards that each answer
// after an independent exponential time of mean 1/μ (no queueing: every shard
// has a server free) waits for the slowest answer, whose mean is H_k/μ with
// H_k = 1 + 1/2 + … + 1/k, and variance Σ 1/(i²μ²) (the maximum of k
// exponentials is a sum of independent exponentials of rates kμ, (k−1)μ, …, μ:
// Rényi's representation; e.g. David & Nagaraja, "Order Statistics", §2.5).
// N independent reads give the mean within 4 standard errors √(var/N).
import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/kernel/index.js";
import { type Done, Operation, type Service } from "../../src/models/operation.js";
import { ShardMap } from "../../src/models/sharding/shard-map.js";
import { ShardRouter } from "../../src/models/sharding/shard-router.js";

describe("scatter-gather: the slowest of k exponential answers has mean H_k/μ", () => {
  for (const k of [2, 4, 8, 16]) {
    it(`k = ${k}, mean answer 2 ms: mean latency within 4 standard errors of 2·H_k`, () => {
      // Arrange
      const meanMs = 2;
      const reads = 20_000;
      const sim = new Simulation({ seed: k });
      const rng = sim.rng("answers");
      const shards: Service[] = Array.from({ length: k }, () => ({
        submit(op: Operation, done: Done): void {
          sim.schedule(rng.exponential(meanMs), () => {
            op.completedAt = sim.now;
            done(op);
          });
        },
      }));
      const map = new ShardMap({ strategy: "jump", shards: k }, 1000);
      const router = new ShardRouter(sim, { map, shards, rowsPerShard: 0, mergeMsPerRow: 0 });
      let sum = 0;
      // Act: reads one after another, 1 s apart, so no two overlap
      for (let i = 0; i < reads; i++) {
        sim.at(i * 1000, () => {
          const op = new Operation(i, 0, "read", i % 1000, 1, sim.now);
          router.fanOut(op, { shards: "all" });
          router.submit(op, (o) => {
            sum += o.completedAt - o.issuedAt;
          });
        });
      }
      sim.run();
      // Assert
      let harmonic = 0;
      let variance = 0;
      for (let i = 1; i <= k; i++) {
        harmonic += 1 / i;
        variance += (meanMs / i) ** 2;
      }
      const expected = meanMs * harmonic;
      expect(Math.abs(sum / reads - expected)).toBeLessThan(4 * Math.sqrt(variance / reads));
      expect(router.scatterLatency.summary().count).toBe(reads);
    });
  }
});
