// The constant-delay multi-region plan the regions validation tests share: one
// closed client per region (client i is session i, in region i), single
// statements, constant costs and no server mechanisms, so nothing queues and
// every latency is exact arithmetic on the round-trip matrix.
import type { ScenarioInput } from "../../src/index.js";

/** What a test sets; everything else is the shared constant plan. */
export interface RegionsPlanOptions {
  readonly seed: number;
  readonly duration: number;
  /** The regions, one client and session each. */
  readonly names: readonly string[];
  /** The replicas, by name and region. */
  readonly replicas: readonly { readonly name: string; readonly region: string }[];
  /** The `regions` section. */
  readonly regions: NonNullable<ScenarioInput["regions"]>;
  readonly readRatio?: number;
  readonly thinkTime?: number;
  readonly keys?: number;
  readonly sameDatacenterRoundTrip?: number;
  readonly readTime?: number;
  readonly writeTime?: number;
  readonly timeline?: ScenarioInput["timeline"];
}

/** The plan: `options` over the shared constants. */
export function regionsPlan(o: RegionsPlanOptions): ScenarioInput {
  return {
    seed: o.seed,
    duration: o.duration,
    warmup: 0,
    latency: {
      sameDatacenterRoundTrip: o.sameDatacenterRoundTrip ?? 0.5,
      crossRegionRoundTrip: 40,
    },
    workload: {
      clients: o.names.length,
      sessions: o.names.length,
      thinkTime: o.thinkTime ?? 5,
      readRatio: o.readRatio ?? 0.5,
      transactions: { share: 0 },
      keys: { count: o.keys ?? 1_000_000, popularity: { kind: "uniform" } },
    },
    database: {
      cores: 16,
      mechanisms: "none",
      readTime: o.readTime ?? 0.1,
      writeTime: o.writeTime ?? 0.2,
      connectionSetupTime: 0,
    },
    client: { connectRoundTrips: 0 },
    replication: {
      replicas: o.replicas.map((r) => ({ ...r })),
      network: 0,
      flushTime: 0,
      applyTime: 0.01,
    },
    routing: { via: "app" },
    regions: o.regions,
    ...(o.timeline === undefined ? {} : { timeline: o.timeline }),
  };
}
