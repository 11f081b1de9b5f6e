// A synthetic stream of operations for the consistency monitor alone, shaped like
// read-heavy's (10^4 sessions, 92 % reads, Zipf-popular keys, two async replicas a
// few dozen commits behind, a compaction every 1,200 operations: once per simulated
// second at 1,200 requests per second). Generated once into typed arrays from a
// seeded alea stream, then replayed into any build's `ConsistencyMonitor` through one
// reused operation object (the monitor keeps no reference to it), so the replay
// times the monitor and nothing else. bench/ab.bench.ts's "monitor" row.
import seedrandom from "seedrandom";

type Dbsim = typeof import("../src/index.js");

const SESSIONS = 10_000;
const KEYS = 1_000_000;
const READ_RATIO = 0.92;
/** Commits a replica is behind the primary at most. */
const LAG = 40;
/** Operations in flight at once (invoked, not yet completed). */
const IN_FLIGHT = 16;
const COMPACT_EVERY = 1_200;

export interface MonitorStream {
  readonly n: number;
  readonly session: Int32Array;
  readonly key: Int32Array;
  readonly isRead: Uint8Array;
  /** The version a read returned, or the version a write made. */
  readonly version: Float64Array;
  /** A read's snapshot LSN, or a write's commit LSN. */
  readonly lsn: Float64Array;
  /** A read: the LSN of the write that made its version. */
  readonly versionLsn: Float64Array;
  /** The primary's newest version of the key when the op was invoked. */
  readonly latest: Float64Array;
}

/** Zipf-like popularity (s near 1) by inverse transform of a log-uniform draw. */
function zipfKey(u: number): number {
  return Math.min(KEYS - 1, Math.floor(Math.exp(u * Math.log(KEYS + 1)) - 1));
}

export function monitorStream(n: number): MonitorStream {
  const rnd = seedrandom.alea("42\u0000monitor");
  const s: MonitorStream = {
    n,
    session: new Int32Array(n),
    key: new Int32Array(n),
    isRead: new Uint8Array(n),
    version: new Float64Array(n),
    lsn: new Float64Array(n),
    versionLsn: new Float64Array(n),
    latest: new Float64Array(n),
  };
  // Per key: the newest version, its LSN, and the one before (what a lagging replica serves).
  const newest = new Float64Array(KEYS);
  const newestLsn = new Float64Array(KEYS);
  const prevLsn = new Float64Array(KEYS);
  let lsn = 0;
  for (let i = 0; i < n; i++) {
    const key = zipfKey(rnd());
    s.session[i] = Math.floor(rnd() * SESSIONS);
    s.key[i] = key;
    s.latest[i] = newest[key] as number;
    if (rnd() < READ_RATIO) {
      const snapshot = Math.max(0, lsn - Math.floor(rnd() * LAG));
      const fresh = (newestLsn[key] as number) <= snapshot;
      s.isRead[i] = 1;
      s.lsn[i] = snapshot;
      s.version[i] = fresh ? (newest[key] as number) : Math.max(0, (newest[key] as number) - 1);
      s.versionLsn[i] = fresh ? (newestLsn[key] as number) : (prevLsn[key] as number);
    } else {
      lsn++;
      prevLsn[key] = newestLsn[key] as number;
      newest[key] = (newest[key] as number) + 1;
      newestLsn[key] = lsn;
      s.version[i] = newest[key] as number;
      s.lsn[i] = lsn;
      s.versionLsn[i] = lsn;
    }
  }
  return s;
}

/**
 * Replays the stream (op i completes when op i + IN_FLIGHT is invoked), compacting to
 * `behind` commits before the newest one written so far (LAG: every replica has applied
 * that far; far more: a cache still serves versions that old); returns the counts.
 */
export function replayMonitor(d: Dbsim, s: MonitorStream, behind = LAG): string {
  const monitor = new d.ConsistencyMonitor();
  const op = {
    id: 0,
    session: 0,
    kind: "read" as "read" | "write",
    key: 0,
    cluster: 0,
    ok: true,
    version: 0,
    lsn: 0,
    versionLsn: 0,
  };
  const set = (i: number): void => {
    op.id = i;
    op.session = s.session[i] as number;
    op.kind = s.isRead[i] === 1 ? "read" : "write";
    op.key = s.key[i] as number;
    op.version = s.version[i] as number;
    op.lsn = s.lsn[i] as number;
    op.versionLsn = s.versionLsn[i] as number;
  };
  for (let i = 0; i < s.n + IN_FLIGHT; i++) {
    const done = i - IN_FLIGHT;
    if (done >= 0) {
      set(done);
      monitor.onComplete(op);
    }
    if (i < s.n) {
      set(i);
      monitor.onInvoke(op, op.kind === "read" ? (s.latest[i] as number) : undefined);
    }
    if (i % COMPACT_EVERY === 0 && i > 0) {
      monitor.compact(Math.max(0, (s.lsn[Math.min(i, s.n - 1)] as number) - behind));
    }
  }
  return JSON.stringify(monitor.counts());
}
