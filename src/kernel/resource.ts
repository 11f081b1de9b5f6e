// A resource with `capacity` slots, after SimPy's resources/resource.py:
// `request()` is an event granted when a slot is free, `release(req)` frees it
// (or withdraws a request still waiting). Waiters are served first come, first
// served; PriorityResource serves lower priority values first, FIFO among equals.
import { SimulationError } from "./errors.js";
import { SimEvent } from "./events.js";
import { Fifo } from "./fifo.js";
import { MinHeap } from "./heap.js";
import type { Simulation } from "./simulation.js";

/**
 * Options for a {@link Resource}.
 *
 * @remarks Since 0.1.0
 */
export interface ResourceOptions {
  /** How many users it serves at once: a positive integer. Default 1. */
  capacity?: number;
}

/**
 * A request for one slot of a resource. It is an event that succeeds (with
 * itself) when the slot is granted; hand it back to `release`.
 *
 * @remarks Since 0.1.0
 */
export class Request extends SimEvent<Request> {
  /** The resource it asks for. */
  readonly resource: Resource;
  /** Its priority (lower is served first on a PriorityResource). */
  readonly priority: number;
  /** The time it was made (ms). */
  readonly requestedAt: number;
  /** The time it was granted (ms), or NaN while waiting. */
  grantedAt = Number.NaN;
  /** @internal */
  _order: number;
  /** @internal */
  _released = false;

  /** Use `resource.request()` rather than this constructor. */
  constructor(resource: Resource, priority: number, order: number) {
    super(resource.sim);
    this.resource = resource;
    this.priority = priority;
    this.requestedAt = resource.sim.now;
    this._order = order;
  }

  /** True once the slot is granted. */
  get granted(): boolean {
    return !Number.isNaN(this.grantedAt);
  }
}

function checkCapacity(capacity: number): void {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new SimulationError(
      "BAD_CAPACITY",
      `Resource capacity ${capacity} is not a positive integer`,
    );
  }
}

/**
 * A resource with a fixed number of slots and a FIFO waiting line: servers,
 * cores, connections.
 *
 * @example
 * ```ts
 * const server = new Resource(sim, { capacity: 2 });
 * sim.process(function* () {
 *   const req = server.request();
 *   yield req; // wait for the slot
 *   yield sim.timeout(5);
 *   server.release(req);
 * }());
 * ```
 *
 * @remarks Since 0.1.0
 */
export class Resource {
  /** The simulation it lives in. */
  readonly sim: Simulation;
  /** How many users it serves at once. */
  readonly capacity: number;
  /** @internal */
  protected users = 0;
  private readonly waiting = new Fifo<Request>();
  private order = 0;

  /** @param sim - the simulation; @param options - capacity */
  constructor(sim: Simulation, options: ResourceOptions = {}) {
    const capacity = options.capacity ?? 1;
    checkCapacity(capacity);
    this.sim = sim;
    this.capacity = capacity;
  }

  /** Slots in use. */
  get count(): number {
    return this.users;
  }

  /** Requests waiting for a slot. */
  get queueLength(): number {
    return this.waitingCount();
  }

  /**
   * Asks for a slot. The returned request succeeds (with itself) when the slot is
   * granted. In a process, keep it and wait with a plain `yield`, as SimPy does
   * (`const req = server.request(); yield req;`); `const req = yield* server.request()`
   * waits the same way in one line, for an iterator object and two iterator results.
   * Hand it back to {@link Resource.release}.
   */
  request(priority = 0): Request {
    if (!Number.isFinite(priority)) {
      throw new SimulationError("BAD_PRIORITY", `Priority ${priority} is not a finite number`);
    }
    const req = new Request(this, priority, this.order++);
    if (this.users < this.capacity && this.waitingCount() === 0) this.grant(req);
    else this.enqueue(req);
    return req;
  }

  /**
   * Frees the slot a granted request holds, or withdraws a request that is
   * still waiting. Releasing twice, or a request of another resource, is an error.
   */
  release(req: Request): void {
    if (req.resource !== this) {
      throw new SimulationError("BAD_RELEASE", "This request belongs to another resource");
    }
    if (req._released) {
      throw new SimulationError("BAD_RELEASE", "This request was already released");
    }
    req._released = true;
    if (!req.granted) {
      this.dequeueSpecific(req);
      return;
    }
    this.users--;
    const next = this.dequeue();
    if (next !== undefined) this.grant(next);
  }

  private grant(req: Request): void {
    this.users++;
    req.grantedAt = this.sim.now;
    req.succeed(req);
  }

  /** @internal */
  protected waitingCount(): number {
    return this.waiting.length;
  }

  /** @internal */
  protected enqueue(req: Request): void {
    this.waiting.push(req);
  }

  /** @internal */
  protected dequeue(): Request | undefined {
    return this.waiting.shift();
  }

  /** @internal */
  protected dequeueSpecific(req: Request): void {
    this.waiting.remove(req);
  }
}

/**
 * A resource whose waiting line is served by priority (lower first), then in
 * request order.
 *
 * @remarks Since 0.1.0
 */
export class PriorityResource extends Resource {
  private readonly heap = new MinHeap<Request>();

  /** @internal */
  protected override waitingCount(): number {
    return this.heap.length;
  }

  /** @internal */
  protected override enqueue(req: Request): void {
    // Requests join in request order, so the heap's FIFO among equal keys is request order.
    this.heap.push(req.priority, req);
  }

  /** @internal */
  protected override dequeue(): Request | undefined {
    return this.heap.pop();
  }

  /** @internal */
  protected override dequeueSpecific(req: Request): void {
    this.heap.remove(req);
  }
}
