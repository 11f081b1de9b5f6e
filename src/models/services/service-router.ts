// Microservices data: the application's services, each owning a range of the
// key space, and an API composer (a backend-for-frontend) that answers a
// dashboard by calling several services in parallel, as asyncio.gather does,
// and answers when the slowest has (the expected slowest of k exponential
// answers of mean 1/μ is H_k/μ: David & Nagaraja, "Order Statistics", §2.5).
// Each service sends its operations to its database's front: its own cluster
// (database per service) or the one cluster every service shares. Left out:
// the hop from the composer to each service's API (a composed call costs what
// the service's own query costs) and partial answers: the first failed call
// fails the whole request at once, as asyncio.gather does by default (Python
// docs, asyncio "Running Tasks Concurrently": return_exceptions=False).
import type { RandomStream, Simulation } from "../../kernel/index.js";
import { Histogram } from "../../metrics/index.js";
import { type Done, Operation, type Service } from "../operation.js";

/**
 * One service as the router takes it.
 *
 * @remarks Since 0.2.0
 */
export interface ServiceRoute {
  /** Its share of the operations that are not composed, in [0, 1]. */
  readonly share: number;
  /** The first key of its range. */
  readonly from: number;
  /** The first key past its range (`to` > `from`). */
  readonly to: number;
  /** The cluster its database is (its operations carry it). */
  readonly cluster: number;
  /** Its database's front service. */
  readonly target: Service;
}

/**
 * Settings of a {@link ServiceRouter}.
 *
 * @remarks Since 0.2.0
 */
export interface ServiceRouterConfig {
  /** The services; their shares sum to 1. */
  readonly services: readonly ServiceRoute[];
  /** Share of the reads that are composed requests. */
  readonly composeShare: number;
  /** The services a composed request calls, by index (distinct). */
  readonly composed: readonly number[];
  /** Draws which service an operation is for. */
  readonly pick: RandomStream;
  /** Draws which reads are composed. */
  readonly compose: RandomStream;
}

/**
 * Sends each operation to its service's database; fans composed requests out
 * to several services and answers when the slowest has.
 *
 * @remarks Since 0.2.0
 */
export class ServiceRouter implements Service {
  private readonly sim: Simulation;
  private readonly config: ServiceRouterConfig;
  private readonly cumulative: Float64Array;
  /** The service each operation in flight was drawn for, by operation id. */
  private readonly owner = new Map<number, number>();
  private readonly perService: Float64Array;
  private readonly parts: Float64Array;
  private readonly slowest: Float64Array;
  private readonly latency: Histogram[];
  private readonly composedLatency = new Histogram();
  private composedCount = 0;

  /**
   * @param sim - the simulation
   * @param config - the services and the composition
   * @throws RangeError when the shares do not sum to 1, a range is empty or a composed index is unknown
   */
  constructor(sim: Simulation, config: ServiceRouterConfig) {
    const n = config.services.length;
    const total = config.services.reduce((a, s) => a + s.share, 0);
    if (n === 0 || Math.abs(total - 1) > 1e-9)
      throw new RangeError(`service shares must sum to 1, got ${total} over ${n} services`);
    for (const s of config.services)
      if (!(s.to > s.from && s.from >= 0))
        throw new RangeError(
          `a service's keys must be a range from ≥ 0 to > from, got ${s.from} … ${s.to}`,
        );
    for (const i of config.composed)
      if (config.services[i] === undefined)
        throw new RangeError(`a composed service must be one of 0 … ${n - 1}, got ${i}`);
    this.sim = sim;
    this.config = config;
    this.cumulative = new Float64Array(n);
    let sum = 0;
    config.services.forEach((s, i) => {
      sum += s.share;
      this.cumulative[i] = sum;
    });
    this.perService = new Float64Array(n);
    this.parts = new Float64Array(n);
    this.slowest = new Float64Array(n);
    this.latency = Array.from({ length: n }, () => new Histogram());
  }

  /**
   * The key an operation uses for the key `drawn` the workload drew: the same
   * position in the key range of the service it is for, drawn by share the first
   * time operation `id` asks (a key past the range wraps, so the hottest keys
   * stay distinct).
   */
  keyOf(drawn: number, id: number): number {
    let service = this.owner.get(id);
    if (service === undefined) {
      service = this.draw();
      this.owner.set(id, service);
    }
    const s = this.config.services[service] as ServiceRoute;
    return s.from + (drawn % (s.to - s.from));
  }

  /**
   * Tells `op` its service's cluster before it is submitted, and marks a
   * drawn share of the reads as composed; returns false for a composed request
   * (it spans services and has no single version to judge).
   */
  place(op: Operation): boolean {
    const service = this.serviceOf(op);
    op.cluster = (this.config.services[service] as ServiceRoute).cluster;
    const share = this.config.composeShare;
    // One draw per read, from a stream of its own: the services' draws stay the same.
    if (op.kind === "read" && share > 0 && this.config.compose.next() < share) {
      op.spans = this.config.composed.length;
      return false;
    }
    op.spans = 1;
    return true;
  }

  submit(op: Operation, done: Done): void {
    if (op.spans > 1) {
      this.fanOut(op, done);
      return;
    }
    const service = this.serviceOf(op);
    this.perService[service] = (this.perService[service] as number) + 1;
    (this.config.services[service] as ServiceRoute).target.submit(op, done);
  }

  /**
   * Records a finished operation: a single-service one in its service's
   * latency; forgets which service it was for, and returns it. Call it for
   * every operation as its `done` runs.
   */
  completed(op: Operation): number {
    const service = this.serviceOf(op);
    this.owner.delete(op.id);
    if (op.spans === 1 && op.error === null)
      this.latency[service]?.record(this.sim.now - op.issuedAt);
    return service;
  }

  /** The service an operation is for: the one drawn for it, else the first whose range holds its key. */
  private serviceOf(op: Operation): number {
    const drawn = this.owner.get(op.id);
    if (drawn !== undefined) return drawn;
    const i = this.config.services.findIndex((s) => op.key >= s.from && op.key < s.to);
    if (i < 0) throw new RangeError(`key ${op.key} lies in no service's range`);
    this.owner.set(op.id, i);
    return i;
  }

  private draw(): number {
    const u = this.config.pick.next();
    const c = this.cumulative;
    for (let i = 0; i < c.length - 1; i++) if (u < (c[i] as number)) return i;
    return c.length - 1;
  }

  /** Calls every composed service at once with the same entity; answers when the slowest has. */
  private fanOut(op: Operation, done: Done): void {
    const { services, composed } = this.config;
    const home = services[this.serviceOf(op)] as ServiceRoute;
    const entity = op.key - home.from;
    let waiting = composed.length;
    let failed = false;
    const answered = (index: number) => (sub: Operation) => {
      if (failed) return;
      waiting--;
      // As asyncio.gather does by default: the first failed call fails the request at once.
      if (sub.error === null && waiting > 0) return;
      // Counted as it completes, so the warm-up cut splits requests, calls and the slowest alike.
      this.composedCount++;
      op.completedAt = this.sim.now;
      if (sub.error !== null) {
        failed = true;
        op.error = sub.error;
      } else {
        for (const i of composed) this.parts[i] = (this.parts[i] as number) + 1;
        this.slowest[index] = (this.slowest[index] as number) + 1;
        this.composedLatency.record(op.completedAt - op.issuedAt);
      }
      done(op);
    };
    for (const index of composed) {
      const s = services[index] as ServiceRoute;
      const key = s.from + (entity % (s.to - s.from));
      const sub = new Operation(op.id, op.session, "read", key, 1, this.sim.now);
      sub.cluster = s.cluster;
      sub.spans = 1;
      s.target.submit(sub, answered(index));
    }
  }

  /** Operations each service received on its own (not composed) since the last reset. */
  operationsPerService(): number[] {
    return [...this.perService];
  }

  /** Calls each service answered for the successful composed requests since the last reset. */
  composedCallsPerService(): number[] {
    return [...this.parts];
  }

  /** How often each service answered last in a successful composed request since the last reset. */
  slowestPerService(): number[] {
    return [...this.slowest];
  }

  /** Composed requests completed (successful or not) since the last reset. */
  get composedRequests(): number {
    return this.composedCount;
  }

  /** Latency (issue to answer) of the successful single-service operations of service `i`. */
  serviceLatency(i: number): Histogram {
    const h = this.latency[i];
    if (h === undefined)
      throw new RangeError(`service ${i} is not one of 0 … ${this.latency.length - 1}`);
    return h;
  }

  /** Latency (issue to the slowest answer) of the successful composed requests. */
  get composedLatencyMs(): Histogram {
    return this.composedLatency;
  }

  /** Restarts the statistics (the warm-up cut). */
  resetStats(): void {
    this.perService.fill(0);
    this.parts.fill(0);
    this.slowest.fill(0);
    this.composedCount = 0;
    this.composedLatency.reset();
    for (const h of this.latency) h.reset();
  }
}
