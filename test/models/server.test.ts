// The database server alone, with constant work, against processor sharing worked
// out by hand: with N statements in service on c cores and no contention each
// advances at min(N, c)/N core-ms per ms, so k equal statements of work w started
// together all finish at w·max(1, k/c). With USL contention the total rate is
// Gunther's min(N, c)/(1 + σ(N−1) + κN(N−1)), whose peak sits at N* = √((1−σ)/κ).
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { DatabaseServer, Operation, type ServerConfig, Simulation } from "../../src/index.js";

function server(sim: Simulation, overrides: Partial<ServerConfig> = {}): DatabaseServer {
  return new DatabaseServer(sim, {
    name: "db",
    cores: 1,
    sigma: 0,
    kappa: 0,
    maxConnections: 100,
    memoryPerConnectionMB: 7.5,
    keyCount: 10,
    readWorkMs: () => 3,
    writeWorkMs: () => 4,
    connectWorkMs: () => 2,
    ...overrides,
  });
}

/** Starts each statement at its time, runs to the end, and returns finish times in start order. */
function finishTimes(
  overrides: Partial<ServerConfig>,
  statements: readonly { readonly at: number; readonly work: number }[],
): number[] {
  const sim = new Simulation({ seed: 1 });
  const db = server(sim, overrides);
  const finished = statements.map(() => Number.NaN);
  statements.forEach(({ at, work }, i) => {
    sim.at(at, () =>
      db.runWork(work, () => {
        finished[i] = sim.now;
      }),
    );
  });
  sim.run();
  return finished;
}

describe("processor sharing", () => {
  it("one statement of work w alone finishes at w", () => {
    expect(finishTimes({ cores: 1 }, [{ at: 0, work: 7 }])).toEqual([7]);
    expect(finishTimes({ cores: 4 }, [{ at: 2, work: 7 }])).toEqual([9]);
  });

  it("two statements started together on 1 core share it: each finishes at 2w", () => {
    const [a, b] = finishTimes({ cores: 1 }, [
      { at: 0, work: 5 },
      { at: 0, work: 5 },
    ]);
    expect(a).toBeCloseTo(10, 9);
    expect(b).toBeCloseTo(10, 9);
  });

  it("two statements started together on 2 cores run in parallel: each finishes at w", () => {
    const [a, b] = finishTimes({ cores: 2 }, [
      { at: 0, work: 5 },
      { at: 0, work: 5 },
    ]);
    expect(a).toBeCloseTo(5, 9);
    expect(b).toBeCloseTo(5, 9);
  });

  it("three statements on 2 cores each get 2/3 of a core: all finish at 1.5w", () => {
    const times = finishTimes({ cores: 2 }, [
      { at: 0, work: 6 },
      { at: 0, work: 6 },
      { at: 0, work: 6 },
    ]);
    for (const t of times) expect(t).toBeCloseTo(9, 9);
  });

  it("a later arrival slows the one in service: w = 10 at 0 and w = 10 at 5 on 1 core finish at 15 and 20", () => {
    // 0–5: A alone, 5 done. 5–15: both at half speed, A's last 5 done at 15, B has 5 done.
    // 15–20: B alone, its last 5.
    const [a, b] = finishTimes({ cores: 1 }, [
      { at: 0, work: 10 },
      { at: 5, work: 10 },
    ]);
    expect(a).toBeCloseTo(15, 9);
    expect(b).toBeCloseTo(20, 9);
  });

  it("unequal work: the short statement leaves first and the long one speeds up", () => {
    // 1 core, works 2 and 6 at 0: both at half speed until the short one has had 2 (t = 4);
    // the long one then has 4 left alone: t = 8 (= total work, as the core never idles).
    const [short, long] = finishTimes({ cores: 1 }, [
      { at: 0, work: 2 },
      { at: 0, work: 6 },
    ]);
    expect(short).toBeCloseTo(4, 9);
    expect(long).toBeCloseTo(8, 9);
  });

  it("USL contention slows both: 2 statements with σ, κ take w·(1 + σ + 2κ) on enough cores", () => {
    const sigma = 0.1;
    const kappa = 0.01;
    const times = finishTimes({ cores: 8, sigma, kappa }, [
      { at: 0, work: 10 },
      { at: 0, work: 10 },
    ]);
    for (const t of times) expect(t).toBeCloseTo(10 * (1 + sigma + 2 * kappa), 9);
  });

  test.prop(
    [
      fc.integer({ min: 1, max: 8 }),
      fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 12 }),
    ],
    { numRuns: 100 },
  )(
    "work is conserved: a busy single core finishes all work started at 0 at its sum; c cores never faster than max(w, Σw/c)",
    (cores, works) => {
      const times = finishTimes(
        { cores },
        works.map((work) => ({ at: 0, work })),
      );
      const total = works.reduce((a, b) => a + b, 0);
      const last = Math.max(...times);
      if (cores === 1) expect(last).toBeCloseTo(total, 6);
      expect(last).toBeGreaterThanOrEqual(Math.max(Math.max(...works), total / cores) - 1e-9);
      // Processor sharing finishes statements in order of their work.
      const order = works.map((w, i) => ({ w, t: times[i] as number })).sort((x, y) => x.w - y.w);
      for (let i = 1; i < order.length; i++) {
        expect((order[i] as { t: number }).t).toBeGreaterThanOrEqual(
          (order[i - 1] as { t: number }).t - 1e-9,
        );
      }
    },
  );

  it("counts completed statements and tracks the number in service", () => {
    const sim = new Simulation();
    const db = server(sim, { cores: 1 });
    db.runWork(4, () => {});
    db.runWork(4, () => {});
    expect(db.active).toBe(2);
    sim.run();
    expect(sim.now).toBeCloseTo(8, 9);
    expect(db.active).toBe(0);
    expect(db.statements).toBe(2);
    // Two in service for the whole 8 ms: mean concurrency 2, one core busy throughout.
    expect(db.inService.mean(sim.now)).toBeCloseTo(2, 9);
    expect(db.busyCores.mean(sim.now)).toBeCloseTo(1, 9);
  });

  it("execute draws read and write work from their distributions; connect from the connect one", () => {
    const sim = new Simulation();
    const db = server(sim, { cores: 4 });
    const done: Record<string, number> = {};
    const read = new Operation(0, 0, "read", 1, 1, 0);
    const write = new Operation(1, 0, "write", 2, 1, 0);
    db.connect((conn) => {
      done.connect = sim.now;
      if (conn === null) return;
    });
    db.execute({}, read, 0, () => {
      done.read = sim.now;
    });
    db.execute({}, write, 0, () => {
      done.write = sim.now;
    });
    sim.run();
    expect(done).toEqual({ read: 3, write: 4, connect: 2 });
    // The last statement fills in the outcome: the read saw version 0, the write made 1.
    expect([read.node, read.version, write.node, write.version, write.lsn]).toEqual([
      db.name,
      0,
      db.name,
      1,
      1,
    ]);
  });

  it("refuses a connection past maxConnections with too_many_clients", () => {
    const sim = new Simulation();
    const db = server(sim, { maxConnections: 1 });
    const results: (string | null)[] = [];
    db.connect((_c, e) => results.push(e));
    db.connect((_c, e) => results.push(e));
    sim.run();
    expect(results).toEqual(["too_many_clients", null]);
  });
});

describe("capacity", () => {
  const cases = [
    { cores: 8, sigma: 0, kappa: 0 },
    { cores: 8, sigma: 0.05, kappa: 0 },
    { cores: 64, sigma: 0.05, kappa: 0.001 },
    { cores: 2, sigma: 0.2, kappa: 0.01 },
  ];
  for (const { cores, sigma, kappa } of cases) {
    it(`cores ${cores}, σ ${sigma}, κ ${kappa}: capacity(n) = min(n, c)/(1 + σ(n−1) + κn(n−1))`, () => {
      const db = server(new Simulation(), { cores, sigma, kappa });
      expect(db.capacity(0)).toBe(0);
      for (let n = 1; n <= 200; n++) {
        const usl = Math.min(n, cores) / (1 + sigma * (n - 1) + kappa * n * (n - 1));
        expect(db.capacity(n)).toBeCloseTo(usl, 12);
      }
    });
  }

  it("without contention capacity rises to the core count and stays there", () => {
    const db = server(new Simulation(), { cores: 4 });
    expect([1, 2, 3, 4, 5, 100].map((n) => db.capacity(n))).toEqual([1, 2, 3, 4, 4, 4]);
  });

  it("with κ > 0 capacity peaks at N* = √((1−σ)/κ) and falls past it (the pool paradox)", () => {
    const sigma = 0.05;
    const kappa = 0.001;
    const db = server(new Simulation(), { cores: 256, sigma, kappa });
    const nStar = Math.sqrt((1 - sigma) / kappa); // 30.8
    let best = 1;
    for (let n = 2; n <= 200; n++) if (db.capacity(n) > db.capacity(best)) best = n;
    expect(Math.abs(best - nStar)).toBeLessThan(1);
    expect(db.capacity(100)).toBeLessThan(db.capacity(best) * 0.8);
  });

  it("the completion times follow capacity past the connection limit's rate table", () => {
    // 5 statements with maxConnections 2: N exceeds the precomputed table and must still use USL.
    const sigma = 0.1;
    const kappa = 0.02;
    const times = finishTimes({ cores: 8, sigma, kappa, maxConnections: 2 }, [
      ...Array.from({ length: 5 }, () => ({ at: 0, work: 10 })),
    ]);
    // Each of 5 runs at capacity(5)/5 = 1/(1 + 4σ + 20κ).
    for (const t of times) expect(t).toBeCloseTo(10 * (1 + 4 * sigma + 20 * kappa), 9);
  });
});

describe("connections", () => {
  it("openConnection succeeds up to maxConnections and refuses the next; closing frees a slot", () => {
    const sim = new Simulation();
    const db = server(sim, { maxConnections: 3 });
    expect([db.openConnection(), db.openConnection(), db.openConnection()]).toEqual([
      true,
      true,
      true,
    ]);
    expect(db.openConnection()).toBe(false);
    expect(db.openConnections).toBe(3);
    db.closeConnection();
    expect(db.openConnections).toBe(2);
    expect(db.openConnection()).toBe(true);
    expect(db.openConnection()).toBe(false);
    expect(db.connections.max).toBe(3);
  });

  it("maxConnections 1 allows exactly one", () => {
    const db = server(new Simulation(), { maxConnections: 1 });
    expect(db.openConnection()).toBe(true);
    expect(db.openConnection()).toBe(false);
  });
});

describe("data", () => {
  it("every key starts at version 0 and the LSN at 0", () => {
    const db = server(new Simulation(), { keyCount: 4 });
    expect([0, 1, 2, 3].map((k) => db.read(k))).toEqual([0, 0, 0, 0]);
    expect(db.lsn).toBe(0);
  });

  it("write() takes the next LSN and the key's next version; other keys are untouched", () => {
    const db = server(new Simulation(), { keyCount: 4 });
    expect(db.write(2)).toBe(1);
    expect(db.write(2)).toBe(2);
    expect(db.write(0)).toBe(1);
    expect(db.lsn).toBe(3);
    expect([0, 1, 2, 3].map((k) => db.read(k))).toEqual([1, 0, 2, 0]);
  });

  test.prop([fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 200 })])(
    "after any sequence of writes, lsn = writes and each version = that key's write count",
    (keys) => {
      const db = server(new Simulation(), { keyCount: 10 });
      for (const k of keys) db.write(k);
      expect(db.lsn).toBe(keys.length);
      for (let k = 0; k < 10; k++) expect(db.read(k)).toBe(keys.filter((x) => x === k).length);
    },
  );
});
