// One primary crash behind ProxySQL. The HA manager (Orchestrator, MHA, Patroni
// for MySQL) detects the crash and promotes the most advanced replica as the
// unproxied failover does (models/faults/failover.ts), and clears read_only on
// it; ProxySQL knows nothing of that until its read_only monitor reads the new
// value (models/proxy/read-only-monitor.ts) and copies the server into the
// writer hostgroup. Meanwhile the dead primary is shunned (its connection
// errors shun it at once under load: mysql-shun_on_failures, 5 a second), so
// writes wait in ProxySQL for a writer, each at most
// mysql-connect_timeout_server_max from its start (MySQL_Session::
// handler_again___status_CONNECTING_SERVER: error 9001 after it), and the
// statements in flight on the dead primary fail.
import type { Simulation } from "../../kernel/index.js";
import { AckedWrites } from "../../models/faults/acked-writes.js";
import { type FailoverLog, mostAdvanced } from "../../models/faults/failover.js";
import type { Operation } from "../../models/operation.js";
import type { ProxyBackends } from "./component.js";

/** @internal When a primary crash behind ProxySQL happens, and how long detection takes. */
export interface ProxyCrashConfig {
  readonly atMs: number;
  readonly detectionMs: number;
}

/** @internal What became of it (times in ms, null for what never happened). */
export interface ProxyFailoverOutcome {
  readonly detectedMs: number | null;
  /** The replica promoted (its index), or −1. */
  readonly promoted: number;
  readonly promotedLsn: number | null;
  readonly promotedMs: number | null;
  /** The read_only poll that put the new primary into the writer hostgroup. */
  readonly writerMs: number | null;
  readonly firstWriteMs: number | null;
  readonly lostWrites: number;
  readonly oldestLostCommitMs: number | null;
  /** Operations failed from the crash on, by error kind. */
  readonly errors: Readonly<Record<string, number>>;
}

/** @internal Runs one primary crash behind ProxySQL and counts what it cost. */
export class ProxyPrimaryFailover {
  private readonly sim: Simulation;
  private readonly config: ProxyCrashConfig;
  private readonly proxy: ProxyBackends;
  private readonly log: FailoverLog;
  private readonly replicaDown: (i: number) => boolean;
  /** Acknowledged writes committed on the old primary and not known to be on every replica. */
  private readonly acked: AckedWrites;
  private crashed = false;
  private detectedMs: number | null = null;
  private promoted = -1;
  private promotedLsn: number | null = null;
  private promotedMs: number | null = null;
  private writerMs: number | null = null;
  private firstWriteMs: number | null = null;
  private readonly errors = new Map<string, number>();

  /**
   * @param replicaDown - whether replica `i` is down (crashed) now: it is neither
   *   promoted nor waited for
   */
  constructor(
    sim: Simulation,
    config: ProxyCrashConfig,
    proxy: ProxyBackends,
    log: FailoverLog,
    replicaDown: (i: number) => boolean,
  ) {
    this.sim = sim;
    this.config = config;
    this.proxy = proxy;
    this.log = log;
    this.replicaDown = replicaDown;
    this.acked = new AckedWrites(log, replicaDown);
    sim.at(config.atMs, () => this.crash());
  }

  /** Told of every operation the application got an answer for. */
  answered(op: Operation): void {
    if (op.error !== null) {
      if (this.crashed) this.errors.set(op.error, (this.errors.get(op.error) ?? 0) + 1);
      return;
    }
    if (op.kind !== "write") return;
    // Committed on the old primary (acknowledged before the crash, or on its way back through ProxySQL).
    if (!this.crashed || op.commitMs < this.config.atMs) {
      this.acked.add(op.lsn, op.commitMs, !this.crashed);
      return;
    }
    if (this.firstWriteMs === null) this.firstWriteMs = this.sim.now;
  }

  outcome(): ProxyFailoverOutcome {
    const cut = this.promotedLsn;
    const { lost, oldestCommitMs } = this.acked.beyond(cut);
    const errors: Record<string, number> = {};
    for (const kind of [...this.errors.keys()].sort()) errors[kind] = this.errors.get(kind) ?? 0;
    return {
      detectedMs: this.detectedMs,
      promoted: this.promoted,
      promotedLsn: cut,
      promotedMs: this.promotedMs,
      writerMs: this.writerMs,
      firstWriteMs: this.firstWriteMs,
      lostWrites: lost,
      oldestLostCommitMs: oldestCommitMs,
      errors,
    };
  }

  private crash(): void {
    this.crashed = true;
    const primary = this.proxy.gates[0];
    if (primary === undefined) throw new Error("ProxySQL has no backend to crash");
    primary.crash();
    this.proxy.model.backendDown(primary);
    this.log.primaryCrashed();
    this.sim.schedule(this.config.detectionMs, () => this.detect());
  }

  private detect(): void {
    this.detectedMs = this.sim.now;
    const best = mostAdvanced(this.log, this.replicaDown);
    if (best < 0) return;
    this.promoted = best;
    this.log.promote(best, (lsn) => {
      this.promotedLsn = lsn;
      this.promotedMs = this.sim.now;
      const gate = this.proxy.gates[best + 1];
      if (gate === undefined) return;
      this.proxy.model.readOnlyCleared(gate, this.proxy.writerHostgroup, (atMs) => {
        this.writerMs = atMs;
      });
    });
  }
}
