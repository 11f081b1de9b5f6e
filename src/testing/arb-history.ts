// Arbitraries for operation histories, for people testing their own
// consistency checkers.
import type { Arbitrary } from "fast-check";
import type { HistoryOp } from "../consistency/index.js";
import { decimal } from "./arb-fields.js";
import { fc } from "./fast-check.js";

const UINT32_MAX = 0xffffffff;

/**
 * Arbitrary single operations that a `History` accepts: ids, sessions and keys are
 * 32-bit unsigned integers, `completeMs ≥ invokeMs`, a successful write has a version
 * and an LSN ≥ 1 (its version LSN too) and commits inside its interval, a read has no
 * commit time and an LSN and version LSN that may be unknown (NaN), and a failed
 * operation carries version 0 and no LSNs. The cluster is 0 or any in [0, 65 535].
 * Nothing relates one operation to another; use {@link arbHistory} for whole histories.
 *
 * @remarks Since 0.1.0
 */
export function arbHistoryOp(): Arbitrary<HistoryOp> {
  return fc
    .record({
      id: fc.integer({ min: 0, max: UINT32_MAX }),
      session: fc.integer({ min: 0, max: UINT32_MAX }),
      kind: fc.constantFrom("read" as const, "write" as const),
      key: fc.integer({ min: 0, max: UINT32_MAX }),
      invokeMs: decimal(0, 1e6),
      durationMs: decimal(0, 1000),
      commitAt: fc.double({ min: 0, max: 1, noNaN: true }),
      ok: fc.boolean(),
      version: fc.integer({ min: 1, max: UINT32_MAX }),
      lsn: fc.integer({ min: 1, max: UINT32_MAX }),
      readVersion: fc.integer({ min: 0, max: UINT32_MAX }),
      readLsn: fc.oneof(fc.integer({ min: 0, max: UINT32_MAX }), fc.constant(Number.NaN)),
      readVersionLsn: fc.oneof(fc.integer({ min: 0, max: UINT32_MAX }), fc.constant(Number.NaN)),
      cluster: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })),
      node: fc.oneof(fc.constantFrom("primary", "replica-1", "replica-2"), fc.string()),
    })
    .map((r): HistoryOp => {
      const completeMs = r.invokeMs + r.durationMs;
      const base = {
        id: r.id,
        session: r.session,
        kind: r.kind,
        key: r.key,
        invokeMs: r.invokeMs,
        completeMs,
        ok: r.ok,
        cluster: r.cluster,
        node: r.node,
      };
      const unknown = Number.NaN;
      if (!r.ok) {
        return { ...base, version: 0, lsn: unknown, versionLsn: unknown, commitMs: unknown };
      }
      if (r.kind === "read") {
        return {
          ...base,
          version: r.readVersion,
          lsn: r.readLsn,
          versionLsn: r.readVersionLsn,
          commitMs: unknown,
        };
      }
      const commitMs = Math.min(completeMs, r.invokeMs + r.commitAt * r.durationMs);
      return { ...base, version: r.version, lsn: r.lsn, versionLsn: r.lsn, commitMs };
    });
}

/**
 * What {@link arbHistory} generates.
 *
 * @remarks Since 0.1.0
 */
export interface ArbHistoryOptions {
  /** Most operations (default 40). */
  readonly maxOps?: number;
  /** Sessions 0 … n − 1 (default 3). */
  readonly sessions?: number;
  /** Keys 0 … n − 1 (default 4); few keys make conflicts likely. */
  readonly keys?: number;
  /** Replicas "replica-1" … that reads may be served by (default 2; 0 = only the primary). */
  readonly replicas?: number;
  /** Whether some operations fail (default true). */
  readonly failures?: boolean;
}

/** One operation before the system serves it. */
interface OpDraft {
  session: number;
  isWrite: boolean;
  key: number;
  gapMs: number;
  durationMs: number;
  /** Where in its interval it executes (commits, or reads), in whole ms from invocation. */
  at: number;
  /** 0 = primary, i = replica-i (reads only). */
  node: number;
  fails: boolean;
  idGap: number;
  /** For a write: how long after commit each replica applies it (before order is enforced). */
  applyDelays: number[];
}

/**
 * Arbitrary well-formed histories of a primary with lagging replicas, in the system
 * model of the checkers: operations have unique ids (increasing with invocation, with
 * gaps), integer ms times with `completeMs ≥ invokeMs` (zero-length operations and
 * equal instants are common), and each executes at one instant inside its interval.
 * Successful writes run on "primary" and get LSNs 1, 2, 3 … in commit order (ties by
 * id), and versions 1, 2, 3 … per key in LSN order; `commitMs` is the commit instant.
 * Each replica applies the log in LSN order, record j at
 * `max(commit_j + delay, when it applied record j − 1)`. A successful read's `lsn` is
 * its node's applied LSN when it executed (the primary holds every commit before it),
 * its `version` is its key's version as of that LSN and its `versionLsn` the LSN of
 * the write that created that version (0 for version 0), so every read sees a log
 * prefix and the history keeps monotonic writes and writes-follow-reads, while reads
 * from replicas may break read-your-writes and monotonic reads. Failed operations have
 * version 0, no LSNs (NaN) and no commit time; a write's `versionLsn` is its LSN. All
 * run on cluster 0. Operations are listed in completion order (ties by id), as a
 * recorder would see them.
 *
 * @param options - sizes; see {@link ArbHistoryOptions}
 * @throws RangeError when a size is not a non-negative integer (sessions and keys ≥ 1)
 * @remarks Since 0.1.0
 */
export function arbHistory(options: ArbHistoryOptions = {}): Arbitrary<HistoryOp[]> {
  const maxOps = options.maxOps ?? 40;
  const sessions = options.sessions ?? 3;
  const keys = options.keys ?? 4;
  const replicas = options.replicas ?? 2;
  const failures = options.failures ?? true;
  for (const [name, value, min] of [
    ["maxOps", maxOps, 0],
    ["sessions", sessions, 1],
    ["keys", keys, 1],
    ["replicas", replicas, 0],
  ] as const) {
    if (!(Number.isSafeInteger(value) && value >= min)) {
      throw new RangeError(`arbHistory: ${name} must be an integer ≥ ${min}, got ${value}`);
    }
  }
  const draft: Arbitrary<OpDraft> = fc
    .record({
      session: fc.integer({ min: 0, max: sessions - 1 }),
      isWrite: fc.boolean(),
      key: fc.integer({ min: 0, max: keys - 1 }),
      gapMs: fc.integer({ min: 0, max: 4 }),
      durationMs: fc.integer({ min: 1, max: 8 }),
      atShare: fc.integer({ min: 0, max: 8 }),
      node: fc.integer({ min: 0, max: replicas }),
      fails: failures ? fc.integer({ min: 0, max: 9 }).map((n) => n === 0) : fc.constant(false),
      idGap: fc.integer({ min: 1, max: 3 }),
      applyDelays: fc.array(fc.integer({ min: 0, max: 20 }), {
        minLength: replicas,
        maxLength: replicas,
      }),
    })
    .map(({ atShare, ...d }) => ({ ...d, at: Math.min(atShare, d.durationMs) }));
  return fc
    .array(draft, { maxLength: maxOps, size: "max" })
    .map((drafts) => serve(drafts, replicas));
}

/** Runs drafted operations against a primary and lagging replicas; see {@link arbHistory}. */
function serve(drafts: readonly OpDraft[], replicas: number): HistoryOp[] {
  let t = 0;
  let id = 0;
  const ops: HistoryOp[] = drafts.map((d) => {
    t += d.gapMs;
    id += d.idGap;
    return {
      id,
      session: d.session,
      kind: d.isWrite ? "write" : "read",
      key: d.key,
      invokeMs: t,
      completeMs: t + d.durationMs,
      ok: !d.fails,
      version: 0,
      lsn: Number.NaN,
      versionLsn: Number.NaN,
      commitMs: Number.NaN,
      cluster: 0,
      node: d.isWrite || d.node === 0 ? "primary" : `replica-${d.node}`,
    };
  });
  // Execution instants, in (time, id) order: ids increase with position.
  const order = ops.map((_, i) => i).filter((i) => ops[i]!.ok);
  const execAt = (i: number): number => ops[i]!.invokeMs + drafts[i]!.at;
  order.sort((a, b) => execAt(a) - execAt(b) || a - b);
  // Writes first: LSNs, versions, and when each replica applies them.
  const versions = new Map<number, number>();
  const log: { key: number; version: number }[] = [];
  const applied: number[][] = Array.from({ length: replicas }, () => []);
  for (const i of order) {
    const op = ops[i]!;
    if (op.kind !== "write") continue;
    const version = (versions.get(op.key) ?? 0) + 1;
    versions.set(op.key, version);
    log.push({ key: op.key, version });
    op.version = version;
    op.lsn = log.length;
    op.versionLsn = op.lsn;
    op.commitMs = execAt(i);
    applied.forEach((times, r) => {
      const previous = times.length > 0 ? times[times.length - 1]! : 0;
      times.push(Math.max(previous, op.commitMs + drafts[i]!.applyDelays[r]!));
    });
  }
  // Then reads, sweeping the same order: the primary's LSN is the writes before it.
  let primaryLsn = 0;
  for (const i of order) {
    const op = ops[i]!;
    if (op.kind === "write") {
      primaryLsn = op.lsn;
      continue;
    }
    const node = drafts[i]!.node;
    let snapshot = primaryLsn;
    if (node > 0) {
      const times = applied[node - 1]!;
      let n = 0;
      while (n < primaryLsn && times[n]! <= execAt(i)) n++;
      snapshot = n;
    }
    let version = 0;
    let versionLsn = 0;
    for (let j = snapshot - 1; j >= 0; j--) {
      const record = log[j]!;
      if (record.key === op.key) {
        version = record.version;
        versionLsn = j + 1;
        break;
      }
    }
    op.lsn = snapshot;
    op.version = version;
    op.versionLsn = versionLsn;
  }
  return ops
    .map((op, i) => ({ op, i }))
    .sort((a, b) => a.op.completeMs - b.op.completeMs || a.i - b.i)
    .map(({ op }) => op);
}
