// A page read's wait separated from CPU by a joint fit over runs at several data
// sizes. Synthetic check: dbsim's own server with its buffer pool and disk
// (mechanisms "all", reads only, 8 MB of shared buffers, exponential CPU of
// 0.1 ms and disk reads of 0.5 ms, 16 disk requests in service so a read never
// queues behind another) at 20,000, 200,000 and 2,000,000 keys × 1, 4 and 16
// clients (these nine runs once made the solver step to a negative client time
// and throw "Matrix is not symmetric");
// the reads per transaction come from its report (the buffer pool's page reads
// over the reads served), as pg_stat_database's blks_read / xact_commit would.
// A read holds no core, so with a disk that never queues it is a delay, and the
// closed loop with client time Z + r·m is exact in the mean (BCMP): the fit must
// recover D = 0.1 ms and m = 0.5 ms within the simulation's sampling error,
// which for 1 s of ~1,000–20,000 transactions per run is a few per cent; 8 % is
// allowed.
import { describe, expect, it } from "vitest";
import { calibrate, closedLoopThroughput, type Measurement } from "../../src/calibrate/index.js";
import { runScenario } from "../../src/index.js";

const CPU_MS = 0.1;
const PAGE_READ_MS = 0.5;
const THINK_MS = 0.2;

function simulatedRun(keys: number, clients: number): Measurement {
  const report = runScenario({
    seed: 7,
    duration: 1_000,
    warmup: 500,
    workload: {
      clients,
      thinkTime: { kind: "exponential", mean: THINK_MS },
      readRatio: 1,
      keys: { count: keys, popularity: { kind: "uniform" } },
    },
    database: {
      cores: 2,
      sigma: 0,
      kappa: 0,
      sharedBuffersMB: 8,
      connectionSetupTime: 0,
      diskParallelism: 16,
      readTime: { kind: "exponential", mean: CPU_MS },
      diskReadTime: { kind: "exponential", mean: PAGE_READ_MS },
    },
    client: { roundTrip: 0, poolSize: clients, connectRoundTrips: 0 },
  });
  const node = report.nodes[0];
  const pageReads = node?.server?.bufferPool?.pageReads ?? Number.NaN;
  return {
    concurrency: clients,
    throughput: report.throughput.completedPerSec,
    pageReadsPerTransaction: pageReads / (node?.readsServed ?? Number.NaN),
  };
}

describe("calibrate with page reads per transaction", () => {
  it("recovers the CPU per statement and a page read's wait from dbsim's own server within 8 %", () => {
    const runs = [20_000, 200_000, 2_000_000].flatMap((keys) =>
      [1, 4, 16].map((clients) => simulatedRun(keys, clients)),
    );
    const fit = calibrate(runs, { cores: 2 });
    expect(Math.abs(fit.parameters.demandMs / CPU_MS - 1)).toBeLessThan(0.08);
    expect(Math.abs((fit.parameters.pageReadMs ?? 0) / PAGE_READ_MS - 1)).toBeLessThan(0.08);
    expect(Math.abs(fit.parameters.clientMs / THINK_MS - 1)).toBeLessThan(0.08);
  });

  it("recovers every parameter exactly from the formula's own figures", () => {
    const truth = {
      cores: 2,
      demandMs: 0.1,
      clientMs: 0.2,
      sigma: 0.02,
      kappa: 5e-4,
      pageReadMs: 0.5,
    };
    const runs = [0, 1, 2].flatMap((reads) =>
      [1, 2, 4, 8, 16].map((n) => ({
        concurrency: n,
        throughput: closedLoopThroughput(n, truth, reads),
        pageReadsPerTransaction: reads,
      })),
    );
    const fit = calibrate(runs, { cores: 2 });
    expect(fit.parameters.pageReadMs).toBeCloseTo(0.5, 6);
    expect(fit.parameters.demandMs).toBeCloseTo(0.1, 6);
    expect(fit.parameters.sigma).toBeCloseTo(0.02, 6);
    expect(fit.fitted.map((l) => l.pageReads)).toEqual([
      0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2,
    ]);
  });

  it("refuses runs that give page reads only in part, or all at one data size", () => {
    const runs = [1, 2, 4].map((n) => ({ concurrency: n, throughput: 1000 * n }));
    expect(() =>
      calibrate([...runs, { concurrency: 8, throughput: 5000, pageReadsPerTransaction: 1 }]),
    ).toThrow("measurements[0].pageReadsPerTransaction: expected a number");
    expect(() => calibrate(runs.map((r) => ({ ...r, pageReadsPerTransaction: 2 })))).toThrow(
      /page reads per transaction from 2 to 2; expected runs at data sizes whose reads differ/,
    );
  });
});
