// Read your writes across a resharding's move, for the report's counts. The
// consistency monitor keeps each session's state per shard (versions and LSNs
// of one log), so it never pairs a read on a key's new shard with the session's
// write on the old one. A moved key's versions continue across the move (the
// copy carries them), so comparing versions is enough: this keeps, per
// (session, key) of a key the reshard moves, the newest version the session
// wrote before the key switched (on the old shard, or held by the cut-over and
// unjudged), and counts a read on the new shard that returns less. A write the
// session makes on the new shard afterwards is newer and is the monitor's to
// judge, so the entry goes then (nothing is counted twice). Memory: one entry
// per (session, moved key) written before its switch and not since.
import type { Operation } from "../../models/operation.js";

/** @internal Read-your-writes violations across a resharding's move. */
export class MovedKeyChecks {
  /** key → session → the newest version it wrote before the key switched. */
  private readonly written = new Map<number, Map<number, number>>();
  private readonly switchedKeys = new Set<number>();
  /** Reads in flight on a switched key: op id → the session's bound when issued. */
  private readonly bounds = new Map<number, number>();
  /** Writes in flight to a moving key issued before its switch. */
  private readonly early = new Set<number>();
  private violations = 0;

  /** @param moves - whether the reshard moves `key` */
  constructor(private readonly moves: (key: number) => boolean) {}

  /** `key` switched to its new shard now. */
  switched(key: number): void {
    this.switchedKeys.add(key);
  }

  /** An operation placed on a single shard is issued now. */
  invoked(op: Operation): void {
    if (!this.moves(op.key)) return;
    if (op.kind === "write") {
      if (!this.switchedKeys.has(op.key)) this.early.add(op.id);
      return;
    }
    if (!this.switchedKeys.has(op.key)) return;
    const bound = this.written.get(op.key)?.get(op.session);
    if (bound !== undefined) this.bounds.set(op.id, bound);
  }

  /** An operation finished (every one, as the run reports them). */
  completed(op: Operation): void {
    if (op.kind === "read") {
      // Most reads never had a bound: no lookup for them.
      if (this.bounds.size === 0) return;
      const bound = this.bounds.get(op.id);
      if (bound === undefined) return;
      this.bounds.delete(op.id);
      if (op.error === null && bound > op.version) this.violations++;
      return;
    }
    const early = this.early.delete(op.id);
    if (op.error !== null || !this.moves(op.key)) return;
    let sessions = this.written.get(op.key);
    if (!early) {
      sessions?.delete(op.session);
      return;
    }
    if (sessions === undefined) {
      sessions = new Map();
      this.written.set(op.key, sessions);
    }
    if (op.version > (sessions.get(op.session) ?? 0)) sessions.set(op.session, op.version);
  }

  /** Reads on a key's new shard that returned less than their session wrote on its old one. */
  get readYourWrites(): number {
    return this.violations;
  }

  /** The warm-up cut: the count restarts, the entries stay. */
  reset(): void {
    this.violations = 0;
  }
}
