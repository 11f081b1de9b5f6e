// Lost writes, from a history alone. One log numbers a cluster's writes by LSN, so
// every write that starts after another completed gets a higher LSN — unless the log
// was cut back: a failover promoted a replica that had not received the tail of the
// old primary's log, and the new primary continues from its own, lower position
// (PostgreSQL starts a new timeline there: docs "Continuous Archiving", 26.3.5
// "Timelines"). A write acknowledged before that is gone. So an acknowledged write
// w is lost when a successful write w' of the same cluster, invoked at or after w
// completed, has w'.lsn <= w.lsn; w' is the witness. Writes never followed by a
// successful write of their cluster cannot be judged: nothing in the history shows
// the cut. O(n log n): writes sorted by invocation, a suffix minimum of their LSNs,
// one binary search per write.
import type { HistoryOp } from "./history.js";
import {
  type CheckOptions,
  type CheckResult,
  eachCluster,
  Findings,
  type HistoryInput,
  hasLsn,
  maxExamplesOf,
  opsOf,
  where,
} from "./sweep.js";

/**
 * Acknowledged writes a later write shows were lost: for each successful write w,
 * a successful write of its cluster invoked at or after w completed whose LSN is at
 * or below w's proves the log was cut back below w (a failover to a replica that
 * had not received it). The witness is the first such write by invocation time.
 * Writes without an LSN are skipped.
 *
 * @param history - the operations to check
 * @param options - how many lost writes to return
 * @remarks Since 0.2.0
 */
export function checkLostWrites(history: HistoryInput, options: CheckOptions = {}): CheckResult {
  const maxExamples = maxExamplesOf(options);
  const all = opsOf(history);
  const findings = new Findings(all, "lost-writes");
  eachCluster(all, (ops, positionOf) => {
    const add = findings.forCluster(positionOf);
    const writes: number[] = [];
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i] as HistoryOp;
      if (op.ok && op.kind === "write" && hasLsn(op)) writes.push(i);
    }
    const at = (k: number): HistoryOp => ops[writes[k] as number] as HistoryOp;
    writes.sort((a, b) => (ops[a] as HistoryOp).invokeMs - (ops[b] as HistoryOp).invokeMs || a - b);
    // suffixMin[k]: the index (in `writes`) of the lowest LSN among writes k … end, the earliest of equals.
    const suffixMin = new Int32Array(writes.length + 1).fill(-1);
    for (let k = writes.length - 1; k >= 0; k--) {
      const next = suffixMin[k + 1] as number;
      suffixMin[k] = next >= 0 && at(next).lsn < at(k).lsn ? next : k;
    }
    for (let k = 0; k < writes.length; k++) {
      const w = at(k);
      const from = firstInvokedAtOrAfter(writes.length, (j) => at(j).invokeMs, w.completeMs);
      const witness = suffixMin[from] as number;
      if (witness < 0 || at(witness).lsn > w.lsn) continue;
      const cut = firstCut(writes.length, from, at, w.lsn);
      const x = at(cut);
      add(
        writes[k] as number,
        writes[cut] as number,
        `${where(w)} was acknowledged at ${w.completeMs} ms with LSN ${w.lsn}, but ${where(x)}, invoked at ${x.invokeMs} ms, committed at LSN ${x.lsn}: the log was cut back below it`,
      );
    }
  });
  return findings.result(maxExamples);
}

/** The first index in [0, n) whose invocation time is at or after `t` (n when none). */
function firstInvokedAtOrAfter(n: number, invokeMs: (j: number) => number, t: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (invokeMs(mid) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first write from `from` on (by invocation) with an LSN at or below `lsn`. */
function firstCut(n: number, from: number, at: (k: number) => HistoryOp, lsn: number): number {
  for (let k = from; k < n; k++) if (at(k).lsn <= lsn) return k;
  return from;
}
