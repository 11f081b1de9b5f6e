// The application's hop to one node (or to what fronts it) under the
// timeline's network events, as a ServerPort in front of the node's port: a
// delay spike adds its extra to every round trip started in its window (half
// on the way in, half on the way out); a partition holds what the driver sends
// until the link heals, or fails it with network_timeout once the driver's
// timeout has passed since it was sent. Only a transaction's first statement
// and the connection set-up are held: dbsim has no abort of a transaction
// midway, so one that got its first statement through finishes.
import type { RandomStream, Simulation } from "../../kernel/index.js";
import type { Sampler } from "../../latency/index.js";
import type { ErrorKind, Operation, PortConnection, ServerPort } from "../../models/operation.js";
import type { CutWindow, LinkFaults, SpikeWindow } from "./network-links.js";

/** @internal The error kind of an operation the driver gave up on: the link carried nothing for its timeout. */
export const NETWORK_TIMEOUT = "network_timeout";

/** @internal What the network events did, per event (the report's rows), since the warm-up cut. */
export class EventCounts {
  /** Round trips that paid a spike's extra. */
  delayed = 0;
  /** The extra they paid, in all (ms). */
  extraMs = 0;
  /** Statements and connection set-ups held by a partition until it healed. */
  held = 0;
  /** Operations failed, by kind. */
  readonly failed = new Map<string, number>();
  /** Counts an operation failed with `kind`. */
  fail(kind: ErrorKind): void {
    this.failed.set(kind, (this.failed.get(kind) ?? 0) + 1);
  }
  reset(): void {
    this.delayed = 0;
    this.extraMs = 0;
    this.held = 0;
    this.failed.clear();
  }
}

/** @internal The application's hop to one node under its link's faults. */
export class FaultyPort implements ServerPort {
  readonly name: string;
  private readonly sim: Simulation;
  private readonly inner: ServerPort;
  private readonly faults: LinkFaults;
  private readonly extra: readonly Sampler[];
  private readonly rng: RandomStream;
  private readonly counts: readonly EventCounts[];
  /** Round trips a connection set-up makes (each pays a spike's extra). */
  private readonly connectRoundTrips: number;
  /** A session's region, in a plan with regions (a cut may hold only some regions' sessions). */
  private readonly regionOf: ((session: number) => number) | null;

  constructor(
    sim: Simulation,
    inner: ServerPort,
    faults: LinkFaults,
    parts: {
      readonly compile: (spec: SpikeWindow["extra"]) => Sampler;
      readonly counts: readonly EventCounts[];
      readonly connectRoundTrips: number;
      readonly regionOf?: ((session: number) => number) | null;
    },
  ) {
    this.sim = sim;
    this.inner = inner;
    this.name = inner.name;
    this.faults = faults;
    this.extra = faults.spikes.map((s) => parts.compile(s.extra));
    this.rng = sim.rng(`network.${inner.name}`);
    this.counts = parts.counts;
    this.connectRoundTrips = parts.connectRoundTrips;
    this.regionOf = parts.regionOf ?? null;
  }

  connect(done: (conn: PortConnection | null, error: ErrorKind | null) => void): void {
    const sentMs = this.sim.now;
    const go = (): void => {
      const extra = this.spikeMs(this.sim.now, this.connectRoundTrips);
      if (extra === 0) this.inner.connect(done);
      else this.sim.schedule(extra, () => this.inner.connect(done));
    };
    // A pool's connection serves every region's sessions: only a cut of them all holds its set-up.
    this.across(sentMs, -1, go, () => done(null, NETWORK_TIMEOUT));
  }

  disconnect(conn: PortConnection): void {
    this.inner.disconnect(conn);
  }

  execute(
    conn: PortConnection,
    op: Operation,
    index: number,
    done: (error: ErrorKind | null) => void,
  ): void {
    const region = index > 0 ? -1 : (this.regionOf?.(op.session) ?? -1);
    // Closures only for a statement a cut holds: the rest, nearly all, go at once.
    if (index === 0 && this.cutAt(this.sim.now, region) !== undefined) {
      this.across(
        this.sim.now,
        region,
        () => this.send(conn, op, index, done),
        () => done(NETWORK_TIMEOUT),
      );
    } else this.send(conn, op, index, done);
  }

  /** Sends statement `index` now, paying a spike's extra half on the way in, half out. */
  private send(
    conn: PortConnection,
    op: Operation,
    index: number,
    done: (error: ErrorKind | null) => void,
  ): void {
    const extra = this.spikeMs(this.sim.now, 1);
    if (extra === 0) {
      this.inner.execute(conn, op, index, done);
      return;
    }
    const half = extra / 2;
    this.sim.schedule(half, () =>
      this.inner.execute(conn, op, index, (error) => this.sim.schedule(half, () => done(error))),
    );
  }

  /**
   * Sends now if the link carries traffic; else holds until it heals (and
   * sends then) or until the driver's timeout, counted from `sentMs`, fails it.
   */
  private across(sentMs: number, region: number, send: () => void, fail: () => void): void {
    const cut = this.cutAt(this.sim.now, region);
    if (cut === undefined) {
      send();
      return;
    }
    const counts = this.counts[cut.event] as EventCounts;
    const deadline = sentMs + cut.driverTimeoutMs;
    if (cut.toMs < deadline) {
      counts.held++;
      this.sim.at(cut.toMs, () => this.across(sentMs, region, send, fail));
      return;
    }
    this.sim.at(deadline, () => {
      counts.fail(NETWORK_TIMEOUT);
      fail();
    });
  }

  /** The cut holding the link now for a session of `region` (−1: a set-up, cut only with every region). */
  private cutAt(now: number, region: number): CutWindow | undefined {
    for (const c of this.faults.cuts) {
      if (now < c.fromMs || now >= c.toMs) continue;
      if (c.sessionRegions === null || c.sessionRegions[region] === true) return c;
    }
    return undefined;
  }

  /** The extra delay of `trips` round trips started now (0 outside every spike). */
  private spikeMs(now: number, trips: number): number {
    let total = 0;
    const spikes = this.faults.spikes;
    for (let i = 0; i < spikes.length; i++) {
      const s = spikes[i] as SpikeWindow;
      if (now < s.fromMs || now >= s.toMs) continue;
      const counts = this.counts[s.event] as EventCounts;
      for (let t = 0; t < trips; t++) {
        const extra = (this.extra[i] as Sampler)(this.rng);
        counts.delayed++;
        counts.extraMs += extra;
        total += extra;
      }
    }
    return total;
  }
}
