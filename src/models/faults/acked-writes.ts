// The acknowledged writes a failover may lose: those committed on the old
// primary that not every replica up has received. Shared by the plain failover
// and the one behind ProxySQL, which count lost writes the same way.
import type { FailoverLog } from "./failover.js";

/** Past this many pairs, the writes every replica has received are dropped. */
const PRUNE_AT = 4096;

/** @internal What a promotion at a given LSN loses of the writes kept. */
export interface LostBeyond {
  /** Acknowledged writes beyond the promoted position. */
  readonly lost: number;
  /** The earliest commit among them (the RPO's start), or null with none. */
  readonly oldestCommitMs: number | null;
}

/** @internal Acknowledged writes as (LSN, commit time) pairs, pruned of what every replica up has. */
export class AckedWrites {
  private pairs: number[] = [];

  /**
   * @param log - the replication log, or null without replicas (nothing is pruned)
   * @param down - whether replica `i` is down now: it is not waited for
   */
  constructor(
    private readonly log: FailoverLog | null,
    private readonly down: (i: number) => boolean,
  ) {}

  /** One acknowledged write; `prune` false once the primary has crashed (the replicas' positions then decide the loss). */
  add(lsn: number, commitMs: number, prune: boolean): void {
    this.pairs.push(lsn, commitMs);
    if (prune && this.pairs.length > PRUNE_AT) this.forgetReplicated();
  }

  /** The writes beyond `cut` (the promoted replica's position); none without a promotion. */
  beyond(cut: number | null): LostBeyond {
    let lost = 0;
    let oldest: number | null = null;
    if (cut === null) return { lost, oldestCommitMs: oldest };
    const pairs = this.pairs;
    for (let i = 0; i < pairs.length; i += 2) {
      if ((pairs[i] as number) <= cut) continue;
      lost++;
      const commit = pairs[i + 1] as number;
      if (oldest === null || commit < oldest) oldest = commit;
    }
    return { lost, oldestCommitMs: oldest };
  }

  /**
   * Drops the writes every replica up now has received: they are in every
   * promotion's branch, so they can never be lost. A replica down now (crashed
   * for good, most likely) is not waited for; with none up, every pair is kept.
   */
  private forgetReplicated(): void {
    const log = this.log;
    if (log === null) return;
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < log.replicaCount; i++) {
      if (!this.down(i)) min = Math.min(min, log.receivedLsn(i));
    }
    if (min === Number.POSITIVE_INFINITY) return;
    const kept: number[] = [];
    for (let i = 0; i < this.pairs.length; i += 2) {
      const lsn = this.pairs[i] as number;
      if (lsn > min) kept.push(lsn, this.pairs[i + 1] as number);
    }
    this.pairs = kept;
  }
}
