// What every offline checker shares: the result types, the time-ordered sweep over
// a history, the violation collector, and the split of a history by cluster.
//
// Versions and log positions (LSNs) belong to one cluster's log — a shard has its
// own primary, numbering its own writes — so a checker judges each cluster's
// operations on their own and adds up what it finds. A session that works on two
// shards is two independent sessions as far as ordering by LSN goes; comparing
// positions of different logs would report violations that did not happen.

import type { History, HistoryOp } from "./history.js";

/**
 * A history to check: a {@link History} or an array of operations.
 *
 * @remarks Since 0.1.0
 */
export type HistoryInput = History | readonly HistoryOp[];

/**
 * One operation that breaks a guarantee and the operation that shows it.
 *
 * @remarks Since 0.1.0
 */
export interface Violation {
  /** The operation that broke the guarantee. */
  op: HistoryOp;
  /** The earlier operation it conflicts with. */
  witness: HistoryOp;
  /** Both operations, the key, the versions or LSNs and the times, in words. */
  message: string;
}

/**
 * What a checker found.
 *
 * @remarks Since 0.1.0
 */
export interface CheckResult {
  /** "read-your-writes", "monotonic-reads", "monotonic-writes" or "writes-follow-reads". */
  guarantee: string;
  /** True when no operation broke the guarantee. */
  ok: boolean;
  /** Number of operations that broke it (each counted once). */
  count: number;
  /** The first `maxExamples` violations by op id (then by position in the history). */
  violations: Violation[];
  /**
   * Successful reads this checker could not judge in full for lack of log positions
   * (set by `checkMonotonicReads` only: reads with no snapshot LSN, which it
   * checks per key only). 0 when every read carried what the check needs.
   *
   * @remarks Since 0.2.0
   */
  unchecked?: number;
}

/**
 * Options for every checker.
 *
 * @remarks Since 0.1.0
 */
export interface CheckOptions {
  /** The most violations returned (all are counted). Default 100. */
  maxExamples?: number;
}

const DEFAULT_MAX_EXAMPLES = 100;

/** The operations of a history input, as an array. */
export function opsOf(input: HistoryInput): readonly HistoryOp[] {
  // Not `instanceof History`: under require(), dbsim and dbsim/testing each load
  // their own copy of the class.
  if (Array.isArray(input)) return input;
  return (input as History).toArray();
}

/** The validated `maxExamples` option. */
export function maxExamplesOf(options: CheckOptions): number {
  const max = options.maxExamples ?? DEFAULT_MAX_EXAMPLES;
  if (!(Number.isSafeInteger(max) && max >= 0)) {
    throw new RangeError(`maxExamples must be a non-negative integer, got ${max}`);
  }
  return max;
}

/** Whether the operation carries a log position. */
export function hasLsn(op: HistoryOp): boolean {
  return Number.isFinite(op.lsn);
}

/**
 * Calls `visit` once per cluster, in cluster order, with that cluster's operations
 * in history order and a map from their index there to their position in `ops`.
 * A history of one cluster (every unsharded run) is visited as it is, uncopied.
 */
export function eachCluster(
  ops: readonly HistoryOp[],
  visit: (part: readonly HistoryOp[], positionOf: (index: number) => number) => void,
): void {
  const first = ops[0]?.cluster ?? 0;
  let single = true;
  for (const op of ops) {
    if ((op.cluster ?? 0) !== first) {
      single = false;
      break;
    }
  }
  if (single) {
    visit(ops, (index) => index);
    return;
  }
  const positions = new Map<number, number[]>();
  ops.forEach((op, position) => {
    const cluster = op.cluster ?? 0;
    const list = positions.get(cluster);
    if (list === undefined) positions.set(cluster, [position]);
    else list.push(position);
  });
  for (const cluster of [...positions.keys()].sort((a, b) => a - b)) {
    const list = positions.get(cluster)!;
    visit(
      list.map((position) => ops[position]!),
      (index) => list[index]!,
    );
  }
}

/**
 * The events of a sweep, sorted: each is `2 * position + phase`, where phase 0 is a
 * completion (at `completionTime(op)`) and phase 1 an invocation (at `invokeMs`).
 * Order: time, then completions before invocations, then op id, then position.
 */
export function sweepEvents(
  ops: readonly HistoryOp[],
  completes: (op: HistoryOp) => boolean,
  invokes: (op: HistoryOp) => boolean,
  completionTime: (op: HistoryOp) => number = (op) => op.completeMs,
): number[] {
  const events: number[] = [];
  const times: number[] = [];
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (!op.ok) continue;
    if (completes(op)) {
      events.push(2 * i);
      times.push(completionTime(op));
    }
    if (invokes(op)) {
      events.push(2 * i + 1);
      times.push(op.invokeMs);
    }
  }
  const order = events.map((_, j) => j);
  order.sort((a, b) => {
    const ea = events[a]!;
    const eb = events[b]!;
    return (
      times[a]! - times[b]! || (ea & 1) - (eb & 1) || ops[ea >> 1]!.id - ops[eb >> 1]!.id || ea - eb
    );
  });
  return order.map((j) => events[j]!);
}

/** A map keyed by two numbers (session, key), exact for any numbers. */
export class PairMap<V> {
  private readonly outer = new Map<number, Map<number, V>>();

  get(a: number, b: number): V | undefined {
    return this.outer.get(a)?.get(b);
  }

  set(a: number, b: number, value: V): void {
    let inner = this.outer.get(a);
    if (inner === undefined) {
      inner = new Map();
      this.outer.set(a, inner);
    }
    inner.set(b, value);
  }
}

/**
 * Collects violations as positions in the whole history; keeps them all, reports
 * the first by op id.
 */
export class Findings {
  private readonly found: { op: number; witness: number; message: string }[] = [];

  constructor(
    private readonly ops: readonly HistoryOp[],
    private readonly guarantee: string,
  ) {}

  add(op: number, witness: number, message: string): void {
    this.found.push({ op, witness, message });
  }

  /**
   * An adder for one cluster's operations (see {@link eachCluster}): takes their
   * indices there and records their positions in the whole history.
   */
  forCluster(positionOf: (index: number) => number): Adder {
    return (op, witness, message) => this.add(positionOf(op), positionOf(witness), message);
  }

  result(maxExamples: number): CheckResult {
    const ops = this.ops;
    const sorted = this.found.sort((a, b) => ops[a.op]!.id - ops[b.op]!.id || a.op - b.op);
    return {
      guarantee: this.guarantee,
      ok: sorted.length === 0,
      count: sorted.length,
      violations: sorted.slice(0, maxExamples).map((v) => ({
        op: ops[v.op]!,
        witness: ops[v.witness]!,
        message: v.message,
      })),
    };
  }
}

/** Records a violation by the indices of the operation and its witness. */
export type Adder = (op: number, witness: number, message: string) => void;

/** The operation in words, for a message: its cluster is named when not 0. */
export function where(op: HistoryOp): string {
  const cluster = op.cluster ?? 0;
  const shard = cluster === 0 ? "" : `, cluster ${cluster}`;
  return `${op.kind} ${op.id} (session ${op.session}${shard}, key ${op.key}, node ${op.node})`;
}
