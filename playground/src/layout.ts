// Where each box of the topology graph goes, left to right: a box's column is
// the longest chain of request arrows (solid) leading to it, so the workload
// stands first and the databases last; a replica fed only by a dotted
// replication arrow sits under its primary. Boxes are sized from their text,
// so no layout library or font metrics are needed. Pure: no DOM.
import { type DiagramNode, type TopologyGraph, topologyColumns } from "dbsim";

const CHAR_PX = 6.6;
const LINE_PX = 15;
export const PAD = 8;
const COLUMN_GAP = 70;
const ROW_GAP = 18;

/** A placed box. */
export interface Box {
  readonly node: DiagramNode;
  readonly lines: readonly string[];
  readonly width: number;
  readonly height: number;
  readonly x: number;
  readonly y: number;
}

/** The placed graph and the size it needs. */
export interface Layout {
  readonly boxes: ReadonlyMap<string, Box>;
  readonly width: number;
  readonly height: number;
}

/** Places every box of `graph`; the same graph always gives the same layout. */
export function layoutGraph(graph: TopologyGraph): Layout {
  const column = topologyColumns(graph);
  const byColumn: DiagramNode[][] = [];
  for (const node of graph.nodes) {
    const c = column.get(node.id) ?? 0;
    const list = byColumn[c] ?? [];
    list.push(node);
    byColumn[c] = list;
  }
  const boxes = new Map<string, Box>();
  let x = PAD;
  let height = 0;
  for (const list of byColumn) {
    if (list === undefined) continue;
    const sized = list.map((node) => {
      const lines = node.label.split(/<br\s*\/?>/i);
      const width = Math.max(...lines.map((l) => l.length)) * CHAR_PX + 2 * PAD;
      return { node, lines, width, height: lines.length * LINE_PX + 2 * PAD };
    });
    const columnWidth = Math.max(...sized.map((b) => b.width));
    let y = PAD;
    for (const b of sized) {
      boxes.set(b.node.id, { ...b, x: x + (columnWidth - b.width) / 2, y });
      y += b.height + ROW_GAP;
    }
    height = Math.max(height, y - ROW_GAP + PAD);
    x += columnWidth + COLUMN_GAP;
  }
  return { boxes, width: x - COLUMN_GAP + PAD, height };
}

/** The text baseline of a box's line `i`, relative to the box. */
export function lineY(i: number): number {
  return PAD + LINE_PX * (i + 0.75);
}
