// Measurement apart from running: the run's own recorders (latency, errors,
// throughput, what each node served) and the one warm-up gate every statistic
// is reset by. Measuring starts at the warm-up cut: histograms and counters
// restart, time averages restart from the state the system is in. Operations
// count by their completion time (Law & Kelton, "Simulation Modeling and
// Analysis", §9.5.1: deletion of the initial transient).
import { CounterMap, Histogram, type Resettable, WarmupGate } from "../metrics/index.js";
import type { Operation } from "../models/operation.js";
import type { MeasuredWindow } from "./components/component.js";
import { ERROR_KINDS, EVENT_ERROR_KINDS } from "./components/index.js";
import { roundFigure } from "./fields.js";
import type { LatencySummary } from "./report.js";
import { InstantErrors } from "./stops.js";

/**
 * The latency of the measured window's successful operations, in ms, by kind:
 * the histograms the report's latency percentiles are read from.
 *
 * @remarks Since 0.2.0
 */
export interface LatencyHistograms {
  readonly read: Histogram;
  readonly write: Histogram;
  readonly all: Histogram;
}

/** @internal The run's recorders and its warm-up gate. */
export class Measurement {
  /** The one warm-up gate: every statistic of the run is tracked by it. */
  readonly gate: WarmupGate;
  /** Errors by the instant they happened (to explain a livelock). */
  readonly instantErrors = new InstantErrors();
  private readonly all = new Histogram();
  private readonly read = new Histogram();
  private readonly write = new Histogram();
  private readonly errors = new CounterMap();
  private readonly readsServed: Float64Array;
  private readonly writesServed: Float64Array;
  private readonly nodeIndex: Map<string, number>;
  // The node last looked up and its index (-1: none of ours, e.g. a proxy's query
  // cache): a primary alone serves every operation, and a run's node names are the
  // servers' own strings, so the comparison is mostly one of pointers, no hash.
  private lastNode = "";
  private lastAt = -1;
  private completedCount = 0;
  private issuedAtCut = 0;

  /**
   * @param warmupMs - the warm-up instant
   * @param nodes - the database nodes' names, primary first
   * @param issued - operations issued so far (the workload's count)
   */
  constructor(
    warmupMs: number,
    nodes: readonly string[],
    private readonly issued: () => number,
  ) {
    this.gate = new WarmupGate(warmupMs);
    this.nodeIndex = new Map(nodes.map((name, i) => [name, i]));
    this.readsServed = new Float64Array(nodes.length);
    this.writesServed = new Float64Array(nodes.length);
    this.gate.track(this);
  }

  /** Registers another statistic with the gate. */
  track(stat: Resettable): void {
    this.gate.track(stat);
  }

  /** Restarts the run's own figures (called by the gate). */
  reset(): void {
    for (const h of [this.all, this.read, this.write]) h.reset();
    this.errors.reset();
    this.readsServed.fill(0);
    this.writesServed.fill(0);
    this.completedCount = 0;
    this.issuedAtCut = this.issued();
  }

  /** Records a finished operation. */
  complete(op: Operation, now: number): void {
    if (op.error !== null) {
      // A kind no component declares would count in the total but not by kind.
      if (!ERROR_KINDS.includes(op.error) && !EVENT_ERROR_KINDS.includes(op.error)) {
        throw new Error(`internal: no component declares the error kind ${op.error}`);
      }
      this.errors.add(op.error, 1);
      this.instantErrors.add(op.error, now);
      return;
    }
    const latency = op.completedAt - op.issuedAt;
    this.all.record(latency);
    const at = this.indexOf(op.node);
    // A read answered by a proxy's query cache has no node of its own (-1).
    if (op.kind === "read") {
      this.read.record(latency);
      if (at >= 0) this.readsServed[at] = (this.readsServed[at] as number) + 1;
    } else {
      this.write.record(latency);
      if (at >= 0) this.writesServed[at] = (this.writesServed[at] as number) + 1;
    }
    this.completedCount++;
  }

  private indexOf(node: string): number {
    if (node === this.lastNode) return this.lastAt;
    const at = this.nodeIndex.get(node) ?? -1;
    this.lastNode = node;
    this.lastAt = at;
    return at;
  }

  /** Operations issued since the cut. */
  get offered(): number {
    return this.issued() - this.issuedAtCut;
  }

  /** Operations completed without error since the cut. */
  get completed(): number {
    return this.completedCount;
  }

  /** Failed operations since the cut, by kind (every kind listed; an occasional kind once seen). */
  errorsByKind(): Record<string, number> {
    const byKind: Record<string, number> = {};
    for (const kind of ERROR_KINDS) byKind[kind] = this.errors.get(kind);
    for (const kind of EVENT_ERROR_KINDS) {
      const n = this.errors.get(kind);
      if (n > 0) byKind[kind] = n;
    }
    return byKind;
  }

  /** Failed operations since the cut. */
  get errorsTotal(): number {
    return this.errors.total;
  }

  /** Latency of reads, writes and all operations since the cut. */
  latency(): { read: LatencySummary; write: LatencySummary; all: LatencySummary } {
    return { read: summarize(this.read), write: summarize(this.write), all: summarize(this.all) };
  }

  /** The latency histograms behind {@link Measurement.latency}. */
  histograms(): LatencyHistograms {
    return { read: this.read, write: this.write, all: this.all };
  }

  /** The measured window for the components' report sections. */
  window(now: number, measuredMs: number, report: Record<string, unknown>): MeasuredWindow {
    const served = (name: string): { reads: number; writes: number } => {
      const at = this.nodeIndex.get(name);
      if (at === undefined) return { reads: 0, writes: 0 };
      return { reads: this.readsServed[at] as number, writes: this.writesServed[at] as number };
    };
    return { now, perSec: perSecond(measuredMs), served, report };
  }
}

/** @internal Counts over a window of `measuredMs` as a rate per second (0 for an empty window). */
export function perSecond(measuredMs: number): (n: number) => number {
  return (n) => (measuredMs > 0 ? (n * 1000) / measuredMs : 0);
}

function summarize(h: Histogram): LatencySummary {
  const s = h.summary();
  return {
    count: s.count,
    mean: roundFigure(s.mean),
    p50: roundFigure(s.p50),
    p90: roundFigure(s.p90),
    p95: roundFigure(s.p95),
    p99: roundFigure(s.p99),
    p999: roundFigure(s.p999),
    max: roundFigure(s.max),
  };
}
