// A first-come, first-served line of waiters, each with its own timeout: what
// a connection pool's clients, a pooler's cl_waiting and a proxy's queries
// waiting for a backend have in common. A waiter leaves the line exactly once:
// served (shift), timed out (the line's onTimeout runs), or withdrawn (cancel).
// Waiters that left early are skipped lazily, so every operation is O(1)
// amortised.
import { SimulationError } from "./errors.js";
import { Fifo } from "./fifo.js";
import type { EventHandle, Simulation } from "./simulation.js";

/**
 * A place in a {@link WaitLine}, for {@link WaitLine.cancel}.
 *
 * @remarks Since 0.2.0
 */
export interface WaitHandle {
  /** Brand: handles come only from `WaitLine.push`. */
  readonly __waitHandle: never;
}

/** One waiter: its item, its timer, and whether it is still in the line. */
class Waiter<T> {
  readonly item: T;
  timer: EventHandle | null = null;
  waiting = true;
  constructor(item: T) {
    this.item = item;
  }
}

/**
 * A FIFO line of waiters with a timeout each. `shift` serves the oldest one
 * still waiting; a waiter whose timeout passes first leaves the line and the
 * line's `onTimeout` runs with its item, once. Cancelled and served waiters'
 * timers are cancelled, so they never fire.
 *
 * @example
 * ```ts
 * const line = new WaitLine<string>(sim, (who) => console.log(who, "gave up"));
 * line.push("a", 100);
 * line.push("b", 5);
 * sim.run({ until: 10 });    // "b gave up" at 5 ms
 * line.shift();              // "a"
 * ```
 *
 * @remarks Since 0.2.0
 */
export class WaitLine<T> {
  private readonly sim: Simulation;
  private readonly onTimeout: (item: T) => void;
  private readonly line = new Fifo<Waiter<T>>();
  private live = 0;

  /**
   * @param sim - the simulation whose clock the timeouts follow
   * @param onTimeout - runs with a waiter's item when its timeout passes while it waits
   */
  constructor(sim: Simulation, onTimeout: (item: T) => void) {
    this.sim = sim;
    this.onTimeout = onTimeout;
  }

  /** Waiters still waiting. */
  get length(): number {
    return this.live;
  }

  /**
   * Adds `item` at the end of the line. It times out after `timeoutMs` (≥ 0;
   * `Infinity` = never) unless it is served or cancelled first.
   */
  push(item: T, timeoutMs: number): WaitHandle {
    const waiter = new Waiter(item);
    this.line.push(waiter);
    this.live++;
    if (timeoutMs !== Number.POSITIVE_INFINITY) {
      if (!(timeoutMs >= 0)) {
        throw new SimulationError(
          "NEGATIVE_DELAY",
          `Wait timeout ${timeoutMs} ms is not a number ≥ 0 (or Infinity for none)`,
        );
      }
      waiter.timer = this.sim.schedule(timeoutMs, () => this.expire(waiter));
    }
    return waiter as unknown as WaitHandle;
  }

  /** The item of the oldest waiter still waiting, or undefined when none is. */
  peek(): T | undefined {
    this.dropLeft();
    return this.line.peek()?.item;
  }

  /** Serves the oldest waiter still waiting: it leaves the line and its timer is cancelled. */
  shift(): T | undefined {
    for (;;) {
      const waiter = this.line.shift();
      if (waiter === undefined) return undefined;
      if (!waiter.waiting) continue;
      this.leave(waiter);
      return waiter.item;
    }
  }

  /**
   * Withdraws a waiter without serving it (its onTimeout never runs).
   *
   * @returns true if it was still waiting, false if it had already left the line
   */
  cancel(handle: WaitHandle): boolean {
    const waiter = handle as unknown as Waiter<T>;
    if (!waiter.waiting) return false;
    this.leave(waiter);
    this.dropLeft();
    return true;
  }

  private expire(waiter: Waiter<T>): void {
    waiter.timer = null;
    this.leave(waiter);
    this.dropLeft();
    this.onTimeout(waiter.item);
  }

  private leave(waiter: Waiter<T>): void {
    waiter.waiting = false;
    this.live--;
    if (waiter.timer !== null) {
      this.sim.cancel(waiter.timer);
      waiter.timer = null;
    }
  }

  /** Drops waiters that left from the front, so a line nobody serves stays small. */
  private dropLeft(): void {
    for (;;) {
      const first = this.line.peek();
      if (first === undefined || first.waiting) return;
      this.line.shift();
    }
  }
}
