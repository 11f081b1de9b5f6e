// The catch-up of writes made during a resharding's copy. Semantics from the
// real tools: Vitess's VReplication copies each chunk of rows from a consistent
// snapshot and then streams the binlog events made after it to the target
// (vitess website, reference/vreplication/internal/life-of-a-stream.md, "Copy"
// and "Catchup"); SwitchTraffic "first stops writes on the source primary and
// waits for the replication to the target to catchup with the point where the
// writes were stopped" (reference/vreplication/movetables.md, `--timeout`).
// Citus's shard move does the same with logical replication: copy, enable the
// subscription, BlockWritesToShardList, then WaitForAllSubscriptionsToCatchUp
// (src/backend/distributed/replication/multi_logical_replication.c,
// CompleteNonBlockingShardTransfer). So the write pause of a cut-over is the
// time the target needs to apply the changes still pending when writes stop,
// plus the switch itself; and no acknowledged write is lost by the move.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/kernel/index.js";
import { Operation } from "../../src/models/operation.js";
import { Migration, type MigrationConfig } from "../../src/models/sharding/migration.js";
import { ShardMap } from "../../src/models/sharding/shard-map.js";

/** Each shard's primary as one first-come-first-served worker (so a busy target makes changes wait). */
function fifoShards(sim: Simulation, shards: number) {
  const freeAt = new Float64Array(shards);
  return (shard: number, ms: number, done: () => void): void => {
    const start = Math.max(sim.now, freeAt[shard] as number);
    freeAt[shard] = start + ms;
    sim.schedule(start + ms - sim.now, done);
  };
}

/** Keys [0, keys) on one shard, moving [split, keys) to a second one. */
function rangeSplit(keys: number, split: number) {
  const live = new ShardMap({ strategy: "range", boundaries: [] }, keys);
  live.grow(2);
  const target = new ShardMap({ strategy: "range", boundaries: [split] }, keys);
  return { live, target };
}

describe("a cut-over waits until the target has applied every change to its keys", () => {
  it("pause = the time to apply the changes pending when writes stop + cutover, exactly", () => {
    // Arrange: keys 500–999 move in one batch of 500 rows, 1 ms of copy work a row on the
    // source and on the target, so the target is busy copying from 0 to 500 ms (the pace
    // alone would take 100 ms). Three writes to moved keys, acknowledged 1 ms after they
    // are sent, at 101, 151 and 201 ms — after the copy's snapshot at 0 — each a change
    // costing 7 ms on the target, queued behind the copy's work.
    const sim = new Simulation({ seed: 1 });
    const { live, target } = rangeSplit(1_000, 500);
    const config: MigrationConfig = {
      rowsPerSec: 5_000,
      batchRows: 500,
      copyMs: 1,
      cutoverMs: 50,
      applyMs: 7,
      rowBytes: 100,
      work: fifoShards(sim, 2),
    };
    const migration = new Migration(sim, live, target, config);
    const write = (at: number, key: number): void => {
      sim.at(at, () => {
        const done = migration.sent(key, () => {});
        sim.schedule(1, () => done(new Operation(at, 0, "write", key, 1, at)));
      });
    };
    write(100, 500);
    write(150, 501);
    write(200, 999);
    write(250, 3); // a key that stays: no change for the target
    let resumedAt = Number.NaN;
    sim.at(510, () => {
      // A write during the pause is held until its key has switched.
      expect(migration.holds(600)).toBe(true);
      expect(migration.holds(3)).toBe(false);
      migration.hold(600, () => {
        resumedAt = sim.now;
      });
    });
    // Act
    migration.start();
    sim.run();
    // Assert: writes stop at 500 ms (the copy's work done), with 3 changes pending and
    // none applied: 3 × 7 ms to apply them, then the 50 ms cut-over.
    const f = migration.figures();
    expect(f.caughtUpChanges).toBe(3);
    expect(f.writePauseMaxMs).toBeCloseTo(3 * 7 + 50, 9);
    expect(f.finishedMs).toBeCloseTo(500 + 3 * 7 + 50, 9);
    expect(resumedAt).toBeCloseTo(571, 9);
    // The stream's lag when writes stopped: the oldest change, acknowledged at 101 ms.
    expect(f.catchUpLagMaxMs).toBeCloseTo(500 - 101, 9);
    expect(live.movedTo(target)).toBe(0);
  });

  it("waits for a write in flight when writes stop, then applies its change", () => {
    // The same move with light copy work: writes stop at 100 ms (the pace). A write sent at
    // 99 ms is acknowledged at 104 ms; its change takes 7 ms: the pause is 4 + 7 + 50 ms.
    const sim = new Simulation({ seed: 1 });
    const { live, target } = rangeSplit(1_000, 500);
    const migration = new Migration(sim, live, target, {
      rowsPerSec: 5_000,
      batchRows: 500,
      copyMs: 0,
      cutoverMs: 50,
      applyMs: 7,
      rowBytes: 100,
      work: fifoShards(sim, 2),
    });
    sim.at(99, () => {
      const done = migration.sent(700, () => {});
      sim.schedule(5, () => done(new Operation(1, 0, "write", 700, 1, 99)));
    });
    migration.start();
    sim.run();
    expect(migration.figures().writePauseMaxMs).toBeCloseTo(4 + 7 + 50, 9);
    expect(migration.figures().caughtUpChanges).toBe(1);
  });

  it("a write acknowledged before its batch's copy began is in the copy: no change", () => {
    // Two batches of 250 rows: the second's copy starts after the first's cut-over (≥ 100 ms).
    const sim = new Simulation({ seed: 1 });
    const { live, target } = rangeSplit(1_000, 500);
    const migration = new Migration(sim, live, target, {
      rowsPerSec: 5_000,
      batchRows: 250,
      copyMs: 0,
      cutoverMs: 10,
      applyMs: 1,
      rowBytes: 100,
      work: fifoShards(sim, 2),
    });
    sim.at(20, () => {
      const done = migration.sent(900, () => {});
      sim.schedule(1, () => done(new Operation(1, 0, "write", 900, 1, 20)));
    });
    migration.start();
    sim.run();
    expect(migration.figures().caughtUpChanges).toBe(0);
    expect(migration.figures().writePauseMaxMs).toBeCloseTo(10, 9);
  });
});

describe("no acknowledged write to a moved key is lost by the move (property)", () => {
  it("every write acknowledged on the old shard is in the copy or applied on the new one before the key switches", () => {
    fc.assert(
      fc.property(
        fc.record({
          batchRows: fc.integer({ min: 1, max: 80 }),
          rowsPerSec: fc.integer({ min: 1_000, max: 20_000 }),
          copyMs: fc.double({ min: 0, max: 0.5, noNaN: true }),
          applyMs: fc.double({ min: 0, max: 5, noNaN: true }),
          cutoverMs: fc.double({ min: 0, max: 20, noNaN: true }),
          switchAtEnd: fc.boolean(),
          writes: fc.array(
            fc.record({
              at: fc.double({ min: 0, max: 150, noNaN: true }),
              key: fc.integer({ min: 0, max: 199 }),
              ackMs: fc.double({ min: 0, max: 30, noNaN: true }),
              fails: fc.boolean(),
            }),
            { minLength: 100, maxLength: 300 },
          ),
        }),
        (p) => {
          const sim = new Simulation({ seed: 1 });
          // 1 → 2 shards: half the keys move (Lamping and Veach's jump hash).
          const live = new ShardMap({ strategy: "jump", shards: 1 }, 200);
          live.grow(2);
          const target = new ShardMap({ strategy: "jump", shards: 2 }, 200);
          const home = Array.from({ length: 200 }, (_, k) => live.shardOf(k));
          const copiedAt = new Map<number, number>();
          const switchedAt = new Map<number, number>();
          const applied = new Map<number, { ackedAt: number; at: number }[]>();
          const migration = new Migration(sim, live, target, {
            ...p,
            rowBytes: 1,
            work: fifoShards(sim, 2),
            trace: {
              copied: (key) => copiedAt.set(key, sim.now),
              switched: (key) => switchedAt.set(key, sim.now),
              applied: (key, ackedAt) => {
                const list = applied.get(key) ?? [];
                list.push({ ackedAt, at: sim.now });
                applied.set(key, list);
              },
            },
          });
          const acked: { key: number; shard: number; sentAt: number; ackedAt: number }[] = [];
          const send = (key: number, ackMs: number, fails: boolean): void => {
            if (migration.holds(key)) {
              migration.hold(key, () => send(key, ackMs, fails));
              return;
            }
            const shard = live.shardOf(key);
            const sentAt = sim.now;
            const done = migration.sent(key, (op) => {
              if (op.error === null) acked.push({ key, shard, sentAt, ackedAt: sim.now });
            });
            sim.schedule(ackMs, () => {
              const op = new Operation(1, 0, "write", key, 1, sentAt);
              if (fails) op.error = "timeout";
              done(op);
            });
          };
          for (const w of p.writes) sim.at(w.at, () => send(w.key, w.ackMs, w.fails));
          migration.start();
          sim.run();
          expect(live.movedTo(target)).toBe(0);
          for (const w of acked) {
            if (home[w.key] === target.shardOf(w.key)) continue;
            const switched = switchedAt.get(w.key) as number;
            if (w.shard === target.shardOf(w.key)) {
              expect(w.sentAt).toBeGreaterThanOrEqual(switched);
              continue;
            }
            // Sent to the old shard: acknowledged before the switch, and on the new shard by then.
            expect(w.ackedAt).toBeLessThanOrEqual(switched);
            const inCopy = w.ackedAt <= (copiedAt.get(w.key) as number);
            const change = (applied.get(w.key) ?? []).find((c) => c.ackedAt === w.ackedAt);
            expect(inCopy || (change !== undefined && change.at <= switched)).toBe(true);
          }
        },
      ),
      { numRuns: 30, seed: 1313 },
    );
  });
});
