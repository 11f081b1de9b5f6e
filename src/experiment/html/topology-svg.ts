// The topology graph drawn as SVG, left to right: a node's column is the
// longest chain of request arrows (solid) that leads to it, so the workload
// stands first and the databases last; a replica fed only by a dotted
// replication arrow sits under its primary. Labels keep the graph's own line
// breaks (`<br/>`), and the boxes are sized from the text, so no layout library
// or font metrics are needed.
import { type DiagramNode, type TopologyGraph, topologyColumns } from "../../scenario/index.js";
import { escapeXml } from "./svg.js";

const CHAR_PX = 6.6;
const LINE_PX = 15;
const PAD = 8;
const COLUMN_GAP = 90;
const ROW_GAP = 22;
/** How far an arrow within a column bulges out to the right, and the room kept for it and its label. */
const BULGE_PX = 40;
const RIGHT_ROOM_PX = 130;
/** Room between a group's frame and its boxes. */
const GROUP_MARGIN_PX = 6;
/** Room for a group's name above its frame. */
const GROUP_LABEL_PX = 14;

interface Box {
  readonly node: DiagramNode;
  readonly lines: readonly string[];
  readonly width: number;
  readonly height: number;
  x: number;
  y: number;
}

function layout(graph: TopologyGraph): { boxes: Map<string, Box>; width: number; height: number } {
  const column = topologyColumns(graph);
  const byColumn: Box[][] = [];
  const boxes = new Map<string, Box>();
  for (const node of graph.nodes) {
    const lines = node.label.split(/<br\s*\/?>/i);
    const width = Math.max(...lines.map((l) => l.length)) * CHAR_PX + 2 * PAD;
    const box: Box = { node, lines, width, height: lines.length * LINE_PX + 2 * PAD, x: 0, y: 0 };
    boxes.set(node.id, box);
    const c = column.get(node.id) ?? 0;
    const list = byColumn[c] ?? [];
    list.push(box);
    byColumn[c] = list;
  }
  let x = PAD;
  let height = 0;
  for (const list of byColumn) {
    if (list === undefined) continue;
    groupTogether(list);
    const columnWidth = Math.max(...list.map((b) => b.width));
    let y = PAD;
    let group: string | undefined;
    for (const box of list) {
      // Room above each group's frame for its name.
      if (box.node.group !== undefined && box.node.group !== group) y += GROUP_LABEL_PX;
      group = box.node.group;
      box.x = x + (columnWidth - box.width) / 2;
      box.y = y;
      y += box.height + ROW_GAP;
    }
    height = Math.max(height, y - ROW_GAP + PAD);
    x += columnWidth + COLUMN_GAP;
  }
  return { boxes, width: x - COLUMN_GAP + PAD + RIGHT_ROOM_PX, height };
}

/** Within a column, a group's (a region's) boxes one after another, in the order of first appearance. */
function groupTogether(list: Box[]): void {
  const order: (string | undefined)[] = [];
  for (const b of list) if (!order.includes(b.node.group)) order.push(b.node.group);
  if (order.length < 2) return;
  const sorted = [...list].sort(
    (a, b) => order.indexOf(a.node.group) - order.indexOf(b.node.group),
  );
  list.splice(0, list.length, ...sorted);
}

/** A frame around each group's boxes in each column, its name on top. */
function groupFrames(boxes: readonly Box[]): string[] {
  const frames = new Map<
    string,
    { x1: number; y1: number; x2: number; y2: number; name: string }
  >();
  for (const b of boxes) {
    const name = b.node.group;
    if (name === undefined) continue;
    const key = `${name}\u0000${Math.round(b.x + b.width / 2)}`;
    const f = frames.get(key) ?? { x1: b.x, y1: b.y, x2: b.x + b.width, y2: b.y + b.height, name };
    f.x1 = Math.min(f.x1, b.x);
    f.y1 = Math.min(f.y1, b.y);
    f.x2 = Math.max(f.x2, b.x + b.width);
    f.y2 = Math.max(f.y2, b.y + b.height);
    frames.set(key, f);
  }
  const m = GROUP_MARGIN_PX;
  return [...frames.values()].map(
    (f) =>
      `<g class="group"><rect x="${(f.x1 - m).toFixed(1)}" y="${(f.y1 - m).toFixed(1)}" width="${(f.x2 - f.x1 + 2 * m).toFixed(1)}" height="${(f.y2 - f.y1 + 2 * m).toFixed(1)}" rx="6" fill="none" stroke="#999" stroke-dasharray="2 2"/><text x="${(f.x1 - m + 3).toFixed(1)}" y="${(f.y1 - m - 2).toFixed(1)}" font-size="10" fill="#555">${escapeXml(f.name)}</text></g>`,
  );
}

function boxSvg(box: Box): string {
  const { node, x, y, width, height } = box;
  const radius = node.shape === "actor" ? height / 2 : node.shape === "database" ? 10 : 3;
  const fill = node.shape === "database" ? "#eef4fb" : node.shape === "actor" ? "#f4f4f4" : "#fff";
  const text = box.lines
    .map(
      (line, i) =>
        `<text x="${(x + width / 2).toFixed(1)}" y="${(y + PAD + LINE_PX * (i + 0.75)).toFixed(1)}" text-anchor="middle"${i === 0 ? ' font-weight="bold"' : ""}>${escapeXml(line)}</text>`,
    )
    .join("");
  return `<g class="node" data-id="${escapeXml(node.id)}"><rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${width.toFixed(1)}" height="${height.toFixed(1)}" rx="${radius.toFixed(1)}" fill="${fill}" stroke="#333"/>${text}</g>`;
}

function edgeSvg(
  from: Box,
  to: Box,
  label: string | undefined,
  dotted: boolean,
  markerId: string,
): string {
  const sameColumn = Math.abs(from.x + from.width / 2 - (to.x + to.width / 2)) < 1;
  const dash = dotted ? ' stroke-dasharray="4 3"' : "";
  let d: string;
  let labelAt: [number, number];
  if (sameColumn) {
    // Down the column's right side, bulging out, so it passes no box between.
    const [x1, y1] = [from.x + from.width, from.y + from.height / 2];
    const [x2, y2] = [to.x + to.width, to.y + to.height / 2];
    const bulge = Math.max(x1, x2) + BULGE_PX;
    d = `M${x1.toFixed(1)},${y1.toFixed(1)}C${bulge.toFixed(1)},${y1.toFixed(1)} ${bulge.toFixed(1)},${y2.toFixed(1)} ${x2.toFixed(1)},${y2.toFixed(1)}`;
    labelAt = [bulge - BULGE_PX / 4, (y1 + y2) / 2];
  } else {
    const [x1, y1] = [from.x + from.width, from.y + from.height / 2];
    const [x2, y2] = [to.x, to.y + to.height / 2];
    d = `M${x1.toFixed(1)},${y1.toFixed(1)}L${x2.toFixed(1)},${y2.toFixed(1)}`;
    labelAt = [(x1 + x2) / 2, (y1 + y2) / 2 - 4];
  }
  const text =
    label === undefined
      ? ""
      : `<text x="${labelAt[0].toFixed(1)}" y="${labelAt[1].toFixed(1)}" text-anchor="${sameColumn ? "start" : "middle"}" font-size="10" fill="#555">${escapeXml(label)}</text>`;
  return `<g class="edge"><path d="${d}" stroke="#555" fill="none" marker-end="url(#${markerId})"${dash}/>${text}</g>`;
}

/**
 * The topology graph as a self-contained SVG element (boxes, arrows, labels).
 *
 * @remarks Since 0.2.0
 */
export function topologySvg(graph: TopologyGraph, id = "topology"): string {
  const markerId = `${id}-arrow`;
  const { boxes, width, height } = layout(graph);
  const edges = graph.edges.flatMap((e) => {
    const from = boxes.get(e.from);
    const to = boxes.get(e.to);
    return from && to ? [edgeSvg(from, to, e.label, e.style === "dotted", markerId)] : [];
  });
  const nodes = [...groupFrames([...boxes.values()]), ...[...boxes.values()].map(boxSvg)];
  const marker = `<defs><marker id="${markerId}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#555"/></marker></defs>`;
  return `<svg class="topology" id="${escapeXml(id)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width.toFixed(1)} ${height.toFixed(1)}" width="${width.toFixed(1)}" height="${height.toFixed(1)}" font-size="11" font-family="sans-serif" role="img" aria-label="topology">${marker}${edges.join("")}${nodes.join("")}</svg>`;
}
