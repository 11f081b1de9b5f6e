// Event-driven data replication between services: each write a service
// acknowledges is published as an event (CustomerUpdated), and a consumer of
// the other service stores a local copy of the fields it needs — a write to its
// own database. The consumer has its own throughput: `workers` events at once,
// each taking `applyMs` of its own processing and then its write's time, so
// when events outrun it the backlog, and the copy's lag, grow without bound
// (the backlog arithmetic of a replica's single apply thread). Lag is the time
// from the source's acknowledgement to the copy's commit. Left out: the
// broker (publishing costs nothing and loses nothing) and redelivery.
import { type RandomStream, type Simulation, WaitLine } from "../../kernel/index.js";
import { Histogram } from "../../metrics/index.js";
import { Operation, type Service } from "../operation.js";

/**
 * Settings of an {@link EventRelay}.
 *
 * @remarks Since 0.2.0
 */
export interface EventRelayConfig {
  /** Events the consumer handles at once (≥ 1). */
  readonly workers: number;
  /** The consumer's own processing time per event (ms), before its write. */
  readonly applyMs: (rng: RandomStream) => number;
  /** Draws the processing times. */
  readonly rng: RandomStream;
  /** The subscriber's database front: where the local copy is written. */
  readonly target: Service;
  /** The subscriber's cluster (its writes carry it). */
  readonly cluster: number;
  /** The subscriber's key for the source's key (the same entity in its range). */
  readonly keyOf: (sourceKey: number) => number;
}

/**
 * Carries one service's acknowledged writes to another's database, through a
 * consumer of bounded throughput.
 *
 * @remarks Since 0.2.0
 */
export class EventRelay {
  private readonly sim: Simulation;
  private readonly config: EventRelayConfig;
  /** Waiting events, in publish order (they wait without a timeout). */
  private readonly waiting: WaitLine<{ readonly key: number; readonly ackedAt: number }>;
  private busy = 0;
  private nextId = 0;
  private publishedCount = 0;
  private appliedCount = 0;
  private failedCount = 0;
  private readonly lag = new Histogram();

  /**
   * @param sim - the simulation
   * @param config - the consumer and the subscriber's database
   * @throws RangeError when `workers` is not a positive integer
   */
  constructor(sim: Simulation, config: EventRelayConfig) {
    if (!Number.isInteger(config.workers) || config.workers < 1)
      throw new RangeError(
        `an event consumer needs workers ≥ 1 (an integer), got ${config.workers}`,
      );
    this.sim = sim;
    this.config = config;
    // No event times out: it waits until the consumer takes it.
    this.waiting = new WaitLine(sim, () => {});
  }

  /** Publishes the event of a write acknowledged now at key `key` of the source. */
  publish(key: number): void {
    this.publishedCount++;
    this.waiting.push({ key, ackedAt: this.sim.now }, Number.POSITIVE_INFINITY);
    if (this.busy < this.config.workers) this.next();
  }

  /** Events published and not yet applied (waiting or in hand). */
  get backlog(): number {
    return this.waiting.length + this.busy;
  }

  /** Events published since the last reset. */
  get published(): number {
    return this.publishedCount;
  }

  /** Events whose copy committed since the last reset. */
  get applied(): number {
    return this.appliedCount;
  }

  /** Events whose copy's write failed since the last reset (not retried). */
  get failed(): number {
    return this.failedCount;
  }

  /** Acknowledgement at the source to the copy's commit (ms), applied events. */
  get lagMs(): Histogram {
    return this.lag;
  }

  /** Restarts the statistics (the warm-up cut); the backlog stays. */
  resetStats(): void {
    this.publishedCount = 0;
    this.appliedCount = 0;
    this.failedCount = 0;
    this.lag.reset();
  }

  private next(): void {
    const event = this.waiting.shift();
    if (event === undefined) return;
    this.busy++;
    const { target, cluster, keyOf, applyMs, rng } = this.config;
    this.sim.schedule(Math.max(0, applyMs(rng)), () => {
      // The consumer is no user's session; session 0 keeps per-session arrays in range.
      const copy = new Operation(this.nextId++, 0, "write", keyOf(event.key), 1, this.sim.now);
      copy.cluster = cluster;
      copy.spans = 1;
      target.submit(copy, (done) => {
        if (done.error === null) {
          this.appliedCount++;
          this.lag.record(this.sim.now - event.ackedAt);
        } else this.failedCount++;
        this.busy--;
        this.next();
      });
    });
  }
}
