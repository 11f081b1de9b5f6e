// A scheduled `reshard`: at its instant the live shard map grows and a
// Migration (src/models/sharding/migration.ts) copies the keys whose shard
// differs in the target layout (reshard-layout.ts), the router handing it
// every write (held at a cut-over, carried to the target when made after its
// row's copy). The copy and the changes write the rows' versions on the targets'
// primaries, and at a key's switch its newest acknowledged version becomes its
// new shard's; operations are timed by the migration's phase when they are answered.
import type * as z from "zod";
import { Histogram } from "../../metrics/index.js";
import type { Operation } from "../../models/operation.js";
import { Migration } from "../../models/sharding/migration.js";
import type { ShardMap } from "../../models/sharding/shard-map.js";
import type { ShardRouter } from "../../models/sharding/shard-router.js";
import type { TenantLayout } from "../../models/sharding/tenants.js";
import { roundFigure, spread } from "../fields.js";
import type { BuildContext } from "./component.js";
import { MovedKeyChecks, type MovedKeyCounts } from "./reshard-checks.js";
import { type Reshard, shardsAfter } from "./reshard-event.js";
import { reshardTarget } from "./reshard-layout.js";
import type { ShardCluster, ShardingReportSchema, ShardingSpec } from "./sharding-section.js";

/**
 * Schedules the timeline's `reshard` (at most one): at its instant the live map
 * grows to the new shard count and a Migration copies the keys whose shard
 * differs in the target layout, each row's copy costing
 * work on its source and target primaries; the router holds writes to a batch
 * being cut over. Returns the report's figures, or null without a reshard.
 *
 * @internal
 */
export function scheduleReshard(
  context: BuildContext,
  spec: ShardingSpec,
  live: ShardMap,
  router: ShardRouter,
  shards: readonly ShardCluster[],
  tenants: TenantLayout | undefined,
  directory: { readonly misroutes: number } | null,
): ReshardRun | null {
  const event: Reshard | undefined = context.events("reshard")[0];
  if (event === undefined) return null;
  const { sim, scenario } = context;
  const from = live.shards;
  let migration: Migration | null = null;
  const to = shardsAfter(from, event);
  const target = reshardTarget(spec, event, scenario.workload.keys.count, tenants);
  const source = new Int32Array(live.keys).fill(-1);
  for (let key = 0; key < live.keys; key++) {
    if (live.shardOf(key) !== target.shardOf(key)) source[key] = live.shardOf(key);
  }
  const checks = new MovedKeyChecks((key) => source[key] as number);
  sim.at(event.at, () => {
    live.grow(to);
    const m = new Migration(sim, live, target, {
      rowsPerSec: event.rowsPerSec,
      batchRows: event.batchRows,
      copyMs: event.copyMsPerRow,
      cutoverMs: event.cutover,
      // Applying a change writes one row on the target, as copying it did.
      applyMs: event.applyMsPerChange ?? event.copyMsPerRow,
      rowBytes: event.rowBytes,
      // Vitess copies the whole keyrange, then switches traffic once.
      switchAtEnd: spec.strategy === "keyspace",
      work: (shard, ms, done) => (shards[shard] as ShardCluster).work(ms, done),
      carry: {
        version: (shard, key) => (shards[shard] as ShardCluster).version(key),
        write: (shard, key, version) => (shards[shard] as ShardCluster).carry(key, version),
      },
      trace: {
        // Every write to the key was acknowledged on its old shard (the cut-over
        // waited for them): a read on the new one is stale against the newest.
        switched: (key, source, shard) => {
          (shards[shard] as ShardCluster).acknowledgeCarried(
            key,
            context.versions.newestAckedVersion(source, key),
          );
          checks.switched(key);
        },
      },
    });
    router.gateWrites(m);
    migration = m;
    m.start();
  });
  // Latency by the migration's phase at each operation's answer: before, during, after.
  const phases = [new Histogram(), new Histogram(), new Histogram()] as const;
  const phase = (): 0 | 1 | 2 => {
    const m = migration as Migration | null;
    if (m === null) return 0;
    return Number.isNaN(m.figures().finishedMs) ? 1 : 2;
  };
  return {
    invoked: (op) => checks.invoked(op),
    completed: (op) => {
      checks.completed(op);
      if (op.error === null) phases[phase()].record(sim.now - op.issuedAt);
    },
    checks,
    reset: () => {
      for (const h of phases) h.reset();
      checks.reset();
    },
    figures: () => {
      const f = (migration as Migration | null)?.figures();
      return {
        fromShards: from,
        toShards: to,
        startedMs: roundFigure(f?.startedMs ?? event.at),
        finishedMs:
          f === undefined || Number.isNaN(f.finishedMs) ? null : roundFigure(f.finishedMs),
        keysToMove: f?.keysToMove ?? 0,
        keysMoved: f?.keysMoved ?? 0,
        bytesMoved: f?.bytesMoved ?? 0,
        caughtUpChanges: f?.caughtUpChanges ?? 0,
        writePauseMaxMs: roundFigure(f?.writePauseMaxMs ?? 0),
        catchUpLagMaxMs: roundFigure(f?.catchUpLagMaxMs ?? 0),
        ...(directory === null ? {} : { misroutes: directory.misroutes }),
        p99Ms: {
          before: spread(phases[0]).p99,
          during: spread(phases[1]).p99,
          after: spread(phases[2]).p99,
        },
      };
    },
  };
}

/** @internal A scheduled resharding: its latency recorder, its checks across the move and its figures. */
export interface ReshardRun {
  /** An operation placed on a single shard is issued now. */
  invoked(op: Operation): void;
  /** Times a finished operation by the migration's phase when it is answered, and checks it. */
  completed(op: Operation): void;
  /** What the checks across the move counted. */
  readonly checks: MovedKeyCounts;
  reset(): void;
  figures(): NonNullable<z.output<typeof ShardingReportSchema>["resharding"]>;
}
