// Whatever validates must run. Scenarios are generated at the edges of what the
// schema accepts — numbers from 5e-324 to past the limits, durations as long digit
// strings, every distribution kind with extreme parameters, mixtures nested inside
// mixtures, latency rows naming other rows — and for each:
// - parseScenario returns (it never throws);
// - when it says ok, a short run completes without throwing, and every number in
//   the report is finite (a NaN or Infinity would be a figure nobody can trust).
// Runs are kept to a few tens of simulated ms and an event cap, so the whole file
// takes seconds; fast-check prints the seed and the shrunk scenario of a failure.
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { LATENCY_ROW_NAMES, parseScenario, runScenario } from "../../src/index.js";

/** Magnitudes across the accepted range: subnormal, tiny, ordinary, huge, near the draw limit (1e100 ms). */
const magnitude = fc.oneof(
  fc.constantFrom(0, 5e-324, 1e-300, 1e-9, 0.5, 1, 7, 1e6, 1e12, 1e15, 1e50, 1e98),
  fc.double({ min: 0, max: 1e98, noNaN: true }),
);
const positiveMagnitude = magnitude.filter((x) => x > 0);
/** Past the limits, now and then, so the refusals are exercised too. */
const wildMagnitude = fc.constantFrom(1.1e100, 1e200, 1e308, Number.MAX_VALUE);

function mostly<T>(valid: fc.Arbitrary<T>, wild: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: valid, weight: 49 }, { arbitrary: wild, weight: 1 });
}

/** Durations as numbers or strings, some hundreds of digits long (leading zeros). */
const duration = mostly<number | string>(
  fc.oneof(
    magnitude.filter((x) => x <= 1e15),
    // At most 1e15 ms: 15 nines of ms, 12 of s, 10 of m, 8 of h.
    fc
      .tuple(
        fc.integer({ min: 0, max: 400 }),
        fc.constantFrom(["ms", 15], ["s", 12], ["m", 10], ["h", 8]),
      )
      .chain(([zeros, [unit, most]]) =>
        fc
          .integer({ min: 1, max: most as number })
          .map((nines) => `${"0".repeat(zeros)}${"9".repeat(nines)}${unit}`),
      ),
    fc.constantFrom("1ms", "0.5s", " 2 m ", "277777h"),
  ),
  fc.oneof(
    wildMagnitude,
    fc.integer({ min: 16, max: 400 }).map((n) => `${"9".repeat(n)}ms`),
  ),
);

const rowName = fc.constantFrom(...LATENCY_ROW_NAMES);

/** Pareto shapes down to where the largest draw, scale·2^(53/shape), nears 1e100 ms. */
const paretoShape = fc.oneof(
  fc.constantFrom(0.17, 0.2, 0.5, 1, 2.5, 1e6),
  fc.double({ min: 0.17, max: 100, noNaN: true }),
);

const { dist } = fc.letrec((tie) => ({
  dist: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    mostly(magnitude, wildMagnitude),
    rowName,
    magnitude.map((value) => ({ kind: "constant", value })),
    fc
      .tuple(magnitude, magnitude)
      .map(([a, b]) => ({ kind: "uniform", min: Math.min(a, b), max: Math.max(a, b) })),
    mostly(positiveMagnitude, wildMagnitude).map((mean) => ({ kind: "exponential", mean })),
    fc.record({ kind: fc.constant("normal"), mean: magnitude, sd: magnitude }),
    // p99 / median up to 1e6: sigma up to ln(1e6) / 2.326 ≈ 5.9.
    fc
      .tuple(fc.double({ min: 1e-9, max: 1e80, noNaN: true }), fc.double({ min: 1, max: 1e6 }))
      .map(([median, ratio]) => ({ kind: "lognormal", median, p99: median * ratio })),
    fc.record({
      kind: fc.constant("lognormal"),
      mu: fc.double({ min: -800, max: 200, noNaN: true }),
      sigma: mostly(fc.double({ min: 0, max: 2, noNaN: true }), fc.constantFrom(50, 1e308)),
    }),
    fc.record({
      kind: fc.constant("pareto"),
      scale: fc.oneof(fc.constantFrom(5e-324, 1e-9, 1, 1e6), fc.double({ min: 1e-6, max: 1e6 })),
      shape: mostly(paretoShape, fc.constantFrom(0.001, 0.1)),
    }),
    fc.record({
      kind: fc.constant("empirical"),
      samples: fc.array(magnitude, { minLength: 1, maxLength: 4 }),
    }),
    fc.record({
      kind: fc.constant("mixture"),
      parts: fc.array(fc.record({ weight: magnitude, dist: tie("dist") }), {
        minLength: 1,
        maxLength: 3,
      }),
    }),
  ),
}));

const share = fc.double({ min: 0, max: 1, noNaN: true });

const workload = fc
  .oneof(
    fc.record({ rate: fc.integer({ min: 1, max: 3000 }) }),
    fc.record({ clients: fc.integer({ min: 1, max: 8 }), thinkTime: dist }),
  )
  .chain((arrivals) =>
    fc.record({
      ...Object.fromEntries(Object.entries(arrivals).map(([k, v]) => [k, fc.constant(v)])),
      readRatio: share,
      transactions: fc.record({ share, statements: dist }),
      keys: fc.record({ count: fc.integer({ min: 1, max: 1000 }) }),
      sessions: fc.integer({ min: 1, max: 100 }),
      readOwnWrites: share,
    }),
  );

const database = fc.record(
  {
    cores: fc.integer({ min: 1, max: 64 }),
    sigma: mostly(share, fc.constantFrom(2, 1e308)),
    kappa: mostly(share, fc.constantFrom(2, 1e308)),
    maxConnections: fc.integer({ min: 1, max: 500 }),
    readTime: dist,
    writeTime: dist,
    connectionSetupTime: dist,
  },
  { requiredKeys: [] },
);

const client = fc.record(
  {
    connections: fc.constantFrom("persistent", "per-request"),
    instances: fc.integer({ min: 1, max: 3 }),
    poolSize: fc.integer({ min: 1, max: 20 }),
    connectionTimeout: duration,
    roundTrip: dist,
    connectRoundTrips: fc.integer({ min: 0, max: 100 }),
  },
  { requiredKeys: [] },
);

const pool = fc.record(
  {
    poolMode: fc.constantFrom("session", "transaction", "statement"),
    defaultPoolSize: fc.integer({ min: 1, max: 30 }),
    reservePoolTimeout: duration,
    queryWaitTimeout: duration,
    serverIdleTimeout: duration,
    serverLifetime: duration,
    serverConnectTimeout: duration,
    serverLoginRetry: duration,
    serverRoundTrip: dist,
  },
  { requiredKeys: [] },
);

/** At least 1 ms: a sampling interval of 1e-9 ms is a runaway run, refused elsewhere. */
const interval = fc.oneof(fc.constantFrom(1, 100, "1s", 1e15), fc.double({ min: 1, max: 1e15 }));

const replication = fc.record(
  {
    replicas: fc.oneof(
      fc.integer({ min: 1, max: 3 }),
      fc.array(
        fc.record(
          {
            network: dist,
            applyTime: dist,
            outages: fc.array(fc.record({ at: duration, for: duration }), { maxLength: 2 }),
          },
          { requiredKeys: [] },
        ),
        { minLength: 1, maxLength: 3 },
      ),
    ),
    mode: fc.constantFrom("async", "semi-sync", "sync"),
    synchronousCommit: fc.constantFrom("remote_write", "on", "remote_apply"),
    network: dist,
    flushTime: dist,
    applyTime: dist,
    timeout: duration,
    lagSampleInterval: interval,
  },
  { requiredKeys: ["replicas"] },
);

const routing = fc.record(
  {
    via: fc.constantFrom("app", "proxy-hop", "dns"),
    proxyHop: dist,
    dnsTtl: duration,
    readBalancing: fc.constantFrom("round-robin", "random", "least-connections", "least-lag"),
    maxReplicationLag: duration,
    lagCheckInterval: interval,
  },
  { requiredKeys: [] },
);

const scenario = fc.record(
  {
    seed: fc.nat(),
    duration: fc.integer({ min: 1, max: 30 }),
    warmup: fc.integer({ min: 0, max: 10 }),
    latency: fc.dictionary(rowName, dist, { maxKeys: 3 }),
    workload,
    database,
    client,
    pool,
    replication,
    routing,
  },
  { requiredKeys: ["duration", "warmup", "workload"] },
);

/** Every number in a value that is not finite, with its path. */
function nonFinite(value: unknown, path = "report"): string[] {
  if (typeof value === "number") return Number.isFinite(value) ? [] : [`${path} = ${value}`];
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => nonFinite(child, `${path}.${key}`));
}

/** Values that once made parseScenario throw: deep nesting, null prototypes with BigInts, loops. */
const hostile = fc.oneof(
  fc.integer({ min: 0, max: 5000 }).map((depth) => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = [value];
    return value;
  }),
  fc.integer({ min: 0, max: 700 }).map((depth) => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++)
      value = { kind: "mixture", parts: [{ weight: 1, dist: value }] };
    return value;
  }),
  fc.bigInt().map((big) => Object.assign(Object.create(null) as object, { a: big, b: [big] })),
  fc.constant(null).map(() => {
    const loop: Record<string, unknown> = { kind: "mixture" };
    loop.parts = [{ weight: 1, dist: loop }];
    return loop;
  }),
  fc.anything({ withBigInt: true, withNullPrototype: true, withBoxedValues: true, maxDepth: 4 }),
);

/** A field of a valid scenario where a value may go. */
const slot = fc.constantFrom(
  ["workload", "rate"],
  ["workload", "thinkTime"],
  ["database", "readTime"],
  ["database", "sigma"],
  ["latency", "ramRead"],
  ["proxy", "readerHostgroup"],
  ["proxy", "queryRules"],
  ["replication", "replicas"],
  ["routing", "consistency"],
  ["variants"],
  ["duration"],
);

describe("parseScenario never throws", () => {
  test.prop([slot, hostile], { numRuns: 200 })(
    "on a hostile value in any field, it returns issues or a scenario",
    ([section, field], value) => {
      const input: Record<string, unknown> = { workload: { rate: 10 } };
      if (field === undefined) input[section as string] = value;
      else
        input[section as string] = {
          ...((input[section as string] as object) ?? {}),
          [field]: value,
        };
      const result = parseScenario(input);
      expect(typeof result.ok).toBe("boolean");
    },
  );
});

describe("whatever validates runs", () => {
  test.prop([scenario], { numRuns: 300 })(
    "parseScenario never throws; what it accepts runs, with only finite figures",
    (input) => {
      const parsed = parseScenario(input);
      if (!parsed.ok) return;
      const report = runScenario(parsed.scenario, { maxEvents: 200_000 });
      expect(nonFinite(report)).toEqual([]);
    },
  );

  test.prop([dist], { numRuns: 300 })("every valid distribution draws finite values", (spec) => {
    const parsed = parseScenario({
      duration: 20,
      warmup: 0,
      workload: { rate: 2000 },
      database: { readTime: spec, writeTime: spec },
      client: { roundTrip: spec },
    });
    if (!parsed.ok) return;
    expect(nonFinite(runScenario(parsed.scenario, { maxEvents: 100_000 }))).toEqual([]);
  });
});
