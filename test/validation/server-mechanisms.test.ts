// Validation of the server's mechanisms (src/models/server/) as models, each
// against an independent result:
// - a closed network of processor-sharing cores and the disk as a delay station,
//   against exact load-dependent MVA (Reiser & Lavenberg 1980; Lazowska et al.,
//   "Quantitative System Performance", 1984, ch. 8) — test/validation/mva.ts;
// - one hot row as an M/G/1 queue on its lock, against Pollaczek–Khinchine
//   Wq = λE[S²] / (2(1−ρ)) (Kleinrock 1975, vol. 1 §5.5);
// - group commit: N closed-loop committers and nothing else commit N/F per unit
//   time; open arrivals at λ ≫ 1/F give batches of λF and a latency of 1.5F;
// - the disk station alone under Poisson reads with exponential service: M/M/c,
//   Erlang C's Wq = C/(cμ−λ);
// - the buffer pool's LRU under Zipf references, against Che's approximation
//   (Che, Tung & Wang, IEEE JSAC 20(7), 2002; Fricker, Robert & Roberts, ITC 2012).
// Simulated figures are compared through 99 % Student-t intervals over 20 batch
// means of long batches (batch means: Law & Kelton, "Simulation Modeling and
// Analysis", §9.5.3), so the tolerance comes from the run's own variability.
import { describe, expect, it } from "vitest";
import { type RandomStream, Simulation } from "../../src/kernel/index.js";
import { BufferPool } from "../../src/models/server/buffer-pool.js";
import { DiskStation } from "../../src/models/server/disk.js";
import { RowLocks } from "../../src/models/server/locks.js";
import { DatabaseServer } from "../../src/models/server/server.js";
import { StatementPipeline } from "../../src/models/server/statement.js";
import { WalFlusher } from "../../src/models/server/wal.js";
import { che } from "./cache-zipf.js";
import { mvaLoadDependent } from "./mva.js";
import { confidenceInterval, formatInterval, mmcWaitMs, pkWaitMs } from "./queueing.js";

const BATCHES = 20;
const LEVEL = 0.99;

function bareServer(sim: Simulation, cores: number, cpuMeanMs: number): DatabaseServer {
  return new DatabaseServer(sim, {
    name: "db",
    cores,
    sigma: 0,
    kappa: 0,
    maxConnections: 10_000,
    memoryPerConnectionMB: 0,
    keyCount: 1000,
    readWorkMs: (rng) => rng.exponential(cpuMeanMs),
    writeWorkMs: (rng) => rng.exponential(cpuMeanMs),
    connectWorkMs: () => 0,
  });
}

describe("closed network: processor-sharing cores + the disk = load-dependent MVA", () => {
  // Each client thinks (exponential, mean Z), runs one statement whose two pages
  // both miss (an empty pool) and are read one after the other from the disk
  // (exponential, mean io each), then its CPU (exponential, mean D) on c cores.
  // With a disk slot for every client the disk is a delay station (demand 2·io
  // joins Z); with fewer slots it is a FCFS station with exponential service and
  // rate min(j, slots)/io, load-dependent too. BCMP: product form either way.
  const cpuMs = 1;
  const ioMs = 0.5;
  const thinkMs = 2;
  for (const { clients, cores, diskSlots } of [
    { clients: 1, cores: 1, diskSlots: 1 },
    { clients: 4, cores: 2, diskSlots: 4 },
    { clients: 10, cores: 2, diskSlots: 10 },
    { clients: 16, cores: 4, diskSlots: 16 },
    { clients: 8, cores: 2, diskSlots: 1 },
    { clients: 12, cores: 4, diskSlots: 2 },
  ]) {
    const station = diskSlots >= clients ? "a delay station" : `${diskSlots} slot(s), queueing`;
    it(`N = ${clients}, c = ${cores}, disk ${station}: throughput and response time inside the 99 % CI of MVA's`, () => {
      const sim = new Simulation({ seed: 40 + clients });
      const server = bareServer(sim, cores, cpuMs);
      const disk = new DiskStation(sim, {
        name: "db",
        parallelism: diskSlots,
        readMs: (rng) => rng.exponential(ioMs),
      });
      const pool = new BufferPool({
        size: { sharedBuffersMB: 1e-6 },
        keyCount: 1000,
        rowBytes: 100,
        indexEntryBytes: 16,
      });
      const pipeline = new StatementPipeline(server, {
        bufferPool: pool,
        disk,
        locks: null,
        wal: null,
        ramReadMs: 0,
      });
      const rng = sim.rng("test.clients");
      const warmupMs = 2_000;
      const batchMs = 1_500;
      const completions = new Array<number>(BATCHES).fill(0);
      const responseSums = new Array<number>(BATCHES).fill(0);
      const client = (): void => {
        sim.schedule(rng.exponential(thinkMs), () => {
          const start = sim.now;
          const txn = pipeline.begin();
          pipeline.statement(txn, rng.int(1000), "read", rng.exponential(cpuMs), () => {
            pipeline.commit(txn, () => {
              const batch = Math.floor((sim.now - warmupMs) / batchMs);
              if (sim.now >= warmupMs && batch < BATCHES) {
                completions[batch] = (completions[batch] as number) + 1;
                responseSums[batch] = (responseSums[batch] as number) + (sim.now - start);
              }
              client();
            });
          });
        });
      };
      for (let i = 0; i < clients; i++) client();
      sim.run({ until: warmupMs + BATCHES * batchMs });

      const theory =
        diskSlots >= clients
          ? mvaLoadDependent(clients, [{ demandMs: cpuMs, servers: cores }], thinkMs + 2 * ioMs)
          : mvaLoadDependent(
              clients,
              [
                { demandMs: cpuMs, servers: cores },
                { demandMs: 2 * ioMs, servers: diskSlots },
              ],
              thinkMs,
            );
      const rTheory = clients / theory.throughputPerMs - thinkMs; // response time law
      const throughputs = completions.map((n) => n / batchMs);
      const responses = responseSums.map((s, i) => s / (completions[i] as number));
      const xCi = confidenceInterval(throughputs, LEVEL);
      const rCi = confidenceInterval(responses, LEVEL);
      expect(pool.hits).toBe(0);
      expect(xCi.halfWidth / xCi.mean).toBeLessThan(0.05); // the test has power
      expect(
        theory.throughputPerMs,
        formatInterval(xCi, theory.throughputPerMs, LEVEL),
      ).toBeGreaterThanOrEqual(xCi.low);
      expect(
        theory.throughputPerMs,
        formatInterval(xCi, theory.throughputPerMs, LEVEL),
      ).toBeLessThanOrEqual(xCi.high);
      expect(rTheory, formatInterval(rCi, rTheory, LEVEL)).toBeGreaterThanOrEqual(rCi.low);
      expect(rTheory, formatInterval(rCi, rTheory, LEVEL)).toBeLessThanOrEqual(rCi.high);
    });
  }

  it("MVA: the peak lies above the core count when statements wait on the disk (X(2c) > 1.2 X(c))", () => {
    // With I/O demand equal to the CPU demand, c clients leave the cores idle half the time.
    const at = (clients: number) =>
      mvaLoadDependent(clients, [{ demandMs: 1, servers: 2 }], 1).throughputPerMs;
    expect(at(4)).toBeGreaterThan(at(2) * 1.2);
  });
});

describe("disk station: M/M/c under Poisson reads (Erlang C)", () => {
  for (const { parallelism, rho } of [
    { parallelism: 1, rho: 0.6 },
    { parallelism: 4, rho: 0.8 },
  ]) {
    it(`c = ${parallelism}, ρ = ${rho}: mean queue wait inside the 99 % CI of Erlang C's`, () => {
      const sim = new Simulation({ seed: 11 });
      const serviceMs = 0.1; // the SSD random read row's 100 µs
      const disk = new DiskStation(sim, {
        name: "db",
        parallelism,
        readMs: (rng) => rng.exponential(serviceMs),
      });
      const lambda = (rho * parallelism) / serviceMs; // per ms
      const arrivals = sim.rng("test.arrivals");
      const warmup = 5_000;
      const perBatch = 10_000;
      const total = warmup + BATCHES * perBatch;
      const means: number[] = [];
      let issued = 0;
      const arrive = (): void => {
        issued++;
        disk.read(() => {});
        if (issued === warmup) disk.resetStats(sim.now);
        if ((issued - warmup) % perBatch === 0 && issued > warmup) {
          means.push(disk.queueWaitMs.sum / disk.queueWaitMs.count);
          disk.resetStats(sim.now);
        }
        if (issued < total) sim.schedule(arrivals.exponential(1 / lambda), arrive);
      };
      arrive();
      sim.run();
      // queueWaitMs records each wait when the request starts service, so a batch's
      // mean covers the requests that started in it — the same customers up to the
      // few in the queue at the batch's two ends.
      const theory = mmcWaitMs(parallelism, lambda, 1 / serviceMs);
      const ci = confidenceInterval(means, LEVEL);
      expect(means).toHaveLength(BATCHES);
      expect(theory, formatInterval(ci, theory, LEVEL)).toBeGreaterThanOrEqual(ci.low);
      expect(theory, formatInterval(ci, theory, LEVEL)).toBeLessThanOrEqual(ci.high);
    });
  }
});

describe("one hot row: the lock is an M/G/1 queue (Pollaczek–Khinchine)", () => {
  // Transactions arrive as a Poisson stream at rate λ, lock the one row, hold it S
  // (independent of the load), and commit. FIFO waiters: M/G/1 with Wq = λE[S²]/(2(1−ρ)).
  const lambda = 0.7; // per ms
  for (const { name, draw, mean, second } of [
    { name: "constant S = 1 ms (M/D/1)", draw: () => 1, mean: 1, second: 1 },
    {
      name: "exponential S, mean 1 ms (M/M/1)",
      draw: (rng: RandomStream) => rng.exponential(1),
      mean: 1,
      second: 2,
    },
  ]) {
    it(`${name}: mean lock wait inside the 99 % CI, and the lock table's own sum agrees`, () => {
      const sim = new Simulation({ seed: 7 });
      const locks = new RowLocks(sim, { engine: "postgresql", lockTimeoutMs: 0 });
      const arrivals = sim.rng("test.arrivals");
      const hold = sim.rng("test.hold");
      const warmup = 5_000;
      const perBatch = 20_000;
      const total = warmup + BATCHES * perBatch;
      const waitSums = new Array<number>(BATCHES).fill(0);
      let measuredSum = 0;
      let issued = 0;
      const arrive = (): void => {
        const index = issued++;
        const requested = sim.now;
        const txn = locks.begin();
        if (index === warmup) locks.resetStats();
        locks.acquire(txn, 0, (error) => {
          if (error !== null) throw new Error(`lock wait ended in ${error}`);
          if (index >= warmup) {
            const batch = Math.floor((index - warmup) / perBatch);
            waitSums[batch] = (waitSums[batch] as number) + (sim.now - requested);
            measuredSum += sim.now - requested;
          }
          sim.schedule(draw(hold), () => locks.release(txn));
        });
        if (issued < total) sim.schedule(arrivals.exponential(1 / lambda), arrive);
      };
      arrive();
      sim.run();
      const theory = pkWaitMs(lambda, mean, second);
      const ci = confidenceInterval(
        waitSums.map((s) => s / perBatch),
        LEVEL,
      );
      expect(theory, formatInterval(ci, theory, LEVEL)).toBeGreaterThanOrEqual(ci.low);
      expect(theory, formatInterval(ci, theory, LEVEL)).toBeLessThanOrEqual(ci.high);
      // The histogram holds every wait that happened (immediate grants are not waits).
      expect(locks.waitMs.sum / measuredSum).toBeCloseTo(1, 6);
      expect(locks.hottest()[0]?.row).toBe(0);
    });
  }
});

function flusher(sim: Simulation, fsync: (rng: RandomStream) => number): WalFlusher {
  const disk = new DiskStation(sim, { name: "db", parallelism: 1, readMs: () => 0.1 });
  return new WalFlusher(sim, {
    name: "db",
    fsyncMs: fsync,
    disk: (ms, done) => disk.submit(ms, done),
    delay: { kind: "none" },
    activeTransactions: () => 0,
  });
}

describe("group commit", () => {
  // N committers, each committing again as soon as its commit returns: after the
  // first flush (which carries only the first), every flush carries all N, so
  // throughput = N / E[F] (renewal reward over back-to-back flushes).
  for (const { clients, fsync, label } of [
    { clients: 1, fsync: () => 2, label: "constant F" },
    { clients: 8, fsync: () => 2, label: "constant F" },
    { clients: 32, fsync: (rng: RandomStream) => rng.exponential(2), label: "exponential F" },
  ]) {
    it(`N = ${clients} closed-loop committers, ${label} = 2 ms: N/F commits per ms, N per flush`, () => {
      const sim = new Simulation({ seed: 3 });
      const wal = flusher(sim, fsync);
      const warmupMs = 100;
      const endMs = 40_100;
      let counted = 0;
      const committer = (): void =>
        wal.commit(() => {
          if (sim.now > warmupMs && sim.now <= endMs) counted++;
          committer();
        });
      for (let i = 0; i < clients; i++) committer();
      sim.run({ until: warmupMs });
      wal.resetStats();
      sim.run({ until: endMs });
      const perMs = counted / (endMs - warmupMs);
      // Constant F: exact up to the flush cut by the window's end (N commits in 40 s).
      // Exponential F: 20,000 flushes, relative SE of the flush count ≈ 1/√20,000 = 0.7 %.
      expect(Math.abs(perMs / (clients / 2) - 1)).toBeLessThan(0.025);
      expect(wal.commitsPerFlush.mean).toBeCloseTo(clients, 6);
    });
  }

  it("open arrivals at λ = 20/F: batches of about λF and a commit latency near 1.5F", () => {
    // The flusher never idles (P(no arrival during F) = e^(−λF) ≈ 2e−9), so flush k
    // carries the arrivals of flush k−1: Poisson(λF), mean λF. An arrival waits the
    // rest of the flush under way — uniform on [0, F] with constant F, mean F/2 —
    // then its own flush F: 1.5F.
    const sim = new Simulation({ seed: 5 });
    const fsyncMs = 1;
    const lambda = 20; // per ms
    const wal = flusher(sim, () => fsyncMs);
    const arrivals = sim.rng("test.arrivals");
    let latencySum = 0;
    let measured = 0;
    const warmupMs = 50;
    const arrive = (): void => {
      const start = sim.now;
      wal.commit(() => {
        if (start >= warmupMs) {
          latencySum += sim.now - start;
          measured++;
        }
      });
      if (sim.now < 10_000) sim.schedule(arrivals.exponential(1 / lambda), arrive);
    };
    arrive();
    sim.run({ until: warmupMs });
    wal.resetStats();
    sim.run();
    // 200,000 commits: the mean latency's SE is about 0.29F/√200,000 ≈ 0.07 % of F.
    expect(measured).toBeGreaterThan(190_000);
    expect(Math.abs(wal.commitsPerFlush.mean / (lambda * fsyncMs) - 1)).toBeLessThan(0.01);
    expect(Math.abs(latencySum / measured / (1.5 * fsyncMs) - 1)).toBeLessThan(0.01);
  });
});

describe("buffer pool: LRU hit ratio under Zipf = Che's approximation", () => {
  for (const { alpha, capacityPages } of [
    { alpha: 0.8, capacityPages: 1_000 },
    { alpha: 1.1, capacityPages: 200 },
  ]) {
    it(`Zipf α = ${alpha} over 10,000 pages, ${capacityPages} pages of shared_buffers: within 0.01 of Che`, () => {
      const pages = 10_000;
      const weights = Array.from({ length: pages }, (_, i) => 1 / (i + 1) ** alpha);
      const total = weights.reduce((s, w) => s + w, 0);
      const p = weights.map((w) => w / total);
      const cdf = new Float64Array(pages);
      let acc = 0;
      p.forEach((pi, i) => {
        acc += pi;
        cdf[i] = acc;
      });
      // One row per page and a tiny index: page i of the heap is key i.
      const pool = new BufferPool({
        size: { sharedBuffersMB: (capacityPages * 8192) / (1024 * 1024) },
        keyCount: pages,
        rowBytes: 8192,
        indexEntryBytes: 16,
      });
      expect(pool.capacityPages).toBe(capacityPages);
      const rng = new Simulation({ seed: 9 }).rng("test.zipf");
      const draw = (): number => {
        const u = rng.next();
        let lo = 0;
        let hi = pages - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if ((cdf[mid] as number) < u) lo = mid + 1;
          else hi = mid;
        }
        return lo;
      };
      for (let i = 0; i < 100_000; i++) pool.access(pool.heapPageOf(draw()));
      pool.resetStats();
      for (let i = 0; i < 400_000; i++) pool.access(pool.heapPageOf(draw()));
      // Sampling SE ≈ √(H(1−H)/400,000) < 0.001; Che's own error at C ≥ 100 is below
      // 0.005 (Fricker, Robert & Roberts 2012, §4).
      expect(Math.abs(pool.hitRatio - che(p, capacityPages))).toBeLessThan(0.01);
    });
  }
});
