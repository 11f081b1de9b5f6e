// fast-check arbitraries for dbsim's inputs, valid by construction, so property
// tests can range over them: distribution specs, seeds, whole scenarios (small
// enough to run in milliseconds), and well-formed operation histories for people
// testing their own consistency checkers.
import type { Arbitrary } from "fast-check";
import type { HistoryOp } from "../consistency/index.js";
import type { DistributionSpec } from "../latency/index.js";
import { distributionMean, LATENCY_ROW_NAMES } from "../latency/index.js";
import type { ScenarioInput } from "../scenario/schema.js";
import { fc } from "./fast-check.js";

const positive = (max: number) =>
  fc.double({ min: 1e-3, max, noNaN: true, noDefaultInfinity: true });

/**
 * Arbitrary valid distribution specs (every kind, mixtures one level deep),
 * with parameters in ranges typical of latencies in ms.
 *
 * @remarks Since 0.1.0
 */
export function arbDistributionSpec(): Arbitrary<DistributionSpec> {
  const leaf: Arbitrary<DistributionSpec> = fc.oneof(
    positive(100),
    fc.constantFrom(...LATENCY_ROW_NAMES),
    positive(100).map((value) => ({ kind: "constant" as const, value })),
    fc
      .tuple(positive(50), positive(50))
      .map(([a, b]) => ({ kind: "uniform" as const, min: Math.min(a, b), max: Math.max(a, b) })),
    positive(50).map((mean) => ({ kind: "exponential" as const, mean })),
    fc
      .tuple(positive(50), positive(20))
      .map(([mean, sd]) => ({ kind: "normal" as const, mean, sd })),
    fc
      .tuple(positive(20), fc.double({ min: 1, max: 20, noNaN: true }))
      .map(([median, f]) => ({ kind: "lognormal" as const, median, p99: median * f })),
    fc
      .tuple(positive(10), fc.double({ min: 1.1, max: 5, noNaN: true }))
      .map(([scale, shape]) => ({ kind: "pareto" as const, scale, shape })),
    fc
      .array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 20 })
      .map((samples) => ({ kind: "empirical" as const, samples })),
  );
  return fc.oneof(
    { weight: 4, arbitrary: leaf },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.record({ weight: positive(10), dist: leaf }), { minLength: 1, maxLength: 4 })
        .map((parts) => ({ kind: "mixture" as const, parts })),
    },
  );
}

/**
 * Arbitrary seeds: non-negative safe integers.
 *
 * @remarks Since 0.1.0
 */
export function arbSeed(): Arbitrary<number> {
  return fc.integer({ min: 0, max: 2 ** 31 - 1 });
}

// ---------------------------------------------------------------------------
// Scenarios

type WorkloadInput = ScenarioInput["workload"];
type DatabaseInput = NonNullable<ScenarioInput["database"]>;
type ClientInput = NonNullable<ScenarioInput["client"]>;
type ReplicationInput = NonNullable<ScenarioInput["replication"]>;
type ReplicaInput = Exclude<ReplicationInput["replicas"], number>[number];
type OutageInput = NonNullable<ReplicaInput["outages"]>[number];
/**
 * The `routing` section of a scenario, as written.
 *
 * @remarks Since 0.1.0
 */
export type RoutingInput = NonNullable<ScenarioInput["routing"]>;
type DurationInput = NonNullable<ScenarioInput["duration"]>;
type PoolInput = NonNullable<ScenarioInput["pool"]>;
type ProxyInput = NonNullable<ScenarioInput["proxy"]>;
type QueryRuleInput = NonNullable<ProxyInput["queryRules"]>[number];
type SessionStateInput = NonNullable<WorkloadInput["sessionState"]>;

/**
 * A routing consistency policy as a scenario writes it (`routing.consistency`).
 *
 * @remarks Since 0.1.0
 */
export type ConsistencyPolicyInput = NonNullable<RoutingInput["consistency"]>;

/**
 * Whether {@link arbScenario} includes a section: always, never, or either way.
 *
 * @remarks Since 0.1.0
 */
export type SectionChoice = "always" | "never" | "maybe";

/**
 * What {@link arbScenario} may be told to fix; everything left out is generated.
 *
 * @remarks Since 0.1.0
 */
export interface ArbScenarioOptions {
  /** Whether a `replication` section (1–3 replicas) is present. Default "maybe". */
  readonly replication?: SectionChoice;
  /**
   * Whether a `routing` section is present. Default "maybe"; "always" when
   * `consistency` is given.
   */
  readonly routing?: SectionChoice;
  /** The replication mode. Default: async, semi-sync or sync. */
  readonly mode?: "async" | "semi-sync" | "sync";
  /**
   * The routing consistency policy. Its `policy` and `by` are kept; a `window` or
   * `maxWait` it leaves out is generated (not the schema's default). A policy other
   * than "none" implies replication.
   */
  readonly consistency?: ConsistencyPolicyInput;
  /**
   * Lag shunning (`routing.maxReplicationLag`, or a proxy's `maxReplicationLag` of
   * 1–2 s): "always" sets it, "never" leaves it out. Default "maybe" (for a proxy:
   * 0–2 s, or left out).
   */
  readonly maxReplicationLag?: SectionChoice;
  /**
   * true: a read-after-write workload — `readOwnWrites` 0.7–1, 1–5 sessions, 50–80 %
   * reads. false: `readOwnWrites` 0. Default: anything.
   */
  readonly readAfterWrite?: boolean;
  /**
   * The round trip between the primary and every replica (`replication.network`,
   * with no per-replica override), e.g. "crossRegionRoundTrip" to make lag matter.
   * Default: generated, with a mean of at most 20 ms.
   */
  readonly replicaNetwork?: DistributionSpec;
  /**
   * Whether a `pool` section (a pgbouncer in front of every node) is present.
   * Default "never", so scenarios are generated as without pooling.
   */
  readonly pool?: SectionChoice;
  /** The pool mode, when a pool is present. Default: session, transaction or statement. */
  readonly poolMode?: "session" | "transaction" | "statement";
  /**
   * Whether a `proxy` section (a ProxySQL) is present. Default "never". A proxy never
   * comes with a `routing` section: "always" rules routing out, and a proxy that is
   * "maybe" present is left out when routing is drawn or forced.
   */
  readonly proxy?: SectionChoice;
  /**
   * Whether `workload.sessionState` is set (a share of 0–0.5 of the sessions relying on
   * any session-state feature). Default "maybe" when a pool or a proxy may be present,
   * else "never".
   */
  readonly sessionState?: SectionChoice;
  /**
   * Whether `workload.lockingReads` is set (0–0.3 of the reads). Default "maybe" when a
   * pool or a proxy may be present, else "never".
   */
  readonly lockingReads?: SectionChoice;
}

/** Integers in [min, max] divided by `scale`: short decimals that read well in JSON. */
function decimal(min: number, max: number, scale = 1000): Arbitrary<number> {
  return fc
    .integer({ min: Math.round(min * scale), max: Math.round(max * scale) })
    .map((n) => n / scale);
}

/** A duration in whole ms within [min, max], as a number or a string with a unit. */
function duration(min: number, max: number): Arbitrary<DurationInput> {
  return fc
    .integer({ min, max })
    .chain((msValue) =>
      fc.constantFrom<DurationInput>(
        msValue,
        `${msValue}ms`,
        ...(msValue % 100 === 0 ? [`${msValue / 1000}s`] : []),
      ),
    );
}

/** A distribution from {@link arbDistributionSpec} whose mean is at most `maxMean` ms. */
function modestSpec(maxMean: number): Arbitrary<DistributionSpec> {
  return arbDistributionSpec().filter((spec) => distributionMean(spec) <= maxMean);
}

/** A small positive service time: a table row or a short constant / exponential / uniform. */
function serviceTime(maxMean: number): Arbitrary<DistributionSpec> {
  return fc.oneof(
    decimal(0.05, maxMean).map((value): DistributionSpec => ({ kind: "constant", value })),
    decimal(0.05, maxMean).map((mean): DistributionSpec => ({ kind: "exponential", mean })),
    fc
      .tuple(decimal(0.05, maxMean), decimal(0, maxMean))
      .map(([min, width]): DistributionSpec => ({ kind: "uniform", min, max: min + width })),
  );
}

/** `value` as an optional field: present or left to the schema's default. */
function optionalField<K extends string, V>(
  key: K,
  value: Arbitrary<V>,
): Arbitrary<Partial<Record<K, V>>> {
  return fc.option(value, { nil: undefined }).map((v) => {
    const out: Partial<Record<K, V>> = {};
    if (v !== undefined) out[key] = v;
    return out;
  });
}

function present(choice: SectionChoice): Arbitrary<boolean> {
  return choice === "maybe" ? fc.boolean() : fc.constant(choice === "always");
}

/** `value` as a section: always there, never (undefined), or either way. */
function section<V>(choice: SectionChoice, value: Arbitrary<V>): Arbitrary<V | undefined> {
  if (choice === "never") return fc.constant(undefined);
  return choice === "always" ? value : fc.option(value, { nil: undefined });
}

/** A round trip between two components: the table's row, or a short generated one. */
function roundTrip(): Arbitrary<DistributionSpec> {
  return fc.oneof(
    fc.constant<DistributionSpec>("sameDatacenterRoundTrip"),
    serviceTime(1),
    modestSpec(2),
  );
}

/** Which workload parts that only pools and proxies react to are generated. */
interface StateChoices {
  readonly sessionState: SectionChoice;
  readonly lockingReads: SectionChoice;
}

function arbSessionState(): Arbitrary<SessionStateInput> {
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

function arbWorkload(
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

function arbBaseWorkload(readAfterWrite: boolean | undefined): Arbitrary<WorkloadInput> {
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
function maxConnections(tight: boolean): Arbitrary<number> {
  const ample = fc.integer({ min: 2000, max: 5000 });
  return tight ? fc.oneof(ample, fc.integer({ min: 1, max: 60 })) : ample;
}

function arbDatabase(tight: boolean): Arbitrary<DatabaseInput> {
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

function arbClient(): Arbitrary<ClientInput> {
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

function arbReplicaList(
  count: number,
  runMs: number,
  network: DistributionSpec | undefined,
  tight: boolean,
): Arbitrary<ReplicaInput[]> {
  const replica = (i: number): Arbitrary<ReplicaInput> =>
    fc
      .record({
        named: fc.boolean(),
        cores: optionalField("cores", fc.integer({ min: 1, max: 8 })),
        maxConnections: optionalField("maxConnections", maxConnections(tight)),
        network: network === undefined ? optionalField("network", modestSpec(20)) : fc.constant({}),
        applyTime: optionalField("applyTime", modestSpec(2)),
        applyWorkers: optionalField("applyWorkers", fc.integer({ min: 1, max: 4 })),
        outages: fc.oneof(
          { weight: 3, arbitrary: fc.constant(null).map((): OutageInput[] => []) },
          {
            weight: 1,
            arbitrary: fc
              .tuple(fc.integer({ min: 0, max: runMs }), fc.integer({ min: 1, max: 300 }))
              .map(([at, length]): OutageInput[] => [{ at, for: length }]),
          },
        ),
      })
      .map(({ named, cores, maxConnections, network: net, applyTime, applyWorkers, outages }) => ({
        ...(named ? { name: `replica-${String.fromCharCode(97 + i)}` } : {}),
        ...cores,
        ...maxConnections,
        ...net,
        ...applyTime,
        ...applyWorkers,
        outages,
      }));
  return fc.tuple(...Array.from({ length: count }, (_, i) => replica(i)));
}

function arbReplication(
  runMs: number,
  options: ArbScenarioOptions,
  tight: boolean,
): Arbitrary<ReplicationInput> {
  const modes = options.mode === undefined ? (["async", "semi-sync", "sync"] as const) : [];
  const mode = options.mode === undefined ? fc.constantFrom(...modes) : fc.constant(options.mode);
  const network = options.replicaNetwork;
  return fc.tuple(fc.integer({ min: 1, max: 3 }), mode, fc.boolean()).chain(([count, m, asList]) =>
    fc
      .record({
        replicas: asList ? arbReplicaList(count, runMs, network, tight) : fc.constant(count),
        acks: fc.integer({ min: 1, max: count }),
        log: optionalField("log", fc.constantFrom("wal" as const, "binlog" as const)),
        binlogFormat: fc.constantFrom("row" as const, "statement" as const),
        bytesPerWrite: optionalField("bytesPerWrite", fc.integer({ min: 50, max: 2000 })),
        timeout: duration(50, 10_000),
        synchronousCommit: fc.constantFrom(
          "remote_write" as const,
          "on" as const,
          "remote_apply" as const,
        ),
        network: fc.option(modestSpec(20), { nil: undefined }),
        flushTime: optionalField("flushTime", modestSpec(2)),
        applyTime: optionalField("applyTime", modestSpec(2)),
        applyWorkers: optionalField("applyWorkers", fc.integer({ min: 1, max: 4 })),
        lagSampleInterval: duration(10, 200),
      })
      .map((r) => {
        const net = network ?? r.network;
        return {
          replicas: r.replicas,
          mode: m,
          ...(m === "async" ? {} : { acks: r.acks }),
          ...(m === "semi-sync" ? { timeout: r.timeout } : {}),
          ...(m === "sync" ? { synchronousCommit: r.synchronousCommit } : {}),
          ...r.log,
          binlogFormat: r.binlogFormat,
          ...r.bytesPerWrite,
          ...(net === undefined ? {} : { network: net }),
          ...r.flushTime,
          ...r.applyTime,
          ...r.applyWorkers,
          lagSampleInterval: r.lagSampleInterval,
        };
      }),
  );
}

function arbConsistency(
  withReplicas: boolean,
  given: ConsistencyPolicyInput | undefined,
): Arbitrary<ConsistencyPolicyInput> {
  const window = duration(0, 2000);
  const maxWait = duration(0, 500);
  if (given !== undefined) {
    if (given.policy === "none" || (given.policy === "monotonic-reads" && given.by === "pinning")) {
      return fc.constant(given);
    }
    if (given.policy === "read-your-writes" && given.by === "window") {
      return given.window === undefined
        ? window.map((w) => ({ ...given, window: w }))
        : fc.constant(given);
    }
    return given.maxWait === undefined
      ? maxWait.map((w) => ({ ...given, maxWait: w }))
      : fc.constant(given);
  }
  if (!withReplicas) return fc.constant({ policy: "none" as const });
  return fc.oneof(
    fc.constant({ policy: "none" as const }),
    window.map((w) => ({ policy: "read-your-writes" as const, by: "window" as const, window: w })),
    maxWait.map((w) => ({ policy: "read-your-writes" as const, by: "lsn" as const, maxWait: w })),
    fc.constant({ policy: "monotonic-reads" as const, by: "pinning" as const }),
    maxWait.map((w) => ({ policy: "monotonic-reads" as const, by: "lsn" as const, maxWait: w })),
  );
}

function arbRouting(withReplicas: boolean, options: ArbScenarioOptions): Arbitrary<RoutingInput> {
  return fc
    .record({
      via: fc.constantFrom("app" as const, "proxy-hop" as const, "dns" as const),
      proxyHop: optionalField("proxyHop", modestSpec(2)),
      dnsTtl: optionalField("dnsTtl", duration(10, 5000)),
      readBalancing: fc.constantFrom(
        "round-robin" as const,
        "random" as const,
        "least-connections" as const,
        "least-lag" as const,
      ),
      shun: present(options.maxReplicationLag ?? "maybe"),
      maxReplicationLag: duration(0, 200),
      lagCheckInterval: optionalField("lagCheckInterval", duration(10, 500)),
      consistency: arbConsistency(withReplicas, options.consistency),
    })
    .map(({ shun, maxReplicationLag, proxyHop, dnsTtl, lagCheckInterval, ...r }) => ({
      via: r.via,
      ...proxyHop,
      ...dnsTtl,
      readBalancing: r.readBalancing,
      ...(shun ? { maxReplicationLag } : {}),
      ...lagCheckInterval,
      consistency: r.consistency,
    }));
}

/** The pool modes, in the order the schema lists them. */
const POOL_MODES = ["session", "transaction", "statement"] as const;

function arbPool(poolMode: PoolInput["poolMode"]): Arbitrary<PoolInput> {
  return fc.integer({ min: 1, max: 20 }).chain((defaultPoolSize) =>
    fc
      .record({
        poolMode: poolMode === undefined ? fc.constantFrom(...POOL_MODES) : fc.constant(poolMode),
        minPoolSize: optionalField("minPoolSize", fc.integer({ min: 0, max: defaultPoolSize })),
        reservePoolSize: optionalField("reservePoolSize", fc.integer({ min: 0, max: 3 })),
        reservePoolTimeout: optionalField("reservePoolTimeout", duration(0, 500)),
        maxClientConn: optionalField(
          "maxClientConn",
          fc.oneof(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1000, max: 10_000 })),
        ),
        maxDbConnections: optionalField(
          "maxDbConnections",
          fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30 })),
        ),
        queryWaitTimeout: optionalField(
          "queryWaitTimeout",
          fc.oneof(duration(1, 500), fc.constant(0)),
        ),
        serverIdleTimeout: optionalField("serverIdleTimeout", duration(0, 1000)),
        serverLifetime: optionalField("serverLifetime", duration(0, 2000)),
        serverConnectTimeout: optionalField("serverConnectTimeout", duration(1, 1000)),
        serverLoginRetry: optionalField("serverLoginRetry", duration(1, 1000)),
        maxPreparedStatements: optionalField(
          "maxPreparedStatements",
          fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 200 })),
        ),
        serverRoundTrip: optionalField("serverRoundTrip", roundTrip()),
        serverConnectRoundTrips: optionalField(
          "serverConnectRoundTrips",
          fc.integer({ min: 0, max: 3 }),
        ),
      })
      .map((r) => ({
        poolMode: r.poolMode,
        defaultPoolSize,
        ...r.minPoolSize,
        ...r.reservePoolSize,
        ...r.reservePoolTimeout,
        ...r.maxClientConn,
        ...r.maxDbConnections,
        ...r.queryWaitTimeout,
        ...r.serverIdleTimeout,
        ...r.serverLifetime,
        ...r.serverConnectTimeout,
        ...r.serverLoginRetry,
        ...r.maxPreparedStatements,
        ...r.serverRoundTrip,
        ...r.serverConnectRoundTrips,
      })),
  );
}

/**
 * Query rule sets for a writer hostgroup `w` and a reader hostgroup `r`; the read
 * rule gets `ttl` when it is given. Only `withReaders` sets send anything to `r`, and
 * no set sends a write there.
 */
function ruleSets(
  w: number,
  r: number,
  ttl: DurationInput | undefined,
  withReaders: boolean,
): (QueryRuleInput[] | undefined)[] {
  const cache = ttl === undefined ? {} : { cacheTtl: ttl };
  const writerOnly: QueryRuleInput[][] = [
    [],
    [{ ruleId: 1, match: {}, destinationHostgroup: w, apply: true }],
    // No destination: cached reads go to the default (writer) hostgroup.
    [{ ruleId: 1, match: { kind: "read", forUpdate: false }, ...cache }],
    [
      { ruleId: 3, match: { kind: "write" }, destinationHostgroup: w },
      { ruleId: 4, match: { kind: "read" }, destinationHostgroup: w, ...cache, apply: true },
    ],
  ];
  if (!withReaders) return writerOnly;
  return [
    // The schema's default: locking reads to the writer, other reads to the readers.
    undefined,
    [
      { ruleId: 1, match: { forUpdate: true }, destinationHostgroup: w, apply: true },
      { ruleId: 2, match: { kind: "read" }, destinationHostgroup: r, ...cache, apply: true },
    ],
    [
      { ruleId: 10, match: { forUpdate: true }, destinationHostgroup: w, apply: true },
      { ruleId: 20, match: { inTransaction: true }, destinationHostgroup: w, apply: true },
      { ruleId: 30, match: { kind: "read" }, destinationHostgroup: r, ...cache, apply: true },
    ],
    // Without apply, a later matching rule overrides: locking reads end on the writer.
    [
      { ruleId: 5, match: { kind: "read" }, destinationHostgroup: r, ...cache },
      { ruleId: 7, match: { forUpdate: true }, destinationHostgroup: w, apply: true },
    ],
    // Locking reads unprotected: they go to the readers too.
    [
      {
        ruleId: 1,
        match: { kind: "read", inTransaction: false },
        destinationHostgroup: r,
        ...cache,
      },
    ],
    ...writerOnly,
  ];
}

function arbProxy(replicas: number, lag: SectionChoice): Arbitrary<ProxyInput> {
  const weight = fc.integer({ min: 1, max: 3 });
  return fc
    .record({
      hostgroups: fc.oneof(
        fc.constant(null),
        fc
          .tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 50 }), fc.boolean())
          .map(([a, d, swap]): [number, number] => (swap ? [a + d, a] : [a, a + d])),
      ),
      primaryWeight: fc.oneof(
        { weight: replicas === 0 ? 1 : 3, arbitrary: fc.constant(0) },
        { weight: 1, arbitrary: weight },
      ),
      replicaWeights:
        replicas === 0
          ? fc.constant(undefined)
          : fc.option(fc.array(weight, { minLength: replicas, maxLength: replicas }), {
              nil: undefined,
            }),
      ttl: fc.option(duration(10, 2000), { nil: undefined }),
      rulesAt: fc.nat(),
      reversed: fc.boolean(),
      maxConnections: optionalField(
        "maxConnections",
        fc.oneof(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1000, max: 5000 })),
      ),
      multiplexing: optionalField("multiplexing", fc.boolean()),
      maxBackendConnections: fc.integer({ min: 1, max: 20 }),
      backendRoundTrip: optionalField("backendRoundTrip", roundTrip()),
      backendConnectRoundTrips: optionalField(
        "backendConnectRoundTrips",
        fc.integer({ min: 0, max: 3 }),
      ),
      queryCacheSizeMB: optionalField("queryCacheSizeMB", decimal(0, 0.05, 10_000)),
      queryCacheEntryBytes: optionalField(
        "queryCacheEntryBytes",
        fc.integer({ min: 100, max: 4096 }),
      ),
      queryCacheHitTime: optionalField("queryCacheHitTime", serviceTime(0.5)),
      monitorReplicationLagInterval: optionalField(
        "monitorReplicationLagInterval",
        duration(20, 1000),
      ),
      maxReplicationLag:
        lag === "always"
          ? fc.integer({ min: 1, max: 2 }).map((s) => ({ maxReplicationLag: s }))
          : lag === "never"
            ? fc.constant({})
            : optionalField("maxReplicationLag", fc.integer({ min: 0, max: 2 })),
      connectTimeoutServerMax: optionalField("connectTimeoutServerMax", duration(10, 2000)),
    })
    .map(({ hostgroups, primaryWeight, replicaWeights, ttl, rulesAt, reversed, ...p }) => {
      const [w, r] = hostgroups ?? [10, 20];
      const sets = ruleSets(w, r, ttl, replicas > 0 || primaryWeight > 0);
      const rules = sets[rulesAt % sets.length];
      const readers = {
        ...(primaryWeight > 0 ? { primaryWeight } : {}),
        ...(replicaWeights === undefined ? {} : { replicaWeights }),
      };
      return {
        ...(hostgroups === null ? {} : { writerHostgroup: w, readerHostgroup: r }),
        ...(Object.keys(readers).length > 0 ? { readers } : {}),
        ...(rules === undefined ? {} : { queryRules: reversed ? [...rules].reverse() : rules }),
        ...p.maxConnections,
        ...p.multiplexing,
        maxBackendConnections: p.maxBackendConnections,
        ...p.backendRoundTrip,
        ...p.backendConnectRoundTrips,
        ...p.queryCacheSizeMB,
        ...p.queryCacheEntryBytes,
        ...p.queryCacheHitTime,
        ...p.monitorReplicationLagInterval,
        ...p.maxReplicationLag,
        ...p.connectTimeoutServerMax,
      };
    });
}

/**
 * Arbitrary valid scenarios (inputs of `parseScenario` / `runScenario`), valid by
 * construction and small enough to run in milliseconds: 200–2000 ms measured after
 * a 0–200 ms warm-up; 50–800 operations/s (constant, steps or a ramp) or 1–20 closed
 * clients thinking 0.5–20 ms; 10–2000 keys of any popularity; 1–50 sessions; up to
 * 30 % transactions; a 1–8 core primary with small USL σ and κ and
 * `maxConnections` of at least 2000; optionally 1–3 replicas (async, semi-sync or
 * sync with acks ≤ replicas; network means ≤ 20 ms, flush and apply means ≤ 2 ms;
 * now and then an outage of up to 300 ms) and a routing section with every `via`,
 * read balancing and consistency policy. When asked for (see
 * {@link ArbScenarioOptions}): a pgbouncer `pool` in any mode (pool size 1–20,
 * reserve 0–3, min_pool_size ≤ pool size, max_db_connections 0 or 1–30,
 * max_client_conn 1–50 or 1000–10 000, query_wait_timeout up to 500 ms or 0, short
 * idle and lifetime timeouts and login retries, round trips with means ≤ 2 ms); a
 * ProxySQL `proxy` instead of routing (rule sets that send nothing to an empty reader
 * hostgroup and no write to the readers, an optional cache_ttl on the read rule of up
 * to 2 s and a cache of 0–51 entries, lag shunning at 0–2 s, multiplexing on or off,
 * 1–20 backend connections per server, 1–50 or 1000–5000 frontend connections); with
 * either, nodes may have as few as 1–60 `maxConnections`, and the workload may have
 * sessions relying on session state (share 0–0.5, any feature) and locking reads
 * (0–0.3). Shrinks towards fewer and simpler parts.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { runScenarioDetailed } from "dbsim";
 * import { arbScenario, checkReadYourWrites } from "dbsim/testing";
 *
 * fc.assert(
 *   fc.property(
 *     arbScenario({ consistency: { policy: "read-your-writes", by: "lsn" } }),
 *     (s) => checkReadYourWrites(runScenarioDetailed(s, { history: true }).history!).ok,
 *   ),
 * );
 * ```
 *
 * @param options - parts to force; see {@link ArbScenarioOptions}
 * @throws RangeError when the options contradict each other (a consistency policy
 *   other than "none" without replication, a consistency policy without routing, or a
 *   proxy "always" with routing forced by `routing: "always"` or a consistency policy)
 * @remarks Since 0.1.0
 */
export function arbScenario(options: ArbScenarioOptions = {}): Arbitrary<ScenarioInput> {
  const policy = options.consistency?.policy;
  if (policy !== undefined && policy !== "none" && options.replication === "never") {
    throw new RangeError(
      `arbScenario: consistency policy "${policy}" needs replicas, but replication is "never"`,
    );
  }
  if (options.consistency !== undefined && options.routing === "never") {
    throw new RangeError('arbScenario: a consistency policy needs routing, but routing is "never"');
  }
  const proxyChoice = options.proxy ?? "never";
  if (proxyChoice === "always" && (options.routing === "always" || options.consistency)) {
    throw new RangeError(
      'arbScenario: a proxy never comes with routing, but proxy is "always" and routing is forced',
    );
  }
  const replicationChoice: SectionChoice =
    policy !== undefined && policy !== "none" ? "always" : (options.replication ?? "maybe");
  const routingChoice: SectionChoice =
    options.consistency !== undefined
      ? "always"
      : proxyChoice === "always"
        ? "never"
        : (options.routing ?? "maybe");
  const poolChoice = options.pool ?? "never";
  const stateDefault: SectionChoice =
    poolChoice === "never" && proxyChoice === "never" ? "never" : "maybe";
  const state: StateChoices = {
    sessionState: options.sessionState ?? stateDefault,
    lockingReads: options.lockingReads ?? stateDefault,
  };
  return fc
    .record({
      seed: arbSeed(),
      durationMs: fc.integer({ min: 200, max: 2000 }),
      warmupMs: fc.integer({ min: 0, max: 200 }),
      asText: fc.boolean(),
      withReplication: present(replicationChoice),
      withRouting: present(routingChoice),
      withPool: present(poolChoice),
      proxyDrawn: present(proxyChoice),
    })
    .chain(
      ({
        seed,
        durationMs,
        warmupMs,
        asText,
        withReplication,
        withRouting,
        withPool,
        proxyDrawn,
      }) => {
        const withProxy = proxyDrawn && !withRouting;
        // Behind a pool or a proxy, nodes may have few connections: those must keep within them.
        const tight = withPool || withProxy;
        const scenario = fc
          .record({
            workload: arbWorkload(options.readAfterWrite, state),
            database: arbDatabase(tight),
            client: arbClient(),
            replication: withReplication
              ? arbReplication(warmupMs + durationMs, options, tight)
              : fc.constant(undefined),
            routing: withRouting ? arbRouting(withReplication, options) : fc.constant(undefined),
            pool: withPool ? arbPool(options.poolMode) : fc.constant(undefined),
          })
          .map(({ workload, database, client, replication, routing, pool }): ScenarioInput => {
            const scenario: ScenarioInput = {
              name: "generated",
              seed,
              duration: asText ? `${durationMs}ms` : durationMs,
              warmup: asText ? `${warmupMs}ms` : warmupMs,
              workload,
              database,
              client,
            };
            if (pool !== undefined) scenario.pool = pool;
            if (replication !== undefined) scenario.replication = replication;
            if (routing !== undefined) scenario.routing = routing;
            return scenario;
          });
        if (!withProxy) return scenario;
        return scenario.chain((s) =>
          arbProxy(replicaCountOf(s.replication), options.maxReplicationLag ?? "maybe").map(
            (proxy): ScenarioInput => ({ ...s, proxy }),
          ),
        );
      },
    );
}

/** How many replicas a replication section (as written) has; 0 without one. */
function replicaCountOf(replication: ReplicationInput | undefined): number {
  if (replication === undefined) return 0;
  return typeof replication.replicas === "number"
    ? replication.replicas
    : replication.replicas.length;
}

// ---------------------------------------------------------------------------
// Histories

const UINT32_MAX = 0xffffffff;

/**
 * Arbitrary single operations that a `History` accepts: ids, sessions and keys are
 * 32-bit unsigned integers, `completeMs ≥ invokeMs`, a successful write has a version
 * and an LSN ≥ 1 (its version LSN too) and commits inside its interval, a read has no
 * commit time and an LSN and version LSN that may be unknown (NaN), and a failed
 * operation carries version 0 and no LSNs.
 * Nothing relates one operation to another; use {@link arbHistory} for whole histories.
 *
 * @remarks Since 0.1.0
 */
export function arbHistoryOp(): Arbitrary<HistoryOp> {
  return fc
    .record({
      id: fc.integer({ min: 0, max: UINT32_MAX }),
      session: fc.integer({ min: 0, max: UINT32_MAX }),
      kind: fc.constantFrom("read" as const, "write" as const),
      key: fc.integer({ min: 0, max: UINT32_MAX }),
      invokeMs: decimal(0, 1e6),
      durationMs: decimal(0, 1000),
      commitAt: fc.double({ min: 0, max: 1, noNaN: true }),
      ok: fc.boolean(),
      version: fc.integer({ min: 1, max: UINT32_MAX }),
      lsn: fc.integer({ min: 1, max: UINT32_MAX }),
      readVersion: fc.integer({ min: 0, max: UINT32_MAX }),
      readLsn: fc.oneof(fc.integer({ min: 0, max: UINT32_MAX }), fc.constant(Number.NaN)),
      readVersionLsn: fc.oneof(fc.integer({ min: 0, max: UINT32_MAX }), fc.constant(Number.NaN)),
      node: fc.oneof(fc.constantFrom("primary", "replica-1", "replica-2"), fc.string()),
    })
    .map((r): HistoryOp => {
      const completeMs = r.invokeMs + r.durationMs;
      const base = {
        id: r.id,
        session: r.session,
        kind: r.kind,
        key: r.key,
        invokeMs: r.invokeMs,
        completeMs,
        ok: r.ok,
        node: r.node,
      };
      const unknown = Number.NaN;
      if (!r.ok) {
        return { ...base, version: 0, lsn: unknown, versionLsn: unknown, commitMs: unknown };
      }
      if (r.kind === "read") {
        return {
          ...base,
          version: r.readVersion,
          lsn: r.readLsn,
          versionLsn: r.readVersionLsn,
          commitMs: unknown,
        };
      }
      const commitMs = Math.min(completeMs, r.invokeMs + r.commitAt * r.durationMs);
      return { ...base, version: r.version, lsn: r.lsn, versionLsn: r.lsn, commitMs };
    });
}

/**
 * What {@link arbHistory} generates.
 *
 * @remarks Since 0.1.0
 */
export interface ArbHistoryOptions {
  /** Most operations (default 40). */
  readonly maxOps?: number;
  /** Sessions 0 … n − 1 (default 3). */
  readonly sessions?: number;
  /** Keys 0 … n − 1 (default 4); few keys make conflicts likely. */
  readonly keys?: number;
  /** Replicas "replica-1" … that reads may be served by (default 2; 0 = only the primary). */
  readonly replicas?: number;
  /** Whether some operations fail (default true). */
  readonly failures?: boolean;
}

/** One operation before the system serves it. */
interface OpDraft {
  session: number;
  isWrite: boolean;
  key: number;
  gapMs: number;
  durationMs: number;
  /** Where in its interval it executes (commits, or reads), in whole ms from invocation. */
  at: number;
  /** 0 = primary, i = replica-i (reads only). */
  node: number;
  fails: boolean;
  idGap: number;
  /** For a write: how long after commit each replica applies it (before order is enforced). */
  applyDelays: number[];
}

/**
 * Arbitrary well-formed histories of a primary with lagging replicas, in the system
 * model of the checkers: operations have unique ids (increasing with invocation, with
 * gaps), integer ms times with `completeMs ≥ invokeMs` (zero-length operations and
 * equal instants are common), and each executes at one instant inside its interval.
 * Successful writes run on "primary" and get LSNs 1, 2, 3 … in commit order (ties by
 * id), and versions 1, 2, 3 … per key in LSN order; `commitMs` is the commit instant.
 * Each replica applies the log in LSN order, record j at
 * `max(commit_j + delay, when it applied record j − 1)`. A successful read's `lsn` is
 * its node's applied LSN when it executed (the primary holds every commit before it),
 * its `version` is its key's version as of that LSN and its `versionLsn` the LSN of
 * the write that created that version (0 for version 0), so every read sees a log
 * prefix and the history keeps monotonic writes and writes-follow-reads, while reads
 * from replicas may break read-your-writes and monotonic reads. Failed operations have
 * version 0, no LSNs (NaN) and no commit time; a write's `versionLsn` is its LSN. Operations are listed in completion
 * order (ties by id), as a recorder would see them.
 *
 * @param options - sizes; see {@link ArbHistoryOptions}
 * @throws RangeError when a size is not a non-negative integer (sessions and keys ≥ 1)
 * @remarks Since 0.1.0
 */
export function arbHistory(options: ArbHistoryOptions = {}): Arbitrary<HistoryOp[]> {
  const maxOps = options.maxOps ?? 40;
  const sessions = options.sessions ?? 3;
  const keys = options.keys ?? 4;
  const replicas = options.replicas ?? 2;
  const failures = options.failures ?? true;
  for (const [name, value, min] of [
    ["maxOps", maxOps, 0],
    ["sessions", sessions, 1],
    ["keys", keys, 1],
    ["replicas", replicas, 0],
  ] as const) {
    if (!(Number.isSafeInteger(value) && value >= min)) {
      throw new RangeError(`arbHistory: ${name} must be an integer ≥ ${min}, got ${value}`);
    }
  }
  const draft: Arbitrary<OpDraft> = fc
    .record({
      session: fc.integer({ min: 0, max: sessions - 1 }),
      isWrite: fc.boolean(),
      key: fc.integer({ min: 0, max: keys - 1 }),
      gapMs: fc.integer({ min: 0, max: 4 }),
      durationMs: fc.integer({ min: 1, max: 8 }),
      atShare: fc.integer({ min: 0, max: 8 }),
      node: fc.integer({ min: 0, max: replicas }),
      fails: failures ? fc.integer({ min: 0, max: 9 }).map((n) => n === 0) : fc.constant(false),
      idGap: fc.integer({ min: 1, max: 3 }),
      applyDelays: fc.array(fc.integer({ min: 0, max: 20 }), {
        minLength: replicas,
        maxLength: replicas,
      }),
    })
    .map(({ atShare, ...d }) => ({ ...d, at: Math.min(atShare, d.durationMs) }));
  return fc
    .array(draft, { maxLength: maxOps, size: "max" })
    .map((drafts) => serve(drafts, replicas));
}

/** Runs drafted operations against a primary and lagging replicas; see {@link arbHistory}. */
function serve(drafts: readonly OpDraft[], replicas: number): HistoryOp[] {
  let t = 0;
  let id = 0;
  const ops: HistoryOp[] = drafts.map((d) => {
    t += d.gapMs;
    id += d.idGap;
    return {
      id,
      session: d.session,
      kind: d.isWrite ? "write" : "read",
      key: d.key,
      invokeMs: t,
      completeMs: t + d.durationMs,
      ok: !d.fails,
      version: 0,
      lsn: Number.NaN,
      versionLsn: Number.NaN,
      commitMs: Number.NaN,
      node: d.isWrite || d.node === 0 ? "primary" : `replica-${d.node}`,
    };
  });
  // Execution instants, in (time, id) order: ids increase with position.
  const order = ops.map((_, i) => i).filter((i) => ops[i]!.ok);
  const execAt = (i: number): number => ops[i]!.invokeMs + drafts[i]!.at;
  order.sort((a, b) => execAt(a) - execAt(b) || a - b);
  // Writes first: LSNs, versions, and when each replica applies them.
  const versions = new Map<number, number>();
  const log: { key: number; version: number }[] = [];
  const applied: number[][] = Array.from({ length: replicas }, () => []);
  for (const i of order) {
    const op = ops[i]!;
    if (op.kind !== "write") continue;
    const version = (versions.get(op.key) ?? 0) + 1;
    versions.set(op.key, version);
    log.push({ key: op.key, version });
    op.version = version;
    op.lsn = log.length;
    op.versionLsn = op.lsn;
    op.commitMs = execAt(i);
    applied.forEach((times, r) => {
      const previous = times.length > 0 ? times[times.length - 1]! : 0;
      times.push(Math.max(previous, op.commitMs + drafts[i]!.applyDelays[r]!));
    });
  }
  // Then reads, sweeping the same order: the primary's LSN is the writes before it.
  let primaryLsn = 0;
  for (const i of order) {
    const op = ops[i]!;
    if (op.kind === "write") {
      primaryLsn = op.lsn;
      continue;
    }
    const node = drafts[i]!.node;
    let snapshot = primaryLsn;
    if (node > 0) {
      const times = applied[node - 1]!;
      let n = 0;
      while (n < primaryLsn && times[n]! <= execAt(i)) n++;
      snapshot = n;
    }
    let version = 0;
    let versionLsn = 0;
    for (let j = snapshot - 1; j >= 0; j--) {
      const record = log[j]!;
      if (record.key === op.key) {
        version = record.version;
        versionLsn = j + 1;
        break;
      }
    }
    op.lsn = snapshot;
    op.version = version;
    op.versionLsn = versionLsn;
  }
  return ops
    .map((op, i) => ({ op, i }))
    .sort((a, b) => a.op.completeMs - b.op.completeMs || a.i - b.i)
    .map(({ op }) => op);
}
