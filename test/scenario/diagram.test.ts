// The topology diagram: a Mermaid flowchart drawn from the same graph that
// runScenario builds, so it cannot drift from what runs. Mermaid syntax: a
// "flowchart LR" header, nodes as id["label"] (stadium (["..."]) for actors,
// cylinder [("...")] for databases), edges as a --> b or a -->|"label"| b, and a
// double quote inside a label written as the entity #quot;.
import { describe, expect, it } from "vitest";
import {
  BUILTIN_SCENARIOS,
  builtinScenarioNames,
  diagram,
  renderMermaid,
  runScenarioDetailed,
  type ScenarioInput,
  type TopologyGraph,
  topologyOf,
} from "../../src/index.js";

const open: ScenarioInput = { workload: { rate: 250, readRatio: 0.75 }, database: { cores: 4 } };

function lines(text: string): string[] {
  return text.split("\n").filter((l) => l.trim() !== "");
}

describe("diagram()", () => {
  it('starts with "flowchart LR" and ends with a newline', () => {
    const text = diagram(open);
    expect(text.startsWith("flowchart LR\n")).toBe(true);
    expect(text.endsWith("\n")).toBe(true);
  });

  it("has one node per component — workload (actor), app, primary (database) — and nothing else", () => {
    const body = lines(diagram(open)).slice(1);
    const nodes = body.filter((l) => !l.includes("-->") && !l.includes("-.->"));
    expect(nodes).toHaveLength(3);
    expect(nodes.filter((l) => /^\s*workload\(\["/.test(l))).toHaveLength(1);
    expect(nodes.filter((l) => /^\s*app\["/.test(l))).toHaveLength(1);
    expect(nodes.filter((l) => /^\s*primary\[\("/.test(l))).toHaveLength(1);
  });

  it("draws the request path: workload → app → primary", () => {
    const edges = lines(diagram(open)).filter((l) => l.includes("-->"));
    expect(edges.map((l) => l.trim())).toEqual([
      "workload --> app",
      'app -->|"reads + writes"| primary',
    ]);
  });

  it("labels say what the scenario says: rate, read share, cores, max_connections, pool", () => {
    const text = diagram({ ...open, client: { poolSize: 7 } });
    expect(text).toContain("250 ops/s");
    expect(text).toContain("75% reads");
    expect(text).toContain("4 cores");
    expect(text).toContain("max_connections 100");
    expect(text).toContain("pool 7");
    expect(text).toContain("PostgreSQL");
    expect(diagram({ ...open, database: { engine: "mysql" } })).toContain("MySQL");
  });

  it("a closed loop, many instances and per-request connections show in the labels", () => {
    const text = diagram({
      workload: { clients: 12 },
      client: { connections: "per-request", instances: 30 },
    });
    expect(text).toContain("12 clients");
    expect(text).toContain("30 app instances");
    expect(text).toContain("connection per request");
  });

  it("is the same text for the same scenario, and accepts JSON text like runScenario", () => {
    expect(diagram(open)).toBe(diagram(open));
    expect(diagram(JSON.stringify(open) as never)).toBe(diagram(open));
  });
});

describe("renderMermaid()", () => {
  const graph: TopologyGraph = {
    nodes: [
      { id: "a", label: 'say "hi"', shape: "actor" },
      { id: "b", label: "plain", shape: "component" },
      { id: "c", label: 'the "db"', shape: "database" },
    ],
    edges: [
      { from: "a", to: "b" },
      { from: "b", to: "c", label: 'the "path"' },
      { from: "c", to: "b", style: "dotted" },
    ],
  };

  it("escapes double quotes in labels as #quot; so a label cannot end its string early", () => {
    const text = renderMermaid(graph);
    expect(text).toContain('a(["say #quot;hi#quot;"])');
    expect(text).toContain('c[("the #quot;db#quot;")]');
    expect(text).toContain('b -->|"the #quot;path#quot;"| c');
    // Every line holds an even number of quotes: each string opened is closed.
    for (const line of lines(text)) expect((line.match(/"/g) ?? []).length % 2).toBe(0);
  });

  it("draws the shape each node asks for, and dotted edges as -.->", () => {
    const text = renderMermaid(graph);
    expect(lines(text)).toEqual([
      "flowchart LR",
      '  a(["say #quot;hi#quot;"])',
      '  b["plain"]',
      '  c[("the #quot;db#quot;")]',
      "  a --> b",
      '  b -->|"the #quot;path#quot;"| c',
      "  c -.-> b",
    ]);
  });

  it("an empty graph is just the header", () => {
    expect(renderMermaid({ nodes: [], edges: [] })).toBe("flowchart LR\n");
  });
});

describe("topologyOf()", () => {
  for (const name of builtinScenarioNames()) {
    it(`${name}: is the graph runScenarioDetailed ran`, () => {
      const builtin = BUILTIN_SCENARIOS[name] as ScenarioInput;
      // A reshard must fall inside the run (add-shard's): moved to 100 ms.
      const timeline = builtin.timeline?.map((e) => (e.kind === "reshard" ? { ...e, at: 100 } : e));
      const scenario = {
        ...builtin,
        duration: 200,
        warmup: 0,
        ...(timeline === undefined ? {} : { timeline }),
      };
      expect(topologyOf(scenario)).toEqual(runScenarioDetailed(scenario).graph);
    });
  }

  it("every edge joins nodes of the graph, and node ids are unique Mermaid identifiers", () => {
    const graph = topologyOf(open);
    const ids = graph.nodes.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
    for (const edge of graph.edges) {
      expect(ids).toContain(edge.from);
      expect(ids).toContain(edge.to);
    }
  });

  it("diagram() renders topologyOf()", () => {
    expect(diagram(open)).toBe(renderMermaid(topologyOf(open)));
  });
});
