// Session guarantees across a resharding's move, for the report's counts. The
// consistency monitor keeps each session's state per shard (versions and LSNs
// of one log), so it never pairs a read on a key's new shard with what the
// session did on the old one. A moved key's versions continue across the move
// (the copy carries them), so comparing versions is enough. Per (session, key)
// of a key the reshard moves, this keeps:
// - the newest version the session wrote before the key switched (on the old
//   shard, or held by the cut-over): a read on the new shard that returns less
//   breaks read your writes. A later write on the new shard is newer and the
//   monitor's to judge, so the entry goes then;
// - the newest version the session read on the old shard: a read on the new
//   shard that returns less breaks monotonic reads (per key, and so over all
//   keys). Once a read on the new shard returns at least that version, the
//   monitor's bound there covers it and the entry goes. The monitor may count
//   the same read for its own reasons; the observers see which (`lastMonotonicRead`)
//   so each read counts once.
// Memory: one entry per (session, moved key) written or read on its old shard
// and not yet superseded on the new one.
import type { Operation } from "../../models/operation.js";

/**
 * @internal What the checks across a move counted, which the monitor (per cluster) cannot pair.
 */
export interface MovedKeyCounts {
  /** Reads on a key's new shard that returned less than their session wrote before the switch. */
  readonly readYourWrites: number;
  /** Reads on a key's new shard that returned less than their session read on its old one. */
  readonly monotonicReads: number;
  /** The id of the read last counted in `monotonicReads`, -1 before any. */
  readonly lastMonotonicRead: number;
}

/** key → session → a version. */
class SessionVersions {
  private readonly keys = new Map<number, Map<number, number>>();

  get(key: number, session: number): number | undefined {
    return this.keys.get(key)?.get(session);
  }

  /** Keeps `version` when newer than the entry. */
  raise(key: number, session: number, version: number): void {
    let sessions = this.keys.get(key);
    if (sessions === undefined) {
      sessions = new Map();
      this.keys.set(key, sessions);
    }
    if (version > (sessions.get(session) ?? -1)) sessions.set(session, version);
  }

  delete(key: number, session: number): void {
    this.keys.get(key)?.delete(session);
  }
}

/** @internal Read-your-writes and monotonic-reads violations across a resharding's move. */
export class MovedKeyChecks implements MovedKeyCounts {
  /** The newest version each session wrote before the key switched. */
  private readonly written = new SessionVersions();
  /** The newest version each session read of the key on its old shard. */
  private readonly read = new SessionVersions();
  private readonly switchedKeys = new Set<number>();
  /** Reads in flight on a switched key: op id → the session's write bound when issued. */
  private readonly bounds = new Map<number, number>();
  /** Reads in flight on a switched key: op id → the session's old-shard read bound when issued. */
  private readonly readBounds = new Map<number, number>();
  /** Writes in flight to a moving key issued before its switch. */
  private readonly early = new Set<number>();
  private ryw = 0;
  private mr = 0;
  private lastMr = -1;

  /** @param sourceOf - the shard a key moves from, -1 for a key that stays */
  constructor(private readonly sourceOf: (key: number) => number) {}

  /** `key` switched to its new shard now. */
  switched(key: number): void {
    this.switchedKeys.add(key);
  }

  /** An operation placed on a single shard is issued now. */
  invoked(op: Operation): void {
    if (this.sourceOf(op.key) < 0) return;
    if (op.kind === "write") {
      if (!this.switchedKeys.has(op.key)) this.early.add(op.id);
      return;
    }
    if (!this.switchedKeys.has(op.key)) return;
    const bound = this.written.get(op.key, op.session);
    if (bound !== undefined) this.bounds.set(op.id, bound);
    const readBound = this.read.get(op.key, op.session);
    if (readBound !== undefined) this.readBounds.set(op.id, readBound);
  }

  /** An operation finished (every one, as the run reports them). */
  completed(op: Operation): void {
    if (op.kind === "read") this.readCompleted(op);
    else this.writeCompleted(op);
  }

  private readCompleted(op: Operation): void {
    // Most reads had no bound (no lookup for them); a read of a key that stays has nothing to keep.
    if (this.bounds.size > 0) {
      const bound = this.bounds.get(op.id);
      if (bound !== undefined) {
        this.bounds.delete(op.id);
        if (op.error === null && bound > op.version) this.ryw++;
      }
    }
    const source = this.sourceOf(op.key);
    if (source < 0 || op.error !== null || op.spans > 1) {
      this.readBounds.delete(op.id);
      return;
    }
    if (op.cluster === source) {
      // Version 0 (a row never written) bounds nothing: no read returns less.
      if (op.version > 0) this.read.raise(op.key, op.session, op.version);
      return;
    }
    const bound = this.readBounds.get(op.id);
    if (bound !== undefined) {
      this.readBounds.delete(op.id);
      if (bound > op.version) {
        this.mr++;
        this.lastMr = op.id;
      }
    }
    // The session has now read on the new shard at least what it read on the old one:
    // the monitor's bound there covers every later read.
    const held = this.read.get(op.key, op.session);
    if (held !== undefined && op.version >= held) this.read.delete(op.key, op.session);
  }

  private writeCompleted(op: Operation): void {
    const early = this.early.delete(op.id);
    if (op.error !== null || this.sourceOf(op.key) < 0) return;
    if (early) this.written.raise(op.key, op.session, op.version);
    else this.written.delete(op.key, op.session);
  }

  /** Reads on a key's new shard that returned less than their session wrote on its old one. */
  get readYourWrites(): number {
    return this.ryw;
  }

  /** Reads on a key's new shard that returned less than their session read on its old one. */
  get monotonicReads(): number {
    return this.mr;
  }

  /** The id of the read last counted in {@link MovedKeyChecks.monotonicReads}, -1 before any. */
  get lastMonotonicRead(): number {
    return this.lastMr;
  }

  /** The warm-up cut: the counts restart, the entries stay. */
  reset(): void {
    this.ryw = 0;
    this.mr = 0;
  }
}
