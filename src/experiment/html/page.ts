// The HTML page around the plots: one file with its style inline, no script
// and nothing fetched (the favicon is a data: URL, so a browser asks for none),
// so it opens from disk, offline, and prints the same bytes for the same input.
import { escapeXml } from "./svg.js";

const STYLE = `
body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#222;padding:0 16px}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
h3{font-size:1em}
table{border-collapse:collapse;font-size:.9em;margin:.5em 0}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}
figure{margin:1em 0}figcaption{font-weight:bold;margin-bottom:4px}
.legend{font-size:.85em}.key{margin-right:14px;white-space:nowrap}
.swatch{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}
.topology-box{overflow-x:auto}.note{color:#555;font-size:.9em}
`;

/**
 * One section of a report page: a heading and its HTML body.
 *
 * @remarks Since 0.2.0
 */
export interface PageSection {
  readonly heading: string;
  readonly html: string;
}

/** @internal A table from a header row and body rows (cells are text, escaped here). */
export function htmlTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = `<tr>${header.map((h) => `<th>${escapeXml(h)}</th>`).join("")}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeXml(c)}</td>`).join("")}</tr>`);
  return `<table>${head}${body.join("")}</table>`;
}

/**
 * A whole HTML document: title, a line under it, and the sections in order.
 *
 * @remarks Since 0.2.0
 */
export function htmlPage(
  title: string,
  subtitle: string,
  sections: readonly PageSection[],
): string {
  const body = sections
    .map((s) => `<section><h2>${escapeXml(s.heading)}</h2>\n${s.html}\n</section>`)
    .join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeXml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeXml(title)}</h1>
<p class="note">${escapeXml(subtitle)}</p>
${body}
</body>
</html>
`;
}
