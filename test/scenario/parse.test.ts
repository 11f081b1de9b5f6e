// parseScenario: untrusted JSON in, a resolved scenario or a list of issues out.
// Defaults are those docs/scenario.md and docs/reference.md name (PostgreSQL's
// max_connections 100, 5–10 MB per connection → 7.5, HikariCP's 30 s timeout);
// every bad input is reported at its path with a message that names the value;
// and no input whatsoever makes it throw.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  AdvisorError,
  ExperimentError,
  InputError,
  type ParseResult,
  parseScenario,
  resolveExperiment,
  resolveProfile,
  resolveScenario,
  ScenarioError,
  type ScenarioInput,
} from "../../src/index.js";
import { issueAt, issuesOf } from "./issues.js";

const minimal = { workload: { rate: 10 } } as const;

describe("defaults", () => {
  it("a scenario with just a rate resolves every section with the documented defaults", () => {
    const s = resolveScenario(minimal);
    expect(s.name).toBe("scenario");
    expect(s.seed).toBe(1);
    expect(s.duration).toBe(60_000);
    expect(s.warmup).toBe(5_000);
    expect(s.latency).toEqual({});
    expect(s.workload).toEqual({
      rate: 10,
      thinkTime: 0,
      readRatio: 0.9,
      transactions: { share: 0, statements: 3, rows: "same" },
      keys: { count: 100_000, popularity: { kind: "zipf", s: 0.99 } },
      sessions: 1000,
      lockingReads: 0,
      readOwnWrites: 0,
    });
    expect(s.database).toEqual({
      engine: "postgresql",
      cores: 8,
      sigma: 0,
      kappa: 0,
      maxConnections: 100,
      memoryPerConnectionMB: 7.5,
      mechanisms: "all",
      // A point read's and a write's own CPU, tens to hundreds of µs (docs/server.md).
      readTime: { kind: "uniform", min: 0.05, max: 0.15 },
      writeTime: { kind: "uniform", min: 0.1, max: 0.3 },
      connectionSetupTime: "simpleIndexedQuery",
      // PostgreSQL's documented defaults: shared_buffers 128MB, lock_timeout 0 (off),
      // deadlock_timeout 1s, commit_delay 0, commit_siblings 5.
      sharedBuffersMB: 128,
      lockTimeout: 0,
      deadlockTimeout: 1000,
      commitDelay: 0,
      commitSiblings: 5,
      rowBytes: 128,
      indexEntryBytes: 20,
      diskReadTime: "ssdRandomRead",
      fsyncTime: "ssdRandomRead",
      diskParallelism: 16,
    });
    expect(s.client).toEqual({
      connections: "persistent",
      instances: 1,
      poolSize: 10,
      connectionTimeout: 30_000,
      roundTrip: "sameDatacenterRoundTrip",
      connectRoundTrips: 3,
    });
  });

  it("a partial section keeps what is given and fills in the rest", () => {
    const s = resolveScenario({
      workload: { clients: 4, keys: { popularity: { kind: "hotspot" } } },
      database: { cores: 2 },
    });
    expect(s.workload.clients).toBe(4);
    expect(s.workload.rate).toBeUndefined();
    expect(s.workload.keys).toEqual({
      count: 100_000,
      popularity: { kind: "hotspot", keyShare: 0.2, opShare: 0.8 },
    });
    expect(s.database.cores).toBe(2);
    expect(s.database.maxConnections).toBe(100);
  });

  it("does not change its input", () => {
    const input = { workload: { rate: 10 }, duration: "2s" };
    const copy = structuredClone(input);
    resolveScenario(input);
    expect(input).toEqual(copy);
  });

  it("JSON text parses like the value it encodes", () => {
    const text = JSON.stringify({ workload: { rate: 10 }, duration: "3s" });
    expect(parseScenario(text)).toEqual(parseScenario(JSON.parse(text)));
  });
});

describe("durations", () => {
  const cases: [ScenarioInput["duration"], number][] = [
    ["30s", 30_000],
    ["500ms", 500],
    ["2m", 120_000],
    ["1h", 3_600_000],
    ["1.5s", 1500],
    [" 2s ", 2000],
    [250, 250],
    [0.5, 0.5],
  ];
  for (const [input, ms] of cases) {
    it(`${JSON.stringify(input)} is ${ms} ms`, () => {
      expect(resolveScenario({ ...minimal, duration: input }).duration).toBe(ms);
    });
  }

  it("applies to every duration field: warmup, client.connectionTimeout, rate steps and ramps", () => {
    const s = resolveScenario({
      warmup: "1m",
      workload: {
        rate: {
          steps: [
            { at: 0, rate: 5 },
            { at: "2s", rate: 10 },
          ],
        },
      },
      client: { connectionTimeout: "250ms" },
    });
    expect(s.warmup).toBe(60_000);
    expect(s.client.connectionTimeout).toBe(250);
    // Rate steps resolve into the scenario's timeline (one list of timed events).
    expect(s.workload.rate).toBe("timeline");
    expect(s.timeline).toEqual([
      { at: 0, kind: "rate", rate: 5 },
      { at: 2000, kind: "rate", rate: 10 },
    ]);
    const ramp = resolveScenario({ workload: { rate: { ramp: { from: 0, to: 9, over: "3s" } } } });
    expect(ramp.workload.rate).toEqual({ ramp: { from: 0, to: 9, over: 3000 } });
  });

  for (const bad of ["30 parsecs", "s", "-5s", "5 s s", "1e3ms", ""]) {
    it(`${JSON.stringify(bad)} is not a duration: the issue is at "duration" and quotes it`, () => {
      const issue = issueAt({ ...minimal, duration: bad }, "duration");
      expect(issue.message).toContain(JSON.stringify(bad));
    });
  }

  it("a zero or negative duration is refused", () => {
    expect(issueAt({ ...minimal, duration: 0 }, "duration").message).toMatch(/> 0/);
    expect(issueAt({ ...minimal, duration: "0s" }, "duration").message).toMatch(/> 0/);
    expect(issueAt({ ...minimal, duration: -1 }, "duration").message).toContain("-1");
  });
});

describe("issues name the path and the value", () => {
  it("an unknown top-level key", () => {
    const issue = issueAt({ ...minimal, replicas: 2 }, "");
    expect(issue.code).toBe("unrecognized_keys");
    expect(issue.message).toContain('"replicas"');
  });

  it("an unknown nested key (a typo) names the key and its section", () => {
    const issue = issueAt({ workload: { rate: 10, readRatoi: 0.5 } }, "workload");
    expect(issue.code).toBe("unrecognized_keys");
    expect(issue.message).toContain('"readRatoi"');
    const deeper = issueAt(
      { workload: { rate: 10, keys: { count: 5, popularty: {} } } },
      "workload.keys",
    );
    expect(deeper.message).toContain('"popularty"');
  });

  it("a wrong type", () => {
    const issue = issueAt({ ...minimal, database: { cores: "eight" } }, "database.cores");
    expect(issue.code).toBe("invalid_type");
    expect(issue.message).toContain('"eight"');
    expect(issue.message).toMatch(/number/);
  });

  it("a negative rate", () => {
    const issue = issueAt({ workload: { rate: -5 } }, "workload.rate");
    expect(issue.message).toContain("-5");
  });

  it("readRatio 1.5", () => {
    const issue = issueAt({ workload: { rate: 10, readRatio: 1.5 } }, "workload.readRatio");
    expect(issue.code).toBe("too_big");
    expect(issue.message).toContain("1.5");
    expect(issue.message).toContain("1");
  });

  it("zero cores", () => {
    const issue = issueAt({ ...minimal, database: { cores: 0 } }, "database.cores");
    expect(issue.code).toBe("too_small");
    expect(issue.message).toMatch(/got 0\b/);
  });

  it("a fractional client count", () => {
    const issue = issueAt({ workload: { clients: 2.5 } }, "workload.clients");
    expect(issue.message).toContain("2.5");
  });

  it("both rate and clients", () => {
    const issue = issueAt({ workload: { rate: 10, clients: 3 } }, "workload.clients");
    expect(issue.message).toMatch(/rate/);
    expect(issue.message).toMatch(/clients/);
    expect(issue.message).toMatch(/not both/);
  });

  it("neither rate nor clients", () => {
    const issue = issueAt({ workload: { readRatio: 0.5 } }, "workload.rate");
    expect(issue.message).toBe(
      "expected either `rate` (open arrivals) or `clients` (closed loop); got nothing",
    );
  });

  it("an unknown key close to a known one suggests it and lists the accepted keys", () => {
    const issue = issueAt({ workload: { rate: 1, readRaito: 0.5 } }, "workload");
    expect(issue.message).toContain('"readRaito" (did you mean "readRatio"?)');
    expect(issue.message).toContain(
      "expected one of clients, keys, lockingReads, rate, readOwnWrites, readRatio",
    );
  });

  it("a rate of the wrong form says which forms are accepted", () => {
    const issue = issueAt({ workload: { rate: "fast" } }, "workload.rate");
    expect(issue.message).toMatch(/constant, in steps, or a ramp, or "timeline"; got "fast"$/);
  });

  it("a missing workload", () => {
    const issue = issueAt({ duration: "1s" }, "workload");
    expect(issue.code).toBe("invalid_type");
  });

  it("an unknown latency row", () => {
    const issue = issueAt({ ...minimal, latency: { diskSeek: 10 } }, "latency");
    expect(issue.message).toContain('"diskSeek"');
  });

  it("a known latency row with a bad distribution", () => {
    const issues = issuesOf({
      ...minimal,
      latency: { ramRead: { kind: "uniform", min: 5, max: 1 } },
    });
    expect(issues.some((i) => i.path.startsWith("latency.ramRead"))).toBe(true);
  });

  it("an unknown popularity kind", () => {
    const issue = issuesOf({ workload: { rate: 1, keys: { popularity: { kind: "pareto" } } } })[0];
    expect(issue?.path).toMatch(/^workload\.keys\.popularity/);
    expect(issue?.message).toContain("pareto");
  });

  it("every problem is reported, not just the first", () => {
    const issues = issuesOf({
      workload: { rate: -1, readRatio: 2 },
      database: { cores: 0 },
      client: { connections: "sometimes" },
    });
    expect(issues.map((i) => i.path).sort()).toEqual(
      ["client.connections", "database.cores", "workload.rate", "workload.readRatio"].sort(),
    );
  });

  it("malformed JSON text is one invalid_json issue at the root", () => {
    const issues = issuesOf("{ workload: ");
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: "", code: "invalid_json" });
    expect(issues[0]?.message).toMatch(/malformed JSON/);
  });

  for (const [name, value, shown] of [
    ["null", null, "null"],
    ["a number", 42, "42"],
    ["an array", [], "[]"],
    ["a JSON string that is not an object", '"hello"', '"hello"'],
  ] as const) {
    it(`${name} is not a scenario: an issue at the root naming it`, () => {
      const issue = issueAt(value, "");
      expect(issue.code).toBe("invalid_type");
      expect(issue.message).toContain(shown);
    });
  }

  it("resolveScenario throws a ScenarioError listing the issues, one per line as path: message", () => {
    const input = { workload: { rate: 10, readRatio: 1.5 }, database: { cores: 0 } };
    let caught: unknown;
    try {
      resolveScenario(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ScenarioError);
    const error = caught as ScenarioError;
    expect(error.issues.map((i) => i.path).sort()).toEqual([
      "database.cores",
      "workload.readRatio",
    ]);
    expect(error.message.split("\n").sort()).toEqual(
      error.issues.map((i) => `${i.path}: ${i.message}`).sort(),
    );
  });
});

// ---------------------------------------------------------------- properties

/** Does any number in the value (at any depth) read as NaN, or any string contain "NaN"? */
function mentionsNaN(value: unknown, seen = new Set<unknown>()): boolean {
  if (typeof value === "number") return Number.isNaN(value);
  if (typeof value === "string") return value.includes("NaN");
  if (typeof value !== "object" || value === null || seen.has(value)) return false;
  seen.add(value);
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key === "string" && key.includes("NaN")) return true;
    if (mentionsNaN((value as Record<PropertyKey, unknown>)[key], seen)) return true;
  }
  return false;
}

function expectWellFormed(input: unknown, result: ParseResult): void {
  if (result.ok) {
    expect(typeof result.scenario.duration).toBe("number");
    return;
  }
  expect(result.issues.length).toBeGreaterThan(0);
  for (const issue of result.issues) {
    expect(typeof issue.path).toBe("string");
    expect(typeof issue.code).toBe("string");
    expect(typeof issue.message).toBe("string");
    expect(issue.code.length).toBeGreaterThan(0);
    expect(issue.message.length).toBeGreaterThan(0);
    // "NaN" may only appear when the input itself holds a NaN (or the text "NaN").
    if (!mentionsNaN(input)) expect(issue.message).not.toContain("NaN");
    expect(issue.message).not.toContain("[object Object]");
  }
}

const duration = fc.oneof(
  fc.integer({ min: 1, max: 100_000 }),
  fc
    .tuple(fc.integer({ min: 1, max: 999 }), fc.constantFrom("ms", "s", "m", "h"))
    .map(([n, unit]) => `${n}${unit}`),
);
const share = fc.double({ min: 0, max: 1, noNaN: true });
const latencySpec = fc.oneof(
  fc.double({ min: 0, max: 100, noNaN: true }),
  fc.constantFrom("simpleIndexedQuery", "sameDatacenterRoundTrip", "ssdRandomRead"),
  fc.double({ min: 0.01, max: 50, noNaN: true }).map((mean) => ({ kind: "exponential", mean })),
);
const popularity = fc.oneof(
  fc.constant({ kind: "uniform" }),
  fc.record({ kind: fc.constant("zipf"), s: fc.double({ min: 0.01, max: 3, noNaN: true }) }),
  fc.record(
    { kind: fc.constant("hotspot"), keyShare: share, opShare: share },
    { requiredKeys: ["kind"] },
  ),
  fc.record({ kind: fc.constant("recency") }),
);
const rate = fc.oneof(
  fc.double({ min: 0, max: 10_000, noNaN: true }),
  fc
    .array(fc.record({ at: duration, rate: fc.integer({ min: 0, max: 5000 }) }), {
      minLength: 1,
      maxLength: 4,
    })
    .map((steps) => ({ steps })),
  fc.record({ from: fc.nat(5000), to: fc.nat(5000), over: duration }).map((ramp) => ({ ramp })),
);
const arrivals = fc.oneof(
  rate.map((r) => ({ rate: r })),
  fc.record(
    { clients: fc.integer({ min: 1, max: 500 }), thinkTime: latencySpec },
    { requiredKeys: ["clients"] },
  ),
);

/** Valid scenario inputs, optional fields present or absent at random. */
const validScenario: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    name: fc.string({ maxLength: 30 }),
    description: fc.string({ maxLength: 60 }),
    seed: fc.integer({ min: 0, max: 2 ** 40 }),
    duration,
    warmup: fc.oneof(fc.constant(0), duration),
    latency: fc.dictionary(
      fc.constantFrom("ramRead", "ssdRandomRead", "crossRegionRoundTrip"),
      fc.double({ min: 0, max: 100, noNaN: true }),
    ),
    workload: fc
      .tuple(
        arrivals,
        fc.record(
          {
            readRatio: share,
            transactions: fc.record(
              { share, statements: fc.integer({ min: 2, max: 8 }) },
              { requiredKeys: [] },
            ),
            keys: fc.record(
              { count: fc.integer({ min: 1, max: 1_000_000 }), popularity },
              { requiredKeys: [] },
            ),
            sessions: fc.integer({ min: 1, max: 10_000 }),
          },
          { requiredKeys: [] },
        ),
      )
      .map(([a, rest]) => ({ ...a, ...rest })),
    database: fc.record(
      {
        engine: fc.constantFrom("postgresql", "mysql"),
        cores: fc.integer({ min: 1, max: 128 }),
        sigma: fc.double({ min: 0, max: 1, noNaN: true }),
        kappa: fc.double({ min: 0, max: 0.1, noNaN: true }),
        maxConnections: fc.integer({ min: 1, max: 10_000 }),
        memoryPerConnectionMB: fc.double({ min: 0, max: 64, noNaN: true }),
        readTime: latencySpec,
        writeTime: latencySpec,
        connectionSetupTime: latencySpec,
      },
      { requiredKeys: [] },
    ),
    client: fc.record(
      {
        connections: fc.constantFrom("persistent", "per-request"),
        instances: fc.integer({ min: 1, max: 100 }),
        poolSize: fc.integer({ min: 1, max: 100 }),
        connectionTimeout: duration,
        roundTrip: latencySpec,
        connectRoundTrips: fc.integer({ min: 0, max: 10 }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ["workload"] },
);

/** A path into a value: the keys of nested plain objects. */
function paths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return [prefix];
  const out: string[][] = [prefix];
  for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function setAt(value: unknown, path: readonly string[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string, ...string[]];
  const obj = value as Record<string, unknown>;
  return { ...obj, [head]: setAt(obj[head], rest, replacement) };
}

/** A valid scenario with one value somewhere replaced by anything, or one key added. */
const mutatedScenario = fc
  .tuple(validScenario, fc.nat(), fc.anything(), fc.boolean(), fc.string({ maxLength: 10 }))
  .map(([scenario, pick, replacement, addKey, key]) => {
    const all = paths(scenario);
    const path = all[pick % all.length] as string[];
    return addKey
      ? setAt(scenario, [...path, key], replacement)
      : setAt(scenario, path, replacement);
  });

describe("one error type for bad input", () => {
  it("a bad scenario, experiment and profile each throw their own error, all an InputError with path: message lines", () => {
    const thrown = [
      () => resolveScenario({ workload: { rate: -1 } }),
      () => resolveExperiment({ scenario: "read-heavy", replications: 0 }),
      () => resolveProfile({ reads: "many" }),
    ].map((f) => {
      try {
        f();
      } catch (error) {
        return error;
      }
      return undefined;
    });
    const kinds = [ScenarioError, ExperimentError, AdvisorError];
    thrown.forEach((error, i) => {
      expect(error).toBeInstanceOf(kinds[i]);
      expect(error).toBeInstanceOf(InputError);
      const e = error as InputError;
      expect(e.name).toBe(kinds[i]?.name);
      expect(e.issues.length).toBeGreaterThan(0);
      expect(e.message.split("\n")).toEqual(
        e.issues.map((x) => (x.path === "" ? x.message : `${x.path}: ${x.message}`)),
      );
    });
  });
});

describe("properties", () => {
  test.prop([fc.anything()], { numRuns: 300 })("never throws on anything", (input) => {
    expectWellFormed(input, parseScenario(input));
  });

  test.prop([fc.json()], { numRuns: 300 })("never throws on any JSON text", (text) => {
    expectWellFormed(text, parseScenario(text));
  });

  test.prop([fc.jsonValue()], { numRuns: 300 })("never throws on any JSON value", (value) => {
    expectWellFormed(value, parseScenario(value));
  });

  test.prop([mutatedScenario], { numRuns: 300 })(
    "never throws on a valid scenario with one value replaced by anything",
    (input) => {
      expectWellFormed(input, parseScenario(input));
    },
  );

  test.prop([validScenario], { numRuns: 300 })("valid scenarios parse ok", (input) => {
    const result = parseScenario(input);
    expect(result.ok, JSON.stringify(result)).toBe(true);
  });

  test.prop([validScenario], { numRuns: 200 })(
    "resolving is idempotent: a resolved scenario resolves to itself",
    (input) => {
      const once = resolveScenario(input);
      expect(resolveScenario(once)).toEqual(once);
    },
  );

  test.prop([validScenario], { numRuns: 200 })(
    "what is given is kept: seed, read ratio and core count pass through unchanged",
    (input) => {
      const s = resolveScenario(input);
      const given = input as {
        seed?: number;
        workload: { readRatio?: number };
        database?: { cores?: number };
      };
      if (given.seed !== undefined) expect(s.seed).toBe(given.seed);
      if (given.workload.readRatio !== undefined)
        expect(s.workload.readRatio).toBe(given.workload.readRatio);
      if (given.database?.cores !== undefined) expect(s.database.cores).toBe(given.database.cores);
    },
  );
});
