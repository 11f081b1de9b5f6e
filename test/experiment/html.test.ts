// The HTML report's building blocks: round axis ticks, the CDF a histogram
// draws, and the same bytes for the same input.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { histogramCdf, portableHistogram } from "../../src/experiment/histogram.js";
import { niceTicks } from "../../src/experiment/html/svg.js";
import { lineChart } from "../../src/experiment/index.js";
import { topologyOf, topologySvg } from "../../src/index.js";

describe("niceTicks", () => {
  it("any range: ticks ascend inside it, evenly spaced by 1, 2 or 5 times a power of ten", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        (low, span) => {
          const ticks = niceTicks(low, low + span);
          expect(ticks.length).toBeGreaterThanOrEqual(2);
          expect(ticks.length).toBeLessThanOrEqual(11);
          const step = (ticks[1] as number) - (ticks[0] as number);
          const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
          expect([1, 2, 5, 10].some((m) => Math.abs(mantissa - m) < 1e-6)).toBe(true);
          // Beside the span's own slack, a few units in the last place of the ends'
          // magnitude: low + span is itself rounded (at 1e6 an ulp is about 1e-10).
          const slack =
            span * 1e-9 + 4 * Number.EPSILON * Math.max(Math.abs(low), Math.abs(low + span));
          for (const t of ticks) {
            expect(t).toBeGreaterThanOrEqual(low - slack);
            expect(t).toBeLessThanOrEqual(low + span + slack);
          }
        },
      ),
    );
  });
});

describe("histogramCdf", () => {
  it("any values: non-decreasing in x and share, ending at share 1 at the maximum", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 200 }),
        (xs) => {
          const h = portableHistogram(xs);
          const cdf = histogramCdf(h);
          if (xs.every((x) => x === 0)) {
            expect(cdf).toEqual([]);
            return;
          }
          for (let i = 1; i < cdf.length; i++) {
            expect((cdf[i] as [number, number])[0]).toBeGreaterThanOrEqual(
              (cdf[i - 1] as [number, number])[0],
            );
            expect((cdf[i] as [number, number])[1]).toBeGreaterThan(
              (cdf[i - 1] as [number, number])[1],
            );
          }
          expect(cdf.at(-1)).toEqual([Math.max(...xs), 1]);
        },
      ),
    );
  });
});

describe("SVG output", () => {
  it("the same chart and topology give the same bytes; a chart without data says so", () => {
    const spec = {
      title: "t",
      xLabel: "x",
      yLabel: "y",
      series: [
        {
          name: "a",
          points: [
            [1, 2],
            [3, 4],
          ] as const,
        },
      ],
    };
    expect(lineChart(spec)).toBe(lineChart(spec));
    expect(lineChart({ ...spec, series: [] })).toContain("No data.");
    const graph = topologyOf({ workload: { rate: 100 }, replication: { replicas: 2 } });
    const svg = topologySvg(graph);
    expect(svg).toBe(topologySvg(graph));
    expect(svg.match(/<g class="node"/g)?.length).toBe(graph.nodes.length);
    expect(svg.match(/<g class="edge"/g)?.length).toBe(graph.edges.length);
  });
});
