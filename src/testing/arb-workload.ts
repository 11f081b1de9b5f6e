// Arbitraries for the workload, database and client sections.
import type { Arbitrary } from "fast-check";
import type { DistributionSpec } from "../latency/index.js";
import { decimal, duration, optionalField, section, serviceTime } from "./arb-fields.js";
import type { SectionArbitrary } from "./arb-sections.js";
import type {
  ClientInput,
  DatabaseInput,
  SectionChoice,
  SessionStateInput,
  WorkloadInput,
} from "./arb-types.js";
import { fc } from "./fast-check.js";

/** Which workload parts that only pools and proxies react to are generated. */
export interface StateChoices {
  readonly sessionState: SectionChoice;
  readonly lockingReads: SectionChoice;
}

export function arbSessionState(): Arbitrary<SessionStateInput> {
  return fc
    .record({
      share: decimal(0, 0.5),
      feature: optionalField(
        "feature",
        fc.constantFrom(
          "set" as const,
          "listen" as const,
          "advisory-lock" as const,
          "sql-prepare" as const,
          "temp-table" as const,
          "protocol-prepare" as const,
        ),
      ),
    })
    .map(({ share, feature }) => ({ share, ...feature }));
}

export function arbWorkload(
  readAfterWrite: boolean | undefined,
  state: StateChoices,
): Arbitrary<WorkloadInput> {
  const workload = arbBaseWorkload(readAfterWrite);
  // Left as it was when neither part is asked for, so such scenarios keep their draws.
  if (state.sessionState === "never" && state.lockingReads === "never") return workload;
  return fc
    .tuple(
      workload,
      section(state.sessionState, arbSessionState()),
      section(state.lockingReads, decimal(0, 0.3)),
    )
    .map(([w, sessionState, lockingReads]) => ({
      ...w,
      ...(sessionState === undefined ? {} : { sessionState }),
      ...(lockingReads === undefined ? {} : { lockingReads }),
    }));
}

export function arbBaseWorkload(readAfterWrite: boolean | undefined): Arbitrary<WorkloadInput> {
  const arrivals = fc.oneof(
    fc.oneof(
      fc.integer({ min: 50, max: 800 }).map((rate) => ({ rate })),
      fc.array(fc.integer({ min: 50, max: 800 }), { minLength: 1, maxLength: 3 }).chain((rates) =>
        fc
          .array(fc.integer({ min: 1, max: 2000 }), {
            minLength: rates.length - 1,
            maxLength: rates.length - 1,
          })
          .map((ats) => ({
            rate: {
              steps: rates.map((rate, i) => ({ at: i === 0 ? 0 : (ats[i - 1] as number), rate })),
            },
          })),
      ),
      fc
        .tuple(
          fc.integer({ min: 50, max: 800 }),
          fc.integer({ min: 50, max: 800 }),
          duration(0, 2000),
        )
        .map(([from, to, over]) => ({ rate: { ramp: { from, to, over } } })),
    ),
    fc.record({
      clients: fc.integer({ min: 1, max: 20 }),
      thinkTime: fc.oneof(
        decimal(0.5, 20).map((value): DistributionSpec => ({ kind: "constant", value })),
        decimal(0.5, 20).map((mean): DistributionSpec => ({ kind: "exponential", mean })),
        decimal(0.5, 20),
      ),
    }),
  );
  const popularity = fc.oneof(
    fc.constant({ kind: "uniform" as const }),
    fc.record({ kind: fc.constant("zipf" as const), s: decimal(0.1, 2) }),
    fc.record({
      kind: fc.constant("hotspot" as const),
      keyShare: decimal(0, 1),
      opShare: decimal(0, 1),
    }),
    fc.record({ kind: fc.constant("recency" as const), s: decimal(0.1, 2) }),
  );
  const rawShape =
    readAfterWrite === true
      ? fc.record({
          readRatio: decimal(0.5, 0.8),
          sessions: fc.integer({ min: 1, max: 5 }),
          readOwnWrites: decimal(0.7, 1),
        })
      : fc.record({
          readRatio: decimal(0, 1),
          sessions: fc.integer({ min: 1, max: 50 }),
          readOwnWrites:
            readAfterWrite === false ? fc.constant(0) : fc.oneof(fc.constant(0), decimal(0, 1)),
        });
  return fc
    .record({
      arrivals,
      shape: rawShape,
      transactions: fc.oneof(
        fc.constant(undefined),
        fc.record({ share: decimal(0, 0.3) }),
        fc.record({
          share: decimal(0, 0.3),
          statements: fc.oneof(
            fc.integer({ min: 2, max: 4 }),
            decimal(1, 4).map((mean): DistributionSpec => ({ kind: "exponential", mean })),
          ),
        }),
      ),
      keys: fc.record({ count: fc.integer({ min: 10, max: 2000 }), popularity }),
    })
    .map(({ arrivals: a, shape, transactions, keys }) => ({
      ...a,
      ...shape,
      ...(transactions === undefined ? {} : { transactions }),
      keys,
    }));
}

/**
 * A node's max_connections: 2000–5000, more than the clients can ever hold; `tight`
 * (behind a pool or a proxy, which must keep within it) also 1–60.
 */
export function maxConnections(tight: boolean): Arbitrary<number> {
  const ample = fc.integer({ min: 2000, max: 5000 });
  return tight ? fc.oneof(ample, fc.integer({ min: 1, max: 60 })) : ample;
}

export function arbDatabase(tight: boolean): Arbitrary<DatabaseInput> {
  return fc
    .record({
      engine: fc.constantFrom("postgresql" as const, "mysql" as const),
      cores: fc.integer({ min: 1, max: 8 }),
      sigma: fc.oneof(fc.constant(0), decimal(0, 0.05, 10_000)),
      kappa: fc.oneof(fc.constant(0), decimal(0, 0.0005, 1_000_000)),
      maxConnections: maxConnections(tight),
      times: fc.oneof(
        fc.constant({}),
        fc.record({ readTime: serviceTime(1), writeTime: serviceTime(2) }),
      ),
    })
    .map(({ times, ...db }) => ({ ...db, ...times }));
}

export function arbClient(): Arbitrary<ClientInput> {
  return fc
    .tuple(
      fc.oneof(
        { weight: 4, arbitrary: fc.constant("persistent" as const) },
        { weight: 1, arbitrary: fc.constant("per-request" as const) },
      ),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 5, max: 20 }),
      fc.oneof(
        fc.constant(undefined),
        fc.constant<DistributionSpec>("sameDatacenterRoundTrip"),
        serviceTime(1),
      ),
      fc.integer({ min: 0, max: 3 }),
    )
    .map(([connections, instances, poolSize, roundTrip, connectRoundTrips]) => ({
      connections,
      instances,
      poolSize,
      connectRoundTrips,
      ...(roundTrip === undefined ? {} : { roundTrip }),
    }));
}

/** The database section: always there. */
export const databaseSection: SectionArbitrary = {
  key: "database",
  choice: () => "always",
  arbitrary: ({ tight }) => arbDatabase(tight),
};

/** The client (the application's driver) section: always there. */
export const clientSection: SectionArbitrary = {
  key: "client",
  choice: () => "always",
  arbitrary: () => arbClient(),
};
