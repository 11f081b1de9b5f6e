// `regions.writes: "multi-primary"`: what it refuses (each at its path, naming
// the value and what was expected), and what it reports and draws.
import { describe, expect, it } from "vitest";
import { formatTable } from "../../src/cli/format.js";
import {
  checkReadYourWrites,
  diagram,
  measureStaleness,
  parseScenario,
  runScenarioDetailed,
  type ScenarioInput,
} from "../../src/index.js";
import { issueAt } from "./issues.js";

const base: ScenarioInput = {
  workload: {
    rate: 400,
    readRatio: 0.5,
    sessions: 30,
    keys: { count: 20, popularity: { kind: "uniform" } },
  },
  replication: {
    replicas: [
      { name: "eu-p", region: "eu" },
      { name: "ap-p", region: "ap" },
    ],
  },
  routing: { via: "app" },
  regions: {
    list: [{ name: "us" }, { name: "eu" }, { name: "ap" }],
    primary: "us",
    writes: "multi-primary",
  },
};

function with_(patch: Record<string, unknown>): Record<string, unknown> {
  return { ...base, ...patch };
}

describe("multi-primary: bad input", () => {
  it("accepts a replica in every other region", () => {
    expect(parseScenario(base).ok).toBe(true);
  });

  it("names a region without a node", () => {
    const input = with_({ replication: { replicas: [{ name: "eu-p", region: "eu" }] } });
    expect(issueAt(input, "replication.replicas").message).toContain("expected a replica in ap");
  });

  it("names a second node in a region", () => {
    const replicas = [
      { name: "eu-p", region: "eu" },
      { name: "ap-p", region: "ap" },
      { name: "us-r", region: "us" },
    ];
    const issue = issueAt(with_({ replication: { replicas } }), "replication.replicas.2.region");
    expect(issue.message).toContain("us already has the primary");
  });

  it("names a quorum commit", () => {
    const regions = { ...base.regions, commit: "quorum" };
    expect(issueAt(with_({ regions }), "regions.commit").message).toContain('expected "local"');
  });

  it("names failover on the timeline", () => {
    const input = with_({ timeline: [{ at: 1000, kind: "primary-crash" }] });
    expect(issueAt(input, "timeline.0").message).toContain("failover");
  });

  it("names CQRS", () => {
    const input = with_({ cqrs: { projections: [{ name: "p", throughput: 1000, serves: 0.1 }] } });
    expect(issueAt(input, "cqrs").message).toContain("expected no cqrs section");
  });
});

describe("multi-primary: report and diagram", () => {
  const scenario = { ...base, duration: 1_500, warmup: 0 } as ScenarioInput;
  // One run serves the report's tests and the history's.
  let detailed: ReturnType<typeof runScenarioDetailed> | null = null;
  const run = () => {
    detailed ??= runScenarioDetailed(scenario, { history: true });
    return detailed;
  };

  it("reports conflicts, lost updates and the lag between primaries, and a table line", () => {
    const report = run().report;
    const m = report.regions?.multiPrimary;
    // 200 writes/s over 20 keys from three regions tens of ms apart: keys cross on the wire.
    expect(m?.conflicts).toBeGreaterThan(0);
    expect(m?.lostUpdates).toBeGreaterThan(0);
    expect(m?.lostUpdates).toBeLessThanOrEqual(2 * (m?.conflicts ?? 0));
    expect(m?.regions.map((r) => r.name)).toEqual(["us", "eu", "ap"]);
    // Each region's node is its primary: the rows list no replica to lag.
    expect(report.regions?.regions.map((r) => r.replicas)).toEqual([[], [], []]);
    // Reads elsewhere see a key only once its change has arrived: the monitor counts them stale.
    expect(report.consistency?.staleReads).toBeGreaterThan(0);
    // A session reads its own region's primary, which has its write at once.
    expect(report.consistency?.violations.readYourWrites).toBe(0);
    expect(formatTable(report)).toContain("Multi-primary:");
  });

  it("records a history the offline checkers judge by region, as the monitor does", () => {
    const { history, report } = run();
    if (history === null) throw new Error("no history recorded");
    // Reads in a region behind another region's acknowledged write are stale offline too…
    const stale = measureStaleness(history);
    expect(stale.staleReads).toBeGreaterThan(0);
    // …while a session in its own region reads its own writes.
    expect(checkReadYourWrites(history).count).toBe(0);
    expect(report.consistency?.violations.readYourWrites).toBe(0);
  });

  it("draws a link each way between every two primaries, and no log from the primary", () => {
    const text = diagram(scenario);
    expect(text).toContain("primary of eu");
    expect(text).not.toContain("WAL async");
    const links = text.split("\n").filter((l) => l.includes("last writer wins"));
    expect(links.length).toBe(6);
  });
});
