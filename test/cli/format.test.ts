// The table report and the comparison, as a reader sees them: the verdict on top,
// no invented zeros, digits that mean something, only the errors that happened.
import { describe, expect, it } from "vitest";
import { formatComparison } from "../../src/cli/compare.js";
import {
  formatCsv,
  formatFigure,
  formatList,
  formatSummary,
  formatTable,
  NO_DATA,
} from "../../src/cli/format.js";
import { type Report, resolveScenario, runScenario, type ScenarioInput } from "../../src/index.js";

const small: ScenarioInput = {
  name: "small",
  seed: 9,
  duration: "2s",
  warmup: "500ms",
  workload: { rate: 300, readRatio: 1, keys: { count: 100 } },
  // Pure processor sharing at the 1–5 ms simple indexed query: 4 cores finish at
  // most ~1,333/s, so the rates below overload it.
  database: {
    cores: 4,
    mechanisms: "none",
    readTime: "simpleIndexedQuery",
    writeTime: "simpleIndexedQuery",
  },
};

const lines = (text: string): string[] => text.split("\n");

describe("formatFigure: four significant digits, at most three decimals", () => {
  it.each([
    [0.0052, "0.005"],
    [4.0937, "4.094"],
    [16.313, "16.31"],
    [227.44, "227.4"],
    [7822, "7822"],
    [15225.4, "15225"],
    [0, "0.000"],
  ])("%d → %s", (x, text) => {
    expect(formatFigure(x)).toBe(text);
  });
});

describe("formatTable", () => {
  it("opens with the verdict, before the throughput", () => {
    const text = formatTable(runScenario(small));
    const at = (s: string) => lines(text).findIndex((l) => l.startsWith(s));
    expect(at("Verdict: ok")).toBeGreaterThan(0);
    expect(at("Verdict: ok")).toBeLessThan(at("Throughput"));
    expect(text).toMatch(
      /^ {2}offered \d+\.\d ops\/s, completed \d+\.\d ops\/s, failed 0\.0 ops\/s$/m,
    );
    expect(text).toMatch(/^ {2}in flight: \d+ when the window opened, \d+ at the end/m);
  });

  it("an overloaded run says so on top, with its reasons wrapped to 80 columns", () => {
    const report = runScenario({ ...small, workload: { ...small.workload, rate: 2000 } });
    const text = formatTable(report);
    expect(text).toContain("Verdict: OVERLOADED");
    expect(text).toMatch(/^ {2}- work in flight grew by [\d,]+ ± [\d,]+ operations/m);
    for (const line of lines(text).slice(0, 12)) expect(line.length).toBeLessThanOrEqual(80);
  });

  it("a latency row with no operations prints – rather than zeros", () => {
    const report = runScenario(small); // readRatio 1: no writes
    expect(report.latency.write.count).toBe(0);
    const row = lines(formatTable(report)).find((l) => l.startsWith("  write"));
    expect(row?.trim().split(/\s+/)).toEqual(["write", "0", ...new Array(7).fill(NO_DATA)]);
  });

  it("lists only the error kinds that happened", () => {
    const ok = formatTable(runScenario(small));
    expect(ok).toMatch(/^Errors\n {2}total {2}0\n\n/m);
    expect(ok).not.toContain("hostgroup_unavailable");
    const refused = runScenario({
      ...small,
      workload: { ...small.workload, rate: 1500 },
      database: { cores: 4, maxConnections: 5 },
      client: { connections: "per-request" },
    });
    const text = formatTable(refused);
    expect(text).toMatch(/^ {2}too_many_clients\s+[1-9]\d*$/m);
    expect(text).not.toContain("statement_mode_transaction");
  });

  it("says persistent connections opened in the warm-up are not counted in the window", () => {
    const text = formatTable(runScenario(small));
    expect(text).toMatch(
      /^ {2}connections opened\s+\d+ in the window \(not counting those opened during the warm-up, which stay open\)$/m,
    );
    const perRequest = formatTable(
      runScenario({ ...small, client: { connections: "per-request" } }),
    );
    expect(perRequest).toMatch(/^ {2}connections opened\s+\d+$/m);
  });
});

describe("formatSummary", () => {
  it("describes a think-time distribution in words, not JSON", () => {
    const closed = (thinkTime: unknown) =>
      formatSummary(
        resolveScenario({
          ...small,
          workload: { clients: 10, thinkTime, keys: { count: 100 } },
        } as ScenarioInput),
      );
    expect(closed({ kind: "exponential", mean: 50 })).toMatch(
      /^workload\s+closed loop, 10 clients, think time exponential, mean 50 ms$/m,
    );
    expect(closed(1500)).toMatch(/think time 1\.5 s$/m);
    expect(closed("sameDatacenterRoundTrip")).toMatch(
      /think time sameDatacenterRoundTrip \(constant 500 µs\)$/m,
    );
    expect(closed({ kind: "exponential", mean: 50 })).not.toContain("{");
  });
});

describe("formatList", () => {
  it("wraps descriptions to 80 columns, indented under the first line", () => {
    const text = formatList([
      ["short", "one line"],
      ["a-longer-name", "word ".repeat(60).trim()],
    ]);
    const out = lines(text.trimEnd());
    expect(out[0]).toBe("short          one line");
    expect(out[1]?.startsWith("a-longer-name  word")).toBe(true);
    expect(out.length).toBeGreaterThan(4);
    for (const line of out.slice(2)) expect(line.startsWith(`${" ".repeat(15)}word`)).toBe(true);
    for (const line of out) expect(line.length).toBeLessThanOrEqual(80);
  });
});

describe("formatComparison", () => {
  it("shows each plan's verdict and its busiest node, which need not be the primary", () => {
    const replicated: ScenarioInput = {
      ...small,
      workload: { rate: 1000, readRatio: 1, keys: { count: 100 } },
      database: { cores: 8 },
      replication: { replicas: [{ cores: 2 }, { cores: 8 }] },
      routing: { via: "app" },
    };
    const plans = [
      { name: "base", report: runScenario(small) },
      { name: "replicas", report: runScenario(replicated) },
    ];
    const text = formatComparison(plans);
    expect(text).toMatch(/^ {2}plan\s+verdict\s/m);
    expect(text).toMatch(/^ {2}base\s+ok\s.*\s+primary\s+\d+\.\d%\s/m);
    expect(text).toMatch(/^ {2}replicas\s+\S+\s.*\s+replica-1\s+\d+\.\d%\s/m);
  });

  it("lists the reasons of every plan that is not ok", () => {
    const overloaded = runScenario({ ...small, workload: { ...small.workload, rate: 2000 } });
    const text = formatComparison([
      { name: "base", report: runScenario(small) },
      { name: "busy", report: overloaded },
    ]);
    expect(text).toContain("Verdicts (plans that are not ok)");
    expect(text).toMatch(/^ {2}busy: overloaded$/m);
    expect(text).not.toMatch(/^ {2}base: /m);
  });
});

describe("formatCsv", () => {
  it("has the verdict: status, series by index, reasons by code and subject", () => {
    const report: Report = runScenario({ ...small, workload: { ...small.workload, rate: 2000 } });
    const csv = lines(formatCsv(report));
    expect(csv).toContain("verdict,,status,overloaded");
    expect(csv.some((l) => /^verdict,,inFlightByWindow\.19,[\d.e+-]+$/.test(l))).toBe(true);
    expect(csv.some((l) => l.startsWith("verdict,backlog-growing,figures.growth,"))).toBe(true);
    expect(csv.some((l) => /^verdict,node-saturated primary,figures\.utilization,/.test(l))).toBe(
      true,
    );
  });
});

describe("the verdict's headline", () => {
  it("an overload seen only as a burst says so, rather than that the figures grow with the run", () => {
    const burst = {
      ...small,
      workload: {
        readRatio: 1,
        keys: { count: 100 },
        // The primary of `small` finishes ~1 300/s: 3 000/s for 0.3 s piles up ~500,
        // drained ~0.5 s later, well before the end at 2.5 s.
        rate: {
          steps: [
            { at: 0, rate: 300 },
            { at: "800ms", rate: 3000 },
            { at: "1100ms", rate: 300 },
          ],
        },
      },
    } as ScenarioInput;
    const report = runScenario(burst);
    expect(report.verdict.reasons.map((r) => r.code)).toContain("backlog-burst");
    expect(formatTable(report)).toContain(
      "Verdict: OVERLOADED — it fell behind for a while (a burst) and waited it out",
    );
  });
});
