// Network events that cannot mean anything are refused with the path, the
// value and what was expected; any valid timeline of them runs, every figure
// finite, its errors counted by kind.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  estimateWork,
  parseScenario,
  resolveScenario,
  runScenario,
  type ScenarioInput,
  type ScenarioIssue,
} from "../../../src/index.js";
import { ERROR_KINDS, EVENT_ERROR_KINDS } from "../../../src/scenario/components/index.js";

const BASE = {
  seed: 1,
  warmup: 50,
  duration: 300,
  workload: { rate: 300, readRatio: 0.7, keys: { count: 100 } },
  replication: { replicas: 2 },
  routing: { via: "app" },
} satisfies ScenarioInput;

function issues(timeline: unknown[], base: ScenarioInput = BASE): ScenarioIssue[] {
  const r = parseScenario({ ...base, timeline });
  if (r.ok) throw new Error("expected the scenario to be refused");
  return [...r.issues];
}

describe("network events: bad input", () => {
  it("names a node the scenario does not have, with the names it has", () => {
    const found = issues([
      { at: 10, kind: "partition", for: 5, sides: [["app"], ["replica-3"]] },
      { at: 10, kind: "delay-spike", for: 5, extra: 1, between: ["app", "db-9"] },
    ]);
    expect(found).toEqual([
      {
        path: "timeline.0.sides.1.0",
        code: "custom",
        message: 'expected "app" or a node: primary, replica-1, replica-2; got "replica-3"',
      },
      {
        path: "timeline.1.between.1",
        code: "custom",
        message: 'expected "app" or a node: primary, replica-1, replica-2; got "db-9"',
      },
    ]);
  });

  it("names the shard-prefixed nodes of a sharded plan", () => {
    const sharded: ScenarioInput = { ...BASE, sharding: { shards: 2, strategy: "hash-mod" } };
    const found = issues(
      [{ at: 1, kind: "partition", for: 5, sides: [["app"], ["primary"]] }],
      sharded,
    );
    expect(found[0]?.message).toContain("s0/primary, s0/replica-1, s0/replica-2, s1/primary");
  });

  it("refuses a partition with one side, an empty side, or a name on both sides", () => {
    const one = issues([{ at: 1, kind: "partition", for: 5, sides: [["app"]] }]);
    expect(one.map((i) => i.path)).toEqual(["timeline.0.sides"]);
    const empty = issues([{ at: 1, kind: "partition", for: 5, sides: [["app"], []] }]);
    expect(empty.map((i) => i.path)).toEqual(["timeline.0.sides.1"]);
    const both = issues([
      {
        at: 1,
        kind: "partition",
        for: 5,
        sides: [
          ["app", "primary"],
          ["primary", "replica-1"],
        ],
      },
    ]);
    expect(both).toEqual([
      {
        path: "timeline.0.sides.1.0",
        code: "custom",
        message: 'expected a name on one side only: it is on both; got "primary"',
      },
    ]);
  });

  it("refuses a spike between two ends that share no link", () => {
    const found = issues([
      { at: 1, kind: "delay-spike", for: 5, extra: 1, between: ["replica-1", "replica-2"] },
      { at: 1, kind: "delay-spike", for: 5, extra: 1, between: ["app", "app"] },
    ]);
    expect(found.map((i) => i.path)).toEqual(["timeline.0.between", "timeline.1.between"]);
    expect(found[0]?.message).toContain('expected a link that carries traffic: ["app", "<node>"]');
  });

  it("refuses two partitions that cut one link at once, naming the link and the overlap", () => {
    const found = issues([
      { at: 100, kind: "partition", for: 50, sides: [["app"], ["primary", "replica-1"]] },
      { at: 120, kind: "partition", for: 50, sides: [["app", "replica-2"], ["replica-1"]] },
    ]);
    expect(found).toEqual([
      {
        path: "timeline.1.sides",
        code: "custom",
        message: expect.stringContaining(
          "expected partitions that do not cut one link at once: this one and timeline[0] both cut app–replica-1 between 120 and 150 ms",
        ),
      },
    ]);
    // One after the other, or over different links, is fine.
    const apart = parseScenario({
      ...BASE,
      timeline: [
        { at: 100, kind: "partition", for: 20, sides: [["app"], ["replica-1"]] },
        { at: 120, kind: "partition", for: 50, sides: [["app"], ["replica-1"]] },
        { at: 110, kind: "partition", for: 50, sides: [["primary"], ["replica-2"]] },
      ],
    });
    expect(apart.ok).toBe(true);
  });

  it("refuses a health check that never pings", () => {
    const found = issues([
      {
        at: 1,
        kind: "partition",
        for: 5,
        sides: [["app"], ["replica-1"]],
        healthCheck: { interval: 0 },
      },
    ]);
    expect(found.map((i) => i.path)).toEqual(["timeline.0.healthCheck.interval"]);
  });
});

const NAMES = ["app", "primary", "replica-1", "replica-2"] as const;
const window = { at: fc.integer({ min: 0, max: 400 }), for: fc.integer({ min: 0, max: 300 }) };
const spike = fc.record({
  ...window,
  kind: fc.constant("delay-spike"),
  extra: fc.oneof(
    fc.double({ min: 0, max: 50, noNaN: true }),
    fc.constant("sameDatacenterRoundTrip"),
  ),
  between: fc.option(
    fc.constantFrom(["app", "primary"], ["app", "replica-2"], ["primary", "replica-1"]),
    { nil: undefined },
  ),
});
const partition = fc
  .shuffledSubarray([...NAMES], { minLength: 2 })
  .chain((names) =>
    fc.integer({ min: 1, max: names.length - 1 }).map((k) => [names.slice(0, k), names.slice(k)]),
  )
  .chain((sides) =>
    fc.record({
      ...window,
      kind: fc.constant("partition"),
      sides: fc.constant(sides),
      driverTimeout: fc.integer({ min: 0, max: 200 }),
      healthCheck: fc.record({
        interval: fc.integer({ min: 1, max: 100 }),
        failures: fc.integer({ min: 1, max: 4 }),
        timeout: fc.integer({ min: 0, max: 50 }),
      }),
    }),
  );

const restart = fc.record({
  ...window,
  kind: fc.constant("pooler-restart"),
  node: fc.constantFrom("primary", "replica-1"),
  online: fc.boolean(),
});

describe("network events: any valid timeline runs", () => {
  test.prop([fc.array(fc.oneof(spike, partition, restart), { maxLength: 4 }), fc.boolean()], {
    numRuns: 25,
  })("without NaN, every failure counted by its kind", (timeline, pooled) => {
    const input = { ...BASE, ...(pooled ? { pool: { poolMode: "transaction" } } : {}), timeline };
    const parsed = parseScenario(input);
    // Overlapping partitions over one link are refused (above); the rest must run.
    fc.pre(parsed.ok);
    const report = runScenario(input as ScenarioInput, { maxEvents: 200_000 });
    const numbers = JSON.stringify(report).match(/NaN|Infinity/);
    expect(numbers).toBeNull();
    const byKind = Object.values(report.errors.byKind).reduce((a, b) => a + b, 0);
    expect(byKind).toBe(report.errors.total);
    // Every failure is of a kind some component declares, the network's included.
    const declared = [...ERROR_KINDS, ...EVENT_ERROR_KINDS];
    for (const kind of Object.keys(report.errors.byKind)) expect(declared).toContain(kind);
  });
});

describe("network events: the work estimate", () => {
  it("counts the events a spike adds: two per operation inside it (the halves of its extra)", () => {
    // Arrange: the same run with and without a spike over all of it
    const plain = resolveScenario({ ...BASE, timeline: [] });
    const spiked = resolveScenario({
      ...BASE,
      timeline: [{ at: 0, kind: "delay-spike", for: 350, extra: 1 }],
    });
    // Act
    const a = estimateWork(plain);
    const b = estimateWork(spiked);
    // Assert
    expect(b.operations).toBe(a.operations);
    expect(b.events - a.events).toBeCloseTo(2 * a.operations, 6);
  });
});
