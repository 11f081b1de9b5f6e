// The requests a gate in front of a node has sent and not had answered, oldest
// first, for a crash to fail in the order they were sent. A list linked through
// class instances rather than a Set of object literals: nothing to rehash as
// entries come and go, and V8 does not pretenure a class's instances the way it
// pretenured the literal's allocation site (v8 src/heap/pretenuring-handler.cc),
// which had kept every answered entry's operation alive in the old generation
// until a full collection (GC 15–20 % of a run with a primary crash; 5–7 % with
// this list). Used by the application's node gate (faults/node-gate.ts) and
// ProxySQL's backend gate (proxy/backend-gate.ts).

/**
 * One request in flight: its operation and the callback a crash answers it
 * with, linked to the ones sent just before and after it.
 *
 * @internal
 */
export class InFlight<O, D> {
  /** Answered already (failed at the crash): the node's late answer is dropped. */
  settled = false;
  prev: InFlight<O, D> | null = null;
  next: InFlight<O, D> | null = null;
  constructor(
    readonly op: O,
    readonly done: D,
  ) {}
}

/** @internal The requests in flight, oldest first. */
export class InFlightList<O, D> {
  private head: InFlight<O, D> | null = null;
  private tail: InFlight<O, D> | null = null;

  /** A request sent now: its entry, last in the list. */
  add(op: O, done: D): InFlight<O, D> {
    const entry = new InFlight(op, done);
    entry.prev = this.tail;
    if (this.tail === null) this.head = entry;
    else this.tail.next = entry;
    this.tail = entry;
    return entry;
  }

  /** Its request was answered: out of the list. */
  remove(entry: InFlight<O, D>): void {
    const { prev, next } = entry;
    if (prev === null) this.head = next;
    else prev.next = next;
    if (next === null) this.tail = prev;
    else next.prev = prev;
    // An answered entry may have reached the old generation: it must not hold later ones.
    entry.prev = null;
    entry.next = null;
  }

  /**
   * Empties the list, marking every entry settled, and calls `each` on them in
   * the order they were sent (the crash's failures).
   */
  settleAll(each: (op: O, done: D) => void): void {
    let entry = this.head;
    this.head = null;
    this.tail = null;
    while (entry !== null) {
      const next = entry.next;
      entry.prev = null;
      entry.next = null;
      entry.settled = true;
      each(entry.op, entry.done);
      entry = next;
    }
  }
}
