// The topology as a graph: boxes and arrows that the components draw while they
// are built, so the diagram is the composition that runs.

/**
 * A box in the topology diagram.
 *
 * @remarks Since 0.1.0
 */
export interface DiagramNode {
  /** A stable id (letters, digits, underscores). */
  readonly id: string;
  /** The text shown. */
  readonly label: string;
  /** How it is drawn: an actor, a component, or a database. */
  readonly shape: "actor" | "component" | "database";
  /**
   * The group it is drawn in (a region's name), or none: boxes of one group
   * are framed together.
   *
   * @remarks Since 0.2.0
   */
  readonly group?: string;
}

/**
 * An arrow in the topology diagram.
 *
 * @remarks Since 0.1.0
 */
export interface DiagramEdge {
  /** Source node id. */
  readonly from: string;
  /** Target node id. */
  readonly to: string;
  /** Text on the arrow. */
  readonly label?: string;
  /** Dotted for background flows such as replication. */
  readonly style?: "solid" | "dotted";
}

/**
 * The topology as a graph, drawn from the composition that runs.
 *
 * @remarks Since 0.1.0
 */
export interface TopologyGraph {
  /** The boxes, front to back. */
  readonly nodes: readonly DiagramNode[];
  /** The arrows. */
  readonly edges: readonly DiagramEdge[];
}

/**
 * The graph under construction. Components are built back to front, so a box
 * goes in front of what is already drawn, beside a box it names, or at the back.
 *
 * @internal
 */
export class GraphBuilder implements TopologyGraph {
  readonly nodes: DiagramNode[] = [];
  readonly edges: DiagramEdge[] = [];

  /** Puts `node` in front of every box drawn so far. */
  front(node: DiagramNode): void {
    this.nodes.unshift(node);
  }

  /** Puts `node` behind every box drawn so far. */
  back(node: DiagramNode): void {
    this.nodes.push(node);
  }

  /** Puts `node` just before the box `id` (at the front when there is none). */
  before(id: string, node: DiagramNode): void {
    this.nodes.splice(Math.max(0, this.indexOf(id)), 0, node);
  }

  /** Puts `node` just after the box `id` (at the back when there is none). */
  after(id: string, node: DiagramNode): void {
    const at = this.indexOf(id);
    this.nodes.splice(at < 0 ? this.nodes.length : at + 1, 0, node);
  }

  /** Puts the box `id` in `group` (a region), keeping its place. */
  group(id: string, group: string): void {
    const at = this.indexOf(id);
    const node = this.nodes[at];
    if (node !== undefined) this.nodes[at] = { ...node, group };
  }

  /** Draws an arrow after those drawn so far. */
  arrow(edge: DiagramEdge): void {
    this.edges.push(edge);
  }

  /** Draws an arrow before every other (the workload's, which starts the picture). */
  firstArrow(edge: DiagramEdge): void {
    this.edges.unshift(edge);
  }

  private indexOf(id: string): number {
    return this.nodes.findIndex((n) => n.id === id);
  }
}

/** @internal The diagram id of a database node named `name`. */
export function diagramId(name: string): string {
  return `node_${name.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

/**
 * Each node's column when the graph is drawn left to right: the longest chain of
 * request arrows (solid) leading to it, so the workload stands first and the
 * databases last; a node fed only by dotted (replication) arrows shares its
 * source's column, so a replica sits under its primary. The HTML report's SVG and
 * the playground both lay boxes out by it.
 *
 * @remarks Since 0.2.0
 */
export function topologyColumns(graph: TopologyGraph): Map<string, number> {
  const column = new Map(graph.nodes.map((n) => [n.id, 0]));
  // Longest path by relaxation, bounded by the node count (a cycle cannot run on).
  for (let round = 0; round < graph.nodes.length; round++) {
    let changed = false;
    for (const e of graph.edges) {
      if (e.style === "dotted") continue;
      const next = (column.get(e.from) ?? 0) + 1;
      if (next > (column.get(e.to) ?? 0) && next < graph.nodes.length) {
        column.set(e.to, next);
        changed = true;
      }
    }
    if (!changed) break;
  }
  for (const e of graph.edges) {
    if (e.style !== "dotted") continue;
    const fedBySolid = graph.edges.some((s) => s.style !== "dotted" && s.to === e.to);
    if (!fedBySolid) column.set(e.to, column.get(e.from) ?? 0);
  }
  return column;
}
