import { describe, expect, it } from "vitest";
import { type DiagramEdge, type TopologyGraph, topologyColumns } from "../../src/index.js";

const graph = (ids: string[], edges: DiagramEdge[]): TopologyGraph => ({
  nodes: ids.map((id) => ({ id, label: id, shape: "component" as const })),
  edges,
});

describe("topologyColumns: the longest chain of request arrows leading to each box", () => {
  it("puts a box after the longest solid chain to it, and a replica under its primary", () => {
    const g = graph(
      ["workload", "app", "pool", "primary", "replica"],
      [
        { from: "workload", to: "app" },
        { from: "app", to: "pool" },
        { from: "pool", to: "primary" },
        // A shortcut does not pull the primary forward: the longest chain counts.
        { from: "app", to: "primary" },
        { from: "primary", to: "replica", style: "dotted" },
      ],
    );
    expect(Object.fromEntries(topologyColumns(g))).toEqual({
      workload: 0,
      app: 1,
      pool: 2,
      primary: 3,
      replica: 3,
    });
  });

  it("keeps a box that also takes requests in its own column, and stops on a cycle", () => {
    const g = graph(
      ["a", "b", "c"],
      [
        { from: "a", to: "b" },
        { from: "b", to: "c" },
        { from: "c", to: "b" },
        { from: "a", to: "c", style: "dotted" },
      ],
    );
    const column = topologyColumns(g);
    // Every column stays below the node count, however the cycle relaxes.
    for (const value of column.values()) expect(value).toBeLessThan(3);
    expect(column.get("a")).toBe(0);
    // c is fed by a solid arrow, so the dotted one does not move it to a's column.
    expect(column.get("c")).toBeGreaterThan(0);
  });
});
