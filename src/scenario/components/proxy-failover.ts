// Node crashes behind ProxySQL: the proxy component puts a gate in front of each
// backend when the timeline has a crash (gateBackends), and the faults
// component, in a plan with a proxy, runs each crash through them
// (buildProxyFaults) instead of gating the application's ways, which all lead
// to ProxySQL. The report's row is the unproxied one's, its end the read_only
// poll that gave ProxySQL its new writer; `proxyReadOnlyWaitMs` is the time
// from the promotion to that poll, the window ProxySQL adds.

import type { Done, Operation, Service } from "../../models/operation.js";
import { BackendGate } from "../../models/proxy/backend-gate.js";
import { roundFigure } from "../fields.js";
import type { BuildContext, Downstream, ProxyBackends, Way } from "./component.js";
import type { FaultRow, FaultsReport } from "./failover-report.js";
import type { PrimaryCrash } from "./node-crash.js";
import { ProxyPrimaryFailover } from "./proxy-failover-run.js";
import { proxyReplicaRow, scheduleProxyReplicaCrash } from "./proxy-replica-crash.js";

/**
 * @internal The ways with a gate in front of each backend when the timeline has
 * a node crash; otherwise the ways as they are, and no gates.
 */
export function gateBackends(
  context: BuildContext,
  ways: readonly Way[],
): { readonly ways: readonly Way[]; readonly gates: readonly BackendGate[] | null } {
  if (context.events("primary-crash").length === 0 && context.events("replica-crash").length === 0)
    return { ways, gates: null };
  const gates = ways.map((w) => new BackendGate(w.port));
  return { ways: ways.map((w, i) => ({ ...w, port: gates[i] as BackendGate })), gates };
}

/** @internal The faults component in a plan with ProxySQL: primary crashes fail over through it. */
export function buildProxyFaults(context: BuildContext, downstream: Downstream) {
  const { sim } = context;
  const proxy = context.shared.proxy;
  const log = context.shared.replication;
  if (proxy === undefined || log === null)
    throw new Error("a primary crash behind ProxySQL needs ProxySQL's gates and replicas");
  const replicaDown = (i: number) => proxy.gates[i + 1]?.down === true;
  const runs = context.events("primary-crash").map((event) => ({
    event,
    run: new ProxyPrimaryFailover(
      sim,
      { atMs: event.at, detectionMs: event.failover.detection },
      proxy,
      log,
      replicaDown,
    ),
  }));
  const replicaRuns = context.events("replica-crash").map((event) => {
    const index = proxy.names.indexOf(event.replica) - 1;
    if (index < 0) throw new Error(`no backend of ProxySQL is named ${event.replica}`);
    return scheduleProxyReplicaCrash(context, proxy, event, index);
  });
  const answered = (op: Operation) => {
    for (const { run } of runs) run.answered(op);
  };
  const ways: Way[] = downstream.ways.map((w) => ({
    ...w,
    service: w.service === null ? null : observed(w.service, answered),
  }));
  const section = (nowMs: number): FaultsReport => {
    const rows = [
      ...runs.map(({ event, run }) => proxyRow(event, run, proxy, nowMs)),
      ...replicaRuns.map((r) => proxyReplicaRow(r, nowMs)),
    ].sort((a, b) => a.atMs - b.atMs);
    return { lostWrites: rows.reduce((n, r) => n + r.lostWrites, 0), events: rows };
  };
  return {
    downstream: { ...downstream, ways },
    stats: {
      // The faults count over the whole run, the warm-up included, as the unproxied ones do.
      reset() {},
      section: (window: { readonly now: number }) => section(window.now),
    },
  };
}

/** A service that tells `answered` of every operation it answers. */
function observed(service: Service, answered: (op: Operation) => void): Service {
  return {
    submit(op: Operation, done: Done) {
      service.submit(op, (o) => {
        answered(o);
        done(o);
      });
    },
  };
}

function proxyRow(
  event: PrimaryCrash,
  run: ProxyPrimaryFailover,
  proxy: ProxyBackends,
  nowMs: number,
): FaultRow {
  const o = run.outcome();
  const at = event.at;
  const started = nowMs >= at;
  const figure = (x: number | null) => (x === null ? null : roundFigure(x));
  const promoted = o.promoted < 0 ? null : (proxy.names[o.promoted + 1] ?? null);
  const waitMs = o.writerMs === null || o.promotedMs === null ? null : o.writerMs - o.promotedMs;
  return {
    kind: "primary-crash",
    node: event.node,
    atMs: roundFigure(at),
    detectedMs: figure(o.detectedMs),
    promoted,
    promotedLsn: o.promotedLsn,
    promotedMs: figure(o.promotedMs),
    endMs: figure(o.writerMs),
    downtimeMs: started ? roundFigure(Math.max(0, (o.writerMs ?? nowMs) - at)) : 0,
    rtoMs: o.firstWriteMs === null ? null : roundFigure(o.firstWriteMs - at),
    rpoMs: o.oldestLostCommitMs === null ? 0 : roundFigure(at - o.oldestLostCommitMs),
    lostWrites: o.lostWrites,
    errors: o.errors,
    proxyReadOnlyWaitMs: figure(waitMs),
    note:
      waitMs === null || promoted === null
        ? ""
        : `ProxySQL's read_only poll at ${roundFigure(o.writerMs as number)} ms moved ${promoted} into writer hostgroup ${proxy.writerHostgroup}, ${roundFigure(waitMs)} ms after its promotion`,
  };
}
