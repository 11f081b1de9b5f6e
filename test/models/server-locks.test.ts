// Row locks as specified by PostgreSQL and InnoDB:
// - waiters are served first come, first served per row; a lock is held until the
//   transaction ends;
// - `lock_timeout` (PostgreSQL docs, runtime-config-client: "0 disables") and
//   `innodb_lock_wait_timeout` end a wait with an error;
// - PostgreSQL runs the deadlock check once a waiter has waited `deadlock_timeout`
//   (proc.c CheckDeadLock) and aborts that waiter (deadlock.c DeadLockCheck);
// - InnoDB checks at once and rolls back the lightest transaction of the cycle, ties
//   to the one that closed it (lock0wait.cc lock_wait_choose_victim, trx_weight_ge).
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/kernel/index.js";
import { HotRows } from "../../src/models/server/hot-rows.js";
import {
  type LockErrorKind,
  type LockTransaction,
  type RowLockConfig,
  RowLocks,
} from "../../src/models/server/locks.js";

function setup(config: RowLockConfig = { engine: "postgresql", lockTimeoutMs: 0 }) {
  const sim = new Simulation({ seed: 1 });
  const locks = new RowLocks(sim, config);
  const log: string[] = [];
  // As a client does: an error rolls the transaction back.
  const lock = (txn: LockTransaction, name: string, row: number) =>
    locks.acquire(txn, row, (error: LockErrorKind | null) => {
      log.push(`${sim.now} ${name} ${row} ${error ?? "granted"}`);
      if (error !== null) locks.release(txn);
    });
  return { sim, locks, log, lock };
}

const INNODB: RowLockConfig = { engine: "innodb", innodbLockWaitTimeoutMs: 50_000 };

describe("row locks: FIFO waiters, held until the transaction ends", () => {
  it("grants a free row at once, queues the others in arrival order, hands over on release", () => {
    const { sim, locks, log, lock } = setup();
    const [a, b, c] = [locks.begin(), locks.begin(), locks.begin()];
    lock(a, "a", 7);
    sim.at(1, () => lock(b, "b", 7));
    sim.at(2, () => lock(c, "c", 7));
    sim.at(5, () => locks.release(a));
    sim.at(9, () => locks.release(b));
    sim.run();
    expect(log).toEqual(["0 a 7 granted", "5 b 7 granted", "9 c 7 granted"]);
    expect(locks.waitMs.count).toBe(2);
    expect(locks.waitMs.mean).toBe((4 + 7) / 2);
  });

  it("a transaction re-locking a row it holds does not wait", () => {
    const { sim, locks, log, lock } = setup();
    const a = locks.begin();
    lock(a, "a", 1);
    lock(a, "a", 1);
    sim.run();
    expect(log).toEqual(["0 a 1 granted", "0 a 1 granted"]);
    expect(a.held).toEqual([1]);
  });

  it("innodb_lock_wait_timeout ends the wait with lock_timeout too", () => {
    const { sim, locks, log, lock } = setup({ engine: "innodb", innodbLockWaitTimeoutMs: 50 });
    const [a, b] = [locks.begin(), locks.begin()];
    lock(a, "a", 3);
    sim.at(10, () => lock(b, "b", 3));
    sim.run();
    expect(log).toEqual(["0 a 3 granted", "60 b 3 lock_timeout"]);
  });

  it("lock_timeout ends the wait with lock_timeout and leaves the queue behind it intact", () => {
    const { sim, locks, log, lock } = setup({ engine: "postgresql", lockTimeoutMs: 50 });
    const [a, b, c] = [locks.begin(), locks.begin(), locks.begin()];
    lock(a, "a", 3);
    sim.at(10, () => lock(b, "b", 3));
    sim.at(40, () => lock(c, "c", 3));
    sim.at(70, () => locks.release(a));
    sim.run();
    expect(log).toEqual(["0 a 3 granted", "60 b 3 lock_timeout", "70 c 3 granted"]);
    expect(locks.timeouts).toBe(1);
  });

  it("lock_timeout 0 waits for ever, as in PostgreSQL", () => {
    const { sim, locks, log, lock } = setup({ engine: "postgresql", lockTimeoutMs: 0 });
    const [a, b] = [locks.begin(), locks.begin()];
    lock(a, "a", 3);
    lock(b, "b", 3);
    sim.at(1e7, () => locks.release(a));
    sim.run();
    expect(log).toEqual(["0 a 3 granted", "10000000 b 3 granted"]);
  });

  it("rejects a deadlock_timeout below 1 ms and a negative lock_timeout, naming the value", () => {
    const sim = new Simulation();
    expect(
      () => new RowLocks(sim, { engine: "postgresql", lockTimeoutMs: 0, deadlockTimeoutMs: 0.5 }),
    ).toThrow(/deadlockTimeoutMs 0.5/);
    expect(() => new RowLocks(sim, { engine: "postgresql", lockTimeoutMs: -1 })).toThrow(
      /lockTimeoutMs -1/,
    );
    expect(() => new RowLocks(sim, { engine: "innodb", innodbLockWaitTimeoutMs: 0 })).toThrow(
      /innodbLockWaitTimeoutMs 0/,
    );
  });
});

describe("deadlocks: two transactions locking two rows in opposite orders", () => {
  it("PostgreSQL: found after deadlock_timeout by the waiter whose timer fires first, which is aborted", () => {
    const { sim, locks, log, lock } = setup({
      engine: "postgresql",
      lockTimeoutMs: 0,
      deadlockTimeoutMs: 1000,
    });
    const [t1, t2] = [locks.begin(), locks.begin()];
    lock(t1, "t1", 1);
    lock(t2, "t2", 2);
    // t1 waits from 10, so its check runs at 1010; the victim rolls back, freeing row 1.
    sim.at(10, () =>
      locks.acquire(t1, 2, (error) => {
        log.push(`${sim.now} t1 2 ${error ?? "granted"}`);
        if (error !== null) locks.release(t1);
      }),
    );
    sim.at(20, () => lock(t2, "t2", 1)); // closes the cycle; its check would run at 1020
    sim.run();
    expect(log).toEqual([
      "0 t1 1 granted",
      "0 t2 2 granted",
      "1010 t1 2 deadlock",
      "1010 t2 1 granted",
    ]);
    expect(locks.deadlocks).toBe(1);
  });

  it("PostgreSQL: a wait that is not part of a cycle survives its deadlock check", () => {
    const { sim, locks, log, lock } = setup({
      engine: "postgresql",
      lockTimeoutMs: 0,
      deadlockTimeoutMs: 100,
    });
    const [a, b] = [locks.begin(), locks.begin()];
    lock(a, "a", 1);
    lock(b, "b", 1);
    sim.at(500, () => locks.release(a));
    sim.run();
    expect(log).toEqual(["0 a 1 granted", "500 b 1 granted"]);
    expect(locks.deadlocks).toBe(0);
  });

  it("InnoDB: found at once; with equal weights the transaction that closed the cycle is the victim", () => {
    const { sim, locks, log, lock } = setup(INNODB);
    const [t1, t2] = [locks.begin(), locks.begin()];
    lock(t1, "t1", 1);
    lock(t2, "t2", 2);
    sim.at(10, () => lock(t1, "t1", 2));
    sim.at(20, () => lock(t2, "t2", 1));
    sim.run();
    expect(log).toEqual([
      "0 t1 1 granted",
      "0 t2 2 granted",
      "20 t2 1 deadlock",
      "20 t1 2 granted",
    ]);
    expect(locks.deadlocks).toBe(1);
  });

  it("InnoDB: the lighter transaction (fewer locks) is the victim even if it did not close the cycle", () => {
    const { sim, locks, log, lock } = setup(INNODB);
    const [light, heavy] = [locks.begin(), locks.begin()];
    lock(light, "light", 1);
    lock(heavy, "heavy", 2);
    lock(heavy, "heavy", 3);
    lock(heavy, "heavy", 4);
    sim.at(10, () => lock(light, "light", 2));
    sim.at(20, () => lock(heavy, "heavy", 1));
    sim.run();
    // The victim rolls back; then the heavy one gets row 1.
    expect(log.slice(-2)).toEqual(["20 light 2 deadlock", "20 heavy 1 granted"]);
  });

  it("counts lock waits per row: the hottest row comes first", () => {
    const { sim, locks, lock } = setup();
    const holders = [locks.begin(), locks.begin()];
    lock(holders[0] as LockTransaction, "h", 5);
    lock(holders[1] as LockTransaction, "h", 6);
    for (let i = 0; i < 3; i++) lock(locks.begin(), "w", 5);
    lock(locks.begin(), "w", 6);
    sim.run();
    expect(locks.hottest().map((h) => [h.row, h.count])).toEqual([
      [5, 3],
      [6, 1],
    ]);
  });
});

describe("hot rows: Space-Saving (Metwally et al., ICDT 2005)", () => {
  test.prop([
    fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 400 }),
    fc.integer({ min: 1, max: 8 }),
  ])(
    "every row seen more than n/k times is kept, and each count overestimates by at most its error",
    (stream, k) => {
      const hot = new HotRows(k);
      const truth = new Map<number, number>();
      for (const row of stream) {
        hot.add(row);
        truth.set(row, (truth.get(row) ?? 0) + 1);
      }
      const kept = new Map(hot.top().map((h) => [h.row, h]));
      for (const [row, count] of truth) {
        if (count > stream.length / k) expect(kept.has(row)).toBe(true);
      }
      for (const h of kept.values()) {
        const real = truth.get(h.row) ?? 0;
        expect(h.count).toBeGreaterThanOrEqual(real);
        expect(h.count - h.error).toBeLessThanOrEqual(real);
      }
      expect(kept.size).toBeLessThanOrEqual(k);
    },
  );
});

describe("row locks: liveness (property)", () => {
  const transactions = fc.array(
    fc.record({
      start: fc.integer({ min: 0, max: 20 }),
      rows: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 }),
      holdMs: fc.integer({ min: 1, max: 5 }),
    }),
    { minLength: 1, maxLength: 12 },
  );
  test.prop([transactions, fc.constantFrom("postgresql", "innodb")])(
    "transactions locking rows in any order all end — committed or rolled back — and leave no lock behind",
    (specs, engine) => {
      const sim = new Simulation({ seed: 1 });
      const config: RowLockConfig =
        engine === "postgresql"
          ? { engine, lockTimeoutMs: 0, deadlockTimeoutMs: 10 }
          : { engine, innodbLockWaitTimeoutMs: 1e9 };
      const locks = new RowLocks(sim, config);
      let ended = 0;
      for (const spec of specs) {
        sim.at(spec.start, () => {
          const txn = locks.begin();
          const step = (i: number): void => {
            if (i === spec.rows.length) {
              locks.release(txn);
              ended++;
              return;
            }
            locks.acquire(txn, spec.rows[i] as number, (error) => {
              if (error !== null) {
                locks.release(txn);
                ended++;
                return;
              }
              sim.schedule(spec.holdMs, () => step(i + 1));
            });
          };
          step(0);
        });
      }
      sim.run({ until: 1e6 });
      expect(ended).toBe(specs.length);
      expect(locks.activeTransactions).toBe(0);
      expect(sim.pending).toBe(0);
    },
  );
});
