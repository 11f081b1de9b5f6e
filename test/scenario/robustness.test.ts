// Inputs that used to get past parseScenario's promise: it never throws, and what
// it accepts runs. Each case below once threw (a TypeError, a stack overflow) or
// validated and then failed inside the run ("Delay Infinity ms", a row loop).
import { describe, expect, it } from "vitest";
import {
  compileDistribution,
  distributionMean,
  LatencyError,
  mergePatch,
  parseExperiment,
  parseProfile,
  parseScenario,
  resolveLatencyTable,
  resolveVariants,
  runScenario,
  type ScenarioIssue,
} from "../../src/index.js";
import { issueAt, issuesOf } from "./issues.js";

/** Short and busy enough that every component draws many times. */
const BASE = { duration: 300, warmup: 0, workload: { rate: 2_000 } } as const;

function nestedArrays(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function nestedMixture(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { kind: "mixture", parts: [{ weight: 1, dist: value }] };
  return value;
}

describe("parseScenario never throws (10a)", () => {
  it("a proxy whose own check fails, without replicas, is reported, not a TypeError", () => {
    // readerHostgroup equal to the default writerHostgroup (10) fails the proxy's check,
    // so zod skips the transform that fills in queryRules.
    const input = { workload: { rate: 1 }, proxy: { readerHostgroup: 10 } };
    expect(issueAt(input, "proxy.readerHostgroup").message).toContain("writer hostgroup (10)");
  });

  it("arrays nested 4,000 deep in a typed field are one too_deep issue", () => {
    const issue = issuesOf({ workload: { rate: nestedArrays(4_000) } })[0] as ScenarioIssue;
    expect(issue.code).toBe("too_deep");
    expect(issue.path.startsWith("workload.rate.0.0")).toBe(true);
    expect(issue.message).toContain("64 levels");
  });

  it("the experiment and profile parsers refuse deep nesting the same way, at its path", () => {
    for (const parse of [parseExperiment, parseProfile]) {
      const result = parse({ scenario: { workload: { rate: nestedArrays(4_000) } } });
      expect(result.ok).toBe(false);
      const issue = (result as { issues: readonly ScenarioIssue[] }).issues[0] as ScenarioIssue;
      expect(issue.code).toBe("too_deep");
      expect(issue.path.startsWith("scenario.workload.rate.0.0")).toBe(true);
      expect(issue.message).toContain("64 levels");
    }
  });

  it("mixtures nested 600 deep are refused before zod recurses", () => {
    const issues = issuesOf({ ...BASE, database: { readTime: nestedMixture(600) } });
    expect(issues.map((i) => i.code)).toEqual(["too_deep"]);
  });

  it("mixtures nest at most 8 deep; 8 validates and runs", () => {
    const ok = parseScenario({ ...BASE, database: { readTime: nestedMixture(8) } });
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(() => runScenario(ok.scenario)).not.toThrow();
    const issues = issuesOf({ ...BASE, database: { readTime: nestedMixture(9) } });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe("database.readTime");
    expect(issues[0]?.message).toContain("at most 8 deep");
  });

  it("a null-prototype object holding a BigInt is described, not a TypeError", () => {
    const bad = Object.create(null) as Record<string, unknown>;
    bad.a = 1n;
    expect(issueAt({ workload: { rate: 1 }, duration: bad }, "duration").message).toContain(
      "[object Object]",
    );
    const rate = Object.create(null) as Record<string, unknown>;
    rate.rate = 2n;
    expect(issueAt({ workload: rate }, "workload.rate").message).toContain("2n");
  });

  it("an object that contains itself is too deep, not a stack overflow", () => {
    const loop: Record<string, unknown> = { rate: 1 };
    loop.self = loop;
    expect(issuesOf({ workload: loop })[0]?.code).toBe("too_deep");
  });

  it("a getter that throws becomes an issue", () => {
    const workload = {
      get rate(): number {
        throw new Error("boom");
      },
    };
    expect(issuesOf({ workload })[0]?.message).toContain("boom");
  });

  it("the latency layer's own entry points refuse deep input with a LatencyError", () => {
    const deep = nestedMixture(600) as never;
    expect(() => compileDistribution(deep)).toThrow(LatencyError);
    expect(() => distributionMean(deep)).toThrow(/nested more than 64 levels/);
    expect(() => resolveLatencyTable({ ramRead: deep })).toThrow(LatencyError);
  });
});

describe("whatever validates runs (10b)", () => {
  it("a loop of latency rows is a validation issue naming the loop", () => {
    const input = { ...BASE, latency: { ramRead: "ssdRandomRead", ssdRandomRead: "ramRead" } };
    const issue = issueAt(input, "latency.ramRead");
    expect(issue.message).toContain("ramRead → ssdRandomRead → ramRead");
    // One loop, one issue (not one per row on it).
    expect(issuesOf(input)).toHaveLength(1);
  });

  it("a loop through a mixture part is found too", () => {
    const input = {
      ...BASE,
      latency: {
        l2CacheRead: { kind: "mixture", parts: [{ weight: 1, dist: "ramRead" }] },
        ramRead: {
          kind: "mixture",
          parts: [
            { weight: 0, dist: "l2CacheRead" },
            { weight: 1, dist: 1 },
          ],
        },
      },
    };
    expect(issueAt(input, "latency.l2CacheRead").message).toContain(
      "l2CacheRead → ramRead → l2CacheRead",
    );
  });

  // USL C(N) = N / (1 + σ(N − 1) + κN(N − 1)) with 0 ≤ σ, κ < 1 (Gunther, Guerrilla
  // Capacity Planning, ch. 4); κ = 1e308 made the slowdown, and every delay, Infinity.
  it.each(["sigma", "kappa"])("database.%s above 1 is refused", (field) => {
    expect(issueAt({ ...BASE, database: { [field]: 1e308 } }, `database.${field}`).code).toBe(
      "too_big",
    );
    expect(parseScenario({ ...BASE, database: { [field]: 1 } }).ok).toBe(true);
  });

  it.each([
    ["lognormal mu 710", { kind: "lognormal", mu: 710, sigma: 1 }, "database.readTime.sigma"],
    ["lognormal p99 1e300", { kind: "lognormal", median: 1, p99: 1e300 }, "database.readTime.p99"],
    ["pareto shape 0.001", { kind: "pareto", scale: 1, shape: 0.001 }, "database.readTime.shape"],
    ["exponential mean 1e308", { kind: "exponential", mean: 1e308 }, "database.readTime.mean"],
    ["normal sd 1e308", { kind: "normal", mean: 1, sd: 1e308 }, "database.readTime.sd"],
    ["constant 1e308", 1e308, "database.readTime"],
    ["uniform max 1e308", { kind: "uniform", min: 0, max: 1e308 }, "database.readTime.max"],
    ["empirical 1e308", { kind: "empirical", samples: [1, 1e308] }, "database.readTime.samples.1"],
  ])("%s: draws that overflow are a validation issue", (_, readTime, path) => {
    expect(issueAt({ ...BASE, database: { readTime } }, path).message).toMatch(/1e\+100 ms/);
  });

  it("the largest draw is bounded exactly: Pareto scale 1 needs shape ≥ 53·ln 2 / ln 1e100", () => {
    // The sampler returns scale / (1 − u)^(1/shape) with 1 − u ≥ 2⁻⁵³.
    const threshold = (53 * Math.LN2) / Math.log(1e100);
    const at = (shape: number) =>
      parseScenario({ ...BASE, database: { readTime: { kind: "pareto", scale: 1, shape } } }).ok;
    expect(at(threshold * 1.001)).toBe(true);
    expect(at(threshold * 0.999)).toBe(false);
  });

  it("heavy tails with an infinite mean still validate and run", () => {
    const input = { ...BASE, database: { readTime: { kind: "pareto", scale: 0.5, shape: 0.5 } } };
    const parsed = parseScenario(input);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(() => runScenario(parsed.scenario)).not.toThrow();
  });

  it("mixture weights whose total overflows are refused", () => {
    const readTime = {
      kind: "mixture",
      parts: [
        { weight: 1e308, dist: 1 },
        { weight: 1e308, dist: 2 },
      ],
    };
    expect(issueAt({ ...BASE, database: { readTime } }, "database.readTime").message).toContain(
      "finite total",
    );
  });

  // Every DurationSchema field: before, only duration and warmup were checked.
  const long = `${"9".repeat(400)}ms`;
  it.each([
    ["client.connectionTimeout", { client: { connectionTimeout: long } }],
    ["pool.queryWaitTimeout", { pool: { queryWaitTimeout: long } }],
    ["pool.serverLifetime", { pool: { serverLifetime: long } }],
    ["replication.timeout", { replication: { replicas: 1, timeout: long } }],
    [
      "replication.replicas.0.outages.0.for",
      { replication: { replicas: [{ outages: [{ at: "1s", for: long }] }] } },
    ],
    ["routing.dnsTtl", { routing: { dnsTtl: long } }],
    ["workload.rate.ramp.over", { workload: { rate: { ramp: { from: 1, to: 2, over: long } } } }],
  ])("a 400-digit duration in %s is an issue, not Infinity", (path, patch) => {
    const issues = issuesOf({ ...BASE, ...patch });
    expect(issues).toHaveLength(1);
    // Inside a union (replicas as a list, rate as a ramp) too, the issue is at the field.
    expect(issues[0]?.path).toBe(path);
    expect(issues[0]?.message).toContain("at most 1e15 ms");
    expect(issues[0]?.message).toContain("resolves to Infinity ms");
  });

  it("a numeric duration above 1e15 ms is refused; 1e15 is accepted", () => {
    expect(
      issueAt({ ...BASE, pool: { serverLifetime: 1e300 } }, "pool.serverLifetime"),
    ).toBeTruthy();
    expect(parseScenario({ ...BASE, pool: { serverLifetime: 1e15 } }).ok).toBe(true);
  });
});

describe('"__proto__" in a variant patch (10e)', () => {
  const patch = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;

  it("a top-level __proto__ key is an unknown key, not silently dropped", () => {
    const result = resolveVariants({ ...BASE, variants: [{ name: "v", patch }] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues[0]?.path).toBe("variants.0.patch");
    expect(result.issues[0]?.message).toContain('unknown key "__proto__"');
  });

  it("a nested __proto__ key is an unknown key too", () => {
    const nested = JSON.parse('{"workload": {"__proto__": {"rate": 5}}}') as unknown;
    const result = resolveVariants({ ...BASE, variants: [{ name: "v", patch: nested }] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues[0]?.path).toBe("variants.0.patch.workload");
  });

  it("mergePatch keeps __proto__ as an own key and never sets the prototype", () => {
    const merged = mergePatch({ a: 1 }, patch) as Record<string, unknown>;
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.hasOwn(merged, "__proto__")).toBe(true);
    expect((merged as { polluted?: unknown }).polluted).toBeUndefined();
    expect(merged.a).toBe(1);
  });
});
