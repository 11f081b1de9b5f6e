// fast-check arbitraries for dbsim's inputs, valid by construction, so property
// tests can range over them: distribution specs, seeds, whole scenarios (small
// enough to run in milliseconds), and well-formed operation histories for people
// testing their own consistency checkers.
import type { Arbitrary } from "fast-check";
import type { ScenarioInput } from "../scenario/schema.js";
import { arbCache } from "./arb-cache.js";
import { arbSeed, present } from "./arb-fields.js";
import { arbPool, arbProxy, arbReplication, arbRouting } from "./arb-plan.js";
import type { ArbScenarioOptions, ReplicationInput, SectionChoice } from "./arb-types.js";
import { arbClient, arbDatabase, arbWorkload, type StateChoices } from "./arb-workload.js";
import { fc } from "./fast-check.js";

export { arbDistributionSpec, arbSeed } from "./arb-fields.js";
export { type ArbHistoryOptions, arbHistory, arbHistoryOp } from "./arb-history.js";
export type {
  ArbScenarioOptions,
  ConsistencyPolicyInput,
  RoutingInput,
  SectionChoice,
} from "./arb-types.js";

/** The sections arbScenario draws, from its options; throws when they contradict each other. */
function sectionChoices(options: ArbScenarioOptions): {
  replication: SectionChoice;
  routing: SectionChoice;
  pool: SectionChoice;
  proxy: SectionChoice;
  state: StateChoices;
} {
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
  return {
    replication: replicationChoice,
    routing: routingChoice,
    pool: poolChoice,
    proxy: proxyChoice,
    state,
  };
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
 * (0–0.3); a `cache` section in front (any pattern, engine and Redis policy, 1–3
 * nodes, capacities of 1–500 items or 0.01–4 MB, TTLs of 10–2000 ms, leases and
 * coalescing, XFetch). Shrinks towards fewer and simpler parts.
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
  const plans = arbPlanScenario(options);
  const cache = options.cache ?? "never";
  if (cache === "never") return plans;
  // Drawn after the rest, so the scenarios without a cache are those drawn before there was one.
  return plans.chain((s) =>
    present(cache).chain((withCache) =>
      withCache ? arbCache().map((c): ScenarioInput => ({ ...s, cache: c })) : fc.constant(s),
    ),
  );
}

function arbPlanScenario(options: ArbScenarioOptions): Arbitrary<ScenarioInput> {
  const choices = sectionChoices(options);
  const state = choices.state;
  return fc
    .record({
      seed: arbSeed(),
      durationMs: fc.integer({ min: 200, max: 2000 }),
      warmupMs: fc.integer({ min: 0, max: 200 }),
      asText: fc.boolean(),
      withReplication: present(choices.replication),
      withRouting: present(choices.routing),
      withPool: present(choices.pool),
      proxyDrawn: present(choices.proxy),
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
