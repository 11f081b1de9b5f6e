// A volume's provisioned IOPS as a rate cap on the disk station. Amazon EBS User
// Guide ("Amazon EBS volume types"; "I/O characteristics and monitoring"): a gp3,
// io1 or io2 volume delivers its provisioned IOPS — reads and writes alike — and a
// workload asking for more sees the queue and the latency grow, not more
// operations. So the disk's throughput is min(parallelism / E[service], iops):
// - 32 closed-loop readers on 64 slots of 0.1 ms could do 320,000 reads/s; with
//   iops 3,000 they do 3,000 (the token bucket of depth one lets one start per
//   1/3,000 s, so over T seconds T × 3,000 starts, give or take one);
// - one slot of 1 ms is the tighter ceiling (1,000/s) under iops 3,000;
// - under the cap an open stream below it waits only for its token.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/index.js";
import { Simulation } from "../../src/kernel/index.js";
import { DiskStation } from "../../src/models/server/disk.js";

/** Completions per second of `readers` closed-loop readers over `seconds`. */
function closedLoopRate(disk: DiskStation, sim: Simulation, readers: number, seconds: number) {
  const endMs = seconds * 1000;
  const loop = (): void => {
    if (sim.now < endMs) disk.read(loop);
  };
  for (let i = 0; i < readers; i++) loop();
  sim.run({ until: endMs });
  return disk.completed / seconds;
}

describe("disk station: provisioned IOPS cap", () => {
  it("32 readers that could do 320,000 reads/s on 64 slots do the volume's 3,000", () => {
    const sim = new Simulation({ seed: 1 });
    const disk = new DiskStation(sim, {
      name: "d",
      parallelism: 64,
      readMs: (rng) => rng.exponential(0.1),
      iops: 3000,
    });
    const rate = closedLoopRate(disk, sim, 32, 10);
    // T × iops starts at most, and none lost but the ones still in service at the end.
    expect(rate).toBeLessThanOrEqual(3000 + 0.1);
    expect(rate).toBeGreaterThanOrEqual(3000 - 32 / 10);
  });

  it("when the slots are the tighter ceiling they rule: 1 slot of 1 ms gives 1,000/s", () => {
    const sim = new Simulation({ seed: 1 });
    const disk = new DiskStation(sim, { name: "d", parallelism: 1, readMs: () => 1, iops: 3000 });
    expect(closedLoopRate(disk, sim, 8, 5)).toBeCloseTo(1000, 0);
  });

  it("requests submitted together start 1/iops apart and wait (k − 1)/iops each", () => {
    const sim = new Simulation();
    const disk = new DiskStation(sim, {
      name: "d",
      parallelism: 16,
      readMs: () => 0.1,
      iops: 1000,
    });
    const finished: number[] = [];
    for (let i = 0; i < 4; i++) disk.read(() => finished.push(sim.now));
    sim.run();
    expect(finished.map((t) => Number(t.toFixed(9)))).toEqual([0.1, 1.1, 2.1, 3.1]);
    expect(disk.queueWaitMs.sum).toBeCloseTo(0 + 1 + 2 + 3, 9);
  });

  it("never starts more than iops × t + 1 requests in any prefix of time (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 20_000 }),
        fc.integer({ min: 1, max: 32 }),
        fc.array(fc.double({ min: 0, max: 50, noNaN: true }), { minLength: 1, maxLength: 200 }),
        (iops, parallelism, arrivals) => {
          const sim = new Simulation();
          const disk = new DiskStation(sim, { name: "d", parallelism, readMs: () => 0.05, iops });
          const starts: number[] = [];
          for (const t of arrivals) {
            sim.at(t, () => disk.submit(0.05, () => starts.push(sim.now - 0.05)));
          }
          sim.run();
          expect(starts.length).toBe(arrivals.length);
          starts.sort((a, b) => a - b);
          const gap = 1000 / iops;
          for (let i = 1; i < starts.length; i++) {
            expect((starts[i] as number) - (starts[i - 1] as number)).toBeGreaterThanOrEqual(
              gap - 1e-9,
            );
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it("an iops that is not a positive finite number is an error naming it", () => {
    expect(
      () =>
        new DiskStation(new Simulation(), { name: "d", parallelism: 1, readMs: () => 1, iops: 0 }),
    ).toThrow(/disk d: iops 0 is not a positive finite number/);
  });
});

describe("a size preset's disk IOPS caps the node's disk", () => {
  it("db.r6g.large (gp3, 3,000 IOPS) with a 1 MB pool over a million rows serves 3,000 disk requests per second", () => {
    // 8,000 uniform reads/s each missing both pages nearly always ask 16,000
    // reads/s of a disk whose 16 slots of 0.1 ms could do 160,000: only the
    // volume's 3,000 IOPS (the RDS preset's gp3 baseline) holds it back.
    const report = runScenario({
      seed: 1,
      duration: 2000,
      warmup: 500,
      workload: {
        rate: 8000,
        readRatio: 1,
        keys: { count: 1_000_000, popularity: { kind: "uniform" } },
      },
      database: { size: "db.r6g.large", sharedBuffersMB: 1, maxConnections: 1000 },
      client: { poolSize: 200 },
    });
    const disk = report.nodes[0]?.server?.disk;
    if (disk === undefined) throw new Error("no disk figures");
    // A token every 1/3,000 s: 2 s × 3,000 = 6,000 starts, minus at most the
    // 16 still in service when the window closes.
    expect(disk.requests).toBeGreaterThanOrEqual(6000 - 16);
    expect(disk.requests).toBeLessThanOrEqual(6000 + 1);
  });
});

describe("disk utilisation under the IOPS cap", () => {
  it("a volume starting requests at its IOPS limit is 100 % busy though few slots are", () => {
    const sim = new Simulation({ seed: 2 });
    const disk = new DiskStation(sim, {
      name: "d",
      parallelism: 64,
      readMs: () => 0.1,
      iops: 1000,
    });
    // 8 closed-loop readers: the cap (a start per ms) is the bottleneck; each read
    // holds a slot 0.1 ms of every 1 ms, so 0.1/64 of the slots are busy.
    const loop = (): void => {
      if (sim.now < 1000) disk.read(loop);
    };
    for (let i = 0; i < 8; i++) loop();
    sim.run({ until: 1000 });
    expect(disk.busy.mean(1000) / 64).toBeLessThan(0.01);
    expect(disk.utilization(1000)).toBeCloseTo(1, 2);
  });

  it("without a cap it is the share of busy slots", () => {
    const sim = new Simulation();
    const disk = new DiskStation(sim, { name: "d", parallelism: 2, readMs: () => 10 });
    disk.read(() => {});
    sim.run({ until: 20 });
    // One slot of two busy for 10 ms of 20.
    expect(disk.utilization(20)).toBeCloseTo(0.25, 9);
  });
});
