// Request coalescing (single flight): concurrent misses on one key share one
// load; the first miss loads and the others wait for its result. It cures a
// stampede — the λ·L loads a hot key read at rate λ suffers when it expires and
// a load takes L — down to one load per expiry.

/**
 * The loads in flight per key and who waits for each.
 *
 * @remarks Since 0.2.0
 */
export class Coalescer<R> {
  /** Misses that joined a load in flight instead of starting one, since the last reset. */
  joined = 0;
  private readonly waiting = new Map<number, ((result: R) => void)[]>();

  /**
   * A miss on `key`: true if no load is in flight (the caller loads, then
   * calls {@link Coalescer.settle}); false if `waiter` was queued behind one.
   */
  join(key: number, waiter: (result: R) => void): boolean {
    const queue = this.waiting.get(key);
    if (queue === undefined) {
      this.waiting.set(key, []);
      return true;
    }
    queue.push(waiter);
    this.joined++;
    return false;
  }

  /** The load of `key` finished: every waiter gets `result`, in the order they joined. */
  settle(key: number, result: R): void {
    const queue = this.waiting.get(key);
    if (queue === undefined) return;
    this.waiting.delete(key);
    for (const waiter of queue) waiter(result);
  }

  /** Keys with a load in flight. */
  get inFlight(): number {
    return this.waiting.size;
  }
}
