// Offline checkers for the four session guarantees of Terry et al. 1994 ("Session
// Guarantees for Weakly Consistent Replicated Data"), in the history-based form of
// Viotti & Vukolić 2016 ("Consistency in Non-Transactional Distributed Storage
// Systems"): read your writes, monotonic reads (over all keys, from log positions,
// and per key, from versions alone), monotonic writes and writes follow reads, plus
// a staleness measure. They observe a finished history; they never
// steer a run.
//
// "Before" is real time: op a precedes op b when a.completeMs <= b.invokeMs (equal
// instants count as before). Each checker is one sweep over the relevant events
// sorted by (time, completions before invocations, op id, position), keeping per
// session (and key) only the best bound so far, so it runs in O(n log n). Failed
// operations (ok = false) are skipped everywhere. The system model is the one of
// docs/models.md: one primary numbers writes by LSN and versions each key 1, 2, 3 … in
// LSN order; replicas apply the log in LSN order. A sharded history holds several
// such logs, one per cluster: every checker judges each cluster's operations on
// their own (a session's state is per session and cluster) and adds up the findings.

import type { HistoryOp } from "./history.js";
import { measureStaleness, type StalenessResult } from "./staleness.js";
import {
  type Adder,
  type CheckOptions,
  type CheckResult,
  eachCluster,
  Findings,
  type HistoryInput,
  hasLsn,
  maxExamplesOf,
  opsOf,
  PairMap,
  sweepEvents,
  where,
} from "./sweep.js";

export type { StalenessResult } from "./staleness.js";
export { measureStaleness } from "./staleness.js";
export type { CheckOptions, CheckResult, HistoryInput, Violation } from "./sweep.js";

/**
 * Options for {@link checkMonotonicWrites}: which of its two parts to check.
 *
 * @remarks Since 0.1.0
 */
export interface MonotonicWritesOptions extends CheckOptions {
  /**
   * "session-order" (a session's writes get increasing LSNs), "log-prefix" (every
   * read sees exactly a prefix of the log) or "both" (default).
   */
  parts?: "both" | "session-order" | "log-prefix";
}

/**
 * The results of every checker over one history.
 *
 * @remarks Since 0.1.0
 */
export interface CheckAllResult {
  /** True when all four guarantees hold. */
  ok: boolean;
  /** See {@link checkReadYourWrites}. */
  readYourWrites: CheckResult;
  /** See {@link checkMonotonicReads}: over all keys of a session (Terry et al.'s definition). */
  monotonicReads: CheckResult;
  /**
   * See {@link checkMonotonicReadsPerKey}: the weaker per-key form, which needs
   * versions only (for black-box histories).
   *
   * @remarks Since 0.2.0
   */
  monotonicReadsPerKey: CheckResult;
  /** See {@link checkMonotonicWrites} (both parts). */
  monotonicWrites: CheckResult;
  /** See {@link checkWritesFollowReads}. */
  writesFollowReads: CheckResult;
  /** See {@link measureStaleness}. */
  staleness: StalenessResult;
}

/**
 * Read your writes: a read r breaks it when a write w of the same session and key
 * that completed at or before r was invoked (`w.completeMs <= r.invokeMs`) created a
 * newer version than r returned (`w.version > r.version`). The witness is the newest
 * such write (largest version). Other sessions' and other clusters' writes do not count.
 *
 * @param history - the operations to check
 * @param options - how many violations to return
 * @remarks Since 0.1.0
 */
export function checkReadYourWrites(
  history: HistoryInput,
  options: CheckOptions = {},
): CheckResult {
  const maxExamples = maxExamplesOf(options);
  const all = opsOf(history);
  const findings = new Findings(all, "read-your-writes");
  eachCluster(all, (ops, positionOf) => sweepReadYourWrites(ops, findings.forCluster(positionOf)));
  return findings.result(maxExamples);
}

/** Read your writes over one cluster's operations. */
function sweepReadYourWrites(ops: readonly HistoryOp[], add: Adder): void {
  const newest = new PairMap<number>();
  const events = sweepEvents(
    ops,
    (op) => op.kind === "write",
    (op) => op.kind === "read",
  );
  for (const event of events) {
    const i = event >> 1;
    const op = ops[i]!;
    const best = newest.get(op.session, op.key);
    if ((event & 1) === 0) {
      if (best === undefined || op.version > ops[best]!.version) newest.set(op.session, op.key, i);
    } else if (best !== undefined && ops[best]!.version > op.version) {
      const w = ops[best]!;
      add(
        i,
        best,
        `${where(op)} invoked at ${op.invokeMs} ms returned version ${op.version} at ` +
          `snapshot LSN ${op.lsn}, but ${where(w)} of the same session created version ` +
          `${w.version} at LSN ${w.lsn} and completed at ${w.completeMs} ms`,
      );
    }
  }
}

/**
 * Monotonic reads, per key: a read r breaks it when an earlier read r0 of the same
 * session and key (`r0.completeMs <= r.invokeMs`) returned a newer version
 * (`r0.version > r.version`). The witness is the earlier read with the largest
 * version. It needs versions only, so it suits black-box histories with no log
 * positions; it misses a session that reads a newer state and then an older one on
 * another key, which {@link checkMonotonicReads} catches.
 *
 * @param history - the operations to check
 * @param options - how many violations to return
 * @remarks Since 0.2.0 (this was `checkMonotonicReads` in 0.1.0)
 */
export function checkMonotonicReadsPerKey(
  history: HistoryInput,
  options: CheckOptions = {},
): CheckResult {
  const maxExamples = maxExamplesOf(options);
  const all = opsOf(history);
  const findings = new Findings(all, "monotonic-reads-per-key");
  eachCluster(all, (ops, positionOf) => {
    const add = findings.forCluster(positionOf);
    sweepPerKeyReads(ops, (i, best) => add(i, best, perKeyMessage(ops, i, best)));
  });
  return findings.result(maxExamples);
}

/** Calls `found(read, witness)` for every per-key monotonic-reads violation. */
function sweepPerKeyReads(
  ops: readonly HistoryOp[],
  found: (read: number, witness: number) => void,
): void {
  const newest = new PairMap<number>();
  const isRead = (op: HistoryOp) => op.kind === "read";
  for (const event of sweepEvents(ops, isRead, isRead)) {
    const i = event >> 1;
    const op = ops[i]!;
    const best = newest.get(op.session, op.key);
    if ((event & 1) === 0) {
      if (best === undefined || op.version > ops[best]!.version) newest.set(op.session, op.key, i);
    } else if (best !== undefined && ops[best]!.version > op.version) {
      // A read that completes at its own invocation instant may be `best` here, but
      // then no earlier read is newer than it and the test above fails: no self-match.
      found(i, best);
    }
  }
}

function perKeyMessage(ops: readonly HistoryOp[], i: number, best: number): string {
  const op = ops[i]!;
  const r0 = ops[best]!;
  return (
    `${where(op)} invoked at ${op.invokeMs} ms returned version ${op.version} at ` +
    `snapshot LSN ${op.lsn}, older than version ${r0.version} that ${where(r0)} ` +
    `returned at snapshot LSN ${r0.lsn} and completed at ${r0.completeMs} ms`
  );
}

/**
 * The commit LSN of the version each read returned: its `versionLsn` when known, else
 * that of the write in the history that created the version (0 for version 0), else NaN.
 */
function versionLsnsOf(ops: readonly HistoryOp[]): Float64Array {
  const creator = new PairMap<number>();
  for (const op of ops) {
    if (!(op.ok && op.kind === "write" && hasLsn(op))) continue;
    const known = creator.get(op.key, op.version);
    if (known === undefined || op.lsn < known) creator.set(op.key, op.version, op.lsn);
  }
  const out = new Float64Array(ops.length).fill(Number.NaN);
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (!(op.ok && op.kind === "read")) continue;
    const own = op.versionLsn ?? Number.NaN;
    if (Number.isFinite(own)) out[i] = own;
    else if (op.version === 0) out[i] = 0;
    else out[i] = creator.get(op.key, op.version) ?? Number.NaN;
  }
  return out;
}

/**
 * Monotonic reads (Terry et al. 1994): if read r0 precedes read r in a session
 * (`r0.completeMs <= r.invokeMs`), r must be served by a state that holds every write
 * r0 observed — its RelevantWrites — on any key. On a log-shipped system a node's state
 * is the log prefix up to its applied LSN, and the writes r0 observed are those up to
 * the write that created the version it returned, so r breaks the guarantee when
 *
 * - its snapshot LSN is below the largest version LSN among the session's earlier
 *   reads (`r.lsn < max r0.versionLsn`), on any key; or
 * - an earlier read of the same key returned a newer version (the per-key form of
 *   {@link checkMonotonicReadsPerKey}, which needs no positions).
 *
 * A read's version LSN is its `versionLsn`, or else the LSN of the write in the
 * history that created the version (0 for version 0). Reads with no snapshot LSN are
 * judged by the per-key part only and counted in `unchecked`; earlier reads whose
 * version LSN cannot be found add no bound. Each read is counted once; the witness is
 * the earlier read with the largest version LSN (or, for the per-key part alone, the
 * newest version). Positions are compared within a cluster only: reads of another
 * cluster, of the same session, neither bound nor witness.
 *
 * @param history - the operations to check
 * @param options - how many violations to return
 * @remarks Since 0.1.0 (per key only before 0.2.0; that check is now {@link checkMonotonicReadsPerKey})
 */
export function checkMonotonicReads(
  history: HistoryInput,
  options: CheckOptions = {},
): CheckResult {
  const maxExamples = maxExamplesOf(options);
  const all = opsOf(history);
  const findings = new Findings(all, "monotonic-reads");
  let unchecked = 0;
  eachCluster(all, (ops, positionOf) => {
    unchecked += sweepMonotonicReads(ops, findings.forCluster(positionOf));
  });
  return { ...findings.result(maxExamples), unchecked };
}

/**
 * Monotonic reads over one cluster's operations; returns the reads it could judge
 * per key only.
 */
function sweepMonotonicReads(ops: readonly HistoryOp[], add: Adder): number {
  const versionLsns = versionLsnsOf(ops);
  const flagged = new Uint8Array(ops.length);
  // The two largest version LSNs per session, by position: a read that completes at
  // its own invocation instant is swept before it is invoked, and must not witness
  // itself (it can exceed its own snapshot only in a history that breaks the log
  // prefix, which monotonic writes reports).
  const top = new Map<number, { first: number; second: number }>();
  let unchecked = 0;
  const isRead = (op: HistoryOp) => op.kind === "read";
  for (const event of sweepEvents(ops, isRead, isRead)) {
    const i = event >> 1;
    const op = ops[i]!;
    const best = top.get(op.session);
    if ((event & 1) === 0) {
      const mine = versionLsns[i]!;
      if (Number.isNaN(mine)) continue;
      if (best === undefined) top.set(op.session, { first: i, second: -1 });
      else if (mine > versionLsns[best.first]!) {
        best.second = best.first;
        best.first = i;
      } else if (best.second < 0 || mine > versionLsns[best.second]!) best.second = i;
      continue;
    }
    if (!hasLsn(op)) {
      unchecked += 1;
      continue;
    }
    if (best === undefined) continue;
    const j = best.first === i ? best.second : best.first;
    if (j < 0 || !(versionLsns[j]! > op.lsn)) continue;
    const r0 = ops[j]!;
    flagged[i] = 1;
    add(
      i,
      j,
      `${where(op)} invoked at ${op.invokeMs} ms read at snapshot LSN ${op.lsn}, which ` +
        `lacks the write at LSN ${versionLsns[j]} that ${where(r0)} observed (it ` +
        `returned version ${r0.version} of key ${r0.key} and completed at ${r0.completeMs} ms)`,
    );
  }
  sweepPerKeyReads(ops, (i, best) => {
    if (flagged[i] === 1) return;
    flagged[i] = 1;
    add(i, best, perKeyMessage(ops, i, best));
  });
  return unchecked;
}

/** Part (a) of monotonic writes: a session's writes take increasing LSNs. */
function checkSessionWriteOrder(ops: readonly HistoryOp[], add: Adder): void {
  // The two largest LSNs per session, by position: a write that completes at its own
  // invocation instant is swept before it is invoked, and must not witness itself.
  const top = new Map<number, { first: number; second: number }>();
  const isWrite = (op: HistoryOp) => op.kind === "write" && hasLsn(op);
  for (const event of sweepEvents(ops, isWrite, isWrite)) {
    const i = event >> 1;
    const op = ops[i]!;
    const best = top.get(op.session);
    if ((event & 1) === 0) {
      if (best === undefined) top.set(op.session, { first: i, second: -1 });
      else if (op.lsn > ops[best.first]!.lsn) {
        best.second = best.first;
        best.first = i;
      } else if (best.second < 0 || op.lsn > ops[best.second]!.lsn) best.second = i;
      continue;
    }
    if (best === undefined) continue;
    const j = best.first === i ? best.second : best.first;
    if (j < 0 || ops[j]!.lsn < op.lsn) continue;
    const w1 = ops[j]!;
    add(
      i,
      j,
      `${where(op)} invoked at ${op.invokeMs} ms created version ${op.version} at LSN ` +
        `${op.lsn}, not after ${where(w1)} of the same session, which created version ` +
        `${w1.version} at LSN ${w1.lsn} and completed at ${w1.completeMs} ms`,
    );
  }
}

/** Part (b) of monotonic writes: every read returns its key as of its snapshot LSN. */
function checkLogPrefix(ops: readonly HistoryOp[], add: Adder): void {
  // Per key: positions of successful writes with an LSN, sorted by LSN; and the
  // write that created each version.
  const writesByKey = new Map<number, number[]>();
  const creator = new PairMap<number>();
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (!(op.ok && op.kind === "write" && hasLsn(op))) continue;
    let list = writesByKey.get(op.key);
    if (list === undefined) {
      list = [];
      writesByKey.set(op.key, list);
    }
    list.push(i);
    const known = creator.get(op.key, op.version);
    if (known === undefined || op.lsn < ops[known]!.lsn) creator.set(op.key, op.version, i);
  }
  for (const list of writesByKey.values()) {
    list.sort((a, b) => ops[a]!.lsn - ops[b]!.lsn || ops[a]!.id - ops[b]!.id || a - b);
  }
  for (let i = 0; i < ops.length; i++) {
    const r = ops[i]!;
    if (!(r.ok && r.kind === "read" && hasLsn(r) && r.lsn >= 0)) continue;
    const head =
      `${where(r)} invoked at ${r.invokeMs} ms read at snapshot LSN ${r.lsn} and ` +
      `returned version ${r.version}`;
    // It saw a write its snapshot does not include.
    const made = r.version > 0 ? creator.get(r.key, r.version) : undefined;
    if (made !== undefined && ops[made]!.lsn > r.lsn) {
      const w = ops[made]!;
      add(
        i,
        made,
        `${head}, but ${where(w)} created that version at LSN ${w.lsn}, after the ` +
          `snapshot (committed at ${w.commitMs} ms)`,
      );
      continue;
    }
    // It missed a write its snapshot includes: the last write to the key at or below
    // the snapshot LSN created a newer version than it returned. (A write absent from
    // the history — say, before a warm-up cut — is never assumed.)
    const list = writesByKey.get(r.key);
    if (list === undefined) continue;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ops[list[mid]!]!.lsn <= r.lsn) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) continue;
    const last = list[lo - 1]!;
    const w = ops[last]!;
    if (w.version > r.version) {
      add(
        i,
        last,
        `${head}, but ${where(w)} created version ${w.version} at LSN ${w.lsn}, within the ` +
          `snapshot (committed at ${w.commitMs} ms)`,
      );
    }
  }
}

/**
 * Monotonic writes: a session's writes become visible everywhere in session order.
 * Checked in two parts:
 *
 * (a) session order — for writes w1, w2 of one session with `w1.completeMs <=
 * w2.invokeMs`, `w2.lsn > w1.lsn`; the witness is the earlier write with the largest LSN.
 *
 * (b) log prefix — every successful read with a known snapshot LSN L ≥ 0 returns
 * exactly the version of its key as of L: the version of the last write to the key
 * with LSN ≤ L (or 0). The witness is the write that should not have been visible
 * (it created the version returned, past L) or that should have been (the last write
 * at or below L, newer than what was returned).
 *
 * Why (b) is the observable form of MW on a log-shipped system: a node makes writes
 * visible by applying the primary's log in LSN order, so what a node shows is the
 * log prefix up to its applied LSN. If (a) holds, a session's later write has the
 * larger LSN, so any prefix that holds it holds the earlier one too — MW holds
 * exactly when every read sees a prefix. A read that sees a later write but not an
 * earlier one is a read of a non-prefix, which is how a broken MW shows in a
 * history. (b) checks the prefix for every pair of writes, not only same-session
 * pairs: it tests the mechanism MW rests on. Writes absent from the history are
 * never assumed, so a history cut at the warm-up is judged only on what it holds.
 *
 * @param history - the operations to check
 * @param options - how many violations to return, and which parts to check
 * @remarks Since 0.1.0
 */
export function checkMonotonicWrites(
  history: HistoryInput,
  options: MonotonicWritesOptions = {},
): CheckResult {
  const maxExamples = maxExamplesOf(options);
  const parts = options.parts ?? "both";
  if (parts !== "both" && parts !== "session-order" && parts !== "log-prefix") {
    throw new RangeError(
      `parts must be "both", "session-order" or "log-prefix", got ${JSON.stringify(parts)}`,
    );
  }
  const all = opsOf(history);
  const findings = new Findings(all, "monotonic-writes");
  eachCluster(all, (ops, positionOf) => {
    const add = findings.forCluster(positionOf);
    if (parts !== "log-prefix") checkSessionWriteOrder(ops, add);
    if (parts !== "session-order") checkLogPrefix(ops, add);
  });
  return findings.result(maxExamples);
}

/**
 * Writes follow reads: a write w of session s breaks it when a read r of s that
 * completed at or before w was invoked (`r.completeMs <= w.invokeMs`) had a snapshot
 * LSN at or above w's commit LSN (`w.lsn <= r.lsn`): w is not ordered after everything
 * r observed. The witness is the earlier read with the largest snapshot LSN. Reads
 * and writes without an LSN are skipped.
 *
 * @param history - the operations to check
 * @param options - how many violations to return
 * @remarks Since 0.1.0
 */
export function checkWritesFollowReads(
  history: HistoryInput,
  options: CheckOptions = {},
): CheckResult {
  const maxExamples = maxExamplesOf(options);
  const all = opsOf(history);
  const findings = new Findings(all, "writes-follow-reads");
  eachCluster(all, (ops, positionOf) =>
    sweepWritesFollowReads(ops, findings.forCluster(positionOf)),
  );
  return findings.result(maxExamples);
}

/** Writes follow reads over one cluster's operations. */
function sweepWritesFollowReads(ops: readonly HistoryOp[], add: Adder): void {
  const newest = new Map<number, number>();
  const events = sweepEvents(
    ops,
    (op) => op.kind === "read" && hasLsn(op),
    (op) => op.kind === "write" && hasLsn(op),
  );
  for (const event of events) {
    const i = event >> 1;
    const op = ops[i]!;
    const best = newest.get(op.session);
    if ((event & 1) === 0) {
      if (best === undefined || op.lsn > ops[best]!.lsn) newest.set(op.session, i);
    } else if (best !== undefined && ops[best]!.lsn >= op.lsn) {
      const r = ops[best]!;
      add(
        i,
        best,
        `${where(op)} invoked at ${op.invokeMs} ms created version ${op.version} at LSN ` +
          `${op.lsn}, not after ${where(r)} of the same session, which returned version ` +
          `${r.version} at snapshot LSN ${r.lsn} and completed at ${r.completeMs} ms`,
      );
    }
  }
}

/**
 * Runs every checker (monotonic reads over all keys and per key, monotonic writes
 * with both parts) and the staleness measure. `ok` is over the four guarantees (the
 * per-key monotonic-reads check is implied by the full one).
 *
 * @param history - the operations to check
 * @param options - how many violations each checker returns
 * @remarks Since 0.1.0
 */
export function checkAll(history: HistoryInput, options: CheckOptions = {}): CheckAllResult {
  const ops = opsOf(history);
  const readYourWrites = checkReadYourWrites(ops, options);
  const monotonicReads = checkMonotonicReads(ops, options);
  const monotonicReadsPerKey = checkMonotonicReadsPerKey(ops, options);
  const monotonicWrites = checkMonotonicWrites(ops, options);
  const writesFollowReads = checkWritesFollowReads(ops, options);
  return {
    ok: readYourWrites.ok && monotonicReads.ok && monotonicWrites.ok && writesFollowReads.ok,
    readYourWrites,
    monotonicReads,
    monotonicReadsPerKey,
    monotonicWrites,
    writesFollowReads,
    staleness: measureStaleness(ops),
  };
}
