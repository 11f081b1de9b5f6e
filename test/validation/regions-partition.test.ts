// Validation of a partition between regions, with every delay constant. A side
// may name a region: everything in it — its sessions (the application there)
// and its nodes — is cut from the other side. So, with ap cut from us and eu:
// - an ap session's write reaches the cut link half its driver's round trip
//   (same datacenter + us–ap) after it is issued; it is held until the link
//   heals, or fails with network_timeout once the driver's timeout has passed
//   and the failure has taken the way back (the partition's rule,
//   docs/faults.md; Linux tcp_retries2 by default);
// - ap's reads go to its own replica, on its side: unaffected;
// - the ap replica receives nothing while cut (an outage of the window), so its
//   replay lag reaches at least the partition's length;
// - us and eu sessions are untouched.
import { describe, expect, it } from "vitest";
import {
  type HistoryOp,
  parseScenario,
  runScenarioDetailed,
  type ScenarioInput,
  type ScenarioIssue,
} from "../../src/index.js";
import { regionsPlan } from "./regions-plan.js";

const NAMES = ["us", "eu", "ap"] as const;
const RTT = { "us-eu": 70, "us-ap": 190, "eu-ap": 120 };
const SAME_DC = 0.5;
const WRITE_TIME = 0.2;
const READ_TIME = 0.1;
const FROM = 1_000;
const FOR = 500;

function plan(timeline: NonNullable<ScenarioInput["timeline"]>): ScenarioInput {
  return regionsPlan({
    seed: 5,
    duration: 3_000,
    names: NAMES,
    thinkTime: 1,
    readRatio: 0.3,
    sameDatacenterRoundTrip: SAME_DC,
    readTime: READ_TIME,
    writeTime: WRITE_TIME,
    replicas: [
      { name: "r-eu", region: "eu" },
      { name: "r-ap", region: "ap" },
    ],
    regions: { list: NAMES.map((name) => ({ name })), primary: "us", rtt: RTT },
    timeline,
  });
}

function cut(driverTimeout: number) {
  return runScenarioDetailed(
    plan([{ at: FROM, kind: "partition", for: FOR, sides: [["ap"], ["us", "eu"]], driverTimeout }]),
    { history: true },
  );
}

/** The fate of an ap write, from its issue time alone (see the header). */
function apWriteFate(invokeMs: number, timeoutMs: number): { ok: boolean; latencyMs: number } {
  const halfTrip = (SAME_DC + RTT["us-ap"]) / 2;
  const arrives = invokeMs + halfTrip;
  const healed = FROM + FOR;
  if (arrives < FROM || arrives >= healed)
    return { ok: true, latencyMs: 2 * halfTrip + WRITE_TIME };
  if (healed < arrives + timeoutMs)
    return { ok: true, latencyMs: healed - invokeMs + WRITE_TIME + halfTrip };
  return { ok: false, latencyMs: 2 * halfTrip + timeoutMs };
}

const ofSession = (ops: readonly HistoryOp[], region: string) =>
  ops.filter((o) => o.session === NAMES.indexOf(region as (typeof NAMES)[number]));

describe("a partition cutting one region from the others (constant delays)", () => {
  for (const timeoutMs of [300, 924_600]) {
    it(`gives every ap write the fate its issue time says (driver timeout ${timeoutMs} ms)`, () => {
      const ops = cut(timeoutMs).history?.toArray() ?? [];
      const writes = ofSession(ops, "ap").filter((o) => o.kind === "write");
      const touched = writes.filter((o) => apWriteFate(o.invokeMs, timeoutMs).latencyMs > 191);
      expect(touched.length).toBeGreaterThan(0);
      for (const w of writes) {
        const fate = apWriteFate(w.invokeMs, timeoutMs);
        expect({ ok: w.ok, latencyMs: w.completeMs - w.invokeMs }).toEqual({
          ok: fate.ok,
          latencyMs: expect.closeTo(fate.latencyMs, 9),
        });
      }
    });
  }

  it("leaves ap's local reads, and the other regions, untouched", () => {
    const run = cut(300);
    const ops = run.history?.toArray() ?? [];
    const apReads = ofSession(ops, "ap").filter((o) => o.kind === "read");
    expect(apReads.some((o) => o.invokeMs >= FROM && o.invokeMs < FROM + FOR)).toBe(true);
    for (const r of apReads) expect(r.completeMs - r.invokeMs).toBeCloseTo(SAME_DC + READ_TIME, 9);
    for (const region of ["us", "eu"]) {
      const mine = ofSession(ops, region);
      expect(mine.every((o) => o.ok)).toBe(true);
      const writeMs = SAME_DC + WRITE_TIME + (region === "eu" ? RTT["us-eu"] : 0);
      for (const w of mine.filter((o) => o.kind === "write"))
        expect(w.completeMs - w.invokeMs).toBeCloseTo(writeMs, 9);
    }
    const failed = ops.filter((o) => !o.ok).length;
    expect(failed).toBeGreaterThan(0);
    expect(run.report.network?.events[0]?.failedByKind).toEqual({ network_timeout: failed });
  });

  it("stops the log to the cut-off replica for the partition's length", () => {
    const lag = (name: string) =>
      cut(300).report.replication?.replicas.find((r) => r.name === name)?.replayLagMs.max ?? 0;
    // A record committed just as the cut starts arrives when it heals: at least FOR late.
    expect(lag("r-ap")).toBeGreaterThanOrEqual(FOR);
    expect(lag("r-eu")).toBeLessThan(RTT["us-eu"]);
  });
});

describe("a partition naming regions: bad input", () => {
  function issues(sides: unknown): ScenarioIssue[] {
    const r = parseScenario(plan([{ at: 1, kind: "partition", for: 5, sides } as never]));
    if (r.ok) throw new Error("expected the scenario to be refused");
    return [...r.issues];
  }

  it("refuses an unknown region, listing the regions", () => {
    const found = issues([["mars"], ["us"]]);
    expect(found.map((i) => i.path)).toEqual(["timeline.0.sides.0.0"]);
    expect(found[0]?.message).toContain("or a region: us, eu, ap");
    expect(found[0]?.message).toContain('got "mars"');
  });

  it("refuses a region on both sides, directly or through what it holds", () => {
    expect(issues([["eu"], ["eu"]]).map((i) => i.path)).toEqual(["timeline.0.sides.1.0"]);
    const node = issues([["eu"], ["r-eu"]]);
    expect(node.map((i) => i.path)).toEqual(["timeline.0.sides.1.0"]);
    expect(node[0]?.message).toContain("both hold r-eu");
    // "app" is the application of every region, eu's included.
    expect(issues([["app"], ["eu"]])[0]?.message).toContain("both hold app@eu");
  });

  it("refuses two partitions that cut one link at once through a region", () => {
    const r = parseScenario(
      plan([
        { at: 1, kind: "partition", for: 5, sides: [["ap"], ["us", "eu"]] },
        { at: 3, kind: "partition", for: 5, sides: [["r-ap"], ["primary"]] },
      ]),
    );
    expect(r.ok).toBe(false);
    const found = r.ok ? [] : r.issues;
    expect(found.map((i) => i.path)).toEqual(["timeline.1.sides"]);
    expect(found[0]?.message).toContain("both cut r-ap–primary between 3 and 6 ms");
  });

  it("refuses a region named like a node in a side", () => {
    const named = plan([{ at: 1, kind: "partition", for: 5, sides: [["primary"], ["us"]] }]);
    const regions = named.regions as NonNullable<ScenarioInput["regions"]>;
    const r = parseScenario({
      ...named,
      regions: {
        ...regions,
        list: [{ name: "primary" }, { name: "us" }, { name: "ap" }],
        primary: "us",
        rtt: {},
      },
      replication: { ...named.replication, replicas: [{ name: "r-ap", region: "ap" }] },
    } as ScenarioInput);
    expect(r.ok).toBe(false);
    const found = r.ok ? [] : r.issues;
    expect(found.map((i) => i.path)).toEqual(["timeline.0.sides.0.0"]);
    expect(found[0]?.message).toContain("a node or a region, not both");
  });
});
