// The shard router: the application's (or Vitess's vtgate's, Citus's
// coordinator's) step that sends an operation to the shard holding its key.
// A point operation goes to one shard, and carries that shard as its cluster
// (log positions and versions are then the shard's own). A scan whose keys lie
// on several shards, and a cross-shard query (a join or an aggregate over k
// shards or all of them), scatter: one sub-operation per shard, sent at once;
// the answer waits for the slowest shard, then the application merges the rows
// — `rowsPerShard` from each (a LIMIT k page fetches k rows from every shard) at
// `mergeMsPerRow` each. A failed sub-operation fails the whole with its error.
// Only reads scatter: a write goes to the shard of its key (a write spanning
// shards would need a distributed commit, which is not modelled). A
// sub-operation carries the original key and its shard as its cluster.
// The session-guarantee checkers do not look inside a scattered read (it has
// no single version); they see its point operations. The per-shard latency is
// recorded when the caller reports a finished operation (`completed`), from its
// `cluster` and `spans`, so the single-shard path allocates nothing.
import type { Simulation } from "../../kernel/index.js";
import { Histogram } from "../../metrics/index.js";
import { type Done, Operation, type Service } from "../operation.js";
import type { WriteGate } from "./migration.js";
import type { ShardMap } from "./shard-map.js";

/**
 * Settings of a {@link ShardRouter}.
 *
 * @remarks Since 0.2.0
 */
export interface ShardRouterConfig {
  /** Which shard holds each key. */
  readonly map: ShardMap;
  /** Each shard's front service (its routing, drivers, pools, nodes), by shard index. */
  readonly shards: readonly Service[];
  /** Rows each shard returns to a scattered operation. */
  readonly rowsPerShard: number;
  /** Application time to merge one row of a scattered answer (ms). */
  readonly mergeMsPerRow: number;
}

/**
 * What a cross-shard query touches: `shards` shards from the one holding its
 * key (and on, cyclically), or every shard when `shards` is "all".
 *
 * @remarks Since 0.2.0
 */
export interface FanOut {
  readonly shards: number | "all";
}

/**
 * Sends operations to their shard; scatters and gathers the ones that span
 * several.
 *
 * @remarks Since 0.2.0
 */
export class ShardRouter implements Service {
  private readonly sim: Simulation;
  private readonly config: ShardRouterConfig;
  private readonly perShard: Float64Array;
  private gate: WriteGate | null = null;
  private single = 0;
  private scattered = 0;
  private fanOutSum = 0;
  private readonly gatherLatency = new Histogram();
  private readonly pointLatency: Histogram[];

  /**
   * @param sim - the simulation
   * @param config - the shards and the merge cost
   */
  constructor(sim: Simulation, config: ShardRouterConfig) {
    // More shards may be built than the map uses yet: a resharding grows the map to them.
    if (config.shards.length < config.map.shards) {
      throw new RangeError(
        `the shard map has ${config.map.shards} shards but ${config.shards.length} were built`,
      );
    }
    if (!(config.rowsPerShard >= 0) || !(config.mergeMsPerRow >= 0)) {
      throw new RangeError("rowsPerShard and mergeMsPerRow must be ≥ 0");
    }
    this.sim = sim;
    this.config = config;
    this.perShard = new Float64Array(config.shards.length);
    this.pointLatency = Array.from({ length: config.shards.length }, () => new Histogram());
  }

  /**
   * Hands every write to a resharding's gate (its Migration): held
   * while its key is being cut over, watched while its key's rows are copied;
   * null for none.
   *
   * @remarks Since 0.2.0
   */
  gateWrites(gate: WriteGate | null): void {
    this.gate = gate;
  }

  /** Marks `op` as a cross-shard query before it is submitted (its {@link Operation.spans}). */
  fanOut(op: Operation, fanOut: FanOut): void {
    op.spans = fanOut.shards === "all" ? Number.POSITIVE_INFINITY : fanOut.shards;
  }

  /**
   * Tells `op` its shard before it is submitted (so a checker that reads
   * `op.cluster` when it is issued sees it): the shard of its key. Returns
   * whether it stays on that shard; false when it will scatter, or is a write
   * held by a cut-over (it then has no single shard or version).
   */
  place(op: Operation): boolean {
    const home = this.config.map.shardOf(op.key);
    op.cluster = home;
    // A write held by a cut-over may run on the key's new shard: no single shard to judge it on.
    if (op.kind === "write" && this.gate !== null && this.gate.holds(op.key)) return false;
    return this.targets(op, home) === null;
  }

  submit(op: Operation, done: Done): void {
    const gate = this.gate;
    if (gate !== null && op.kind === "write") {
      if (gate.holds(op.key)) {
        gate.hold(op.key, () => this.submit(op, done));
        return;
      }
      this.route(op, gate.sent(op.key, done));
      return;
    }
    this.route(op, done);
  }

  /** Sends `op` to its key's shard, or scatters it. */
  private route(op: Operation, done: Done): void {
    const map = this.config.map;
    const home = map.shardOf(op.key);
    const targets = this.targets(op, home);
    if (targets === null) {
      op.cluster = home;
      op.spans = 1;
      this.single++;
      this.perShard[home] = (this.perShard[home] as number) + 1;
      (this.config.shards[home] as Service).submit(op, done);
      return;
    }
    op.spans = targets.length;
    this.scatter(op, targets, done);
  }

  /**
   * Records a finished operation: one this router sent to a single shard
   * counts in that shard's latency ({@link ShardRouter.shardLatency}); others
   * (scattered, or answered before reaching the router) do not. Call it for
   * every operation as its `done` runs.
   *
   * @remarks Since 0.2.0
   */
  completed(op: Operation): void {
    if (op.spans !== 1 || op.error !== null) return;
    this.pointLatency[op.cluster]?.record(this.sim.now - op.issuedAt);
  }

  /** The shards a spanning operation touches, or null when it stays on `home`. */
  private targets(op: Operation, home: number): number[] | null {
    if (op.kind === "write") return null;
    const n = this.config.map.shards;
    if (op.spans > 1) {
      const k = Math.min(n, op.spans);
      return k === 1 ? null : Array.from({ length: k }, (_, i) => (home + i) % n);
    }
    const range = op.range;
    if (range === null) return null;
    const touched = new Set<number>();
    // A big tenant's scan spans many keys: stop once it has touched every shard.
    for (let key = range.from; key < range.to && key < this.config.map.keys; key++) {
      touched.add(this.config.map.shardOf(key));
      if (touched.size === n) break;
    }
    if (touched.size <= 1) return null;
    return [...touched].sort((a, b) => a - b);
  }

  private scatter(op: Operation, targets: readonly number[], done: Done): void {
    this.scattered++;
    this.fanOutSum += targets.length;
    let waiting = targets.length;
    let error: Operation["error"] = null;
    const answered = (sub: Operation): void => {
      if (sub.error !== null && error === null) error = sub.error;
      if (--waiting > 0) return;
      const rows = this.config.rowsPerShard * targets.length;
      this.sim.schedule(error === null ? rows * this.config.mergeMsPerRow : 0, () => {
        op.error = error;
        op.completedAt = this.sim.now;
        if (error === null) this.gatherLatency.record(op.completedAt - op.issuedAt);
        done(op);
      });
    };
    for (const shard of targets) {
      const sub = new Operation(op.id, op.session, op.kind, op.key, 1, this.sim.now);
      sub.cluster = shard;
      this.perShard[shard] = (this.perShard[shard] as number) + 1;
      (this.config.shards[shard] as Service).submit(sub, answered);
    }
  }

  /** Operations (and sub-operations) each shard received since the last reset. */
  operationsPerShard(): number[] {
    return [...this.perShard];
  }

  /** The share of operations that stayed on one shard. */
  get singleShardShare(): number {
    const total = this.single + this.scattered;
    return total === 0 ? 0 : this.single / total;
  }

  /** Mean shards a scattered operation touched; 0 when none scattered. */
  get meanFanOut(): number {
    return this.scattered === 0 ? 0 : this.fanOutSum / this.scattered;
  }

  /** Scattered operations' latency (issue to merged answer), successful ones. */
  get scatterLatency(): Histogram {
    return this.gatherLatency;
  }

  /** Latency (issue to answer) of the successful operations that stayed on shard `shard`. */
  shardLatency(shard: number): Histogram {
    const h = this.pointLatency[shard];
    if (h === undefined)
      throw new RangeError(`shard ${shard} is not one of 0 … ${this.pointLatency.length - 1}`);
    return h;
  }

  /** Restarts the statistics (the warm-up cut). */
  resetStats(): void {
    this.perShard.fill(0);
    this.single = 0;
    this.scattered = 0;
    this.fanOutSum = 0;
    this.gatherLatency.reset();
    for (const h of this.pointLatency) h.reset();
  }
}
