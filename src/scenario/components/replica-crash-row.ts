// A replica crash's row in the faults section: the same with or without
// ProxySQL in front (only what counts the replica's failed statements differs).
import { NODE_DOWN } from "../../models/faults/node-gate.js";
import { roundFigure } from "../fields.js";
import type { FaultRow } from "./failover-report.js";
import type { ReplicaCrash } from "./node-crash.js";

/** @internal A replica crash as scheduled: the event, its failure counter and when it came back. */
export interface ReplicaCrashRun {
  readonly event: ReplicaCrash;
  readonly gate: { readonly failed: number };
  readonly state: { readonly backMs: number | null; readonly failedBefore: number };
}

/** @internal The crash's row at `nowMs` (the end of the run). */
export function replicaRow({ event, gate, state }: ReplicaCrashRun, nowMs: number): FaultRow {
  const started = nowMs >= event.at;
  const detectedAt = event.at + event.detection;
  const detected = nowMs >= detectedAt && (event.for === undefined || event.detection < event.for);
  return {
    kind: "replica-crash",
    node: event.replica,
    atMs: roundFigure(event.at),
    detectedMs: detected ? roundFigure(detectedAt) : null,
    promoted: null,
    promotedLsn: null,
    promotedMs: null,
    endMs: state.backMs === null ? null : roundFigure(state.backMs),
    downtimeMs: started ? roundFigure(Math.max(0, (state.backMs ?? nowMs) - event.at)) : 0,
    rtoMs: null,
    rpoMs: 0,
    lostWrites: 0,
    errors: { [NODE_DOWN]: started ? gate.failed - state.failedBefore : 0 },
    note: event.for === undefined ? "does not come back in the run" : "",
  };
}
