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
