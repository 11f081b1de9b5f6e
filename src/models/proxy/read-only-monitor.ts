// ProxySQL's read_only monitor, as far as a failover needs it. Every
// mysql-monitor_read_only_interval the monitor reads `read_only` on every
// backend of mysql_replication_hostgroups (lib/MySQL_Monitor.cpp,
// MySQL_Monitor::monitor_read_only: next_loop_at = t1 + interval); a server
// found with read_only = 0 that is not in the writer hostgroup is copied there
// from the reader hostgroup, and stays a reader while
// mysql-monitor_writer_is_also_reader is true, the default
// (lib/MySQL_HostGroups_Manager.cpp, read_only_action_v2). A promoted replica
// therefore takes writes only from the first poll after its promotion. The
// polls run at 0, I, 2I, … from the start of the run; read_only changes only at a
// promotion, so the model runs just the first poll after one.

/**
 * The first read_only poll at or after `nowMs`, with polls every `intervalMs`
 * from time 0.
 *
 * @remarks Since 0.2.0
 */
export function nextReadOnlyPollMs(nowMs: number, intervalMs: number): number {
  if (!(intervalMs > 0)) throw new Error(`expected a read_only interval > 0 ms, got ${intervalMs}`);
  return Math.ceil(nowMs / intervalMs) * intervalMs;
}
