// What holds of the server's mechanisms for any small scenario (docs/server.md):
// - shares are shares: the pool's hit ratio and the disk's utilisation lie in [0, 1];
// - a wait ends once: lock timeouts and deadlocks are among the waits, and the
//   operations that failed with lock_timeout are the primary's timeouts (replicas
//   serve plain reads, which take no locks);
// - a flush makes at least one commit durable, and no more flushes run than writes
//   commit, give or take those whose operations are still on the way back at the end
//   (a read-only transaction never flushes);
// - a pool that holds every page never evicts: each page is read from disk at most
//   once, so page reads ≤ pages.
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { runScenario } from "../../src/index.js";

const scenario = fc.record({
  keys: fc.integer({ min: 1, max: 20_000 }),
  sharedBuffersMB: fc.constantFrom(0.05, 0.5, 4, 128),
  rate: fc.integer({ min: 50, max: 3000 }),
  readRatio: fc.double({ min: 0, max: 1, noNaN: true }),
  statements: fc.integer({ min: 1, max: 4 }),
  poolSize: fc.integer({ min: 1, max: 30 }),
  lockTimeout: fc.constantFrom(0, 0.5, 5),
  replicas: fc.constantFrom(0, 1),
});

describe("the server's mechanisms, for any small scenario", () => {
  test.prop([scenario], { numRuns: 20 })(
    "shares in [0, 1], timeouts among the waits, flushes ≤ writes, no eviction when all fits",
    (p) => {
      const report = runScenario({
        seed: 3,
        warmup: 100,
        duration: 400,
        workload: {
          rate: p.rate,
          readRatio: p.readRatio,
          keys: { count: p.keys },
          transactions: { share: 0.5, statements: p.statements },
        },
        database: { sharedBuffersMB: p.sharedBuffersMB, lockTimeout: p.lockTimeout },
        client: { poolSize: p.poolSize },
        ...(p.replicas === 0 ? {} : { replication: { replicas: p.replicas } }),
      });
      let timeouts = 0;
      for (const node of report.nodes) {
        const s = node.server;
        if (s === undefined) throw new Error(`node ${node.name} has no server section`);
        expect(s.bufferPool.hitRatio).toBeGreaterThanOrEqual(0);
        expect(s.bufferPool.hitRatio).toBeLessThanOrEqual(1);
        expect(s.disk.utilization).toBeGreaterThanOrEqual(0);
        expect(s.disk.utilization).toBeLessThanOrEqual(1 + 1e-9);
        expect(s.locks.timeouts + s.locks.deadlocks).toBeLessThanOrEqual(s.locks.waits);
        if (s.commits.flushes > 0) expect(s.commits.commitsPerFlush).toBeGreaterThanOrEqual(1);
        // Each flush holds a commit; its operation completes half a round trip
        // (0.25 ms) later, so at the end up to 0.25 / 0.1 ms-flushes + 1 may not be counted.
        expect(s.commits.flushes).toBeLessThanOrEqual(node.writesServed + 4);
        if (s.bufferPool.capacityPages >= s.bufferPool.pages) {
          expect(s.bufferPool.pageReads).toBeLessThanOrEqual(s.bufferPool.pages);
        }
        timeouts += s.locks.timeouts;
      }
      // The server counts a timeout when it fires; the report counts the operation's
      // error when it reaches the client, half a round trip later. Only operations in
      // flight at the window's edges can fall on different sides of them: one that timed
      // out in the warm-up and failed after the cut, or timed out before the end and had
      // not failed yet.
      const errors = report.errors.byKind.lock_timeout ?? 0;
      expect(errors).toBeLessThanOrEqual(timeouts + report.verdict.inFlightAtStart);
      expect(errors).toBeGreaterThanOrEqual(timeouts - report.verdict.inFlightAtEnd);
    },
  );
});
