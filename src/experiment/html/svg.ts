// Line charts as plain SVG text: axes with round ticks, one path per series,
// an optional confidence band under it, a legend. No script, no font or style
// from outside, and coordinates printed with one decimal, so the same data
// gives the same bytes in Node and in a browser.

/**
 * A point of a series: [x, y].
 *
 * @remarks Since 0.2.0
 */
export type XY = readonly [number, number];

/**
 * One line of a chart, with an optional band ([x, low, high] per point).
 *
 * @remarks Since 0.2.0
 */
export interface ChartSeries {
  readonly name: string;
  readonly points: readonly XY[];
  readonly band?: readonly (readonly [number, number, number])[];
}

/**
 * A line chart: its title, axis labels, x scale and series.
 *
 * @remarks Since 0.2.0
 */
export interface ChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** "log" for latencies that span decades; the default is linear. */
  readonly xScale?: "linear" | "log";
  /** Pins the y axis (a CDF runs from 0 to 1). */
  readonly yRange?: readonly [number, number];
  readonly series: readonly ChartSeries[];
}

const WIDTH = 640;
const HEIGHT = 320;
const MARGIN = { left: 64, right: 16, top: 12, bottom: 44 } as const;
const PALETTE = [
  "#1f77b4",
  "#d62728",
  "#2ca02c",
  "#ff7f0e",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#17becf",
] as const;

/** @internal The colour of the i-th series. */
export function seriesColor(i: number): string {
  return PALETTE[i % PALETTE.length] as string;
}

/** @internal Text safe inside XML and HTML, in text and in attributes. */
export function escapeXml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** @internal A number for people: four significant digits, no locale. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-3)) {
    return v.toExponential(2).replace(/\.?0+e/, "e");
  }
  return String(Number(v.toPrecision(4)));
}

function coord(v: number): string {
  return (Math.round(v * 10) / 10).toFixed(1);
}

/** @internal Round ticks covering [low, high] (Heckbert's 1-2-5 steps, about five of them). */
export function niceTicks(low: number, high: number): number[] {
  if (!(high > low)) return [low];
  const raw = (high - low) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let t = Math.ceil(low / step) * step; t <= high + step * 1e-9; t += step) {
    ticks.push(Number(t.toPrecision(12)));
  }
  return ticks;
}

function logTicks(low: number, high: number): number[] {
  const ticks: number[] = [];
  const decades = Math.log10(high / low);
  const steps = decades < 2 ? [1, 2, 5] : [1];
  for (let e = Math.floor(Math.log10(low)); e <= Math.ceil(Math.log10(high)); e++) {
    for (const m of steps) {
      const t = Number((m * 10 ** e).toPrecision(12));
      if (t >= low && t <= high) ticks.push(t);
    }
  }
  return ticks;
}

interface Axis {
  readonly map: (v: number) => number;
  readonly ticks: readonly number[];
}

function extent(values: readonly number[], pinned?: readonly [number, number]): [number, number] {
  if (pinned !== undefined) return [pinned[0], pinned[1]];
  let low = Math.min(...values);
  let high = Math.max(...values);
  if (!Number.isFinite(low)) return [0, 1];
  if (low === high) {
    const pad = low === 0 ? 1 : Math.abs(low) * 0.1;
    low -= pad;
    high += pad;
  }
  return [low, high];
}

function axis(values: readonly number[], scale: "linear" | "log", from: number, to: number): Axis {
  if (scale === "log") {
    const positive = values.filter((v) => v > 0);
    const [low, high] = extent(positive.length > 0 ? positive : [1]);
    const lo = Math.max(low, Number.MIN_VALUE);
    const span = Math.log10(high / lo) || 1;
    const map = (v: number): number =>
      from + ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / span) * (to - from);
    return { map, ticks: logTicks(lo, high) };
  }
  const [low, high] = extent(values);
  const ticks = niceTicks(low, high);
  const lo = Math.min(low, ticks[0] ?? low);
  const hi = Math.max(high, ticks[ticks.length - 1] ?? high);
  const map = (v: number): number => from + ((v - lo) / (hi - lo)) * (to - from);
  return { map, ticks };
}

function pathOf(points: readonly XY[], x: Axis, y: Axis): string {
  return points
    .map(([a, b], i) => `${i === 0 ? "M" : "L"}${coord(x.map(a))},${coord(y.map(b))}`)
    .join("");
}

function bandOf(band: readonly (readonly [number, number, number])[], x: Axis, y: Axis): string {
  const upper = band.map(([a, , hi]) => [a, hi] as const);
  const lower = band.map(([a, lo]) => [a, lo] as const).reverse();
  return `${pathOf([...upper, ...lower], x, y)}Z`;
}

function axesSvg(spec: ChartSpec, x: Axis, y: Axis): string[] {
  const bottom = HEIGHT - MARGIN.bottom;
  const out = [
    `<line class="axis" x1="${MARGIN.left}" y1="${bottom}" x2="${WIDTH - MARGIN.right}" y2="${bottom}" stroke="#444"/>`,
    `<line class="axis" x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${bottom}" stroke="#444"/>`,
  ];
  for (const t of x.ticks) {
    const px = coord(x.map(t));
    out.push(
      `<line x1="${px}" y1="${MARGIN.top}" x2="${px}" y2="${bottom}" stroke="#ddd"/>`,
      `<text x="${px}" y="${bottom + 16}" text-anchor="middle">${formatNumber(t)}</text>`,
    );
  }
  for (const t of y.ticks) {
    const py = coord(y.map(t));
    out.push(
      `<line x1="${MARGIN.left}" y1="${py}" x2="${WIDTH - MARGIN.right}" y2="${py}" stroke="#ddd"/>`,
      `<text x="${MARGIN.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${formatNumber(t)}</text>`,
    );
  }
  out.push(
    `<text x="${(MARGIN.left + WIDTH - MARGIN.right) / 2}" y="${HEIGHT - 6}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`,
    `<text transform="translate(14,${(MARGIN.top + bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`,
  );
  return out;
}

function legendHtml(series: readonly ChartSeries[]): string {
  if (series.length < 2) return "";
  const items = series.map(
    (s, i) =>
      `<span class="key"><span class="swatch" style="background:${seriesColor(i)}"></span>${escapeXml(s.name)}</span>`,
  );
  return `<div class="legend">${items.join("")}</div>`;
}

/**
 * A line chart as a `<figure>` holding an inline SVG: a path per series, a
 * translucent band where the series has one, dots when a series has few
 * points. A chart without data says so in words.
 *
 * @remarks Since 0.2.0
 */
export function lineChart(spec: ChartSpec): string {
  const series = spec.series.filter((s) => s.points.length > 0);
  const caption = `<figcaption>${escapeXml(spec.title)}</figcaption>`;
  if (series.length === 0) {
    return `<figure class="plot empty">${caption}<p>No data.</p></figure>`;
  }
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => [
    ...s.points.map((p) => p[1]),
    ...(s.band ?? []).flatMap((b) => [b[1], b[2]]),
  ]);
  const x = axis(xs, spec.xScale ?? "linear", MARGIN.left, WIDTH - MARGIN.right);
  const y = spec.yRange
    ? axis([...spec.yRange], "linear", HEIGHT - MARGIN.bottom, MARGIN.top)
    : axis(ys, "linear", HEIGHT - MARGIN.bottom, MARGIN.top);
  const parts = axesSvg(spec, x, y);
  series.forEach((s, i) => {
    const color = seriesColor(i);
    if (s.band !== undefined && s.band.length > 0) {
      parts.push(
        `<path class="band" d="${bandOf(s.band, x, y)}" fill="${color}" fill-opacity="0.18" stroke="none"/>`,
      );
    }
    parts.push(
      `<path class="series" d="${pathOf(s.points, x, y)}" fill="none" stroke="${color}" stroke-width="1.8"><title>${escapeXml(s.name)}</title></path>`,
    );
    if (s.points.length <= 40) {
      for (const [a, b] of s.points) {
        parts.push(
          `<circle class="point" cx="${coord(x.map(a))}" cy="${coord(y.map(b))}" r="2.5" fill="${color}"/>`,
        );
      }
    }
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeXml(spec.title)}" font-size="11" font-family="sans-serif">${parts.join("")}</svg>`;
  return `<figure class="plot">${caption}${svg}${legendHtml(series)}</figure>`;
}
