// The topology drawn into one SVG element that persists across plans: a box
// keeps its element (keyed by the graph's node id) and glides to its new
// place, so the picture morphs as components are toggled. Every label is set
// as text (createElementNS and textContent): nothing from a plan is parsed as markup.
import type { TopologyGraph } from "dbsim";
import { type Box, layoutGraph, lineY } from "./layout.js";

const SVG = "http://www.w3.org/2000/svg";

function el<K extends keyof SVGElementTagNameMap>(
  name: K,
  attributes: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

function boxElement(box: Box): SVGGElement {
  const g = el("g", { class: `node ${box.node.shape}` });
  g.dataset.id = box.node.id;
  const radius =
    box.node.shape === "actor" ? box.height / 2 : box.node.shape === "database" ? 10 : 3;
  g.append(el("rect", { width: box.width, height: box.height, rx: radius }));
  box.lines.forEach((line, i) => {
    const text = el("text", { x: box.width / 2, y: lineY(i), "text-anchor": "middle" });
    if (i === 0) text.setAttribute("font-weight", "bold");
    text.textContent = line;
    g.append(text);
  });
  return g;
}

function edgeElement(from: Box, to: Box, label: string | undefined, dotted: boolean): SVGGElement {
  const g = el("g", { class: dotted ? "edge dotted" : "edge" });
  const sameColumn = Math.abs(from.x + from.width / 2 - (to.x + to.width / 2)) < 1;
  const [x1, y1] = [from.x + from.width, from.y + from.height / 2];
  const [x2, y2] = sameColumn
    ? [to.x + to.width, to.y + to.height / 2]
    : [to.x, to.y + to.height / 2];
  const bulge = Math.max(x1, x2) + 30;
  const d = sameColumn
    ? `M${x1},${y1}C${bulge},${y1} ${bulge},${y2} ${x2},${y2}`
    : `M${x1},${y1}L${x2},${y2}`;
  g.append(el("path", { d, "marker-end": "url(#pg-arrow)" }));
  if (label !== undefined) {
    const text = el("text", {
      x: sameColumn ? bulge - 6 : (x1 + x2) / 2,
      y: (y1 + y2) / 2 - 4,
      "text-anchor": sameColumn ? "start" : "middle",
      class: "edge-label",
    });
    text.textContent = label;
    g.append(text);
  }
  return g;
}

/** Draws `graph` into `svg`, reusing the boxes already there so they move rather than blink. */
export function drawTopology(svg: SVGSVGElement, graph: TopologyGraph): void {
  const { boxes, width, height } = layoutGraph(graph);
  // Room on the right for arrows that bulge out of the last column, and their labels.
  svg.setAttribute("viewBox", `0 0 ${width + 110} ${height}`);
  let defs = svg.querySelector("defs");
  if (defs === null) {
    defs = el("defs", {});
    const marker = el("marker", {
      id: "pg-arrow",
      viewBox: "0 0 10 10",
      refX: 10,
      refY: 5,
      markerWidth: 7,
      markerHeight: 7,
      orient: "auto-start-reverse",
    });
    marker.append(el("path", { d: "M0,0L10,5L0,10z" }));
    defs.append(marker);
    svg.append(defs);
  }
  for (const old of svg.querySelectorAll("g.edge")) old.remove();
  const kept = new Map<string, SVGGElement>();
  for (const g of svg.querySelectorAll<SVGGElement>("g.node")) {
    const id = g.dataset.id ?? "";
    if (boxes.has(id)) kept.set(id, g);
    else g.remove();
  }
  for (const e of graph.edges) {
    const from = boxes.get(e.from);
    const to = boxes.get(e.to);
    if (from && to) svg.append(edgeElement(from, to, e.label, e.style === "dotted"));
  }
  for (const box of boxes.values()) {
    const old = kept.get(box.node.id);
    const fresh = boxElement(box);
    // A box whose text or size changed is redrawn in place; its position still glides.
    if (old !== undefined) old.replaceChildren(...fresh.childNodes);
    const g = old ?? fresh;
    g.setAttribute("class", fresh.getAttribute("class") ?? "node");
    g.style.transform = `translate(${box.x}px, ${box.y}px)`;
    svg.append(g);
  }
}
