// The topology as a Mermaid flowchart, drawn from the graph that buildTopology
// returns with the running components, so the picture cannot drift from the run.
import { Simulation } from "../kernel/index.js";
import { buildTopology, type TopologyGraph } from "./build.js";
import { resolveScenario } from "./parse.js";
import type { Scenario, ScenarioInput } from "./schema.js";

const SHAPES = {
  actor: (label: string) => `(["${label}"])`,
  component: (label: string) => `["${label}"]`,
  database: (label: string) => `[("${label}")]`,
} as const;

function escapeLabel(label: string): string {
  return label.replace(/"/g, "#quot;");
}

/**
 * Renders a topology graph as a Mermaid flowchart (left to right).
 *
 * @remarks Since 0.1.0
 */
export function renderMermaid(graph: TopologyGraph): string {
  const lines = ["flowchart LR"];
  const box = (node: TopologyGraph["nodes"][number]) =>
    `${node.id}${SHAPES[node.shape](escapeLabel(node.label))}`;
  const groups: string[] = [];
  for (const node of graph.nodes) {
    if (node.group === undefined) lines.push(`  ${box(node)}`);
    else if (!groups.includes(node.group)) groups.push(node.group);
  }
  // A group (a region) is a subgraph holding its boxes, in the order drawn.
  for (const [i, group] of groups.entries()) {
    lines.push(`  subgraph group_${i}["${escapeLabel(group)}"]`);
    for (const node of graph.nodes) if (node.group === group) lines.push(`    ${box(node)}`);
    lines.push("  end");
  }
  for (const edge of graph.edges) {
    const arrow = edge.style === "dotted" ? "-.->" : "-->";
    const label = edge.label === undefined ? "" : `|"${escapeLabel(edge.label)}"|`;
    lines.push(`  ${edge.from} ${arrow}${label} ${edge.to}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The topology graph of a scenario: the same composition `runScenario` runs,
 * built but not run.
 *
 * @remarks Since 0.1.0
 */
export function topologyOf(input: ScenarioInput | Scenario): TopologyGraph {
  const scenario = resolveScenario(input);
  const sim = new Simulation({ seed: scenario.seed });
  return buildTopology(sim, scenario).graph;
}

/**
 * The Mermaid flowchart of a scenario's topology.
 *
 * @remarks Since 0.1.0
 */
export function diagram(input: ScenarioInput | Scenario): string {
  return renderMermaid(topologyOf(input));
}
