// The scenario's timeline: one list of `{ at, kind, … }`, `at` from the start of
// the run (warm-up included), whose kinds are the components' (Component.events)
// composed into one discriminated union. A replica's `outages` list is sugar for
// `replica-outage` entries: the resolved scenario shows them in the timeline, and
// a run gives the same report bytes either way (the same outage window reaches
// the replication link: Replication's ReplicaLinkConfig.outages).
import { describe, expect, it } from "vitest";
import {
  parseScenario,
  resolveScenario,
  runScenario,
  type ScenarioInput,
  type ScenarioIssue,
} from "../../src/index.js";
import { COMPONENTS, TIMELINE_EVENTS } from "../../src/scenario/components/index.js";

const BASE = {
  seed: 3,
  duration: 1_500,
  warmup: 200,
  workload: { rate: 300, readRatio: 0.8, keys: { count: 100 } },
  routing: { via: "app" },
} satisfies ScenarioInput;

const OLD_WAY: ScenarioInput = {
  ...BASE,
  replication: { replicas: [{ name: "east", outages: [{ at: "600ms", for: "500ms" }] }, {}] },
};
const TIMELINE_WAY: ScenarioInput = {
  ...BASE,
  replication: { replicas: [{ name: "east" }, {}] },
  timeline: [{ at: "600ms", kind: "replica-outage", replica: "east", for: "500ms" }],
};

function issues(input: unknown): ScenarioIssue[] {
  const r = parseScenario(input);
  if (r.ok) throw new Error("expected the scenario to be refused");
  return [...r.issues];
}

describe("the timeline", () => {
  it("runs an outage written in the timeline as the same outage written in the replica (same report bytes)", () => {
    // Act
    const old = JSON.stringify(runScenario(OLD_WAY));
    const timeline = JSON.stringify(runScenario(TIMELINE_WAY));
    const none = JSON.stringify(runScenario({ ...TIMELINE_WAY, timeline: [] }));
    // Assert: the same bytes, and the outage does change the run
    expect(timeline).toBe(old);
    expect(timeline).not.toBe(none);
  });

  it("is where the resolved scenario shows the outages written in the replicas, once", () => {
    // Act
    const resolved = resolveScenario(OLD_WAY);
    // Assert
    expect(resolved.timeline).toEqual([
      { at: 600, kind: "replica-outage", replica: "east", for: 500 },
    ]);
    const replicas = resolved.replication?.replicas;
    expect(Array.isArray(replicas) && replicas.every((r) => r.outages.length === 0)).toBe(true);
    expect(resolveScenario(resolved)).toEqual(resolved);
    expect(resolveScenario(TIMELINE_WAY).timeline).toEqual(resolved.timeline);
  });

  it("is in time order; entries at one instant keep the order written, the timeline's first", () => {
    const resolved = resolveScenario({
      ...BASE,
      replication: {
        replicas: [{ outages: [{ at: 100, for: 1 }] }, { outages: [{ at: 50, for: 2 }] }],
      },
      timeline: [
        { at: 100, kind: "replica-outage", replica: "replica-2", for: 3 },
        { at: 10, kind: "replica-outage", replica: "replica-1", for: 4 },
      ],
    });
    expect(resolved.timeline?.map((e) => [e.at, e.kind === "replica-outage" ? e.for : 0])).toEqual([
      [10, 4],
      [50, 2],
      [100, 3],
      [100, 1],
    ]);
  });

  it("has no entry, and no key, when nothing is timed", () => {
    expect(resolveScenario(BASE).timeline).toBeUndefined();
  });

  it("takes its kinds from the components", () => {
    expect([...TIMELINE_EVENTS]).toEqual(COMPONENTS.flatMap((c) => c.events ?? []));
  });

  it("runs rate steps written in the timeline as the same steps written in the workload (same report bytes)", () => {
    // Arrange: 100/s, then 400/s from 700 ms (warm-up included)
    const steps = { at: 0, rate: 100 };
    const old: ScenarioInput = {
      ...BASE,
      workload: { ...BASE.workload, rate: { steps: [steps, { at: "700ms", rate: 400 }] } },
    };
    const timeline: ScenarioInput = {
      ...BASE,
      workload: { ...BASE.workload, rate: "timeline" },
      timeline: [
        { at: 0, kind: "rate", rate: 100 },
        { at: "700ms", kind: "rate", rate: 400 },
      ],
    };
    // Act
    const a = runScenario(old);
    const b = runScenario(timeline);
    // Assert: the same bytes; and the step did happen (more than 100/s were offered)
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(a.throughput.offeredPerSec).toBeGreaterThan(200);
    expect(resolveScenario(old).timeline).toEqual(resolveScenario(timeline).timeline);
    expect(resolveScenario(old).workload.rate).toBe("timeline");
  });
});

describe("the timeline: bad entries", () => {
  it("names a kind no component handles, with the kinds there are", () => {
    const found = issues({ ...TIMELINE_WAY, timeline: [{ at: 1, kind: "cache-loss" }] });
    expect(found).toEqual([
      {
        path: "timeline.0.kind",
        code: "invalid_union",
        message:
          'expected kind to be one of "rate", "projection-replay", "cache-node-loss", "reshard", "primary-crash", "replica-crash", "delay-spike", "partition", "pooler-restart", "replica-outage"; got "cache-loss"',
      },
    ]);
  });

  it("names an outage of a replica the scenario does not have, with those it has", () => {
    const found = issues({
      ...TIMELINE_WAY,
      timeline: [{ at: 1, kind: "replica-outage", replica: "west", for: 5 }],
    });
    expect(found).toEqual([
      {
        path: "timeline.0.replica",
        code: "custom",
        message: 'expected the name of a replica: one of east, replica-2; got "west"',
      },
    ]);
  });

  it("names an outage in a plan without replicas", () => {
    const found = issues({
      ...BASE,
      timeline: [{ at: 1, kind: "replica-outage", replica: "replica-1", for: 5 }],
    });
    expect(found.map((i) => [i.path, i.message])).toEqual([
      [
        "timeline.0.replica",
        'expected the name of a replica, but the scenario has no `replication.replicas`; got "replica-1"',
      ],
    ]);
  });

  it("names rate entries the workload does not follow, and a workload following none", () => {
    const entry = { at: 0, kind: "rate", rate: 5 } as const;
    expect(issues({ ...BASE, timeline: [entry] })).toEqual([
      {
        path: "timeline.0.kind",
        code: "custom",
        message:
          'expected a workload that follows the timeline\'s rates (`workload.rate: "timeline"`); the workload\'s rate is 300; got "rate"',
      },
    ]);
    expect(issues({ ...BASE, workload: { rate: "timeline" } })).toEqual([
      {
        path: "timeline",
        code: "custom",
        message:
          'expected at least one `rate` entry, for `workload.rate: "timeline"` to follow; got nothing',
      },
    ]);
  });

  it("names a bad instant, a missing field and an unknown field at their paths", () => {
    const found = issues({
      ...TIMELINE_WAY,
      timeline: [
        { at: "soon", kind: "replica-outage", replica: "east", for: 1 },
        { at: 1, kind: "replica-outage", for: 1 },
        { at: 1, kind: "replica-outage", replica: "east", for: 1, until: 9 },
      ],
    });
    expect(found.map((i) => i.path)).toEqual(["timeline.0.at", "timeline.1.replica", "timeline.2"]);
    expect(found[0]?.message).toMatch(/^expected a duration .*; got "soon"$/);
    expect(found[1]?.message).toBe("required: expected string; got nothing");
    expect(found[2]?.message).toMatch(
      /^unknown key "until" in timeline\.2; expected one of at, for, kind, replica$/,
    );
  });
});
