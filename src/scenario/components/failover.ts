// The timeline's node crashes as a component: it puts a gate in front of every
// node's way in (models/faults/node-gate.ts), runs each primary crash's failover
// (models/faults/failover.ts) and each replica crash, and reports them — downtime,
// errors, acknowledged writes lost, RTO and RPO — in the report's `faults` section.
// It has no scenario section of its own: its input is the timeline.
import * as z from "zod";
import { type FailoverOutcome, PrimaryFailover } from "../../models/faults/failover.js";
import { NODE_DOWN, NodeGate } from "../../models/faults/node-gate.js";
import type { Service } from "../../models/operation.js";
import type { RegionFront } from "../../models/regions/local-reads.js";
import type { Router } from "../../models/routing/router.js";
import { roundFigure } from "../fields.js";
import type { BuildContext, Component, Downstream, Way } from "./component.js";
import {
  combineFaults,
  type FaultRow,
  type FaultsReport,
  FaultsReportSchema,
  faultSummary,
  faultsTable,
} from "./failover-report.js";
import {
  checkCrashEvents,
  type PrimaryCrash,
  PrimaryCrashEvent,
  type ReplicaCrash,
  ReplicaCrashEvent,
} from "./node-crash.js";
import { buildProxyFaults } from "./proxy-failover.js";
import { rejoinedName } from "./rejoined-name.js";
import { replicaRow } from "./replica-crash-row.js";

const FaultsSection = z.undefined().optional();
const FaultsReportSection = FaultsReportSchema.optional();

/**
 * Node crashes and failover, from the timeline.
 *
 * @remarks Since 0.2.0
 */
export const faults: Component<typeof FaultsSection, typeof FaultsReportSection> = {
  key: "faults",
  schema: FaultsSection,
  report: { key: "faults", schema: FaultsReportSection },
  errorKinds: [
    {
      kind: NODE_DOWN,
      cause: () => "a node crash (timeline: primary-crash, replica-crash; failover.detection)",
    },
  ],
  events: [PrimaryCrashEvent, ReplicaCrashEvent],
  check: checkCrashEvents,
  table: (section) => faultsTable(section),
  // A sharded plan's shards each fail over their own nodes: one row list, in time order.
  combine: (sections) => combineFaults(sections as readonly FaultsReport[]),
  summary: (s) => faultSummary(s.timeline ?? []),
  compare: [
    {
      header: ["writes", "lost"],
      rank: 115,
      cell: (r) => (r.faults === undefined ? "0" : String(r.faults.lostWrites)),
      shown: (reports) => reports.some((r) => r.faults !== undefined),
    },
  ],
  estimate(s) {
    const crashes = (s.timeline ?? []).filter(
      (e) => e.kind === "primary-crash" || e.kind === "replica-crash",
    ).length;
    if (crashes === 0) return {};
    // A handful of events per crash; failover keeps at most 4096 acknowledged writes' positions (8 bytes each, twice).
    return {
      periodicEvents: crashes * 4,
      memory: [{ what: "acknowledged writes awaiting replication (failover)", bytes: 4096 * 16 }],
    };
  },
  build(context, downstream) {
    const primaryCrashes = context.events("primary-crash");
    const replicaCrashes = context.events("replica-crash");
    if (primaryCrashes.length === 0 && replicaCrashes.length === 0) return { downstream };
    if (context.scenario.proxy !== undefined) return buildProxyFaults(context, downstream);
    return buildFaults(context, downstream);
  },
};

/** Gates every way, schedules the crashes, and reports them. */
function buildFaults(context: BuildContext, downstream: Downstream) {
  const { sim } = context;
  const gates = downstream.ways.map((w) => new NodeGate(w.service as Service));
  const ways: Way[] = downstream.ways.map((w, i) => ({ ...w, service: gates[i] as NodeGate }));
  const primaryGate = gates[0] as NodeGate;
  // The old primary's own driver: the primary's way leads to the promoted node after a failover.
  const oldPrimaryService = downstream.ways[0]?.service as Service;
  const replicaWays = downstream.ways.filter((w) => w.role === "replica");
  const replicaGates = gates.filter((_, i) => downstream.ways[i]?.role === "replica");
  const log = context.shared.replication;
  const rotation = readRotation(context);
  const failovers = context.events("primary-crash").map((event) => ({
    event,
    rejoin: { rewoundMs: null, caughtUpMs: null } as OldPrimaryRejoin,
    // Scheduled before the failover's own crash event, so it counts the errors before it.
    before: countAt(sim, event.at, primaryGate),
    run: new PrimaryFailover(
      sim,
      {
        atMs: event.at,
        detectionMs: event.failover.detection,
        routingUpdateMs: event.failover.routingUpdate,
        forMs: event.for ?? Number.POSITIVE_INFINITY,
      },
      primaryGate,
      log,
      replicaWays.map((w) => w.service as Service),
      (i) => (replicaGates[i] as NodeGate).down,
    ),
  }));
  // The other replicas follow the new primary (the log re-points them at the
  // promotion) and stay in the rotation; one that diverged is down then, and
  // rejoins when it is back, after its rewind.
  const rewindMs = context.events("primary-crash")[0]?.failover.rewind ?? DEFAULT_REWIND_MS;
  for (const { run, event, rejoin } of failovers) {
    run.onPromoted = (best) => {
      rotation.primaryMoved();
      if (event.for !== undefined) {
        scheduleOldPrimary(context, best, event.at + event.for, rewindMs, rejoin, (index) =>
          rotation.addReplica(oldPrimaryService, index),
        );
      }
      // One that came back while the promotion was under way: rewound now.
      replicaGates.forEach((gate, i) => {
        if (gate.down || log?.diverged(i) !== true) return;
        rotation.setReplicaDown(i, true);
        sim.schedule(rewindMs, () => log.rejoin(i, () => rotation.setReplicaDown(i, false)));
      });
    };
  }
  const replicaRuns = context.events("replica-crash").map((event) => {
    const index = replicaWays.findIndex((w) => w.name === event.replica);
    const gate = replicaGates[index] as NodeGate;
    return scheduleReplicaCrash(context, event, index, gate, rotation, rewindMs);
  });
  const section = (nowMs: number) => {
    const rows: FaultRow[] = [
      ...failovers.map((f, k) =>
        primaryRow(f, failovers[k + 1]?.before, primaryGate, replicaWays, nowMs),
      ),
      ...replicaRuns.map((r) => replicaRow(r, nowMs)),
    ];
    return {
      lostWrites: rows.reduce((n, r) => n + r.lostWrites, 0),
      events: rows.sort((a, b) => a.atMs - b.atMs),
    };
  };
  return {
    downstream: { ...downstream, ways },
    stats: {
      // The faults count over the whole run, the warm-up included: a crash is one event, not a rate.
      reset() {},
      section: (window: { readonly now: number }) => section(window.now),
    },
  };
}

/**
 * pg_rewind's time when the scenario does not give it: Patroni runs it on its next
 * cycle (`loop_wait`, 10 s by default), and on a small database the rewind and the
 * restart take seconds.
 */
const DEFAULT_REWIND_MS = 10_000;

/** When the old primary, back as a replica, was rewound and had caught up (null: not yet). */
interface OldPrimaryRejoin {
  rewoundMs: number | null;
  caughtUpMs: number | null;
}

/**
 * The old primary back at `backMs` (or at the promotion, if later) joins as a
 * replica of the promoted one: rewound for `rewindMs`, then streaming until it
 * has caught up, when `joinReads` gets its index in the log.
 */
function scheduleOldPrimary(
  context: BuildContext,
  promoted: number,
  backMs: number,
  rewindMs: number,
  rejoin: OldPrimaryRejoin,
  joinReads: (index: number) => void,
): void {
  const { sim } = context;
  const log = context.shared.replication;
  const node = context.nodes[0]?.server;
  if (log === null || node === undefined) return;
  const index = log.addOldPrimary(node, promoted);
  sim.at(Math.max(sim.now, backMs) + rewindMs, () => {
    rejoin.rewoundMs = sim.now;
    // Its lag among the replication rows, from its rewind on.
    context.shared.lagOfAddedReplica?.(rejoinedName(node.name));
    log.rejoin(index, () => {
      rejoin.caughtUpMs = sim.now;
      joinReads(index);
    });
  });
}

/**
 * Both read paths: the router's rotation, and with regions the region-local
 * reads (their nodes are the ways: the primary first, then the replicas).
 */
function readRotation(context: BuildContext): ReadRotation {
  let router: Router | null = null;
  let regionReads: RegionFront | null = null;
  context.shared.routerBuilt = (r) => {
    router = r;
  };
  context.shared.regionReadsBuilt = (front) => {
    regionReads = front;
  };
  return {
    setReplicaDown(i, down) {
      router?.setReplicaDown(i, down);
      regionReads?.setNodeDown(i + 1, down);
    },
    primaryMoved() {
      // The old primary's way now leads to the promoted node, which region reads reach directly.
      regionReads?.setNodeDown(0, true);
    },
    addReplica(service, logIndex) {
      if (router === null) return;
      const index = router.addReplica(service);
      if (index !== logIndex) {
        throw new Error(
          `faults: the rejoined old primary is replica ${index} of the router but ${logIndex} of the log (expected the same index)`,
        );
      }
    },
  };
}

/** A time of the report, rounded as every figure is, or null. */
function nullableFigure(x: number | null): number | null {
  return x === null ? null : roundFigure(x);
}

type Count = { failed: number; reached: boolean };

/** What takes a node out of the reads' rotation: the router, and the region-local reads. */
interface ReadRotation {
  setReplicaDown(i: number, down: boolean): void;
  /** The primary's endpoint now leads to the promoted replica. */
  primaryMoved(): void;
  /**
   * The caught-up old primary enters the router's rotation as one more replica
   * (a hot standby serves reads from a consistent point on: PostgreSQL docs,
   * "Hot Standby"), at the index its replication status answers for. Region-local
   * reads keep it out (their nodes are fixed at build).
   */
  addReplica(service: Service, logIndex: number): void;
}

interface ReplicaRun {
  readonly event: ReplicaCrash;
  readonly gate: NodeGate;
  readonly state: { backMs: number | null; failedBefore: number };
}

/** Schedules a replica's crash, its leaving the read rotation, and its return. */
function scheduleReplicaCrash(
  context: BuildContext,
  event: ReplicaCrash,
  index: number,
  gate: NodeGate,
  rotation: ReadRotation,
  rewindMs: number,
): ReplicaRun {
  const { sim } = context;
  const log = context.shared.replication;
  const state = { backMs: null as number | null, failedBefore: 0 };
  sim.at(event.at, () => {
    state.failedBefore = gate.failed;
    gate.crash();
    if (event.for === undefined) log?.detach(index);
  });
  // Back before its health check failed: the router never noticed.
  if (event.for === undefined || event.detection < event.for) {
    sim.at(event.at + event.detection, () => rotation.setReplicaDown(index, true));
  }
  if (event.for !== undefined) {
    sim.at(event.at + event.for, () => {
      state.backMs = sim.now;
      gate.restoreOriginal();
      // It received WAL the promoted replica had not (a failover meanwhile):
      // rewound, then back in rotation once it has replayed to the new primary's position.
      if (log?.diverged(index) === true) {
        sim.schedule(rewindMs, () =>
          log.rejoin(index, () => rotation.setReplicaDown(index, false)),
        );
      } else rotation.setReplicaDown(index, false);
    });
  }
  return { event, gate, state };
}

/** A primary crash's row: its failover's outcome, and the errors until the next crash. */
function primaryRow(
  f: {
    readonly event: PrimaryCrash;
    readonly run: PrimaryFailover;
    readonly before: Count;
    readonly rejoin: OldPrimaryRejoin;
  },
  next: Count | undefined,
  gate: NodeGate,
  replicaWays: readonly Way[],
  nowMs: number,
): FaultRow {
  const o = f.run.outcome();
  const failed = (next?.reached ? next.failed : gate.failed) - f.before.failed;
  return {
    kind: "primary-crash",
    node: f.event.node,
    atMs: roundFigure(o.crashMs),
    detectedMs: nullableFigure(o.detectedMs),
    promoted: o.promoted < 0 ? null : (replicaWays[o.promoted]?.name ?? null),
    promotedLsn: o.promotedLsn,
    promotedMs: nullableFigure(o.promotedMs),
    endMs: nullableFigure(o.endMs),
    downtimeMs: f.before.reached ? roundFigure(Math.max(0, (o.endMs ?? nowMs) - o.crashMs)) : 0,
    rtoMs: o.firstWriteMs === null ? null : roundFigure(o.firstWriteMs - o.crashMs),
    rpoMs: o.oldestLostCommitMs === null ? 0 : roundFigure(o.crashMs - o.oldestLostCommitMs),
    lostWrites: o.lostWrites,
    errors: { [NODE_DOWN]: f.before.reached ? failed : 0 },
    note: primaryNote(o, replicaWays.length, f.event, nowMs) + rejoinNote(f.rejoin),
  };
}

/** The gate's failure count at `atMs`, once that instant has come. */
function countAt(sim: BuildContext["sim"], atMs: number, gate: NodeGate): Count {
  const count: Count = { failed: 0, reached: false };
  sim.at(atMs, () => {
    count.failed = gate.failed;
    count.reached = true;
  });
  return count;
}

function rejoinNote({ rewoundMs, caughtUpMs }: OldPrimaryRejoin): string {
  if (rewoundMs === null) return "";
  const caughtUp =
    caughtUpMs === null ? "not caught up by the end" : `caught up at ${roundFigure(caughtUpMs)} ms`;
  return `old primary rejoined as a replica: rewound at ${roundFigure(rewoundMs)} ms, ${caughtUp}`;
}

function primaryNote(
  o: FailoverOutcome,
  replicas: number,
  event: PrimaryCrash,
  nowMs: number,
): string {
  if (o.promoted >= 0) return "";
  if (nowMs < o.crashMs) return "the run ended before the crash";
  // A replica is chosen at detection only: a run that ends sooner never looked for one.
  if (replicas > 0 && o.detectedMs === null) {
    return `the run ended ${roundFigure(nowMs - o.crashMs)} ms after the crash, before its detection (${roundFigure(event.failover.detection)} ms): no promotion was attempted`;
  }
  if (replicas > 0) return "no replica up to promote";
  return event.for === undefined
    ? "no replica to promote: the primary is down for the rest of the run"
    : "no replica to promote: writes wait for the primary to come back";
}
