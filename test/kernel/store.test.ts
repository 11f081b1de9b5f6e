// Store (docs/kernel.md): a FIFO store of items with a capacity; `put` waits for
// room, `get` waits for an item; both waiting lines are first come, first served.
import { describe, expect, it } from "vitest";
import { Simulation, type SimulationError, Store } from "../../src/kernel/index.js";

describe("Store", () => {
  it.each([0, -2, 2.5, Number.NaN])("rejects capacity %s", (capacity) => {
    const sim = new Simulation();

    let thrown: unknown;
    try {
      new Store(sim, { capacity });
    } catch (error) {
      thrown = error;
    }

    expect((thrown as SimulationError).code).toBe("BAD_CAPACITY");
  });

  it("is unbounded by default", () => {
    const sim = new Simulation();
    const store = new Store<number>(sim);

    const puts = Array.from({ length: 1000 }, (_, i) => store.put(i));
    sim.run();

    expect(store.capacity).toBe(Number.POSITIVE_INFINITY);
    expect(puts.every((p) => p.processed)).toBe(true);
    expect(store.size).toBe(1000);
  });

  it("hands out items oldest first", () => {
    const sim = new Simulation();
    const store = new Store<string>(sim);
    const got: string[] = [];
    for (const item of ["w1", "w2", "w3"]) store.put(item);

    sim.process(
      (function* () {
        for (let i = 0; i < 3; i++) got.push(yield* store.get());
      })(),
    );
    sim.run();

    expect(got).toEqual(["w1", "w2", "w3"]);
    expect(store.size).toBe(0);
  });

  it("makes a get wait until an item is put, and gives it that item", () => {
    const sim = new Simulation();
    const store = new Store<string>(sim);
    let got = "";
    let gotAt = Number.NaN;
    sim.process(
      (function* () {
        got = yield* store.get();
        gotAt = sim.now;
      })(),
    );

    sim.schedule(8, () => store.put("log record"));
    sim.run();

    expect(got).toBe("log record");
    expect(gotAt).toBe(8);
  });

  it("serves waiting gets first come, first served", () => {
    const sim = new Simulation();
    const store = new Store<number>(sim);
    const got: string[] = [];
    for (const name of ["a", "b", "c"]) {
      sim.process(
        (function* () {
          const item = yield* store.get();
          got.push(`${name}:${item}`);
        })(),
      );
    }
    sim.run();
    expect(store.getQueueLength).toBe(3);

    sim.schedule(1, () => {
      store.put(10);
      store.put(20);
      store.put(30);
    });
    sim.run();

    expect(got).toEqual(["a:10", "b:20", "c:30"]);
    expect(store.getQueueLength).toBe(0);
  });

  it("makes a put wait while the store is full, and admits waiting puts in order", () => {
    const sim = new Simulation();
    const store = new Store<string>(sim, { capacity: 2 });
    const admitted: string[] = [];
    for (const item of ["a", "b", "c", "d"]) {
      store.put(item).on(() => admitted.push(`${item}@${sim.now}`));
    }
    sim.run();
    expect(store.size).toBe(2);
    expect(store.putQueueLength).toBe(2);

    const taken: string[] = [];
    sim.schedule(5, () => store.get().on((e) => taken.push(e.value)));
    sim.schedule(9, () => store.get().on((e) => taken.push(e.value)));
    sim.run();

    expect(admitted).toEqual(["a@0", "b@0", "c@5", "d@9"]);
    expect(taken).toEqual(["a", "b"]);
    expect(store.size).toBe(2);
    expect(store.putQueueLength).toBe(0);
  });

  it("passes an item straight from a waiting put to a get on a full store", () => {
    const sim = new Simulation();
    const store = new Store<number>(sim, { capacity: 1 });
    store.put(1);
    const blocked = store.put(2);
    sim.run();
    expect(blocked.processed).toBe(false);

    const got = store.get();
    sim.run();

    expect(got.value).toBe(1);
    expect(blocked.processed).toBe(true);
    expect(store.size).toBe(1);
  });
});
