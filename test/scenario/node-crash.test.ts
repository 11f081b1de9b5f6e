// Node crashes on the timeline: bad input is refused with its path, the value
// and what was expected; a primary crash without replicas is an outage the
// report explains; a replica crash fails its reads until the router's health
// check takes it out of rotation, then none.
import { describe, expect, it } from "vitest";
import { formatSummary, formatTable } from "../../src/cli/format.js";
import {
  parseScenario,
  runScenarioDetailed,
  type ScenarioInput,
  type ScenarioIssue,
} from "../../src/index.js";

const BASE = {
  seed: 3,
  duration: 3_000,
  warmup: 0,
  workload: { rate: 300, readRatio: 0.5, keys: { count: 100 } },
  replication: { replicas: 2 },
  routing: { via: "app" },
} satisfies ScenarioInput;

function issues(input: unknown): [string, string][] {
  const r = parseScenario(input);
  if (r.ok) throw new Error("expected the scenario to be refused");
  return r.issues.map((i: ScenarioIssue) => [i.path, i.message]);
}

describe("node crashes: bad input", () => {
  it("names a replica the scenario does not have", () => {
    const found = issues({
      ...BASE,
      timeline: [{ at: 1, kind: "replica-crash", replica: "replica-9" }],
    });
    expect(found).toEqual([
      [
        "timeline.0.replica",
        'expected the name of a replica: one of replica-1, replica-2; got "replica-9"',
      ],
    ]);
  });

  it("names a primary other than the plan's", () => {
    const found = issues({ ...BASE, timeline: [{ at: 1, kind: "primary-crash", node: "db-7" }] });
    expect(found).toEqual([
      ["timeline.0.node", 'expected primary: the only primary of an unsharded plan; got "db-7"'],
    ]);
  });

  it("refuses two crashes of one node that overlap, naming when the first ends", () => {
    const found = issues({
      ...BASE,
      timeline: [
        { at: 1_000, kind: "replica-crash", replica: "replica-1", for: 500 },
        { at: 1_200, kind: "replica-crash", replica: "replica-1" },
      ],
    });
    expect(found).toEqual([
      [
        "timeline.1.at",
        "expected a crash of replica-1 after the one at 1000 ms ends, but that one ends at 1500 ms; got 1200",
      ],
    ]);
  });

  it("refuses a second primary crash after a failover: the old primary never comes back", () => {
    const found = issues({
      ...BASE,
      timeline: [
        { at: 1_000, kind: "primary-crash" },
        { at: 2_000, kind: "primary-crash" },
      ],
    });
    expect(found.map(([path]) => path)).toEqual(["timeline.1.at"]);
    expect(found[0]?.[1]).toContain("never ends (the node does not come back in the run)");
  });

  it("with replicas, takes a primary crash's `for` longer than the detection only (the old primary rejoins as a replica)", () => {
    const found = issues({ ...BASE, timeline: [{ at: 1, kind: "primary-crash", for: 100 }] });
    expect(found.map(([path]) => path)).toEqual(["timeline.0.for"]);
    expect(found[0]?.[1]).toContain("longer than failover.detection (30000 ms)");
    expect(
      parseScenario({ ...BASE, timeline: [{ at: 1, kind: "primary-crash", for: 40_000 }] }).ok,
    ).toBe(true);
  });

  it("in a sharded plan, names a shard's node as the report does (s<i>/primary, s<i>/replica-k)", () => {
    const sharded = { ...BASE, sharding: { shards: 2, strategy: "hash-mod" } };
    expect(issues({ ...sharded, timeline: [{ at: 1, kind: "primary-crash" }] })).toEqual([
      [
        "timeline.0.node",
        'expected a shard\'s primary: one of s0/primary, s1/primary; got "primary"',
      ],
    ]);
    const found = issues({
      ...sharded,
      timeline: [
        { at: 1, kind: "primary-crash", node: "s2/primary" },
        { at: 1, kind: "replica-crash", replica: "replica-1" },
        { at: 1, kind: "replica-crash", replica: "s1/replica-3" },
      ],
    });
    expect(found.map(([path]) => path)).toEqual([
      "timeline.0.node",
      "timeline.1.replica",
      "timeline.2.replica",
    ]);
    expect(found[2]?.[1]).toBe(
      'expected the name of a replica: one of s0/replica-1, s0/replica-2, s1/replica-1, s1/replica-2; got "s1/replica-3"',
    );
  });

  it("in a sharded plan, takes a shard's replicas from its override", () => {
    const overridden = {
      ...BASE,
      sharding: {
        shards: 2,
        strategy: "hash-mod",
        overrides: [{ shard: 1, replication: { replicas: 3 } }],
      },
    };
    const ok = (replica: string) =>
      parseScenario({ ...overridden, timeline: [{ at: 1, kind: "replica-crash", replica }] }).ok;
    expect(ok("s1/replica-3")).toBe(true);
    expect(ok("s0/replica-3")).toBe(false);
    // Shard 1's own scenario is checked too: s0's crash is not its business.
    expect(ok("s0/replica-2")).toBe(true);
  });

  it("refuses crashes in a plan that reshards, and a primary crash behind ProxySQL with no replica, as not modelled yet", () => {
    const resharded = issues({
      ...BASE,
      sharding: { shards: 2, strategy: "hash-mod" },
      timeline: [
        { at: 1, kind: "primary-crash", node: "s0/primary" },
        { at: 500, kind: "reshard", shards: 3 },
      ],
    });
    expect(resharded).toEqual([
      [
        "timeline.0.kind",
        'expected no node crash: a node crash in a plan that reshards is not modelled yet; got "primary-crash"',
      ],
    ]);
    const regional = issues({
      ...BASE,
      routing: undefined,
      proxy: {},
      regions: { list: [{ name: "eu" }, { name: "us" }], primary: "eu" },
      timeline: [{ at: 1, kind: "replica-crash", replica: "replica-1" }],
    });
    expect(regional).toContainEqual([
      "timeline.0.kind",
      'expected no node crash: a node crash behind ProxySQL in a multi-region plan is not modelled yet; got "replica-crash"',
    ]);
    const unpromotable = issues({
      ...BASE,
      replication: undefined,
      routing: undefined,
      proxy: { readers: { primaryWeight: 1 } },
      timeline: [{ at: 1, kind: "primary-crash" }],
    });
    expect(unpromotable).toEqual([
      [
        "timeline.0.kind",
        'expected no node crash: a primary crash behind ProxySQL without a replica to promote is not modelled yet; got "primary-crash"',
      ],
    ]);
    // With replicas the failover runs, but the old primary would not come back: refused, not ignored.
    const rejoining = issues({
      ...BASE,
      routing: undefined,
      proxy: { readers: { primaryWeight: 1 } },
      timeline: [{ at: 1, kind: "primary-crash", for: 40_000 }],
    });
    expect(rejoining).toEqual([
      [
        "timeline.0.for",
        "expected no `for` on a primary crash behind ProxySQL with replicas: the old primary coming back as a replica of the promoted one is not modelled there yet; got 40000",
      ],
    ]);
  });
});

describe("node crashes: runs", () => {
  it("promotes the most advanced replica (highest received LSN), not the first listed", () => {
    // replica-1 is cut off from 500 ms, so at the crash it trails replica-2 by a second of writes.
    const { report } = runScenarioDetailed({
      ...BASE,
      timeline: [
        { at: 500, kind: "replica-outage", replica: "replica-1", for: 5_000 },
        { at: 1_500, kind: "primary-crash", failover: { detection: 200 } },
      ],
    });
    const f = report.faults?.events[0];
    expect(f?.promoted).toBe("replica-2");
    const replica1 = report.replication?.replicas.find((r) => r.name === "replica-1");
    expect(f?.promotedLsn ?? 0).toBeGreaterThan((replica1?.appliedLsn ?? 0) + 100);
  });

  it("a primary crash without replicas: no failover, writes fail until `for`, and the report says why", () => {
    const { report } = runScenarioDetailed({
      ...BASE,
      replication: undefined,
      routing: undefined,
      timeline: [{ at: 1_000, kind: "primary-crash", for: 500 }],
    } as ScenarioInput);
    const f = report.faults?.events[0];
    expect(f?.promoted).toBeNull();
    expect(f?.endMs).toBe(1_500);
    expect(f?.downtimeMs).toBe(500);
    expect(f?.lostWrites).toBe(0);
    expect(f?.note).toContain("no replica to promote");
    // 300 operations/s for 0.5 s all go to the primary: about 150 fail.
    expect(f?.errors.node_down).toBeGreaterThan(100);
    expect(report.errors.byKind.node_down).toBe(f?.errors.node_down);
  });

  it("a primary crash the run ends before detecting: the note says so, not that no replica was up", () => {
    // failover.ts (models/faults) promotes only at detection, `detection` ms after
    // the crash (Patroni's leader-key ttl): a run ending sooner never tried.
    const { report } = runScenarioDetailed({
      ...BASE,
      timeline: [{ at: 2_800, kind: "primary-crash", failover: { detection: 500 } }],
    });
    const f = report.faults?.events[0];
    expect(f?.detectedMs).toBeNull();
    expect(f?.promoted).toBeNull();
    expect(f?.note).toBe(
      "the run ended 200 ms after the crash, before its detection (500 ms): no promotion was attempted",
    );
    const after = runScenarioDetailed({
      ...BASE,
      timeline: [{ at: 5_000, kind: "primary-crash" }],
    }).report.faults?.events[0];
    expect(after?.note).toBe("the run ended before the crash");
  });

  it("a primary crash detected with every replica down: no replica up to promote", () => {
    const { report } = runScenarioDetailed({
      ...BASE,
      timeline: [
        { at: 500, kind: "replica-crash", replica: "replica-1" },
        { at: 500, kind: "replica-crash", replica: "replica-2" },
        { at: 1_000, kind: "primary-crash", failover: { detection: 500 } },
      ],
    });
    const f = report.faults?.events.find((e) => e.kind === "primary-crash");
    expect(f?.detectedMs).toBe(1_500);
    expect(f?.note).toBe("no replica up to promote");
  });

  it("prints a Faults table in the text report and a faults line in the resolved scenario's summary", () => {
    const { report, scenario } = runScenarioDetailed({
      ...BASE,
      timeline: [{ at: 1_000, kind: "primary-crash", failover: { detection: 500 } }],
    });
    const text = formatTable(report);
    expect(text).toContain("Faults");
    expect(text).toMatch(/primary-crash\s+primary\s+1000\s+1500\s+replica-\d/);
    expect(text).toContain(`acknowledged writes lost: ${report.faults?.lostWrites}`);
    expect(formatSummary(scenario)).toContain("primary crash at 1 s (detection 500 ms)");
  });

  it("a replica crash fails reads only until the router's detection, then the other replica serves them", () => {
    const { history, report } = runScenarioDetailed(
      {
        ...BASE,
        timeline: [
          { at: 1_000, kind: "replica-crash", replica: "replica-1", for: 1_000, detection: 300 },
        ],
      },
      { history: true },
    );
    const failed = (history?.toArray() ?? []).filter((o) => !o.ok);
    expect(failed.length).toBeGreaterThan(10);
    // Failures only from the crash to the detection (in flight at the crash, or sent before it).
    for (const o of failed) {
      expect(o.kind).toBe("read");
      expect(o.completeMs).toBeGreaterThanOrEqual(1_000);
      expect(o.invokeMs).toBeLessThan(1_300);
    }
    const f = report.faults?.events[0];
    expect(f?.errors.node_down).toBe(failed.length);
    expect(f?.endMs).toBe(2_000);
    // Back in rotation after `for`: it serves reads again.
    const served = (history?.toArray() ?? []).filter(
      (o) => o.ok && o.node === "replica-1" && o.invokeMs > 2_100,
    );
    expect(served.length).toBeGreaterThan(50);
  });
});
