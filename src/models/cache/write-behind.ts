// Write-behind: a write is acknowledged once the cache holds it and reaches the
// database later, when its node flushes (every flush interval, up to a batch of
// the oldest waiting writes) — as Hazelcast's write-behind MapStore does with
// `write-delay-seconds` and `write-batch-size`. The writes of one key reach the
// database one at a time, in the order they were acknowledged, so the version
// the cache gives a write at its ack (the key's newest committed version plus
// the writes of the key still waiting, plus one) is the version the database's
// commit gives it: versions count the database's commits. A failed flush write
// stays at the head of its key's line and is retried after one flush interval.
// A node's loss drops every write it has not yet handed to the database: those
// writes were acknowledged and are lost, and the key's versions restart from
// what the database will hold (the next write reuses a lost version's number).
// One corner is left: a write at the database when its node is lost, refused
// by it afterwards, is counted lost, but the key's writes acknowledged in
// between keep versions one ahead of the database's.
import type { Done, Operation, Service } from "../operation.js";
import { Operation as Op } from "../operation.js";

/**
 * Write-behind's settings.
 *
 * @remarks Since 0.2.0
 */
export interface WriteBehindConfig {
  /** How often each node flushes (ms, > 0). */
  readonly flushIntervalMs: number;
  /** The most writes a node hands to the database per flush (Infinity: all waiting). */
  readonly flushBatch: number;
}

/**
 * Write-behind's counters since the last reset.
 *
 * @remarks Since 0.2.0
 */
export interface WriteBehindStats {
  /** Flushes that handed at least one write to the database. */
  flushes: number;
  /** Writes handed to the database by flushes. */
  flushedWrites: number;
  /** The most acknowledged writes not yet committed at the database at once. */
  unflushedMax: number;
  /** Acknowledged writes dropped with their node before the database committed them. */
  writesLost: number;
  /** Flush writes the database failed, tried again one interval later. */
  flushRetries: number;
}

/** One acknowledged write on its way to the database. */
interface Pending {
  op: Operation;
  /** The version the write was acknowledged with. */
  readonly version: number;
  /** True while the database has it. */
  atDatabase: boolean;
}

/** A key's writes not yet committed: the newest version given and how many are outstanding. */
interface KeyLine {
  last: number;
  outstanding: number;
}

/** One node's writes: waiting for a flush, and per key the one sent plus those behind it. */
class NodeQueue {
  queue: Pending[] = [];
  readonly heads = new Map<number, Pending>();
  readonly behind = new Map<number, Pending[]>();
  readonly lines = new Map<number, KeyLine>();
  /** Bumped by each loss, so that a flush write's late answer knows its node was lost. */
  generation = 0;
}

/** A timer callback's shape. */
interface Clock {
  readonly now: number;
  schedule(delayMs: number, fn: () => void): unknown;
}

function zeroStats(unflushed: number): WriteBehindStats {
  return { flushes: 0, flushedWrites: 0, unflushedMax: unflushed, writesLost: 0, flushRetries: 0 };
}

/**
 * The write-behind queues of a cache's nodes.
 *
 * @remarks Since 0.2.0
 */
export class WriteBehind {
  stats: WriteBehindStats = zeroStats(0);
  /** Acknowledged writes the database has not committed (waiting, or at the database). */
  unflushed = 0;
  private readonly queues: NodeQueue[];

  /**
   * @param sim - the clock
   * @param config - flush interval and batch
   * @param nodes - the number of cache nodes
   * @param database - where flushes send writes
   */
  constructor(
    private readonly sim: Clock,
    readonly config: WriteBehindConfig,
    nodes: number,
    private readonly database: Service,
  ) {
    this.queues = Array.from({ length: nodes }, () => new NodeQueue());
  }

  /**
   * Takes `op` into node `node`'s queue and returns the version it is acknowledged
   * with; `committed` is the key's newest version committed at the database.
   */
  accept(op: Operation, node: number, committed: number): number {
    const q = this.queues[node] as NodeQueue;
    let line = q.lines.get(op.key);
    if (line === undefined) {
      line = { last: committed, outstanding: 0 };
      q.lines.set(op.key, line);
    }
    line.last++;
    line.outstanding++;
    q.queue.push({ op: flushOp(op, this.sim.now), version: line.last, atDatabase: false });
    this.unflushed++;
    if (this.unflushed > this.stats.unflushedMax) this.stats.unflushedMax = this.unflushed;
    return line.last;
  }

  /** Whether node `node` holds writes of `key` the database has not committed. */
  pending(node: number, key: number): boolean {
    return (this.queues[node] as NodeQueue).lines.has(key);
  }

  /** Hands up to a batch of node `node`'s oldest waiting writes to the database. */
  flush(node: number): void {
    const q = this.queues[node] as NodeQueue;
    const n = Math.min(this.config.flushBatch, q.queue.length);
    if (n === 0) return;
    const batch = n === q.queue.length ? q.queue : q.queue.slice(0, n);
    q.queue = n === q.queue.length ? [] : q.queue.slice(n);
    this.stats.flushes++;
    this.stats.flushedWrites += n;
    for (const p of batch) {
      const key = p.op.key;
      if (!q.heads.has(key)) {
        this.send(q, p);
        continue;
      }
      const line = q.behind.get(key);
      if (line === undefined) q.behind.set(key, [p]);
      else line.push(p);
    }
  }

  /** Node `node` is lost: every write it has not handed to the database is lost. */
  lose(node: number): void {
    const q = this.queues[node] as NodeQueue;
    q.generation++;
    let lost = q.queue.length;
    q.queue = [];
    for (const waiting of q.behind.values()) lost += waiting.length;
    q.behind.clear();
    for (const [key, head] of q.heads) {
      if (!head.atDatabase) {
        lost++;
        q.heads.delete(key);
      }
    }
    // Only the writes at the database can still commit: the keys' versions restart from them.
    for (const [key, line] of q.lines) {
      const head = q.heads.get(key);
      if (head === undefined) q.lines.delete(key);
      else {
        line.last = head.version;
        line.outstanding = 1;
      }
    }
    this.stats.writesLost += lost;
    this.unflushed -= lost;
  }

  /** Restarts the counters at the warm-up cut. */
  resetStats(): void {
    this.stats = zeroStats(this.unflushed);
  }

  private send(q: NodeQueue, p: Pending): void {
    q.heads.set(p.op.key, p);
    p.atDatabase = true;
    const generation = q.generation;
    const done: Done = () => this.settled(q, p, generation);
    this.database.submit(p.op, done);
  }

  private settled(q: NodeQueue, p: Pending, generation: number): void {
    p.atDatabase = false;
    const key = p.op.key;
    if (p.op.error !== null && generation === q.generation) {
      this.stats.flushRetries++;
      p.op = flushOp(p.op, this.sim.now);
      this.sim.schedule(this.config.flushIntervalMs, () => {
        if (generation === q.generation) this.send(q, p);
      });
      return;
    }
    this.unflushed--;
    if (p.op.error !== null) this.stats.writesLost++;
    const line = q.lines.get(key);
    if (line !== undefined && --line.outstanding === 0) q.lines.delete(key);
    const next = q.behind.get(key)?.shift();
    if (next === undefined) {
      q.heads.delete(key);
      q.behind.delete(key);
    } else this.send(q, next);
  }
}

/** The database's copy of an acknowledged write: the application's own has completed. */
function flushOp(op: Operation, now: number): Operation {
  const copy = new Op(op.id, op.session, "write", op.key, op.statements, now);
  copy.cluster = op.cluster;
  return copy;
}
