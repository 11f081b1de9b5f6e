// Online resharding: moving from one layout to another while traffic runs, as
// Vitess's Reshard / MoveTables workflows and Citus's shard moves do it — copy
// the rows that change shard in the background, then cut each moved batch
// over. Here the rows go in batches of `batchRows` at `rowsPerSec` (the copy's
// throttle); each row copied costs `copyMs` of work on the source shard and on
// the target shard (handed to `work`, so the copy competes with live traffic
// for their capacity); after a batch is copied its keys' writes pause for
// `cutoverMs` (the brief write stop while the router switches), then the
// router's map points them to their new shard. Reads keep going to the old
// shard until the switch. With `switchAtEnd` every batch is copied first and
// all the moved keys are cut over together (Vitess's Reshard: copy, catch up,
// then SwitchTraffic). A write acknowledged on the source after its row's
// copy began is a change the target applies (catch-up.ts); a cut-over stops
// the writes to its keys, waits until none is in flight and every change to
// them is applied, then pauses `cutoverMs` and switches — Vitess's
// SwitchTraffic ("stops writes on the source primary and waits for the
// replication to the target to catchup", MoveTables `--timeout`) and Citus's
// BlockWritesToShardList then WaitForAllSubscriptionsToCatchUp. With a
// `carry`, a copied row and each change are writes of the target's own log
// holding the row's version (vitess go/vt/vttablet/tabletmanager/vreplication/
// vcopier.go copyTable bulk-inserts the rows; vplayer.go applyRowEvent replays
// each change as a statement), so its replicas get them as any write.
import type { Simulation } from "../../kernel/index.js";
import type { Done, Operation } from "../operation.js";
import { CatchUpStreams } from "./catch-up.js";
import type { ShardMap } from "./shard-map.js";

/**
 * Settings of a {@link Migration}.
 *
 * @remarks Since 0.2.0
 */
export interface MigrationConfig {
  /** Rows copied per second, all shards together (the copy's throttle). */
  readonly rowsPerSec: number;
  /** Rows copied, then cut over, together. */
  readonly batchRows: number;
  /** Work a row's copy costs on each of its source and target shard (ms). */
  readonly copyMs: number;
  /** Writes to a batch's keys pause this long, once the target caught up, while the router switches (ms). */
  readonly cutoverMs: number;
  /** Work one change (a write made after its row was copied) costs on its target (ms). */
  readonly applyMs: number;
  /** Bytes a row occupies (for the bytes-moved figure). */
  readonly rowBytes: number;
  /**
   * Copy every batch first, then cut all the moved keys over at once (Vitess's
   * Reshard: the source serves all traffic until SwitchTraffic); false or
   * absent: each batch is cut over once copied.
   */
  readonly switchAtEnd?: boolean;
  /** Runs `ms` of background work on `shard`'s primary; `done` once it ran. */
  work(shard: number, ms: number, done: () => void): void;
  /** Told of each copy, change and switch (for checks); absent: nobody. */
  readonly trace?: MigrationTrace;
  /** Carries the rows' versions to their targets; absent: the copy is work only. */
  readonly carry?: RowCarrier;
}

/**
 * How a migration reads a row's version on its source and writes it on its
 * target: the copy and each change land on the target's primary as a write of
 * its own log at the version the row holds (its replicas then apply it as any
 * write).
 *
 * @remarks Since 0.2.0
 */
export interface RowCarrier {
  /** The version of `key` that `shard`'s primary holds now. */
  version(shard: number, key: number): number;
  /** Commits `key` at `version` on `shard`'s primary. */
  write(shard: number, key: number, version: number): void;
}

/**
 * What a finished (or running) migration did.
 *
 * @remarks Since 0.2.0
 */
export interface MigrationFigures {
  /** Keys whose shard changes. */
  readonly keysToMove: number;
  /** Keys switched to their new shard so far. */
  readonly keysMoved: number;
  /** Bytes copied so far. */
  readonly bytesMoved: number;
  /** When the copy began (ms), NaN before. */
  readonly startedMs: number;
  /** When the last batch switched (ms), NaN until then. */
  readonly finishedMs: number;
  /** Changes (writes made after their row was copied) applied on the targets. */
  readonly caughtUpChanges: number;
  /** The longest a cut-over held writes: catching up, then `cutoverMs` (ms; 0 before one ended). */
  readonly writePauseMaxMs: number;
  /** The most age of an unapplied change when a cut-over stopped writes (ms). */
  readonly catchUpLagMaxMs: number;
}

/**
 * What the router asks of a running migration about writes: whether a key's
 * writes are held by a cut-over, to queue one until they switch, and to watch
 * one sent to the key's shard (a change for the target when it is acknowledged).
 *
 * @remarks Since 0.2.0
 */
export interface WriteGate {
  /** Whether writes to `key` are held by a cut-over now. */
  holds(key: number): boolean;
  /** Runs `resume` once the cut-over holding `key` has switched it. */
  hold(key: number, resume: () => void): void;
  /** The `done` to give a write to `key` sent now to the key's shard (`done` itself when the key does not move). */
  sent(key: number, done: Done): Done;
}

/**
 * Observes a migration's steps, for checks (all optional).
 *
 * @remarks Since 0.2.0
 */
export interface MigrationTrace {
  /** `key`'s copy took its snapshot now: writes acknowledged until now are in the copy. */
  copied?(key: number): void;
  /** A change to `key`, acknowledged on the source at `ackedAtMs`, is applied on its target now. */
  applied?(key: number, ackedAtMs: number): void;
  /** `key` switched from shard `from` to shard `to` now (`from` and `to` since 0.2.0). */
  switched?(key: number, from: number, to: number): void;
}

/**
 * Moves the keys of `live` to the layout of `target`, batch by batch.
 *
 * @remarks Since 0.2.0
 */
export class Migration implements WriteGate {
  private readonly sim: Simulation;
  private readonly live: ShardMap;
  private readonly target: ShardMap;
  private readonly config: MigrationConfig;
  private readonly pending: number[] = [];
  /** Each key's batch (its index in `pending` over batchRows); -1 for a key that stays. */
  private readonly batchOf: Int32Array;
  /** Per batch: when its copy took its snapshot (NaN before), writes in flight, changes unapplied. */
  private readonly snapshotMs: Float64Array;
  private readonly inFlight: Int32Array;
  private readonly unapplied: Int32Array;
  private readonly streams: CatchUpStreams;
  /** The cut-over in progress: its batches [cutFrom, cutTo), writes held since `heldSince`. */
  private cutFrom = 0;
  private cutTo = 0;
  private heldSince = Number.NaN;
  private held: (() => void)[] = [];
  private moved = 0;
  private started = Number.NaN;
  private finished = Number.NaN;
  private pauseMax = 0;
  private lagMax = 0;

  /**
   * @param sim - the simulation
   * @param live - the layout the router reads, changed key by key as batches switch
   * @param target - the layout to reach (same key space and shard count)
   * @param config - the copy's pace and costs
   */
  constructor(sim: Simulation, live: ShardMap, target: ShardMap, config: MigrationConfig) {
    checkConfig(live, target, config);
    this.sim = sim;
    this.live = live;
    this.target = target;
    this.config = config;
    this.batchOf = new Int32Array(live.keys).fill(-1);
    for (let key = 0; key < live.keys; key++) {
      if (live.shardOf(key) === target.shardOf(key)) continue;
      this.batchOf[key] = Math.floor(this.pending.length / config.batchRows);
      this.pending.push(key);
    }
    const batches = Math.ceil(this.pending.length / config.batchRows);
    this.snapshotMs = new Float64Array(batches).fill(Number.NaN);
    this.inFlight = new Int32Array(batches);
    this.unapplied = new Int32Array(batches);
    this.streams = new CatchUpStreams(
      sim,
      config.applyMs,
      config.work,
      (key, batch, ackedAt, version) => {
        this.unapplied[batch] = (this.unapplied[batch] as number) - 1;
        this.carryRow(key, version);
        config.trace?.applied?.(key, ackedAt);
        this.settled(batch);
      },
    );
  }

  /** Starts copying now. */
  start(): void {
    this.started = this.sim.now;
    this.nextBatch(0);
  }

  /** {@inheritDoc WriteGate.holds} */
  holds(key: number): boolean {
    const batch = this.batchOf[key] as number;
    return batch >= this.cutFrom && batch < this.cutTo;
  }

  /** {@inheritDoc WriteGate.hold} */
  hold(_key: number, resume: () => void): void {
    this.held.push(resume);
  }

  /** {@inheritDoc WriteGate.sent} */
  sent(key: number, done: Done): Done {
    const batch = this.batchOf[key] as number;
    // A key that stays, or one already switched: its writes are the new shard's own.
    if (batch < 0 || this.live.shardOf(key) === this.target.shardOf(key)) return done;
    this.inFlight[batch] = (this.inFlight[batch] as number) + 1;
    return (op: Operation) => {
      this.inFlight[batch] = (this.inFlight[batch] as number) - 1;
      // Acknowledged after the copy's snapshot (NaN before it: false), the copy may not
      // hold it: the stream carries it. Acknowledged by then, it was committed in time.
      if (op.error === null && this.sim.now > (this.snapshotMs[batch] as number)) {
        this.unapplied[batch] = (this.unapplied[batch] as number) + 1;
        this.streams.push(this.target.shardOf(key), key, batch, op.version);
      }
      this.settled(batch);
      done(op);
    };
  }

  /** The migration's figures so far. */
  figures(): MigrationFigures {
    return {
      keysToMove: this.pending.length,
      keysMoved: this.moved,
      bytesMoved: this.moved * this.config.rowBytes,
      startedMs: this.started,
      finishedMs: this.finished,
      caughtUpChanges: this.streams.applied,
      writePauseMaxMs: this.pauseMax,
      catchUpLagMaxMs: this.lagMax,
    };
  }

  /** Copies the batch starting at `at` in `pending`, paced by the throttle. */
  private nextBatch(at: number): void {
    if (at >= this.pending.length) {
      this.finished = this.sim.now;
      return;
    }
    const end = Math.min(this.pending.length, at + this.config.batchRows);
    const batch = at / this.config.batchRows;
    // The copy reads a consistent snapshot: writes acknowledged before it are in it.
    this.snapshotMs[batch] = this.sim.now;
    const trace = this.config.trace;
    if (trace?.copied !== undefined) {
      for (let i = at; i < end; i++) trace.copied(this.pending[i] as number);
    }
    const snapshot = this.snapshotVersions(at, end);
    const paceMs = ((end - at) / this.config.rowsPerSec) * 1000;
    let copies = 0;
    let paced = false;
    const copied = (): void => {
      if (copies > 0 || !paced) return;
      for (let i = at; i < end; i++)
        this.carryRow(this.pending[i] as number, snapshot[i - at] as number);
      if (this.config.switchAtEnd !== true) this.cutOver(batch, batch + 1);
      else if (end < this.pending.length) this.nextBatch(end);
      else this.cutOver(0, batch + 1);
    };
    // The batch's copy work on each (source, target): the copy is done once
    // the throttle's time has passed and every shard has run its share.
    const work = new Map<number, number>();
    for (let i = at; i < end; i++) {
      const key = this.pending[i] as number;
      for (const shard of [this.live.shardOf(key), this.target.shardOf(key)]) {
        work.set(shard, (work.get(shard) ?? 0) + this.config.copyMs);
      }
    }
    for (const [shard, ms] of [...work].sort((a, b) => a[0] - b[0])) {
      copies++;
      this.config.work(shard, ms, () => {
        copies--;
        copied();
      });
    }
    this.sim.schedule(paceMs, () => {
      paced = true;
      copied();
    });
  }

  /** The versions the batch [at, end) of `pending` holds on its sources now (empty without a carry). */
  private snapshotVersions(at: number, end: number): Uint32Array {
    const carry = this.config.carry;
    if (carry === undefined) return new Uint32Array(0);
    const versions = new Uint32Array(end - at);
    for (let i = at; i < end; i++) {
      const key = this.pending[i] as number;
      versions[i - at] = carry.version(this.live.shardOf(key), key);
    }
    return versions;
  }

  /**
   * Writes `version` of `key` on its target, unless the target holds it or a newer
   * one already: a change acknowledged after the snapshot but committed before it
   * is in the copy too, and a change may land before its batch's copy (Vitess's
   * catch-up skips the rows not copied yet instead: vcopier.go copyNext).
   */
  private carryRow(key: number, version: number): void {
    const carry = this.config.carry;
    if (carry === undefined) return;
    const shard = this.target.shardOf(key);
    if (version > carry.version(shard, key)) carry.write(shard, key, version);
  }

  private inCut(batch: number): boolean {
    return batch >= this.cutFrom && batch < this.cutTo;
  }

  /** Holds the writes to batches [from, to) until the targets have caught up on them. */
  private cutOver(from: number, to: number): void {
    this.cutFrom = from;
    this.cutTo = to;
    this.heldSince = this.sim.now;
    this.lagMax = Math.max(this.lagMax, this.streams.lagMs());
    this.settled(from);
  }

  /**
   * A write to `batch` was acknowledged or a change applied: once no write to
   * the cut-over's keys is in flight and every change to them is applied, it goes on.
   */
  private settled(batch: number): void {
    if (!this.inCut(batch) || Number.isNaN(this.heldSince)) return;
    for (let b = this.cutFrom; b < this.cutTo; b++) {
      if ((this.inFlight[b] as number) > 0 || (this.unapplied[b] as number) > 0) return;
    }
    this.caughtUp();
  }

  /** The targets hold every write to the cut-over's keys: pause `cutoverMs`, then switch. */
  private caughtUp(): void {
    const from = this.cutFrom * this.config.batchRows;
    const end = Math.min(this.pending.length, this.cutTo * this.config.batchRows);
    const heldSince = this.heldSince;
    this.heldSince = Number.NaN;
    this.sim.schedule(this.config.cutoverMs, () => {
      for (let i = from; i < end; i++) {
        const key = this.pending[i] as number;
        const source = this.live.shardOf(key);
        const shard = this.target.shardOf(key);
        this.live.move(key, shard);
        this.config.trace?.switched?.(key, source, shard);
      }
      this.moved += end - from;
      this.pauseMax = Math.max(this.pauseMax, this.sim.now - heldSince);
      this.cutFrom = 0;
      this.cutTo = 0;
      const held = this.held;
      this.held = [];
      for (const resume of held) resume();
      this.nextBatch(end);
    });
  }
}

function checkConfig(live: ShardMap, target: ShardMap, config: MigrationConfig): void {
  if (live.keys !== target.keys || live.shards !== target.shards) {
    throw new RangeError(
      `a migration needs layouts over the same keys and shards (${live.keys} keys on ${live.shards} and ${target.keys} on ${target.shards}); grow the live map to the new shard count first`,
    );
  }
  if (!(config.rowsPerSec > 0 && Number.isFinite(config.rowsPerSec)))
    throw new RangeError(`migration rowsPerSec must be > 0, not ${config.rowsPerSec}`);
  if (!(Number.isInteger(config.batchRows) && config.batchRows > 0))
    throw new RangeError(`migration batchRows must be an integer > 0, not ${config.batchRows}`);
  for (const [name, v] of [
    ["copyMs", config.copyMs],
    ["cutoverMs", config.cutoverMs],
    ["applyMs", config.applyMs],
    ["rowBytes", config.rowBytes],
  ] as const) {
    if (!(v >= 0 && Number.isFinite(v)))
      throw new RangeError(`migration ${name} must be ≥ 0, not ${v}`);
  }
}
