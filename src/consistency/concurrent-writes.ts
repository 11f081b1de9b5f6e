// Conflicts and lost updates of a multi-primary history, from the history alone.
// Each write names its region, its position in that region's stream of changes
// and, per region, how many of that region's changes its own region had seen
// when it committed (a vector clock: Lamport 1978, "Time, Clocks, and the
// Ordering of Events"; Fidge and Mattern 1988). Write a happened before write b
// exactly when b's region had seen a: b.seen[a.region] ≥ a.seq. Two writes of a
// key from different regions conflict when neither happened before the other;
// last writer wins keeps the one with the later commit timestamp (the region
// listed later on a tie), so the other — acknowledged to its client — is
// overwritten by a write made without knowledge of it: a lost update.
// O(n × w) for n writes, w the writes of a key within the window in which a
// write is still unseen somewhere: writes sorted by commit time per key; the
// scan for a write stops once every other region has made a write after seeing it.

/**
 * One write of a multi-primary history.
 *
 * @remarks Since 0.2.0
 */
export interface ConcurrentWrite {
  /** The key written. */
  readonly key: number;
  /** The region (index) whose primary committed it. */
  readonly region: number;
  /** Its commit timestamp (ms): last writer wins compares it. */
  readonly commitMs: number;
  /** Its position in its region's stream of changes, from 1. */
  readonly seq: number;
  /** Per region, how many of that region's changes its region had seen when it committed. */
  readonly seen: readonly number[];
}

/**
 * What {@link checkConcurrentWrites} found.
 *
 * @remarks Since 0.2.0
 */
export interface ConcurrentWritesResult {
  /** Pairs of concurrent writes of a key (each pair once). */
  conflicts: number;
  /** Writes that lost at least one conflict, in the order given. */
  lost: ConcurrentWrite[];
}

/**
 * Counts the conflicts (pairs of concurrent writes of one key from different
 * regions) and the lost updates (writes some concurrent write beats under last
 * writer wins) of a multi-primary history.
 *
 * @param writes - every write of the run, in any order
 * @remarks Since 0.2.0
 */
export function checkConcurrentWrites(writes: readonly ConcurrentWrite[]): ConcurrentWritesResult {
  const regions = writes.reduce((n, w) => Math.max(n, w.region + 1), 0);
  const lost = new Set<ConcurrentWrite>();
  let conflicts = 0;
  for (const list of byKey(writes)) {
    for (let i = 0; i < list.length; i++) {
      const a = list[i] as ConcurrentWrite;
      const after = new Set<number>([a.region]);
      for (let j = i + 1; j < list.length && after.size < regions; j++) {
        const b = list[j] as ConcurrentWrite;
        if (after.has(b.region)) continue;
        if ((b.seen[a.region] ?? 0) >= a.seq) {
          // b's region had seen a: so will each later write of that region.
          after.add(b.region);
          continue;
        }
        if ((a.seen[b.region] ?? 0) >= b.seq) continue;
        conflicts++;
        lost.add(lastWriterWins(a, b) === a ? b : a);
      }
    }
  }
  return { conflicts, lost: writes.filter((w) => lost.has(w)) };
}

/** The writes of each key, by commit time (a region's own in stream order). */
function byKey(writes: readonly ConcurrentWrite[]): ConcurrentWrite[][] {
  const keys = new Map<number, ConcurrentWrite[]>();
  for (const w of writes) {
    const list = keys.get(w.key);
    if (list === undefined) keys.set(w.key, [w]);
    else list.push(w);
  }
  const lists = [...keys.values()];
  for (const list of lists) {
    list.sort((a, b) => a.commitMs - b.commitMs || a.region - b.region || a.seq - b.seq);
  }
  return lists;
}

/**
 * The winner of two writes of a key under last writer wins: the later commit
 * timestamp, the region listed later on a tie (and of one region's, the later in
 * its stream).
 *
 * @remarks Since 0.2.0
 */
export function lastWriterWins(a: ConcurrentWrite, b: ConcurrentWrite): ConcurrentWrite {
  if (a.commitMs !== b.commitMs) return a.commitMs > b.commitMs ? a : b;
  if (a.region !== b.region) return a.region > b.region ? a : b;
  return a.seq > b.seq ? a : b;
}
