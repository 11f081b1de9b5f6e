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
// then SwitchTraffic). Left out: the catch-up of writes made during the copy
// (binlog / logical replication filtering), which the cut-over absorbs.
import type { Simulation } from "../../kernel/index.js";
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
  /** Writes to a batch's keys pause this long while the router switches (ms). */
  readonly cutoverMs: number;
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
}

/**
 * Moves the keys of `live` to the layout of `target`, batch by batch.
 *
 * @remarks Since 0.2.0
 */
export class Migration {
  private readonly sim: Simulation;
  private readonly live: ShardMap;
  private readonly target: ShardMap;
  private readonly config: MigrationConfig;
  private readonly pending: number[] = [];
  private readonly frozenUntil: Float64Array;
  private moved = 0;
  private started = Number.NaN;
  private finished = Number.NaN;

  /**
   * @param sim - the simulation
   * @param live - the layout the router reads, changed key by key as batches switch
   * @param target - the layout to reach (same key space and shard count)
   * @param config - the copy's pace and costs
   */
  constructor(sim: Simulation, live: ShardMap, target: ShardMap, config: MigrationConfig) {
    if (live.keys !== target.keys || live.shards !== target.shards) {
      throw new RangeError(
        `a migration needs layouts over the same keys and shards (${live.keys} keys on ${live.shards} and ${target.keys} on ${target.shards}); grow the live map to the new shard count first`,
      );
    }
    for (const [name, v] of [
      ["rowsPerSec", config.rowsPerSec],
      ["batchRows", config.batchRows],
    ] as const) {
      if (!(v > 0 && Number.isFinite(v)))
        throw new RangeError(`migration ${name} must be > 0, not ${v}`);
    }
    for (const [name, v] of [
      ["copyMs", config.copyMs],
      ["cutoverMs", config.cutoverMs],
      ["rowBytes", config.rowBytes],
    ] as const) {
      if (!(v >= 0 && Number.isFinite(v)))
        throw new RangeError(`migration ${name} must be ≥ 0, not ${v}`);
    }
    this.sim = sim;
    this.live = live;
    this.target = target;
    this.config = config;
    this.frozenUntil = new Float64Array(live.keys);
    for (let key = 0; key < live.keys; key++) {
      if (live.shardOf(key) !== target.shardOf(key)) this.pending.push(key);
    }
  }

  /** Starts copying now. */
  start(): void {
    this.started = this.sim.now;
    this.nextBatch(0);
  }

  /** How long a write to `key` must wait for a cut-over in progress (ms); 0 when none. */
  writeDelayMs(key: number): number {
    const until = this.frozenUntil[key] as number;
    return until > this.sim.now ? until - this.sim.now : 0;
  }

  /** The migration's figures so far. */
  figures(): MigrationFigures {
    return {
      keysToMove: this.pending.length,
      keysMoved: this.moved,
      bytesMoved: this.moved * this.config.rowBytes,
      startedMs: this.started,
      finishedMs: this.finished,
    };
  }

  /** Copies the batch starting at `at` in `pending`, paced by the throttle. */
  private nextBatch(at: number): void {
    if (at >= this.pending.length) {
      this.finished = this.sim.now;
      return;
    }
    const end = Math.min(this.pending.length, at + this.config.batchRows);
    const rows = end - at;
    const paceMs = (rows / this.config.rowsPerSec) * 1000;
    let copies = 0;
    let paced = false;
    const copied = (): void => {
      if (copies > 0 || !paced) return;
      if (this.config.switchAtEnd !== true) this.cutOver(at, end);
      else if (end < this.pending.length) this.nextBatch(end);
      else this.cutOver(0, end);
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

  /** Pauses the batch's writes, then switches its keys and goes on. */
  private cutOver(at: number, end: number): void {
    const until = this.sim.now + this.config.cutoverMs;
    for (let i = at; i < end; i++) this.frozenUntil[this.pending[i] as number] = until;
    this.sim.schedule(this.config.cutoverMs, () => {
      for (let i = at; i < end; i++) {
        const key = this.pending[i] as number;
        this.live.move(key, this.target.shardOf(key));
      }
      this.moved += end - at;
      this.nextBatch(end);
    });
  }
}
