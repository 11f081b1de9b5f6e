// Multi-primary writes across regions, last writer wins: every region's primary
// commits its own sessions' writes locally and ships each one to the other
// regions' primaries (one ordered stream per pair, as a pglogical or BDR
// subscription is one apply worker reading its provider's changes in commit
// order). A change arrives half the pair's round trip after its commit, and
// the receiver's apply worker spends `applyMs` of its cores on it before it
// resolves the row:
// - the incoming change replaces the receiver's value when its (commit
//   timestamp, region) is the larger — pglogical's last_update_wins
//   (pglogical_conflict.c, conflict_resolve_by_timestamp: the remote row is
//   applied when its commit timestamp is later); pglogical breaks an exact tie
//   by applying the remote row whatever it is (a case its source marks as still to do), which
//   need not converge, so here, as Spock's per-node tiebreaker does, the region
//   listed later wins. DynamoDB global tables resolve concurrent updates the
//   same way ("last writer wins", Global tables: how it works).
// So every region ends with the same value of every key once the changes
// have arrived. Two writes of a key conflict when they are concurrent: neither
// region had seen the other write when it made its own (happened-before
// through the changes each region has received, directly or through a third
// region: a vector of positions in every region's stream). The loser of a
// conflict is a lost update: acknowledged, then overwritten by a write made
// without knowledge of it. Both are counted exactly as each write is made:
// a write conflicts with exactly the earlier writes of its key its region has
// not seen, and those are among the writes some region has not yet received.
// Versions: a key's writes are numbered 1, 2, 3 … in commit order over every
// region (the order of their timestamps), so the consistency checkers judge
// a region's reads against the newest acknowledged version anywhere.
// Left out: the receiver's flush, conflicts of other kinds (insert–insert on a
// unique index, update–delete), column-level resolution, and clocks that
// disagree (the commit timestamp is the simulation's clock).
import type { RandomStream, Simulation } from "../../kernel/index.js";
import { Histogram } from "../../metrics/index.js";
import type { RegionMap } from "./regions.js";

/**
 * What the multi-primary log needs of a region's primary.
 *
 * @remarks Since 0.2.0
 */
export interface RegionPrimaryPort {
  /** Runs `work` core-ms on the node's cores; calls `done` when finished. */
  runWork(work: number, done: () => void): void;
}

/**
 * Settings of {@link MultiPrimary}.
 *
 * @remarks Since 0.2.0
 */
export interface MultiPrimaryConfig {
  /** Apply work of one incoming change on the receiving primary (core-ms). */
  readonly applyMs: (rng: RandomStream) => number;
  /** Network round trip added to the region pair's (ms; each direction takes half a draw). */
  readonly networkMs?: (rng: RandomStream) => number;
  /** Keep every write's record for {@link MultiPrimary.writes} (tests); default false. */
  readonly record?: boolean;
}

/**
 * One write as a multi-primary history records it: what the checkers need to
 * tell concurrent writes apart, from the history alone.
 *
 * @remarks Since 0.2.0
 */
export interface RegionWrite {
  /** The key written. */
  readonly key: number;
  /** Its version (1, 2, 3 … per key in commit order over every region). */
  readonly version: number;
  /** The region (index) whose primary committed it. */
  readonly region: number;
  /** Its commit timestamp (ms). */
  readonly commitMs: number;
  /** Its position in its region's stream of changes (1, 2, 3 …). */
  readonly seq: number;
  /**
   * Per region, how many of that region's changes its region had seen when it
   * committed (its own: `seq − 1`): the write happened after change q of
   * region x exactly when `seen[x] ≥ q`.
   */
  readonly seen: readonly number[];
}

/** One write in flight or settled. */
class Change {
  lost = false;
  /** Regions that have not yet received it. */
  pending: number;
  constructor(
    readonly w: RegionWrite,
    pending: number,
  ) {
    this.pending = pending;
  }
}

/** A region's current value of a key: enough to resolve the next change. */
interface Value {
  readonly version: number;
  readonly commitMs: number;
  readonly region: number;
}

/** One direction of a pair: an ordered stream and its single apply worker. */
class Link {
  lastArrivalMs = 0;
  busy = false;
  readonly queue: Change[] = [];
  head = 0;
  constructor(
    readonly from: number,
    readonly to: number,
    readonly rng: RandomStream,
  ) {}
}

/**
 * One region's multi-primary figures since the last reset.
 *
 * @remarks Since 0.2.0
 */
export class RegionWriteFigures {
  /** Its writes that lost a conflict (lost updates), counted when the conflict arose. */
  lostUpdates = 0;
  /** Commit (elsewhere) to applied here, for every change it applied (ms). */
  readonly applyLagMs = new Histogram();
}

/**
 * Every region's primary, the changes they exchange, and the conflicts.
 *
 * @remarks Since 0.2.0
 */
export class MultiPrimary {
  /** Conflicts (pairs of concurrent writes of a key) since the last reset. */
  conflicts = 0;
  /** Per region, in the map's order. */
  readonly figures: RegionWriteFigures[];
  private readonly sim: Simulation;
  private readonly map: RegionMap;
  private readonly config: MultiPrimaryConfig;
  private readonly ports: readonly RegionPrimaryPort[];
  private readonly n: number;
  /** Per region, its vector: changes seen of every region. */
  private readonly seen: Int32Array[];
  private readonly values: Map<number, Value>[];
  private readonly lastVersion = new Map<number, number>();
  /** Per key, its writes some region has not yet received. */
  private readonly unsettled = new Map<number, Change[]>();
  /** Per region: the versions of its commits, by the node's own LSN, until answered. */
  private readonly byLsn: Map<number, number[]>[];
  private readonly links: Link[][];
  private readonly recorded: RegionWrite[] = [];

  /**
   * @param sim - the simulation
   * @param map - regions and round trips
   * @param ports - each region's primary, in the map's order
   * @param config - apply work, extra network, recording
   */
  constructor(
    sim: Simulation,
    map: RegionMap,
    ports: readonly RegionPrimaryPort[],
    config: MultiPrimaryConfig,
  ) {
    this.sim = sim;
    this.map = map;
    this.ports = ports;
    this.config = config;
    this.n = map.names.length;
    this.figures = map.names.map(() => new RegionWriteFigures());
    this.seen = map.names.map(() => new Int32Array(this.n));
    this.values = map.names.map(() => new Map());
    this.byLsn = map.names.map(() => new Map());
    this.links = map.names.map((from, a) =>
      map.names.map((to, b) => new Link(a, b, sim.rng(`multi-primary.${from}.${to}`))),
    );
  }

  /** Every write made so far, when `record` was asked for. */
  get writes(): readonly RegionWrite[] {
    return this.recorded;
  }

  /** The version of `key` region `region` holds now (0: the initial value). */
  versionAt(region: number, key: number): number {
    return this.values[region]?.get(key)?.version ?? 0;
  }

  /**
   * Region `region`'s primary committed `keys` at its own log position `lsn`:
   * each row becomes a new version there at once and is shipped to the others.
   */
  committed(region: number, lsn: number, keys: readonly number[]): void {
    const seen = this.seen[region] as Int32Array;
    const versions: number[] = [];
    for (const key of keys) {
      const version = (this.lastVersion.get(key) ?? 0) + 1;
      this.lastVersion.set(key, version);
      const w: RegionWrite = {
        key,
        version,
        region,
        commitMs: this.sim.now,
        seq: (seen[region] as number) + 1,
        seen: Array.from(seen),
      };
      seen[region] = w.seq;
      if (this.config.record === true) this.recorded.push(w);
      const change = new Change(w, this.n - 1);
      this.judge(change);
      (this.values[region] as Map<number, Value>).set(key, w);
      if (this.n > 1) this.keep(change);
      for (let to = 0; to < this.n; to++) if (to !== region) this.ship(change, to);
      versions.push(version);
    }
    (this.byLsn[region] as Map<number, number[]>).set(lsn, versions);
  }

  /**
   * The versions region `region`'s commit at its node's log position `lsn`
   * created, one per row in the order committed; forgets them (asked once,
   * when the write is answered).
   */
  takeVersions(region: number, lsn: number): number[] {
    const at = this.byLsn[region] as Map<number, number[]>;
    const versions = at.get(lsn) ?? [];
    at.delete(lsn);
    return versions;
  }

  /** Restarts the counts and lag histograms (the warm-up cut). */
  resetStats(): void {
    this.conflicts = 0;
    for (const f of this.figures) {
      f.lostUpdates = 0;
      f.applyLagMs.reset();
    }
  }

  /** Counts the conflicts of a new write with the earlier writes of its key its region has not seen. */
  private judge(change: Change): void {
    const w = change.w;
    const others = this.unsettled.get(w.key);
    if (others === undefined) return;
    for (const u of others) {
      if (u.w.region === w.region || (w.seen[u.w.region] as number) >= u.w.seq) continue;
      this.conflicts++;
      const loser = wins(w, u.w) ? u : change;
      if (!loser.lost) {
        loser.lost = true;
        (this.figures[loser.w.region] as RegionWriteFigures).lostUpdates++;
      }
    }
  }

  private keep(change: Change): void {
    const list = this.unsettled.get(change.w.key);
    if (list === undefined) this.unsettled.set(change.w.key, [change]);
    else list.push(change);
  }

  private ship(change: Change, to: number): void {
    const link = (this.links[change.w.region] as Link[])[to] as Link;
    const trip = this.map.roundTrip(link.from, to)(link.rng);
    const extra = this.config.networkMs?.(link.rng) ?? 0;
    const arrival = Math.max(link.lastArrivalMs, this.sim.now + (trip + extra) / 2);
    link.lastArrivalMs = arrival;
    this.sim.at(arrival, () => {
      link.queue.push(change);
      this.applyNext(link);
    });
  }

  /** The link's one apply worker takes the next change, in commit order. */
  private applyNext(link: Link): void {
    if (link.busy || link.head >= link.queue.length) return;
    const change = link.queue[link.head] as Change;
    link.head++;
    if (link.head > 1024 && link.head * 2 > link.queue.length) {
      link.queue.splice(0, link.head);
      link.head = 0;
    }
    link.busy = true;
    const port = this.ports[link.to] as RegionPrimaryPort;
    port.runWork(this.config.applyMs(link.rng), () => {
      link.busy = false;
      this.apply(link.to, change);
      this.applyNext(link);
    });
  }

  /** Resolves an incoming change against the receiver's value: last writer wins. */
  private apply(to: number, change: Change): void {
    const w = change.w;
    const values = this.values[to] as Map<number, Value>;
    const current = values.get(w.key);
    // A region's own changes arrive in commit order: a later one replaces an earlier one.
    if (current === undefined || current.region === w.region || wins(w, current)) {
      values.set(w.key, w);
    }
    const seen = this.seen[to] as Int32Array;
    for (let x = 0; x < this.n; x++) {
      const s = x === w.region ? w.seq : (w.seen[x] as number);
      if (s > (seen[x] as number)) seen[x] = s;
    }
    (this.figures[to] as RegionWriteFigures).applyLagMs.record(this.sim.now - w.commitMs);
    change.pending--;
    if (change.pending === 0) this.settle(change);
  }

  /** Every region has it: no later write can be concurrent with it. */
  private settle(change: Change): void {
    const list = this.unsettled.get(change.w.key);
    if (list === undefined) return;
    const at = list.indexOf(change);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) this.unsettled.delete(change.w.key);
  }
}

/** Last writer wins: the later commit timestamp, the region listed later on a tie. */
function wins(a: Value, b: Value): boolean {
  return a.commitMs > b.commitMs || (a.commitMs === b.commitMs && a.region > b.region);
}
