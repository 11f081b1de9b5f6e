// The consistency monitor's per-session LSN bounds (see session-states.ts): three numbers
// per session, read at every invocation and raised at every completion. Workloads number
// their sessions 0, 1, 2, …, so the bounds sit in one array indexed by the session
// (24 bytes each, no hashing, no probing): for read-heavy's 10^4 sessions a 240 KB array
// where a hash table of the sessions held took 800 KB, every lookup a cache miss once it
// outgrew the core's cache. A session outside [0, DIRECT_SESSIONS) (a negative, fractional
// or large id) moves every bound to a hash table (num-table.ts) for the rest of the run,
// so memory stays bounded by the sessions held, whatever the ids. The sessions held are
// also listed, so a compaction walks and a clear resets those, not the whole array: with
// replicas a compaction comes every second and ~1,100 of the 10^4 sessions act in one.
//
// Beside the array, one byte per session says whether it is held (10 KB for 10^4
// sessions, where the bounds take 240 KB). Most lookups are of a session that holds
// nothing (86 % of a read's invocations in the read-heavy plan behind a cache), and the
// byte answers them without loading the session's bounds, a cache miss that a read's
// invocation waited for; a first bound is then stored without that load either.

import { NumTable } from "./num-table.js";

/** How many fields a session has (WRITE_LSN, READ_LSN, READ_VERSION_LSN). */
const FIELDS = 3;
/** The most sessions indexed directly: 1.5 MB of bounds. */
const DIRECT_SESSIONS = 1 << 16;
const NONE = Number.NEGATIVE_INFINITY;

/** @internal session → three LSN bounds, each -Infinity for none; a session is held while one is not. */
export class SessionBounds {
  /** Session s's bounds at `FIELDS * s`, -Infinity for none; null once hashed. */
  private direct: Float64Array | null = new Float64Array(8 * FIELDS).fill(NONE);
  /** The bounds by session once a session id did not fit the direct array. */
  private hashed: NumTable | null = null;
  /** The sessions held, in the order they came (the direct array's only). */
  private held = new Int32Array(8);
  private count = 0;
  /** 1 for a session of the direct array that is held (some bound not none), else 0. */
  private holds = new Uint8Array(8);
  /** After `lowerAtMost`: the least and largest bound kept, and whether a NaN. */
  keptMin = Number.POSITIVE_INFINITY;
  keptMax = Number.NEGATIVE_INFINITY;
  keptNaN = false;

  /** Sessions held. */
  get size(): number {
    return this.count;
  }

  /** One of the session's bounds, or -Infinity. */
  get(session: number, field: number): number {
    const direct = this.direct;
    if (direct !== null) {
      // Only int32 sessions are stored here (1/3 would land on session 0's second field).
      if (session !== (session | 0)) return NONE;
      const holds = this.holds;
      if (session < 0 || session >= holds.length || holds[session] === 0) return NONE;
      return direct[FIELDS * session + field] as number;
    }
    const table = this.hashed as NumTable;
    const at = table.find(session);
    return at < 0 ? NONE : (table.data[at + field] as number);
  }

  /** Raises one of the session's bounds to `lsn` when that is larger; true when it did. */
  raise(session: number, field: number, lsn: number): boolean {
    const direct = this.direct;
    if (direct !== null && session === (session | 0) && session >= 0) {
      const base = FIELDS * session;
      if (base < direct.length) {
        if (this.holds[session] === 0) {
          // Every bound of a session not held is none.
          if (!(lsn > NONE)) return false;
          this.hold(session);
        } else if (!(lsn > (direct[base + field] as number))) return false;
        direct[base + field] = lsn;
        return true;
      }
    }
    return this.raiseSlow(session, field, lsn);
  }

  /**
   * `raise(session, first, a)` then `raise(session, second, b)`, for two different
   * fields, in one step: a session not held stores both without loading its bounds (a
   * load of the line a first store has just missed would wait for it). Returns 1 when
   * `a` was stored, plus 2 when `b` was.
   */
  raiseTwo(session: number, first: number, a: number, second: number, b: number): number {
    const direct = this.direct;
    if (direct !== null && session === (session | 0) && session >= 0) {
      const base = FIELDS * session;
      if (base < direct.length && this.holds[session] === 0) {
        const stored = (a > NONE ? 1 : 0) | (b > NONE ? 2 : 0);
        if (stored === 0) return 0;
        this.hold(session);
        if ((stored & 1) !== 0) direct[base + first] = a;
        if ((stored & 2) !== 0) direct[base + second] = b;
        return stored;
      }
    }
    return (this.raise(session, first, a) ? 1 : 0) | (this.raise(session, second, b) ? 2 : 0);
  }

  /** Removes every session at once. */
  clear(): void {
    if (this.count === 0) return;
    const direct = this.direct;
    if (direct === null) (this.hashed as NumTable).clear();
    // Many held: one sequential fill beats scattered stores.
    else if (this.count * 8 > direct.length / FIELDS) {
      direct.fill(NONE);
      this.holds.fill(0);
    } else {
      for (let i = 0; i < this.count; i++) {
        const session = this.held[i] as number;
        const base = FIELDS * session;
        for (let f = base; f < base + FIELDS; f++) direct[f] = NONE;
        this.holds[session] = 0;
      }
    }
    this.count = 0;
  }

  /**
   * Lowers to -Infinity every bound ≤ `bound` (NaN never is) and forgets the sessions
   * left with none, in one pass; then `keptMin`, `keptMax` and `keptNaN` describe what
   * is left.
   */
  lowerAtMost(bound: number): void {
    const direct = this.direct;
    if (direct === null) {
      const table = this.hashed as NumTable;
      table.lowerAtMost(bound, NONE);
      this.count = table.size;
      this.keptMin = table.keptMin;
      this.keptMax = table.keptMax;
      this.keptNaN = table.keptNaN;
      return;
    }
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let nan = false;
    const list = this.held;
    let kept = 0;
    for (let i = 0; i < this.count; i++) {
      const session = list[i] as number;
      const base = FIELDS * session;
      let any = false;
      for (let at = base; at < base + FIELDS; at++) {
        const value = direct[at] as number;
        if (value === NONE) continue;
        if (value <= bound) {
          direct[at] = NONE;
          continue;
        }
        any = true;
        if (value < min) min = value;
        if (value > max) max = value;
        if (Number.isNaN(value)) nan = true;
      }
      if (any) list[kept++] = session;
      else this.holds[session] = 0;
    }
    this.count = kept;
    this.keptMin = min;
    this.keptMax = max;
    this.keptNaN = nan;
  }

  /** Lists a session that has just got its first bound. */
  private hold(session: number): void {
    if (this.count === this.held.length) {
      const list = new Int32Array(this.count * 2);
      list.set(this.held);
      this.held = list;
    }
    this.held[this.count++] = session;
    this.holds[session] = 1;
  }

  /** `raise` for a session the direct array does not cover yet (or once hashed). */
  private raiseSlow(session: number, field: number, lsn: number): boolean {
    if (this.direct !== null) {
      if (Number.isInteger(session) && session >= 0 && session < DIRECT_SESSIONS) {
        this.growTo(session);
        return this.raise(session, field, lsn);
      }
      this.toHashed();
    }
    const table = this.hashed as NumTable;
    let at = table.find(session);
    if (at >= 0 && !(lsn > (table.data[at + field] as number))) return false;
    if (at < 0) {
      if (!(lsn > NONE)) return false;
      at = table.add(session);
      const data = table.data;
      for (let f = 0; f < FIELDS; f++) data[at + f] = NONE;
      this.count += 1;
    }
    table.data[at + field] = lsn;
    return true;
  }

  /** Doubles the direct array until it covers `session`. */
  private growTo(session: number): void {
    const old = this.direct as Float64Array;
    let sessions = old.length / FIELDS;
    while (sessions <= session) sessions *= 2;
    const direct = new Float64Array(Math.min(sessions, DIRECT_SESSIONS) * FIELDS).fill(NONE);
    direct.set(old);
    this.direct = direct;
    const holds = new Uint8Array(direct.length / FIELDS);
    holds.set(this.holds);
    this.holds = holds;
  }

  /** Moves every held session's bounds into a hash table, for good. */
  private toHashed(): void {
    const direct = this.direct as Float64Array;
    const table = new NumTable(FIELDS);
    for (let i = 0; i < this.count; i++) {
      const session = this.held[i] as number;
      const at = table.add(session);
      for (let f = 0; f < FIELDS; f++) table.data[at + f] = direct[FIELDS * session + f] as number;
    }
    this.direct = null;
    this.hashed = table;
  }
}
