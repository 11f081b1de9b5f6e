// A node's endpoint as the application reaches it, for crashes: while the node is
// down every operation sent to it fails at once with `node_down`, and the ones in
// flight when it crashes fail at that instant (their connections died with it).
// After a failover the endpoint leads to the promoted node instead, as Patroni's
// leader endpoint (a virtual IP, HAProxy's health check, a DNS name) does.
// Left out: TCP keepalive timeouts before the client notices (it notices at once),
// client retries.
import { InFlightList } from "../in-flight.js";
import type { Done, ErrorKind, Operation, Service } from "../operation.js";

/**
 * The error an operation ends with when the node it was sent to is down.
 *
 * @remarks Since 0.2.0
 */
export const NODE_DOWN: ErrorKind = "node_down";

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
  /** The operations in flight, oldest first (a crash fails them in that order). */
  private readonly inFlight = new InFlightList<Operation, Done>();
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
    const entry = this.inFlight.add(op, done);
    target.submit(op, (answered) => {
      if (entry.settled) return;
      this.inFlight.remove(entry);
      if (answered.error === null && answered.kind === "write") this.onWriteAcked?.(answered);
      done(answered);
    });
  }

  /** The node crashed: every operation in flight fails now, and every later one at once. */
  crash(): void {
    this.target = null;
    this.inFlight.settleAll((op, done) => this.fail(op, done));
  }

  /** From now on, operations go to `target` (the node back, or the promoted one). */
  restore(target: Service): void {
    this.target = target;
  }

  /** The node itself is back: operations go to it again. */
  restoreOriginal(): void {
    this.target = this.original;
  }

  private fail(op: Operation, done: Done): void {
    this.failed++;
    op.error = NODE_DOWN;
    done(op);
  }
}
