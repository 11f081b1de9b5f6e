// A projection applies the log as a replica does: whatever its appliers, batches
// and apply times, what it shows is a prefix of the log in LSN order — every
// key at the version the log's prefix up to its applied LSN gave it — and it
// never shows a version the command side has not committed.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/kernel/index.js";
import { Projection } from "../../src/models/cqrs/projection.js";
import { KeyVersions } from "../../src/models/server/key-versions.js";

const KEYS = 8;

/** One commit: when (ms after the previous) and the distinct rows it writes. */
const commitArb = fc.record({
  gapMs: fc.double({ min: 0, max: 3, noNaN: true }),
  rows: fc.uniqueArray(fc.integer({ min: 0, max: KEYS - 1 }), { minLength: 1, maxLength: 3 }),
});

describe("a projection", () => {
  it("shows a prefix of the log in LSN order, whatever its appliers, batches and apply times", () => {
    fc.assert(
      fc.property(
        fc.array(commitArb, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.double({ min: 0.1, max: 4, noNaN: true }), { minLength: 1, maxLength: 20 }),
        (commits, threads, batch, applyTimes) => {
          const sim = new Simulation({ seed: 1 });
          let draw = 0;
          const projection = new Projection(
            sim,
            {
              name: "p",
              applyMs: () => applyTimes[draw++ % applyTimes.length] as number,
              threads,
              batch,
            },
            new KeyVersions(KEYS, null),
          );
          // The log as the command side commits it: per LSN, each row's new version.
          const committed = new Array<number>(KEYS).fill(0);
          const log: { keys: number[]; versions: number[] }[] = [];
          let at = 0;
          commits.forEach((c, i) => {
            at += c.gapMs;
            const lsn = i + 1;
            const versions = c.rows.map((k) => {
              committed[k] = (committed[k] as number) + 1;
              return committed[k] as number;
            });
            log.push({ keys: c.rows, versions });
            sim.at(at, () =>
              projection.commit(lsn, c.rows[0] as number, versions[0] as number, {
                keys: c.rows,
                versions,
              }),
            );
          });
          let lastApplied = 0;
          const check = (): void => {
            const applied = projection.appliedLsn;
            expect(applied).toBeGreaterThanOrEqual(lastApplied);
            lastApplied = applied;
            const expected = new Array<number>(KEYS).fill(0);
            for (const entry of log.slice(0, applied))
              entry.keys.forEach((k, j) => {
                expected[k] = entry.versions[j] as number;
              });
            for (let k = 0; k < KEYS; k++) expect(projection.read(k).version).toBe(expected[k]);
          };
          for (let t = 0.5; t < at + 400; t += 2.3) sim.at(t, check);
          sim.run();
          expect(projection.appliedLsn).toBe(commits.length);
          expect(projection.backlog).toBe(0);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("a projection's replays", () => {
  it("hold the live consumer until the last overlapping one ends", () => {
    const sim = new Simulation({ seed: 1 });
    const projection = new Projection(
      sim,
      { name: "p", applyMs: () => 1, threads: 1, batch: 1 },
      new KeyVersions(4, null),
    );
    // Replay A runs 0.5 → 10.5 ms, B 5 → 21 ms; the commits at 1 and 6 ms wait for B.
    sim.at(0.5, () =>
      projection.replay(
        0,
        (done) => sim.schedule(10, done),
        () => {},
      ),
    );
    sim.at(5, () =>
      projection.replay(
        0,
        (done) => sim.schedule(16, done),
        () => {},
      ),
    );
    sim.at(1, () => projection.commit(1, 0, 1, null));
    sim.at(6, () => projection.commit(2, 1, 1, null));
    const seen: number[] = [];
    for (const t of [11, 21.5, 22.5, 23.5]) sim.at(t, () => seen.push(projection.appliedLsn));
    sim.run();
    // After B: LSN 1 applied at 22 ms, LSN 2 at 23 ms.
    expect(seen).toEqual([0, 0, 1, 2]);
  });
});

describe("a projection's lag figures", () => {
  it("integrate the lag exactly: the oldest unapplied event's age, rising with slope 1", () => {
    // Commits at 1 and 2 ms, 5 ms an apply, one applier: the first is behind from
    // 1 to 6 ms (lag t − 1, area 12.5), the second from 6 to 11 ms (lag t − 2, area
    // (9² − 4²)/2 = 32.5); over [0, 11] the mean is 45/11, the max 9 (just before
    // the second apply), the backlog's area 1 + 2·4 + 1·5 = 14.
    const sim = new Simulation({ seed: 1 });
    const projection = new Projection(
      sim,
      { name: "p", applyMs: () => 5, threads: 1, batch: 1 },
      new KeyVersions(4, null),
    );
    sim.at(1, () => projection.commit(1, 0, 1, null));
    sim.at(2, () => projection.commit(2, 1, 1, null));
    sim.run();
    const f = projection.figures(11);
    expect(sim.now).toBe(11);
    expect(f.lagMs.mean).toBeCloseTo(45 / 11, 12);
    expect(f.lagMs.max).toBe(9);
    expect(f.backlogEvents.mean).toBeCloseTo(14 / 11, 12);
    expect(f.backlogEvents.max).toBe(2);
  });
});
