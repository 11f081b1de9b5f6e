// The catch-up stream of an online resharding: each write acknowledged on the
// source for a row already copied (after its copy's snapshot) is a change the
// target must apply, in order, one at a time — Vitess's VReplication stream
// (one per target shard, turning binlog events into statements on the target;
// vitess website, reference/vreplication/internal/life-of-a-stream.md) and
// Citus's logical-replication subscription (multi_logical_replication.c,
// CompleteNonBlockingShardTransfer). Each change costs work on its target's
// primary, so a busy target falls behind: the stream's lag is the age of the
// oldest change not yet applied. Left out: the source's cost of reading its
// log for the stream, and the network between source and target.
import type { Simulation } from "../../kernel/index.js";

/**
 * A change applied on its target: its key, the batch that key belongs to,
 * when the source acknowledged the write (ms) and the version it wrote.
 *
 * @internal
 */
export type AppliedChange = (
  key: number,
  batch: number,
  ackedAtMs: number,
  version: number,
) => void;

/** One target shard's changes in arrival order, applied one at a time. */
class TargetQueue {
  readonly keys: number[] = [];
  readonly batches: number[] = [];
  readonly ackedAtMs: number[] = [];
  readonly versions: number[] = [];
  head = 0;
  applying = false;

  get length(): number {
    return this.keys.length - this.head;
  }
}

/**
 * The streams of a resharding, one per target shard.
 *
 * @internal
 */
export class CatchUpStreams {
  private readonly sim: Simulation;
  private readonly applyMs: number;
  private readonly work: (shard: number, ms: number, done: () => void) => void;
  private readonly appliedChange: AppliedChange;
  private readonly queues = new Map<number, TargetQueue>();
  private appliedCount = 0;

  /**
   * @param sim - the simulation
   * @param applyMs - work one change costs on its target's primary (ms)
   * @param work - runs `ms` of work on `shard`'s primary, then `done`
   * @param appliedChange - told of each change once applied
   */
  constructor(
    sim: Simulation,
    applyMs: number,
    work: (shard: number, ms: number, done: () => void) => void,
    appliedChange: AppliedChange,
  ) {
    this.sim = sim;
    this.applyMs = applyMs;
    this.work = work;
    this.appliedChange = appliedChange;
  }

  /** Queues a change to `key` (of `batch`) for `shard`, acknowledged on the source now at `version`. */
  push(shard: number, key: number, batch: number, version: number): void {
    let queue = this.queues.get(shard);
    if (queue === undefined) {
      queue = new TargetQueue();
      this.queues.set(shard, queue);
    }
    queue.keys.push(key);
    queue.batches.push(batch);
    queue.ackedAtMs.push(this.sim.now);
    queue.versions.push(version);
    if (!queue.applying) this.applyNext(shard, queue);
  }

  /** Changes applied so far. */
  get applied(): number {
    return this.appliedCount;
  }

  /** Age of the oldest change not yet applied on any target (ms); 0 when caught up. */
  lagMs(): number {
    let oldest = this.sim.now;
    for (const queue of this.queues.values()) {
      if (queue.length > 0) oldest = Math.min(oldest, queue.ackedAtMs[queue.head] as number);
    }
    return this.sim.now - oldest;
  }

  private applyNext(shard: number, queue: TargetQueue): void {
    if (queue.length === 0) {
      queue.applying = false;
      // Every change applied: start the arrays over rather than keep their dead head.
      queue.keys.length = 0;
      queue.batches.length = 0;
      queue.ackedAtMs.length = 0;
      queue.versions.length = 0;
      queue.head = 0;
      return;
    }
    queue.applying = true;
    this.work(shard, this.applyMs, () => {
      const at = queue.head++;
      this.appliedCount++;
      this.appliedChange(
        queue.keys[at] as number,
        queue.batches[at] as number,
        queue.ackedAtMs[at] as number,
        queue.versions[at] as number,
      );
      this.applyNext(shard, queue);
    });
  }
}
