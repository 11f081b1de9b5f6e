// Region-local reads in a plan that spans regions: a read goes to a node in the
// session's own region — a replica there (round-robin), else the primary when
// it lives there — and when the region holds neither, to the nearest region
// that does. Writes (and locking reads, which must take row locks on the
// primary) go on to what routes writes: the router, or the primary's driver.
// This is the "read locally, write to the leader's region" layout of Amazon
// Aurora Global Database and of PostgreSQL with a streaming standby per region.
// It measures each region's reads and writes and their latency (issue to answer).
// Left out: the router's consistency policies and lag shunning for the reads it
// sends (the scenario rejects a consistency policy with regions).
import type { Simulation } from "../../kernel/index.js";
import { Histogram } from "../../metrics/index.js";
import type { Done, Operation, Service } from "../operation.js";
import type { RegionMap } from "./regions.js";

/**
 * A node a read may go to: its region and the service that reaches it.
 *
 * @remarks Since 0.2.0
 */
export interface RegionNode {
  /** Its region (index in the {@link RegionMap}). */
  readonly region: number;
  /** Whether it is the primary (a read goes to a replica of a region first). */
  readonly primary: boolean;
  /** The driver (or what fronts it) that reaches it. */
  readonly service: Service;
}

/**
 * One region's figures since the last reset.
 *
 * @remarks Since 0.2.0
 */
export class RegionFigures {
  /** Reads of its sessions answered (errors included). */
  reads = 0;
  /** Writes of its sessions answered (errors included). */
  writes = 0;
  /** Latency of its successful reads (ms), issue to answer. */
  readonly readMs = new Histogram();
  /** Latency of its successful writes (ms), issue to answer. */
  readonly writeMs = new Histogram();
  /** Of its reads, those answered from another region (no node there). */
  remoteReads = 0;
}

/** An operation in flight, with the one callback its answer comes back on; reused. */
class Tracked {
  done: Done | null = null;
  region = 0;
  /** Whether it is a read sent out of its region. */
  remote = false;
  readonly onAnswer: Done;
  constructor(front: RegionFront) {
    this.onAnswer = (op) => front._answered(this, op);
  }
}

/**
 * Sends reads to the nearest region's nodes and writes on to the writer.
 *
 * @remarks Since 0.2.0
 */
export class RegionFront implements Service {
  /** Per region, in the map's order. */
  readonly figures: RegionFigures[];
  private readonly sim: Simulation;
  private readonly map: RegionMap;
  private readonly writer: Service;
  /** Per region, its own primary (multi-primary writes), or null: every write goes to `writer`. */
  private readonly localWriters: readonly Service[] | null;
  /** Per region: the nodes its reads go to (one region's), and the next in turn. */
  private readonly readNodes: Service[][];
  private readonly remote: boolean[];
  private readonly nodes: readonly RegionNode[];
  /** Per node (in the order given): out of the read rotation (crashed, or left behind by a failover). */
  private readonly nodeDown: boolean[];
  private readonly turn: number[];
  private readonly spare: Tracked[] = [];

  /**
   * @param sim - the simulation
   * @param map - regions and sessions
   * @param writer - where writes go (the router, or the primary's driver)
   * @param nodes - the nodes reads may go to
   * @param localWriters - per region, the primary its writes go to (multi-primary); omitted: `writer`
   */
  constructor(
    sim: Simulation,
    map: RegionMap,
    writer: Service,
    nodes: readonly RegionNode[],
    localWriters: readonly Service[] | null = null,
  ) {
    this.sim = sim;
    this.map = map;
    this.writer = writer;
    this.localWriters = localWriters;
    this.figures = map.names.map(() => new RegionFigures());
    this.nodes = nodes;
    this.nodeDown = nodes.map(() => false);
    this.readNodes = [];
    this.remote = [];
    this.turn = map.names.map(() => 0);
    this.choose();
  }

  /**
   * Takes node `node` (its index in the nodes given) out of the read rotation,
   * or puts it back: each region's reads then go to the nearest region that
   * still holds a node, as a health check or a failover leaves them.
   *
   * @remarks Since 0.2.0
   */
  setNodeDown(node: number, down: boolean): void {
    if (this.nodeDown[node] === down) return;
    this.nodeDown[node] = down;
    this.choose();
  }

  /** Each region's read nodes: the nearest region's nodes that are up. */
  private choose(): void {
    const up = this.nodes.filter((_, i) => this.nodeDown[i] !== true);
    for (let r = 0; r < this.map.names.length; r++) {
      const chosen = nearestNodes(this.map, r, up);
      this.readNodes[r] = chosen.services;
      this.remote[r] = chosen.region !== r;
      this.turn[r] = 0;
    }
  }

  /** Restarts every region's figures (the warm-up cut). */
  resetStats(): void {
    for (const f of this.figures) {
      f.reads = 0;
      f.writes = 0;
      f.remoteReads = 0;
      f.readMs.reset();
      f.writeMs.reset();
    }
  }

  submit(op: Operation, done: Done): void {
    const region = this.map.regionOf(op.session);
    const tracked = this.spare.pop() ?? new Tracked(this);
    tracked.done = done;
    tracked.region = region;
    tracked.remote = false;
    const nodes = this.readNodes[region] as Service[];
    if (op.kind === "write" || op.forUpdate || nodes.length === 0) {
      (this.localWriters?.[region] ?? this.writer).submit(op, tracked.onAnswer);
      return;
    }
    const i = this.turn[region] as number;
    this.turn[region] = (i + 1) % nodes.length;
    tracked.remote = this.remote[region] === true;
    (nodes[i] as Service).submit(op, tracked.onAnswer);
  }

  /** @internal An operation's answer: counts it for its session's region, then passes it on. */
  _answered(tracked: Tracked, op: Operation): void {
    const f = this.figures[tracked.region] as RegionFigures;
    const ms = this.sim.now - op.issuedAt;
    if (op.kind === "write") {
      f.writes++;
      if (op.error === null) f.writeMs.record(ms);
    } else {
      f.reads++;
      if (tracked.remote) f.remoteReads++;
      if (op.error === null) f.readMs.record(ms);
    }
    const done = tracked.done as Done;
    tracked.done = null;
    this.spare.push(tracked);
    done(op);
  }
}

/** The nearest region holding a node, and its replicas (else its primary). */
function nearestNodes(
  map: RegionMap,
  from: number,
  nodes: readonly RegionNode[],
): { region: number; services: Service[] } {
  for (const region of map.byNearness(from)) {
    const here = nodes.filter((n) => n.region === region);
    if (here.length === 0) continue;
    const replicas = here.filter((n) => !n.primary);
    return { region, services: (replicas.length > 0 ? replicas : here).map((n) => n.service) };
  }
  return { region: from, services: [] };
}
