// Arbitraries for the scaling plan's sections: replication, routing, pgbouncer
// and ProxySQL.
import type { Arbitrary } from "fast-check";
import type { DistributionSpec } from "../latency/index.js";
import {
  decimal,
  duration,
  modestSpec,
  optionalField,
  present,
  roundTrip,
  serviceTime,
} from "./arb-fields.js";
import type { SectionArbitrary } from "./arb-sections.js";
import type {
  ArbScenarioOptions,
  ConsistencyPolicyInput,
  DurationInput,
  OutageInput,
  PoolInput,
  ProxyInput,
  QueryRuleInput,
  ReplicaInput,
  ReplicationInput,
  RoutingInput,
  SectionChoice,
} from "./arb-types.js";
import { maxConnections } from "./arb-workload.js";
import { fc } from "./fast-check.js";

export function arbReplicaList(
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

export function arbReplication(
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

export function arbConsistency(
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

export function arbRouting(
  withReplicas: boolean,
  options: ArbScenarioOptions,
): Arbitrary<RoutingInput> {
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
export const POOL_MODES = ["session", "transaction", "statement"] as const;

export function arbPool(poolMode: PoolInput["poolMode"]): Arbitrary<PoolInput> {
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
export function ruleSets(
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

export function arbProxy(replicas: number, lag: SectionChoice): Arbitrary<ProxyInput> {
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

/** The replication section; a consistency policy other than "none" needs it. */
export const replicationSection: SectionArbitrary = {
  key: "replication",
  choice: (options) => {
    const policy = options.consistency?.policy;
    if (policy === undefined || policy === "none") return options.replication ?? "maybe";
    if (options.replication === "never") {
      throw new RangeError(
        `arbScenario: consistency policy "${policy}" needs replicas, but replication is "never"`,
      );
    }
    return "always";
  },
  arbitrary: ({ runMs, options, tight }) => arbReplication(runMs, options, tight),
};

/** The routing section; a consistency policy needs it, a proxy "always" rules it out. */
export const routingSection: SectionArbitrary = {
  key: "routing",
  choice: (options) => {
    if (options.consistency !== undefined) {
      if (options.routing === "never") {
        throw new RangeError(
          'arbScenario: a consistency policy needs routing, but routing is "never"',
        );
      }
      return "always";
    }
    return options.proxy === "always" ? "never" : (options.routing ?? "maybe");
  },
  arbitrary: ({ included, options }) => arbRouting(included.has("replication"), options),
};

/** The pool (pgbouncer) section: "never" unless asked for. */
export const poolSection: SectionArbitrary = {
  key: "pool",
  choice: (options) => options.pool ?? "never",
  sharesConnections: true,
  arbitrary: ({ options }) => arbPool(options.poolMode),
};

/** The proxy (ProxySQL) section: "never" unless asked for, and never with routing. */
export const proxySection: SectionArbitrary = {
  key: "proxy",
  choice: (options) => {
    const choice = options.proxy ?? "never";
    if (choice === "always" && (options.routing === "always" || options.consistency)) {
      throw new RangeError(
        'arbScenario: a proxy never comes with routing, but proxy is "always" and routing is forced',
      );
    }
    return choice;
  },
  excludedBy: ["routing"],
  sharesConnections: true,
  arbitrary: ({ drawn, options }) =>
    arbProxy(replicaCountOf(drawn.replication), options.maxReplicationLag ?? "maybe"),
};

/** How many replicas a replication section (as written) has; 0 without one. */
function replicaCountOf(replication: ReplicationInput | undefined): number {
  if (replication === undefined) return 0;
  return typeof replication.replicas === "number"
    ? replication.replicas
    : replication.replicas.length;
}
