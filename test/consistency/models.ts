// Test helpers: builders for hand-made histories, and two tiny reference systems that
// generate histories — a single node that applies each operation at one instant
// inside its interval (linearizable, so every session guarantee holds), and a
// primary with two lagging replicas (so reads can be stale and break RYW and MR).
import { fc } from "@fast-check/vitest";
import type { HistoryOp } from "../../src/consistency/history.js";

/** A successful write: commits at `commitMs` (default: its completion), on the primary of cluster 0. */
export function write(
  id: number,
  session: number,
  key: number,
  invokeMs: number,
  completeMs: number,
  version: number,
  lsn: number,
  extra: Partial<HistoryOp> = {},
): HistoryOp {
  return {
    id,
    session,
    kind: "write",
    key,
    invokeMs,
    completeMs,
    ok: true,
    version,
    lsn,
    versionLsn: lsn,
    commitMs: completeMs,
    cluster: 0,
    node: "primary",
    ...extra,
  };
}

/**
 * A successful read served by "replica-1" at snapshot `lsn`; the LSN of the version it
 * returned is unknown (NaN) unless `extra` gives it.
 */
export function read(
  id: number,
  session: number,
  key: number,
  invokeMs: number,
  completeMs: number,
  version: number,
  lsn: number,
  extra: Partial<HistoryOp> = {},
): HistoryOp {
  return {
    id,
    session,
    kind: "read",
    key,
    invokeMs,
    completeMs,
    ok: true,
    version,
    lsn,
    versionLsn: Number.NaN,
    commitMs: Number.NaN,
    cluster: 0,
    node: "replica-1",
    ...extra,
  };
}

/** What a generated operation asks for, before a system serves it. */
export interface OpSpec {
  session: number;
  isWrite: boolean;
  key: number;
  invokeMs: number;
  /** ≥ 1: every operation takes time. */
  durationMs: number;
  /** In [0, 1]: where in its interval it executes. */
  at: number;
  /** 0 = primary, 1 and 2 = replicas (reads only; the lagging system). */
  node: number;
  fails: boolean;
  /** Writes in the lagging system: > 0 acks before commit (write-behind), committing this long after the ack. */
  flushDelayMs: number;
}

/**
 * Operation specs with small integer times, so equal instants are common. `at` is
 * strictly inside the interval when `inside` (the linearizable system needs it).
 */
export function opSpecs(maxLength: number, inside: boolean): fc.Arbitrary<OpSpec[]> {
  return fc.array(
    fc.record({
      session: fc.integer({ min: 0, max: 3 }),
      isWrite: fc.boolean(),
      key: fc.integer({ min: 0, max: 2 }),
      invokeMs: fc.integer({ min: 0, max: 60 }),
      durationMs: fc.integer({ min: 1, max: 8 }),
      at: inside ? fc.constantFrom(0.25, 0.5, 0.75) : fc.constantFrom(0, 0.25, 0.5, 1),
      node: fc.integer({ min: 0, max: 2 }),
      fails: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
      flushDelayMs: fc.oneof(
        { weight: 4, arbitrary: fc.constant(0) },
        { weight: 1, arbitrary: fc.integer({ min: 1, max: 10 }) },
      ),
    }),
    { maxLength, size: "max" },
  );
}

function failed(spec: OpSpec, id: number): HistoryOp {
  // Garbage outcome fields: the checkers must ignore failed operations entirely.
  return {
    id,
    session: spec.session,
    kind: spec.isWrite ? "write" : "read",
    key: spec.key,
    invokeMs: spec.invokeMs,
    completeMs: spec.invokeMs + spec.durationMs,
    ok: false,
    version: 77,
    lsn: spec.isWrite ? Number.NaN : 0,
    commitMs: Number.NaN,
    node: "primary",
  };
}

/** Serves ops at their instants in (instant, id) order; returns them indexed by id. */
function serve(
  specs: readonly OpSpec[],
  instantOf: (spec: OpSpec) => number,
  apply: (spec: OpSpec, id: number, instant: number) => HistoryOp,
): HistoryOp[] {
  const ops = specs.map((spec, id) => failed(spec, id));
  const order = specs
    .map((_, id) => id)
    .filter((id) => !specs[id]!.fails)
    .sort((a, b) => instantOf(specs[a]!) - instantOf(specs[b]!) || a - b);
  for (const id of order) ops[id] = apply(specs[id]!, id, instantOf(specs[id]!));
  return ops;
}

/**
 * The linearizable reference: one node applies each operation at an instant strictly
 * inside its interval. Every session guarantee holds and no read is stale.
 */
export function linearizableHistory(specs: readonly OpSpec[]): HistoryOp[] {
  let lsn = 0;
  const versions = new Map<number, number>();
  const versionLsns = new Map<number, number>();
  return serve(
    specs,
    (spec) => spec.invokeMs + spec.at * spec.durationMs,
    (spec, id, instant) => {
      const base = {
        id,
        session: spec.session,
        key: spec.key,
        invokeMs: spec.invokeMs,
        completeMs: spec.invokeMs + spec.durationMs,
        ok: true,
        node: "primary",
      };
      if (spec.isWrite) {
        lsn += 1;
        const version = (versions.get(spec.key) ?? 0) + 1;
        versions.set(spec.key, version);
        versionLsns.set(spec.key, lsn);
        return { ...base, kind: "write", version, lsn, versionLsn: lsn, commitMs: instant };
      }
      const version = versions.get(spec.key) ?? 0;
      const versionLsn = versionLsns.get(spec.key) ?? 0;
      return { ...base, kind: "read", version, lsn, versionLsn, commitMs: Number.NaN };
    },
  );
}

/** A run of the lagging system: its history and the replicas' applied LSNs over time. */
export interface LaggingRun {
  ops: HistoryOp[];
  /** The minimum applied LSN across the replicas at `t` (the primary is never behind them). */
  minAppliedLsnAt(t: number): number;
}

/** Replica apply delays (ms, ≥ 1 so a record is never applied at its commit instant). */
export const applyDelays = fc.array(fc.integer({ min: 1, max: 15 }), {
  minLength: 1,
  maxLength: 16,
});

/** Largest n with sorted[n - 1] <= t (the count of entries at or before t). */
function countAtOrBefore(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A primary and two replicas applying its log in LSN order after random delays.
 * Writes execute (or, write-behind, commit after their ack) at the primary; reads
 * execute on the node the spec names and return the version it holds there.
 */
export function laggingHistory(specs: readonly OpSpec[], delays: readonly number[]): LaggingRun {
  const replicas = 2;
  /** applyMs[j][n - 1]: when replica j applied LSN n (non-decreasing in n). */
  const applyMs: number[][] = [[], []];
  /** Per key: the versions' LSNs, in order (version v has LSN lsnsOf[key][v - 1]). */
  const lsnsOf = new Map<number, number[]>();
  let lsn = 0;
  const completeOf = (spec: OpSpec) => spec.invokeMs + spec.durationMs;
  const ops = serve(
    specs,
    (spec) =>
      spec.isWrite && spec.flushDelayMs > 0
        ? completeOf(spec) + spec.flushDelayMs
        : spec.invokeMs + spec.at * spec.durationMs,
    (spec, id, instant) => {
      const base = {
        id,
        session: spec.session,
        key: spec.key,
        invokeMs: spec.invokeMs,
        completeMs: completeOf(spec),
        ok: true,
      };
      let lsns = lsnsOf.get(spec.key);
      if (lsns === undefined) {
        lsns = [];
        lsnsOf.set(spec.key, lsns);
      }
      if (spec.isWrite) {
        lsn += 1;
        lsns.push(lsn);
        for (let j = 0; j < replicas; j++) {
          const applied = applyMs[j]!;
          const delay = delays[(2 * lsn + j) % delays.length]!;
          applied.push(Math.max(instant + delay, applied[applied.length - 1] ?? 0));
        }
        return {
          ...base,
          kind: "write",
          version: lsns.length,
          lsn,
          versionLsn: lsn,
          commitMs: instant,
          node: "primary",
        };
      }
      const snapshot = spec.node === 0 ? lsn : countAtOrBefore(applyMs[spec.node - 1]!, instant);
      const version = countAtOrBefore(lsns, snapshot);
      return {
        ...base,
        kind: "read",
        version,
        lsn: snapshot,
        versionLsn: version === 0 ? 0 : lsns[version - 1]!,
        commitMs: Number.NaN,
        node: spec.node === 0 ? "primary" : `replica-${spec.node}`,
      };
    },
  );
  return {
    ops,
    minAppliedLsnAt: (t) => Math.min(...applyMs.map((applied) => countAtOrBefore(applied, t))),
  };
}

/** The events of a history in the order the offline checkers sweep them. */
export interface FeedEvent {
  timeMs: number;
  phase: "complete" | "invoke";
  op: HistoryOp;
}

/** Invocations and completions by time, completions first at equal times, then by id. */
export function feedOrder(ops: readonly HistoryOp[]): FeedEvent[] {
  const events: FeedEvent[] = [];
  for (const op of ops) {
    events.push({ timeMs: op.invokeMs, phase: "invoke", op });
    events.push({ timeMs: op.completeMs, phase: "complete", op });
  }
  const rank = (e: FeedEvent) => (e.phase === "complete" ? 0 : 1);
  return events.sort((a, b) => a.timeMs - b.timeMs || rank(a) - rank(b) || a.op.id - b.op.id);
}

/**
 * The newest acknowledged version of `key` at `t`: the largest among ok writes
 * completed at or before t (what a read issued at t is stale against).
 */
export function ackedVersionAt(ops: readonly HistoryOp[], key: number, t: number): number {
  let version = 0;
  for (const op of ops) {
    if (op.ok && op.kind === "write" && op.key === key && op.completeMs <= t) {
      version = Math.max(version, op.version);
    }
  }
  return version;
}
