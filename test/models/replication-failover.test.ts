// The replication log across a failover, on stub nodes with constant times so
// every position can be computed by hand: the promoted replica's commits become
// the log (a new timeline from its position), the other replica streams from it,
// and the old primary, added back, has its lost branch undone before it streams.
import { describe, expect, it } from "vitest";
import { Replication, type RowWrites, Simulation } from "../../src/index.js";

type Hook = (
  lsn: number,
  key: number,
  version: number,
  ack: () => void,
  rows: RowWrites | null,
) => void;

/** A node stub keeping each key's [version, lsn]; work takes its time, FIFO. */
function stubNode(sim: Simulation, name: string) {
  const rows = new Map<number, readonly [number, number]>();
  return {
    name,
    rows,
    runWork(work: number, done: () => void) {
      sim.schedule(work, done);
    },
    applyReplicated(key: number, version: number, lsn: number) {
      rows.set(key, [version, lsn]);
    },
    versionOf(key: number): readonly [number, number] {
      return rows.get(key) ?? [0, 0];
    },
    hook: null as Hook | null,
    onCommit(hook: Hook) {
      this.hook = hook;
    },
  };
}

const link = (roundTripMs: number) => ({
  roundTripMs: () => roundTripMs,
  flushMs: () => 0,
  applyMs: () => 0.1,
  applyWorkers: 1,
  outages: [],
});

describe("Replication across a failover", () => {
  it("re-points the other replica at the promoted one and undoes the old primary's lost branch", () => {
    // Arrange: replica a 2 ms away, b 20 ms away. The primary commits key k at
    // LSN k for k = 1…5 at t = 0, 1, …, 4 ms and crashes at 4.5 ms: a has
    // received LSN 1…4 (each arrives 1 ms after its commit), b none (10 ms).
    const sim = new Simulation();
    const [a, b, old] = [stubNode(sim, "a"), stubNode(sim, "b"), stubNode(sim, "old")];
    const rep = new Replication(
      sim,
      { mode: { kind: "async" }, bytesPerWrite: 10, replicas: [link(2), link(20)] },
      [a, b],
    );
    for (let k = 1; k <= 5; k++) {
      sim.at(k - 1, () => {
        old.applyReplicated(k, 1, k); // the old primary's own row
        rep.commit(k, k, 1, () => {});
      });
    }
    let forkLsn = -1;
    sim.at(4.5, () => rep.primaryCrashed());
    sim.at(10, () => rep.promote(0, (lsn) => (forkLsn = lsn)));
    // Act: the new primary writes key 4 (version 2, LSN 5 on the new timeline) at 20 ms;
    // the old primary comes back at 30 ms and rejoins at once.
    sim.at(20, () => {
      a.applyReplicated(4, 2, 5);
      a.hook?.(5, 4, 2, () => {}, null);
    });
    let caughtUp = -1;
    sim.at(30, () => {
      const i = rep.addOldPrimary(old, 0);
      rep.rejoin(i, () => (caughtUp = sim.now));
    });
    sim.run();
    // Assert: forked at 4; b received 1…4 from the new primary, then its LSN 5.
    expect(forkLsn).toBe(4);
    expect([...b.rows.entries()].sort()).toEqual([
      [1, [1, 1]],
      [2, [1, 2]],
      [3, [1, 3]],
      [4, [2, 5]],
    ]);
    expect(rep.appliedLsn(1)).toBe(5);
    // The old primary's key 5 (lost, never rewritten) is back to the fork's
    // version (none: 0); key 4 is the new timeline's write.
    expect(old.rows.get(5)).toEqual([0, 0]);
    expect(old.rows.get(4)).toEqual([2, 5]);
    // It caught up one one-way trip (1 ms) and an apply (0.1 ms) after rejoining.
    expect(caughtUp).toBeCloseTo(31.1, 9);
    // Compaction follows the new primary's head and the replicas that serve.
    expect(rep.oldestLsnInUse()).toBe(5);
    expect(rep.takeForks()).toEqual([4]);
    expect(rep.takeForks()).toEqual([]);
  });
});
