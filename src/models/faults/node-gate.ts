// A node's endpoint as the application reaches it, for crashes: while the node is
// down every operation sent to it fails at once with `node_down`, and the ones in
// flight when it crashes fail at that instant (their connections died with it).
// After a failover the endpoint leads to the promoted node instead, as Patroni's
// leader endpoint (a virtual IP, HAProxy's health check, a DNS name) does.
// Left out: TCP keepalive timeouts before the client notices (it notices at once),
// client retries.
import type { Done, ErrorKind, Operation, Service } from "../operation.js";

/**
 * The error an operation ends with when the node it was sent to is down.
 *
 * @remarks Since 0.2.0
 */
export const NODE_DOWN: ErrorKind = "node_down";

/**
 * One operation sent through the gate and not yet answered, linked to the ones
 * sent just before and after it. A class, not an object literal: V8 tracks a
 * literal's allocation site and, once many of its objects survived a scavenge,
 * allocates the later ones straight in the old generation ("allocation-site
 * pretenuring", v8 src/heap/pretenuring-handler.cc); a dead entry there held its
 * operation and callback through every scavenge until the next full collection,
 * and so promoted every operation of a run with a primary crash (GC 15–20 % of
 * the regions-with-faults bench; 6–7 % with the literal under node
 * --no-allocation-site-pretenuring, and with this class).
 */
class InFlight {
  /** Answered already (failed at the crash): the node's late answer is dropped. */
  settled = false;
  next: InFlight | null = null;
  constructor(
    readonly op: Operation,
    readonly done: Done,
    public prev: InFlight | null,
  ) {}
}

/**
 * A {@link Service} in front of one node's way in that fails operations while the
 * node is down and can be pointed at another node (the promoted one).
 *
 * @remarks Since 0.2.0
 */
export class NodeGate implements Service {
  /** Operations failed with {@link NODE_DOWN}, since the start of the run. */
  failed = 0;
  private target: Service | null;
  private readonly original: Service;
  // The operations in flight, oldest first, as a list linked through the
  // entries rather than a Set: nothing to rehash as they come and go (a Set's
  // delete reallocates its table as it shrinks). An answered entry is unlinked.
  private head: InFlight | null = null;
  private tail: InFlight | null = null;
  /** Called for every write it answers without error (lost-write accounting). */
  onWriteAcked: ((op: Operation) => void) | null = null;

  /** @param target - the way in to the node (its driver) */
  constructor(target: Service) {
    this.target = target;
    this.original = target;
  }

  /** Whether it fails every operation now. */
  get down(): boolean {
    return this.target === null;
  }

  /** {@inheritDoc Service.submit} */
  submit(op: Operation, done: Done): void {
    const target = this.target;
    if (target === null) {
      this.fail(op, done);
      return;
    }
    const entry = new InFlight(op, done, this.tail);
    if (this.tail === null) this.head = entry;
    else this.tail.next = entry;
    this.tail = entry;
    target.submit(op, (answered) => {
      if (entry.settled) return;
      this.unlink(entry);
      if (answered.error === null && answered.kind === "write") this.onWriteAcked?.(answered);
      done(answered);
    });
  }

  /** The node crashed: every operation in flight fails now, and every later one at once. */
  crash(): void {
    this.target = null;
    // In the order they were sent.
    let entry = this.head;
    this.head = null;
    this.tail = null;
    while (entry !== null) {
      const next = entry.next;
      entry.prev = null;
      entry.next = null;
      entry.settled = true;
      this.fail(entry.op, entry.done);
      entry = next;
    }
  }

  /** From now on, operations go to `target` (the node back, or the promoted one). */
  restore(target: Service): void {
    this.target = target;
  }

  /** The node itself is back: operations go to it again. */
  restoreOriginal(): void {
    this.target = this.original;
  }

  private unlink(entry: InFlight): void {
    const { prev, next } = entry;
    if (prev === null) this.head = next;
    else prev.next = next;
    if (next === null) this.tail = prev;
    else next.prev = prev;
    // An answered entry may have reached the old generation: it must not hold later ones.
    entry.prev = null;
    entry.next = null;
  }

  private fail(op: Operation, done: Done): void {
    this.failed++;
    op.error = NODE_DOWN;
    done(op);
  }
}
