// A store of items with a capacity, after SimPy's resources/store.py: `put`
// succeeds when there is room, `get` succeeds with the oldest item when there is
// one. Both waiting lines are FIFO. Replica logs and message queues build on it.
import { SimulationError } from "./errors.js";
import { SimEvent } from "./events.js";
import { Fifo } from "./fifo.js";
import type { Simulation } from "./simulation.js";

/**
 * Options for a {@link Store}.
 *
 * @remarks Since 0.1.0
 */
export interface StoreOptions {
  /** How many items it holds at most: a positive integer or Infinity (the default). */
  capacity?: number;
}

/**
 * A FIFO store of items: producers `put`, consumers `get`; each is an event.
 *
 * @remarks Since 0.1.0
 */
export class Store<T> {
  /** The simulation it lives in. */
  readonly sim: Simulation;
  /** How many items it holds at most. */
  readonly capacity: number;
  private readonly items = new Fifo<T>();
  private readonly putters = new Fifo<{ event: SimEvent<undefined>; item: T }>();
  private readonly getters = new Fifo<SimEvent<T>>();

  /** @param sim - the simulation; @param options - capacity */
  constructor(sim: Simulation, options: StoreOptions = {}) {
    const capacity = options.capacity ?? Number.POSITIVE_INFINITY;
    if (!(capacity === Number.POSITIVE_INFINITY || (Number.isInteger(capacity) && capacity >= 1))) {
      throw new SimulationError(
        "BAD_CAPACITY",
        `Store capacity ${capacity} is not a positive integer or Infinity`,
      );
    }
    this.sim = sim;
    this.capacity = capacity;
  }

  /** Items held now. */
  get size(): number {
    return this.items.length;
  }

  /** Puts waiting for room. */
  get putQueueLength(): number {
    return this.putters.length;
  }

  /** Gets waiting for an item. */
  get getQueueLength(): number {
    return this.getters.length;
  }

  /** Adds an item; the event succeeds once the item is in the store. */
  put(item: T): SimEvent<undefined> {
    const event = new SimEvent<undefined>(this.sim);
    this.putters.push({ event, item });
    this.settle();
    return event;
  }

  /** Takes the oldest item; the event succeeds with it once there is one. */
  get(): SimEvent<T> {
    const event = new SimEvent<T>(this.sim);
    this.getters.push(event);
    this.settle();
    return event;
  }

  private settle(): void {
    for (;;) {
      let moved = false;
      while (this.putters.length > 0 && this.items.length < this.capacity) {
        const p = this.putters.shift() as { event: SimEvent<undefined>; item: T };
        this.items.push(p.item);
        p.event.succeed(undefined);
        moved = true;
      }
      while (this.getters.length > 0 && this.items.length > 0) {
        (this.getters.shift() as SimEvent<T>).succeed(this.items.shift() as T);
        moved = true;
      }
      if (!moved) return;
    }
  }
}
