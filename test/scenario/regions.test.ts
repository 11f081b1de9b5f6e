// Bad `regions` input: each mistake gets an issue at its path that names the
// value and what was expected; and the section's figures and table.
import { test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { formatTable } from "../../src/cli/format.js";
import { topologySvg } from "../../src/experiment/html/topology-svg.js";
import {
  diagram,
  parseScenario,
  runScenario,
  type ScenarioInput,
  topologyOf,
} from "../../src/index.js";
import { arbScenario } from "../../src/testing/index.js";
import { issueAt } from "./issues.js";

const base: ScenarioInput = {
  workload: { rate: 50, sessions: 30 },
  replication: {
    replicas: [
      { name: "us-r", region: "us" },
      { name: "eu-r", region: "eu" },
    ],
  },
  routing: { via: "app" },
  regions: { list: [{ name: "us" }, { name: "eu" }, { name: "ap" }], primary: "us" },
};

function withRegions(patch: Record<string, unknown>): Record<string, unknown> {
  return { ...base, regions: { ...base.regions, ...patch } };
}

describe("regions: bad input", () => {
  it("names a primary region that is not listed", () => {
    const issue = issueAt(withRegions({ primary: "mars" }), "regions.primary");
    expect(issue.message).toContain("us, eu, ap");
    expect(issue.message).toContain('"mars"');
  });

  it("names a replica's region that is not listed", () => {
    const input = {
      ...base,
      replication: { replicas: [{ name: "x", region: "moon" }] },
    };
    expect(issueAt(input, "replication.replicas.0.region").message).toContain('"moon"');
  });

  it("names a replica's region when there is no regions section", () => {
    const { regions: _, ...rest } = base;
    const issue = issueAt(rest, "replication.replicas.0.region");
    expect(issue.message).toContain("regions section");
  });

  it("names an rtt pair that is not two regions", () => {
    const issue = issueAt(withRegions({ rtt: { "us-mars": 50 } }), "regions.rtt.us-mars");
    expect(issue.message).toContain('"a-b"');
  });

  it("names a pair missing when there is no default", () => {
    const issue = issueAt(
      withRegions({ rtt: { "us-eu": 80, "us-ap": 150 }, rttDefault: "none" }),
      "regions.rtt",
    );
    expect(issue.message).toContain("between eu and ap");
  });

  it("names a pair given twice", () => {
    const issue = issueAt(withRegions({ rtt: { "us-eu": 80, "eu-us": 70 } }), "regions.rtt.us-eu");
    expect(issue.message).toContain("eu-us");
  });

  it("names shares that do not sum to 1", () => {
    const list = [
      { name: "us", clients: 0.5 },
      { name: "eu", clients: 0.3 },
      { name: "ap", clients: 0.1 },
    ];
    expect(issueAt(withRegions({ list }), "regions.list").message).toContain("sum to 1, got 0.9");
  });

  it("names a share missing on one region of several", () => {
    const list = [{ name: "us", clients: 0.5 }, { name: "eu", clients: 0.5 }, { name: "ap" }];
    expect(issueAt(withRegions({ list }), "regions.list.2.clients").message).toContain(
      "every region",
    );
  });

  it("names a region listed twice", () => {
    const list = [{ name: "us" }, { name: "us" }];
    expect(issueAt(withRegions({ list }), "regions.list.1.name").message).toContain(
      "no other region",
    );
  });

  it("names a quorum commit without enough regions holding a replica", () => {
    const input = {
      ...withRegions({ commit: "quorum" }),
      replication: { replicas: [{ name: "us-r", region: "us" }] },
    };
    expect(issueAt(input, "regions.commit").message).toContain("at least 1 regions");
  });

  it("names a replication mode set beside a quorum commit", () => {
    const input = {
      ...withRegions({ commit: "quorum" }),
      replication: { ...base.replication, mode: "semi-sync" },
    };
    expect(issueAt(input, "replication.mode").message).toContain('"semi-sync"');
  });

  it("names a routing consistency policy beside regions", () => {
    const input = {
      ...base,
      routing: { via: "app", consistency: { policy: "read-your-writes", by: "window" } },
    };
    expect(issueAt(input, "routing.consistency").message).toContain('policy "none"');
  });

  it("names a routing hop that local reads would skip", () => {
    const input = { ...base, routing: { via: "proxy-hop" } };
    expect(issueAt(input, "routing.via").message).toContain('"proxy-hop"');
  });

  it("names ProxySQL in front of a replica in another region", () => {
    const { routing: _, ...rest } = base;
    const input = { ...rest, proxy: {} };
    expect(issueAt(input, "proxy").message).toContain("replication.replicas.1 is in eu");
  });

  it("accepts region names with dashes in pair keys", () => {
    const input = {
      ...base,
      replication: { replicas: [{ name: "r", region: "eu-west" }] },
      regions: {
        list: [{ name: "us-east" }, { name: "eu-west" }],
        primary: "us-east",
        rtt: { "us-east-eu-west": 80 },
      },
    };
    expect(parseScenario(input).ok).toBe(true);
  });
});

describe("regions: report and diagram", () => {
  const scenario = { ...base, duration: 3_000, warmup: 500 } as ScenarioInput;

  it("reports every region, its sessions and its replicas", () => {
    const report = runScenario(scenario);
    const regions = report.regions?.regions ?? [];
    expect(regions.map((r) => r.name)).toEqual(["us", "eu", "ap"]);
    expect(regions.map((r) => r.sessions)).toEqual([10, 10, 10]);
    expect(regions.map((r) => r.replicas)).toEqual([["us-r"], ["eu-r"], []]);
    // ap holds no node: its reads are all remote.
    const ap = regions[2];
    expect(ap?.remoteReads).toBe(ap?.reads);
    expect(formatTable(report)).toContain("Regions");
  });

  it("draws each region as a subgraph holding its nodes", () => {
    const text = diagram(scenario);
    expect(text).toContain("sessions in us, eu, ap");
    const us = text.indexOf('subgraph group_0["us"]');
    const eu = text.indexOf('subgraph group_1["eu"]');
    expect(us).toBeGreaterThan(0);
    expect(eu).toBeGreaterThan(us);
    // The primary and us-r are in us; eu-r in eu; ap holds none.
    expect(text.slice(us, eu)).toContain("primary[(");
    expect(text.slice(us, eu)).toContain("node_us_r");
    expect(text.slice(eu)).toContain("node_eu_r");
    expect(text).not.toContain('["ap"]');
  });

  it("counts a region's reads through ProxySQL in another region as remote", () => {
    const { routing: _, ...rest } = base;
    const report = runScenario({
      ...rest,
      duration: 2_000,
      warmup: 200,
      proxy: {},
      replication: { replicas: [{ name: "us-r", region: "us" }] },
    } as ScenarioInput);
    const [us, eu] = report.regions?.regions ?? [];
    expect(us?.remoteReads).toBe(0);
    expect(eu?.reads).toBeGreaterThan(0);
    expect(eu?.remoteReads).toBe(eu?.reads);
  });

  it("puts a pooler and its node in the node's region", () => {
    const text = diagram({ ...scenario, pool: { poolMode: "transaction" } });
    const us = text.indexOf('subgraph group_0["us"]');
    const eu = text.indexOf('subgraph group_1["eu"]');
    expect(text.slice(us, eu)).toContain("primary[(");
    expect(text.slice(us, eu).match(/PgBouncer/g)).toHaveLength(2);
    expect(text.slice(eu).match(/PgBouncer/g)).toHaveLength(1);
  });

  it("frames each region in the HTML report's topology", () => {
    const svg = topologySvg(topologyOf(scenario));
    expect(svg).toContain('class="group"');
    expect(svg).toContain(">eu</text>");
  });
});

describe("any plan with regions (arbScenario)", () => {
  // Every node lives in the primary's region (the arbitrary leaves replicas' regions
  // at their default), so the routing rule — a node in the session's region, else the
  // nearest region holding one — makes the primary's region's reads all local and
  // every other region's reads all remote.
  test.prop([arbScenario({ regions: "always", routing: "never" })], { numRuns: 8 })(
    "reads are remote exactly in the regions that hold no node",
    (scenario) => {
      const section = runScenario(scenario).regions;
      expect(section).toBeDefined();
      for (const r of section?.regions ?? []) {
        expect(r.remoteReads).toBe(r.name === section?.primary ? 0 : r.reads);
      }
    },
  );
});
