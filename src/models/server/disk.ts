// A node's disk as its own queueing station: first come, first served with
// `parallelism` requests in service at once (the device's queue depth: an NVMe or
// EBS volume serves many requests in parallel), each for a service time drawn from
// the sampler it is given (by default the latency table's SSD random read row,
// 100 µs). Its throughput ceiling is parallelism / mean service time. A volume's
// provisioned IOPS (`iops`) is a second, separate ceiling: a provisioned volume
// "delivers" that many I/O operations per second and no more — gp3's 3,000 are a
// baseline with no burst credits, and requests beyond it queue, which shows as
// latency (Amazon EBS User Guide, "Amazon EBS volume types" and "I/O
// characteristics and monitoring": IOPS counts reads and writes alike, an
// operation being up to 256 KiB on SSD volumes, and a workload that asks for more
// sees its queue length and latency grow). It is modelled as a token bucket of
// depth one: a request may start only 1/iops after the previous start, so at most
// `iops` starts happen in any second, whatever the queue depth. Page reads and log
// flushes both count. A request waiting for the disk holds no core: the CPU
// station never sees it.
// Left out: read-ahead, write-back caching in the device, throughput (MB/s) limits,
// burst credits (gp2, "up to" instance classes), the 90%-of-provisioned
// performance floor EBS designs for (the cap is met exactly). Source: an M/M/c
// queue (Kleinrock 1975, vol. 1 §3.5) when the service time is exponential and
// there is no IOPS cap.
import type { RandomStream, Simulation } from "../../kernel/index.js";
import { Histogram, TimeWeighted } from "../../metrics/index.js";

/**
 * Settings of a {@link DiskStation}.
 *
 * @remarks Since 0.2.0
 */
export interface DiskConfig {
  /** The node's name (the random stream is `disk.<name>`). */
  readonly name: string;
  /** Requests in service at once (queue depth): a positive integer. */
  readonly parallelism: number;
  /** Service time of a page read (ms), e.g. the latency table's SSD random read row. */
  readonly readMs: (rng: RandomStream) => number;
  /**
   * The volume's provisioned IOPS: at most this many requests start per second
   * (a size preset's `diskIops`). Omitted: no cap beyond the slots.
   *
   * @remarks Since 0.2.0
   */
  readonly iops?: number;
}

/** A request waiting for a free slot. */
interface Waiting {
  readonly serviceMs: number;
  readonly queuedAt: number;
  readonly done: () => void;
}

/**
 * The parallelism that gives a volume of `iops` operations per second when each
 * takes `meanServiceMs`: c = ⌈iops × meanServiceMs / 1000⌉ (Little's law on the
 * busy slots), at least 1.
 *
 * @remarks Since 0.2.0
 */
export function parallelismForIops(iops: number, meanServiceMs: number): number {
  if (!(iops > 0) || !(meanServiceMs > 0)) {
    throw new RangeError(
      `parallelismForIops: iops ${iops} and meanServiceMs ${meanServiceMs} must both be positive numbers`,
    );
  }
  return Math.max(1, Math.ceil((iops * meanServiceMs) / 1000));
}

/**
 * A disk: FCFS with `parallelism` servers; requests that wait hold no core.
 *
 * @remarks Since 0.2.0
 */
export class DiskStation {
  /** Its settings. */
  readonly config: DiskConfig;
  /** Requests completed. */
  completed = 0;
  /** Time each request waited for a free slot (ms), service excluded. */
  readonly queueWaitMs = new Histogram();
  /** Requests in service over time. */
  readonly busy: TimeWeighted;
  private readonly sim: Simulation;
  private readonly rng: RandomStream;
  private inService = 0;
  // A plain array with a head index: FIFO with O(1) push and shift, compacted when
  // the dead prefix is most of it (the kernel's wait line is not public yet).
  private queue: (Waiting | undefined)[] = [];
  private head = 0;
  /** Time between starts under the IOPS cap (ms); 0 = no cap. */
  private readonly gapMs: number;
  /** Earliest time the next request may start under the IOPS cap. */
  private nextStartMs = 0;
  private wakePending = false;
  /** Requests started since the last reset, and when that was: the IOPS cap's use. */
  private started = 0;
  private windowStartMs: number;
  private readonly onWake = (): void => {
    this.wakePending = false;
    this.pump();
  };

  /**
   * @param sim - the simulation
   * @param config - its settings
   */
  constructor(sim: Simulation, config: DiskConfig) {
    if (!Number.isInteger(config.parallelism) || config.parallelism < 1) {
      throw new RangeError(
        `disk ${config.name}: parallelism ${config.parallelism} is not a positive integer`,
      );
    }
    const iops = config.iops;
    if (iops !== undefined && !(iops > 0 && Number.isFinite(iops))) {
      throw new RangeError(`disk ${config.name}: iops ${iops} is not a positive finite number`);
    }
    this.gapMs = iops === undefined ? 0 : 1000 / iops;
    this.sim = sim;
    this.config = config;
    this.rng = sim.rng(`disk.${config.name}`);
    this.busy = new TimeWeighted(sim.now);
    this.windowStartMs = sim.now;
  }

  /**
   * How busy the disk was since the last reset, in [0, 1]: the mean share of its
   * slots in use, or, under an IOPS cap, the share of the cap's starts used when
   * that is higher (a volume at its IOPS limit is saturated however few of its
   * slots are busy).
   *
   * @remarks Since 0.2.0
   */
  utilization(now: number): number {
    const slots = this.busy.mean(now) / this.config.parallelism;
    const elapsed = now - this.windowStartMs;
    if (this.gapMs === 0 || !(elapsed > 0)) return slots;
    return Math.max(slots, Math.min(1, (this.started * this.gapMs) / elapsed));
  }

  /** Requests waiting for a slot now. */
  get queueLength(): number {
    return this.queue.length - this.head;
  }

  /** Reads one page (a `readMs` draw of service) and calls `done` when it is in memory. */
  read(done: () => void): void {
    this.submit(this.config.readMs(this.rng), done);
  }

  /** Queues a request of `serviceMs` (an fsync, a write) and calls `done` when it is served. */
  submit(serviceMs: number, done: () => void): void {
    if (
      this.inService < this.config.parallelism &&
      (this.gapMs === 0 || (this.queueLength === 0 && this.sim.now >= this.nextStartMs))
    ) {
      this.queueWaitMs.record(0);
      this.start(serviceMs, done);
      return;
    }
    this.queue.push({ serviceMs, queuedAt: this.sim.now, done });
    if (this.gapMs > 0) this.pump();
  }

  /** Restarts the statistics at the warm-up cut. */
  resetStats(now: number): void {
    this.completed = 0;
    this.started = 0;
    this.windowStartMs = now;
    this.queueWaitMs.reset();
    this.busy.reset(now);
  }

  private start(serviceMs: number, done: () => void): void {
    if (this.gapMs > 0) {
      this.nextStartMs = Math.max(this.sim.now, this.nextStartMs) + this.gapMs;
      this.started++;
    }
    this.inService++;
    this.busy.set(this.sim.now, this.inService);
    this.sim.schedule(serviceMs, () => this.finish(done));
  }

  private finish(done: () => void): void {
    this.inService--;
    this.completed++;
    if (this.gapMs > 0) {
      this.busy.set(this.sim.now, this.inService);
      this.pump();
      done();
      return;
    }
    const next = this.shift();
    if (next !== undefined) {
      this.queueWaitMs.record(this.sim.now - next.queuedAt);
      this.start(next.serviceMs, next.done);
    } else {
      this.busy.set(this.sim.now, this.inService);
    }
    done();
  }

  /**
   * Under the IOPS cap: starts queued requests while a slot is free and the
   * bucket has a token, else wakes up when the next token comes.
   */
  private pump(): void {
    while (this.inService < this.config.parallelism && this.queueLength > 0) {
      if (this.sim.now < this.nextStartMs) {
        if (!this.wakePending) {
          this.wakePending = true;
          this.sim.at(this.nextStartMs, this.onWake);
        }
        return;
      }
      const next = this.shift() as Waiting;
      this.queueWaitMs.record(this.sim.now - next.queuedAt);
      this.start(next.serviceMs, next.done);
    }
  }

  private shift(): Waiting | undefined {
    if (this.head >= this.queue.length) return undefined;
    const item = this.queue[this.head];
    this.queue[this.head] = undefined;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}
