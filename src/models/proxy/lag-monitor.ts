// ProxySQL's replication-lag monitor: every monitor_replication_lag_interval it
// reads each replica's Seconds_Behind_Source; strictly greater than the row's
// max_replication_lag → SHUNNED (no new queries), back ONLINE at a later check
// at or under. A NULL reading (the applier drained the relay log while the
// receiver is cut off) counts as mysql-monitor_slave_lag_when_null seconds.
// Seconds_Behind_Source itself, blind spot included, is the replication
// model's. Left out: the ping and read_only monitors, failover.
// Source: ProxySQL 2.x lib/MySQL_Monitor.cpp and
// MySQL_HostGroups_Manager::replication_lag_action.
import type { EventHandle, Simulation } from "../../kernel/index.js";
import type { ServerRow } from "./backend-pools.js";

/** The monitor's settings, named as ProxySQL's. */
export interface LagMonitorConfig {
  /** `mysql-monitor_replication_lag_interval` (ms). */
  readonly intervalMs: number;
  /** `mysql-monitor_slave_lag_when_null` (s). */
  readonly lagWhenNullS: number;
}

/** Shuns and restores rows by their replication lag, at every check. */
export class LagMonitor {
  private readonly sim: Simulation;
  private readonly config: LagMonitorConfig;
  private readonly rows: readonly ServerRow[];
  private readonly onOnline: (row: ServerRow) => void;
  private timer: EventHandle | null = null;

  /**
   * @param sim - the simulation
   * @param config - check interval and the lag assumed for NULL
   * @param rows - the rows it watches (those without a lag limit or a lag reading are skipped)
   * @param onOnline - runs when a row comes back ONLINE (queries waiting for its hostgroup may go)
   */
  constructor(
    sim: Simulation,
    config: LagMonitorConfig,
    rows: readonly ServerRow[],
    onOnline: (row: ServerRow) => void,
  ) {
    this.sim = sim;
    this.config = config;
    this.rows = rows;
    this.onOnline = onOnline;
  }

  /** Checks now and every interval after, if any row is monitored. */
  start(): void {
    const monitored = this.rows.some(
      (r) => r.config.maxReplicationLagS > 0 && r.config.secondsBehindSource !== null,
    );
    if (monitored) this.check();
  }

  /** Stops the checks (end of run). */
  stop(): void {
    if (this.timer !== null) this.sim.cancel(this.timer);
    this.timer = null;
  }

  private check(): void {
    const now = this.sim.now;
    for (const row of this.rows) {
      const { maxReplicationLagS, secondsBehindSource } = row.config;
      if (maxReplicationLagS <= 0 || secondsBehindSource === null || row.down) continue;
      // MySQL_Monitor.cpp: repl_lag = mysql_thread___monitor_slave_lag_when_null,
      // replaced by the reading when the column is not NULL.
      const lagS = secondsBehindSource() ?? this.config.lagWhenNullS;
      const shun = lagS > maxReplicationLagS;
      if (shun && !row.shunned) {
        row.shunned = true;
        row.shunEvents++;
        row.shunnedSince = now;
      } else if (!shun && row.shunned) {
        row.shunned = false;
        row.shunnedMs += now - row.shunnedSince;
        this.onOnline(row);
      }
    }
    this.timer = this.sim.schedule(this.config.intervalMs, () => this.check());
  }
}
