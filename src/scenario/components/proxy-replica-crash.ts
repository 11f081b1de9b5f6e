// A replica crash behind ProxySQL: the statements running on it fail with
// `node_down`, and so do the reads ProxySQL still sends it until it shuns the
// server after the event's `detection` (its connection errors, or its ping
// monitor's mysql-monitor_ping_max_failures missed pings, shun it:
// MySQL_Monitor.cpp, MySQL_HostGroups_Manager::shun_and_killall). Back after
// `for`, its rows are ONLINE again and it catches up from the primary's log.
import type { BackendGate } from "../../models/proxy/backend-gate.js";
import type { BuildContext, ProxyBackends } from "./component.js";
import type { FaultRow } from "./failover-report.js";
import type { ReplicaCrash } from "./node-crash.js";
import { replicaRow } from "./replica-crash-row.js";

/** @internal One replica crash behind ProxySQL, scheduled: what its report row reads. */
export interface ProxyReplicaRun {
  readonly event: ReplicaCrash;
  readonly gate: BackendGate;
  readonly state: { backMs: number | null; failedBefore: number };
}

/** @internal Schedules a replica's crash, ProxySQL's shunning it, and its return. */
export function scheduleProxyReplicaCrash(
  context: BuildContext,
  proxy: ProxyBackends,
  event: ReplicaCrash,
  index: number,
): ProxyReplicaRun {
  const { sim } = context;
  const log = context.shared.replication;
  const gate = proxy.gates[index + 1] as BackendGate;
  const state = { backMs: null as number | null, failedBefore: 0 };
  sim.at(event.at, () => {
    state.failedBefore = gate.failed;
    gate.crash();
    if (event.for === undefined) log?.detach(index);
  });
  // Back before ProxySQL noticed: it was never shunned.
  if (event.for === undefined || event.detection < event.for) {
    sim.at(event.at + event.detection, () => proxy.model.backendDown(gate));
  }
  if (event.for !== undefined) {
    sim.at(event.at + event.for, () => {
      state.backMs = sim.now;
      gate.restore();
      proxy.model.backendUp(gate);
    });
  }
  return { event, gate, state };
}

/** @internal Its row in the faults section: a replica crash's, as without ProxySQL. */
export function proxyReplicaRow(run: ProxyReplicaRun, nowMs: number): FaultRow {
  return replicaRow(run, nowMs);
}
