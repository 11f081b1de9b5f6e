// The HTML report of a run with faults (`dbsim run --format html`) has a Faults
// and a Network section with the figures of the text report's `Faults` and
// `Network faults` tables (the same cells: downtime, RTO, RPO, writes lost) and
// the errors they caused by kind; a run without faults has neither.
import { describe, expect, it } from "vitest";
import {
  histogramToPortable,
  runReportHtml,
  runScenarioDetailed,
  type ScenarioInput,
} from "../../src/index.js";

const base = {
  seed: 3,
  duration: 2_500,
  warmup: 0,
  workload: { rate: 300, readRatio: 0.5, sessions: 20, keys: { count: 100 } },
  replication: { replicas: 2, network: { kind: "constant", value: 20 } },
  routing: { via: "app", readBalancing: "round-robin" },
} as ScenarioInput;

function page(input: ScenarioInput) {
  const run = runScenarioDetailed(input);
  const html = runReportHtml([
    {
      name: "base",
      report: run.report,
      graph: run.graph,
      latency: {
        read: histogramToPortable(run.latencyHistograms.read),
        write: histogramToPortable(run.latencyHistograms.write),
      },
    },
  ]);
  return { html, report: run.report };
}

/** The text of every cell of the table that follows `heading` on the page. */
function sectionText(html: string, heading: string): string {
  const at = html.indexOf(`>${heading}</h2>`);
  expect(at).toBeGreaterThan(0);
  const next = html.indexOf("<h2", at);
  return html.slice(at, next < 0 ? undefined : next);
}

describe("the HTML report's faults", () => {
  it("shows each crash's downtime, RTO, RPO and writes lost, and each network event's failures by kind", () => {
    const { html, report } = page({
      ...base,
      timeline: [
        {
          at: 500,
          kind: "partition",
          for: 600,
          sides: [["app"], ["replica-1"]],
          driverTimeout: 200,
        },
        { at: 1_000, kind: "primary-crash", failover: { detection: 300 } },
      ],
    } as ScenarioInput);
    const crash = report.faults?.events[0];
    expect(crash?.promoted).not.toBeNull();
    const faults = sectionText(html, "Faults");
    for (const header of ["downtime", "RTO", "RPO", "lost"])
      expect(faults).toContain(`<th>${header}</th>`);
    // The row's cells as the text report prints them, four significant digits
    // (the 300 ms detection is the downtime: nothing to replay, no routing update).
    const cells = ["primary-crash", String(crash?.promoted), String(crash?.promotedLsn), "300.0"];
    cells.push((crash?.rtoMs ?? Number.NaN).toPrecision(4), (crash?.rpoMs ?? 0).toPrecision(4));
    for (const cell of cells) expect(faults).toContain(`<td>${cell}</td>`);
    expect(faults).toContain(`acknowledged writes lost: <b>${report.faults?.lostWrites}</b>`);
    expect(faults).toContain(`<td>node_down</td><td>${report.errors.byKind.node_down}</td>`);
    const network = sectionText(html, "Network");
    expect(network).toContain("<td>partition</td>");
    const timeouts = report.network?.events[0]?.failedByKind.network_timeout ?? 0;
    expect(timeouts).toBeGreaterThan(0);
    expect(network).toContain(`network_timeout ${timeouts}`);
  });

  it("has no faults or network section without faults on the timeline", () => {
    const { html } = page(base);
    expect(html).not.toContain(">Faults</h2>");
    expect(html).not.toContain(">Network</h2>");
  });
});
