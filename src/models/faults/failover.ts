// A primary crash and the failover that follows, as an HA manager such as Patroni
// runs it (patroni.readthedocs.io, "Dynamic configuration": the leader key expires
// `ttl` seconds after the primary stopped renewing it, 30 by default, and the
// standbys then race for it): after the detection time the most advanced replica
// (the highest received LSN) is promoted; PostgreSQL's promote first replays every
// record the standby has received (xlogrecovery.c: recovery ends only once the
// startup process has replayed all WAL available), and that replay is downtime;
// then the leader endpoint points at it. Its log continues from its own position
// (a new timeline), so every write the old primary had acknowledged beyond it is
// lost. The log re-points the other replicas at the new primary (Replication.promote).
// The old primary may come back as a replica of the new one (Replication.addOldPrimary,
// wired in scenario/components/failover.ts). Left out: fencing by STONITH.
import type { Simulation } from "../../kernel/index.js";
import type { Operation, Service } from "../operation.js";
import { AckedWrites } from "./acked-writes.js";
import type { NodeGate } from "./node-gate.js";

/**
 * What failover needs of the replication log.
 *
 * @remarks Since 0.2.0
 */
export interface FailoverLog {
  readonly replicaCount: number;
  receivedLsn(i: number): number;
  primaryCrashed(): void;
  promote(i: number, done: (lsn: number) => void): void;
}

/**
 * Settings of one primary crash.
 *
 * @remarks Since 0.2.0
 */
export interface PrimaryCrashConfig {
  /** When the primary crashes (ms). */
  readonly atMs: number;
  /** Crash to the start of the promotion (ms): the HA manager's detection. */
  readonly detectionMs: number;
  /** Promotion done to the endpoint leading to the new primary (ms). */
  readonly routingUpdateMs: number;
  /** Without a replica to promote: when the primary is back (ms after the crash), or never (+∞). */
  readonly forMs: number;
}

/**
 * What became of one primary crash (times in ms, null for what never happened).
 *
 * @remarks Since 0.2.0
 */
export interface FailoverOutcome {
  readonly crashMs: number;
  readonly detectedMs: number | null;
  /** The replica promoted (its index), or −1 (none: no replica). */
  readonly promoted: number;
  /** The LSN the new primary continues from (null before the promotion). */
  readonly promotedLsn: number | null;
  /** When the promoted replica had replayed all it received. */
  readonly promotedMs: number | null;
  /** When writes could go through again (the endpoint switched, or the primary back). */
  readonly endMs: number | null;
  /** The first write acknowledged after the crash: completion time. */
  readonly firstWriteMs: number | null;
  /** Writes acknowledged before the crash whose LSN is beyond the promoted position. */
  readonly lostWrites: number;
  /** The commit instant of the oldest of those, or null. */
  readonly oldestLostCommitMs: number | null;
}

/**
 * Runs one primary crash: the crash, detection, promotion, the endpoint's switch.
 *
 * @remarks Since 0.2.0
 */
export class PrimaryFailover {
  private readonly sim: Simulation;
  private readonly config: PrimaryCrashConfig;
  private readonly gate: NodeGate;
  private readonly log: FailoverLog | null;
  private readonly replicas: readonly Service[];
  private readonly replicaDown: (i: number) => boolean;
  /** Acknowledged writes not yet known to be on every replica. */
  private readonly acked: AckedWrites;
  private crashed = false;
  private detectedMs: number | null = null;
  private promoted = -1;
  private promotedLsn: number | null = null;
  private promotedMs: number | null = null;
  private endMs: number | null = null;
  private firstWriteMs: number | null = null;
  /** Called with the promoted replica's index when the endpoint leads to it. */
  onPromoted: ((replica: number) => void) | null = null;

  /**
   * @param sim - the simulation
   * @param config - when, and how long each step takes
   * @param gate - the primary's endpoint
   * @param log - the replication log, or null without replicas
   * @param replicas - the way in to each replica (the endpoint's next target)
   * @param replicaDown - whether replica `i` is down (crashed) now: it cannot be promoted
   */
  constructor(
    sim: Simulation,
    config: PrimaryCrashConfig,
    gate: NodeGate,
    log: FailoverLog | null,
    replicas: readonly Service[],
    replicaDown: (i: number) => boolean,
  ) {
    this.sim = sim;
    this.config = config;
    this.gate = gate;
    this.log = log;
    this.replicas = replicas;
    this.replicaDown = replicaDown;
    this.acked = new AckedWrites(log, replicaDown);
    gate.onWriteAcked = (op) => this.acknowledged(op);
    sim.at(config.atMs, () => this.crash());
  }

  /** What happened, so far. */
  outcome(): FailoverOutcome {
    const cut = this.promotedLsn;
    const { lost, oldestCommitMs } = this.acked.beyond(cut);
    return {
      crashMs: this.config.atMs,
      detectedMs: this.detectedMs,
      promoted: this.promoted,
      promotedLsn: cut,
      promotedMs: this.promotedMs,
      endMs: this.endMs,
      firstWriteMs: this.firstWriteMs,
      lostWrites: lost,
      oldestLostCommitMs: oldestCommitMs,
    };
  }

  private acknowledged(op: Operation): void {
    if (this.crashed) {
      if (this.firstWriteMs === null) this.firstWriteMs = this.sim.now;
      return;
    }
    this.acked.add(op.lsn, op.commitMs, true);
  }

  private crash(): void {
    this.crashed = true;
    this.gate.crash();
    this.log?.primaryCrashed();
    const log = this.log;
    if (log === null || log.replicaCount === 0) {
      if (this.config.forMs !== Number.POSITIVE_INFINITY) {
        this.sim.schedule(this.config.forMs, () => this.back());
      }
      return;
    }
    this.sim.schedule(this.config.detectionMs, () => this.detect(log));
  }

  /** Without replicas: the primary is back with every write it had (its WAL was flushed). */
  private back(): void {
    this.endMs = this.sim.now;
    this.gate.restoreOriginal();
  }

  private detect(log: FailoverLog): void {
    this.detectedMs = this.sim.now;
    const best = mostAdvanced(log, this.replicaDown);
    if (best < 0) return;
    this.promoted = best;
    log.promote(best, (lsn) => {
      this.promotedLsn = lsn;
      this.promotedMs = this.sim.now;
      this.sim.schedule(this.config.routingUpdateMs, () => {
        this.endMs = this.sim.now;
        this.gate.restore(this.replicas[best] as Service);
        this.onPromoted?.(best);
      });
    });
  }
}

/**
 * The replica to promote: the one with the highest received LSN among those up
 * (the first of equals), or −1 when none is.
 *
 * @remarks Since 0.2.0
 */
export function mostAdvanced(log: FailoverLog, down: (i: number) => boolean): number {
  let best = -1;
  for (let i = 0; i < log.replicaCount; i++) {
    if (down(i)) continue;
    if (best < 0 || log.receivedLsn(i) > log.receivedLsn(best)) best = i;
  }
  return best;
}
