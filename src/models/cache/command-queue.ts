// A cache node's command execution: commands served first come, first served
// by `threads` servers. Redis executes every command on its one main thread
// (its io-threads, Redis 6+, only read and parse sockets and write replies:
// redis.conf's "THREADED I/O" section); Memcached runs `-t` worker threads
// (memcached.c settings_init: num_threads = 4). So a hot Redis node is an
// M/M/1-like queue and saturates at 1 / commandTime commands per second.
import type { EventHandle, Simulation } from "../../kernel/index.js";

/** The clock: `_scheduleOwned` lets a thread move its one event entry from command to command. */
type Clock = Pick<Simulation, "now" | "_scheduleOwned">;

/**
 * A command given as an object: `executed` runs when it has executed. A hit's
 * read passes itself, so a command allocates no closure.
 *
 * @remarks Since 0.2.0
 */
export interface Command {
  executed(): void;
}

/** What runs when a command has executed: a callback or a {@link Command}. */
type Runnable = (() => void) | Command;

interface Waiting {
  readonly arrivedAt: number;
  readonly run: Runnable;
}

function runIt(run: Runnable): void {
  if (typeof run === "function") run();
  else run.executed();
}

/** A busy thread: the command it executes and its event, reused for its next command. */
class Thread {
  run: Runnable | null = null;
  handle: EventHandle | null = null;
  readonly done: () => void;

  constructor(queue: CommandQueue) {
    this.done = () => queue._finish(this);
  }
}

/**
 * The figures of a node's command queue since the last reset.
 *
 * @remarks Since 0.2.0
 */
export interface CommandQueueStats {
  /** Commands that started executing. */
  readonly commands: number;
  /** Busy thread-time over threads × elapsed time, in [0, 1]. */
  readonly utilisation: number;
  /** The mean time a started command waited for a thread (ms); 0 with none. */
  readonly waitMeanMs: number;
  /** The longest such wait (ms). */
  readonly waitMaxMs: number;
}

/**
 * One node's threads and the commands waiting for them, FCFS.
 *
 * @remarks Since 0.2.0
 */
export class CommandQueue {
  /** Commands waiting for a thread, oldest at `head` (Array.shift would be O(n)). */
  private waiting: Waiting[] = [];
  private head = 0;
  private busy = 0;
  private commands = 0;
  private waitSum = 0;
  private waitMax = 0;
  /** Threads not executing a command (objects kept for reuse; `busy` counts the others). */
  private readonly idle: Thread[] = [];
  /** Busy thread-time up to `lastChange`; reset at the warm-up cut. */
  private busyArea = 0;
  private lastChange: number;
  private resetAt: number;

  /**
   * @param sim - the clock
   * @param threads - threads executing commands (Redis 1, Memcached `-t`)
   * @param commandMs - draws one command's execution time (ms)
   */
  constructor(
    private readonly sim: Clock,
    readonly threads: number,
    private readonly commandMs: () => number,
  ) {
    if (!Number.isInteger(threads) || threads < 1)
      throw new RangeError(`threads: expected a positive integer, got ${threads}`);
    this.lastChange = sim.now;
    this.resetAt = sim.now;
  }

  /**
   * Runs `fn` (a callback, or a {@link Command}'s `executed`) when the command
   * has executed: after its wait for a thread and its execution time.
   */
  execute(fn: (() => void) | Command): void {
    if (this.busy < this.threads) {
      // A free thread takes it at once: no wait to record, so no record of its arrival.
      this.setBusy(this.busy + 1);
      this.commands++;
      this.start(this.idle.pop() ?? new Thread(this), fn);
    } else this.waiting.push({ arrivedAt: this.sim.now, run: fn });
  }

  /** The thread executes `run` for one command time. */
  private start(thread: Thread, run: Runnable): void {
    thread.run = run;
    thread.handle = this.sim._scheduleOwned(this.commandMs(), thread.done, thread.handle);
  }

  private next(): Waiting | undefined {
    if (this.head === this.waiting.length) return undefined;
    const command = this.waiting[this.head++];
    // Drop the served prefix once it is most of the array: amortised O(1).
    if (this.head === this.waiting.length) {
      this.waiting = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
    return command;
  }

  /** Commands waiting for a thread. */
  get queueLength(): number {
    return this.waiting.length - this.head;
  }

  /** Restarts the figures at the warm-up cut (commands in flight stay). */
  resetStats(): void {
    this.commands = 0;
    this.waitSum = 0;
    this.waitMax = 0;
    this.busyArea = 0;
    this.lastChange = this.sim.now;
    this.resetAt = this.sim.now;
  }

  /** The figures up to now. */
  stats(): CommandQueueStats {
    const now = this.sim.now;
    const area = this.busyArea + this.busy * (now - this.lastChange);
    const span = this.threads * (now - this.resetAt);
    return {
      commands: this.commands,
      utilisation: span > 0 ? area / span : 0,
      waitMeanMs: this.commands === 0 ? 0 : this.waitSum / this.commands,
      waitMaxMs: this.waitMax,
    };
  }

  private setBusy(busy: number): void {
    const now = this.sim.now;
    this.busyArea += this.busy * (now - this.lastChange);
    this.lastChange = now;
    this.busy = busy;
  }

  /** `thread` takes the command: its wait ends, its execution starts. */
  private begin(thread: Thread, command: Waiting): void {
    const wait = this.sim.now - command.arrivedAt;
    this.commands++;
    this.waitSum += wait;
    if (wait > this.waitMax) this.waitMax = wait;
    this.start(thread, command.run);
  }

  /** @internal `thread`'s command has executed. */
  _finish(thread: Thread): void {
    const run = thread.run as Runnable;
    const next = this.next();
    // The thread goes straight to the next command: it stays busy.
    if (next === undefined) {
      this.setBusy(this.busy - 1);
      thread.run = null;
      this.idle.push(thread);
    } else this.begin(thread, next);
    runIt(run);
  }
}
