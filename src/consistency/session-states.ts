// What the sessions of one cluster have completed, reduced to the bounds the consistency
// monitor's checks need (see monitor.ts), in three flat tables shared by every session
// rather than one object per session: the newest version written and read per
// (session, key) in hash tables (num-table.ts), where a session that holds nothing
// takes no room, and per session the largest LSN of its writes, of its reads'
// snapshots and of the versions its reads returned (session-bounds.ts: an array
// indexed by the session). Compaction allocates nothing.
//
// Compaction without a scan in the two cases a run mostly meets. Each table keeps the
// least and the largest LSN it may hold (widened as entries are set, made exact by each
// scan) and whether it may hold a NaN. A bound below the least removes nothing, so
// the table is left as it is: behind a cache the bound often stays put for seconds
// while a stale entry is served. A bound at or above the largest, with no NaN held,
// removes everything, so the table is cleared at once: with replicas a second's
// entries have mostly reached every node by the next compaction. Only a bound in
// between walks the table. Either shortcut leaves exactly what the walk would.

import { NumTable } from "./num-table.js";
import { SessionBounds } from "./session-bounds.js";

// A per-key entry's values: a version and the LSN that makes it safe to forget.
const VERSION = 0;
const LSN = 1;

/** Largest LSN of the session's writes (MW). */
export const WRITE_LSN = 0;
/** Largest snapshot LSN of its reads (WFR). */
export const READ_LSN = 1;
/** Largest LSN of a version its reads returned (MR over all keys). */
export const READ_VERSION_LSN = 2;

const NONE = Number.NEGATIVE_INFINITY;

/** @internal One cluster's session states. */
export class SessionStates {
  /** (session, key) → newest version written [VERSION, LSN] (RYW). */
  private readonly writes = new NumTable(2);
  /** (session, key) → newest version read [VERSION, LSN] (MR). */
  private readonly reads = new NumTable(2);
  /** session → [WRITE_LSN, READ_LSN, READ_VERSION_LSN], -Infinity for none; held while one is finite. */
  private readonly bounds = new SessionBounds();
  /** What each table may hold: the least and largest LSN set, and whether a NaN. */
  private readonly writeSpan = new Span();
  private readonly readSpan = new Span();
  private readonly boundSpan = new Span();
  /**
   * The last compaction's LSN (-Infinity before any, and after a fork). A session's LSN
   * bound at or below it can never be violated (monitor.ts's header: every read issued
   * since has a snapshot at least that, every write commits above it), so it is not
   * stored: a read that returns a version written long ago (a cache's cold key) would
   * otherwise hold the bounds table's least LSN below every later compaction's and
   * make each of them walk the table only to lower it again.
   */
  private floor = NONE;
  /**
   * Whether the log forked. From then on an LSN may name a write of either branch: a
   * cache may still serve a version of the lost one, whose LSN the new timeline's
   * compaction point can pass while no node of the new timeline holds it. A read's
   * entry then goes by its snapshot alone, as it did before the version's LSN was used.
   */
  private forked = false;

  /** The newest version the session wrote of the key, or 0. */
  writtenVersion(session: number, key: number): number {
    return versionOf(this.writes, session, key);
  }

  /** The newest version the session read of the key, or 0. */
  readVersion(session: number, key: number): number {
    return versionOf(this.reads, session, key);
  }

  /** One of the session's LSN bounds (WRITE_LSN, READ_LSN, READ_VERSION_LSN), or -Infinity. */
  bound(session: number, field: number): number {
    return this.bounds.get(session, field);
  }

  /** A completed write: its version of the key, when newer. */
  wrote(session: number, key: number, version: number, lsn: number): void {
    if (improve(this.writes, session, key, version, lsn)) this.writeSpan.note(lsn);
  }

  /**
   * A completed read: the version it returned, when newer. The entry is safe to forget
   * once every node holds that version, i.e. at the LSN of the write that made it
   * (`versionLsn`), which is at most the read's snapshot `lsn`: the read-your-writes
   * argument of monitor.ts's header, for the write the read observed. Either LSN will
   * do, the lesser drops the entry sooner; NaN for an unknown one (the snapshot's is
   * used then, and a NaN snapshot keeps the entry). At or below the last compaction's
   * point the version is already everywhere, so no later read can return less: the
   * entry is not stored, and an entry of the key it supersedes (an older or the same
   * version) is dropped as it would have been at the next compaction.
   */
  read(session: number, key: number, version: number, lsn: number, versionLsn: number): void {
    if (this.forked) {
      if (improve(this.reads, session, key, version, lsn)) this.readSpan.note(lsn);
      return;
    }
    const safeAt = versionLsn < lsn ? versionLsn : lsn;
    if (safeAt <= this.floor) {
      const at = this.reads.find(session, key);
      if (at >= 0 && !((this.reads.data[at + VERSION] as number) > version))
        this.reads.removeAt(at);
      return;
    }
    if (improve(this.reads, session, key, version, safeAt)) this.readSpan.note(safeAt);
  }

  /** Raises one of the session's LSN bounds to `lsn` (a NaN or smaller `lsn` changes nothing). */
  raise(session: number, field: number, lsn: number): void {
    if (lsn > this.floor && this.bounds.raise(session, field, lsn)) this.boundSpan.note(lsn);
  }

  /**
   * A completed read's two bounds: as `raise(READ_LSN, snapshotLsn)` then
   * `raise(READ_VERSION_LSN, versionLsn)`.
   */
  raiseRead(session: number, snapshotLsn: number, versionLsn: number): void {
    const floor = this.floor;
    const stored = this.bounds.raiseTwo(
      session,
      READ_LSN,
      snapshotLsn > floor ? snapshotLsn : NONE,
      READ_VERSION_LSN,
      versionLsn > floor ? versionLsn : NONE,
    );
    if ((stored & 1) !== 0) this.boundSpan.note(snapshotLsn);
    if ((stored & 2) !== 0) this.boundSpan.note(versionLsn);
  }

  /** Forgets every entry and bound whose LSN is ≤ `lsn` (NaN ones never). */
  compact(lsn: number): void {
    if (this.writeSpan.needsWalk(this.writes, lsn)) {
      this.writes.removeWhereAtMost(LSN, lsn);
      this.writeSpan.walked(this.writes);
    }
    if (this.readSpan.needsWalk(this.reads, lsn)) {
      this.reads.removeWhereAtMost(LSN, lsn);
      this.readSpan.walked(this.reads);
    }
    if (this.boundSpan.needsWalk(this.bounds, lsn)) {
      this.bounds.lowerAtMost(lsn);
      this.boundSpan.walked(this.bounds);
    }
    this.floor = lsn;
  }

  /**
   * The log forked at `lsn` (a failover: the new primary continues from there): a
   * per-key entry beyond it holds a version of the lost branch, which no node of the
   * new timeline holds, so no later compaction point says it is safe to forget. Its
   * LSN becomes NaN (never dropped) until the session writes or reads a newer version.
   * The LSN bounds stay: a later operation's LSN on the new timeline is compared with
   * them as with any other, and once the compaction point passes them no later one
   * can fall at or below them.
   */
  fork(lsn: number): void {
    // The new timeline's LSNs are not ordered with the old one's compaction point.
    this.floor = NONE;
    this.forked = true;
    if (this.writes.setWhereAbove(LSN, lsn, Number.NaN) > 0) this.writeSpan.note(Number.NaN);
    if (this.reads.setWhereAbove(LSN, lsn, Number.NaN) > 0) this.readSpan.note(Number.NaN);
  }

  /** One per (session, key) written or read, plus one per session with an LSN bound. */
  get entries(): number {
    return this.writes.size + this.reads.size + this.bounds.size;
  }
}

function versionOf(table: NumTable, session: number, key: number): number {
  const at = table.find(session, key);
  return at < 0 ? 0 : (table.data[at + VERSION] as number);
}

/** Keeps the newer version; at equal versions, one with an LSN over one without. True when it stored `lsn`. */
function improve(
  table: NumTable,
  session: number,
  key: number,
  version: number,
  lsn: number,
): boolean {
  const held = table.size;
  const at = table.insert(session, key);
  const data = table.data;
  if (table.size !== held) {
    data[at + VERSION] = version;
    data[at + LSN] = lsn;
    return true;
  }
  const old = data[at + VERSION] as number;
  if (version > old || (version === old && Number.isNaN(data[at + LSN]))) {
    data[at + VERSION] = version;
    data[at + LSN] = lsn;
    return true;
  }
  return false;
}

/** What a compaction needs of a table: its size, a clear, and what its last walk kept. */
interface Compactable {
  readonly size: number;
  clear(): void;
  readonly keptMin: number;
  readonly keptMax: number;
  readonly keptNaN: boolean;
}

/**
 * Bounds on the LSNs a table holds: every one is in [min, max] or NaN (and then `nan`).
 * Widened on every store, never narrowed but by a walk or a clear, so it stays a
 * bound when entries are overwritten or removed.
 */
class Span {
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  nan = false;

  note(lsn: number): void {
    if (lsn < this.min) this.min = lsn;
    if (lsn > this.max) this.max = lsn;
    if (Number.isNaN(lsn)) this.nan = true;
  }

  /**
   * Compacts `table` to `lsn` when that needs no walk (see the file's header): true
   * when the caller must walk it.
   */
  needsWalk(table: Compactable, lsn: number): boolean {
    if (table.size === 0 || lsn < this.min) return false;
    if (lsn >= this.max && !this.nan) {
      table.clear();
      this.min = Number.POSITIVE_INFINITY;
      this.max = Number.NEGATIVE_INFINITY;
      return false;
    }
    return true;
  }

  /** After a walk of `table`: the exact bounds of what it kept. */
  walked(table: Compactable): void {
    this.min = table.keptMin;
    this.max = table.keptMax;
    this.nan = table.keptNaN;
  }
}
