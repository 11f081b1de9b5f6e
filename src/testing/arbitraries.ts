// fast-check arbitraries for dbsim's inputs, valid by construction, so property
// tests can range over them: distribution specs, seeds, whole scenarios (small
// enough to run in milliseconds), and well-formed operation histories for people
// testing their own consistency checkers.
import type { Arbitrary } from "fast-check";
import type { ScenarioInput } from "../scenario/schema.js";
import { arbSeed, present } from "./arb-fields.js";
import { SECTION_ARBITRARIES } from "./arb-sections.js";
import type { ArbScenarioOptions, SectionChoice } from "./arb-types.js";
import { arbWorkload, type StateChoices } from "./arb-workload.js";
import { fc } from "./fast-check.js";

export { arbDistributionSpec, arbSeed } from "./arb-fields.js";
export { type ArbHistoryOptions, arbHistory, arbHistoryOp } from "./arb-history.js";
export type {
  ArbScenarioOptions,
  ConsistencyPolicyInput,
  RoutingInput,
  SectionChoice,
} from "./arb-types.js";

/** Whether each workload part that only pools and proxies react to is generated. */
function stateChoices(
  options: ArbScenarioOptions,
  choices: readonly SectionChoice[],
): StateChoices {
  const sharing = SECTION_ARBITRARIES.some(
    (section, i) => section.sharesConnections === true && choices[i] !== "never",
  );
  const stateDefault: SectionChoice = sharing ? "maybe" : "never";
  return {
    sessionState: options.sessionState ?? stateDefault,
    lockingReads: options.lockingReads ?? stateDefault,
  };
}

/** The sections a scenario has, from the drawn presence: a section is left out when one it never comes with is in. */
function includedSections(drawn: readonly boolean[]): Set<string> {
  const included = new Set<string>();
  SECTION_ARBITRARIES.forEach((section, i) => {
    if (drawn[i] !== true) return;
    if ((section.excludedBy ?? []).some((key) => included.has(key))) return;
    included.add(section.key);
  });
  return included;
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
 * coalescing, XFetch); a `cqrs` section (1–3 projections with their own appliers,
 * shares of the reads adding up to at most 1, read-your-writes either way, a state
 * or an event store), never with sharding. Shrinks towards fewer and simpler parts.
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
  const choices = SECTION_ARBITRARIES.map((section) => section.choice(options));
  const state = stateChoices(options, choices);
  return fc
    .record({
      seed: arbSeed(),
      durationMs: fc.integer({ min: 200, max: 2000 }),
      warmupMs: fc.integer({ min: 0, max: 200 }),
      asText: fc.boolean(),
      presence: fc.tuple(...choices.map(present)),
    })
    .chain(({ seed, durationMs, warmupMs, asText, presence }) => {
      const included = includedSections(presence);
      const tight = SECTION_ARBITRARIES.some(
        (section) => section.sharesConnections === true && included.has(section.key),
      );
      const runMs = warmupMs + durationMs;
      const base = arbWorkload(options.readAfterWrite, state).map(
        (workload): Partial<ScenarioInput> => ({
          name: "generated",
          seed,
          duration: asText ? `${durationMs}ms` : durationMs,
          warmup: asText ? `${warmupMs}ms` : warmupMs,
          workload,
        }),
      );
      // Each section drawn after those before it, which it may depend on (a proxy's weights on the replicas).
      const drawn = SECTION_ARBITRARIES.reduce<Arbitrary<Partial<ScenarioInput>>>(
        (scenario, section) =>
          included.has(section.key)
            ? scenario.chain((before) =>
                section
                  .arbitrary({ options, runMs, included, tight, drawn: before })
                  .map((value) => ({ ...before, [section.key]: value })),
              )
            : scenario,
        base,
      );
      return drawn.map((scenario) => scenario as ScenarioInput);
    });
}
