// The HTML reports of `dbsim run --format html` and `dbsim sweep --format html`
// opened in a real headless Chromium (Debian's package, driven by
// playwright-core): the page renders, every plot has drawn paths, the topology
// has a box per node, nothing is logged to the console, and the page opens
// from disk with every network request aborted and the browser offline.
// Without /usr/bin/chromium the test fails under CI=true and is skipped, with
// a message, elsewhere (apt-get install -y chromium).
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, chromiumPresent, launchChromium } from "../support/chromium.js";
import { runCli } from "./harness.js";

const present = chromiumPresent;
if (!present && process.env.CI !== "true") {
  console.warn(`html-report.test.ts skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
}

const EXPERIMENT = {
  scenario: "read-your-writes",
  parameters: { duration: ["500ms"], warmup: ["200ms"], "workload.rate": [400, 800] },
  replications: 3,
  seed: 5,
  metrics: ["latency.read.p99", "throughput.completedPerSec"],
  baseline: 0,
  commonRandomNumbers: true,
};

interface PageFacts {
  readonly plots: { caption: string; paths: number; points: number; empty: boolean }[];
  readonly topologyNodes: number[];
  readonly title: string;
}

const PAGE_FACTS = `({
  title: document.title,
  plots: [...document.querySelectorAll("figure.plot")].map((f) => ({
    caption: f.querySelector("figcaption")?.textContent ?? "",
    paths: [...f.querySelectorAll("path.series")].filter(
      (p) => (p.getAttribute("d") ?? "").includes("L") && p.getBoundingClientRect().width > 0,
    ).length,
    points: f.querySelectorAll("circle.point").length,
    empty: f.classList.contains("empty"),
  })),
  topologyNodes: [...document.querySelectorAll("svg.topology")].map(
    (s) => [...s.querySelectorAll("g.node rect")].filter((r) => r.getBoundingClientRect().width > 0).length,
  ),
})`;

async function openOffline(browser: Browser, file: string) {
  const context = await browser.newContext();
  const outside: string[] = [];
  await context.route(/.*/, (route) => {
    const url = route.request().url();
    if (url.startsWith("file:")) return route.continue();
    outside.push(url);
    return route.abort();
  });
  await context.setOffline(true);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`requestfailed: ${r.url()}`));
  const response = await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  // A string, so the test's types need no DOM library: it runs in the page.
  const facts = (await page.evaluate(PAGE_FACTS)) as PageFacts;
  await context.close();
  return { ok: response?.ok() ?? false, facts, problems, outside };
}

describe.runIf(present || process.env.CI === "true")("HTML reports in headless Chromium", () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    if (!present)
      throw new Error(`${CHROMIUM} is missing: CI must install it (apt-get install -y chromium)`);
    dir = await mkdtemp(join(tmpdir(), "dbsim-html-"));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("dbsim run --format html --time-series: three plans' CDFs, series over time and three topologies", async () => {
    const run = await runCli(
      [
        "run",
        "read-your-writes",
        "--duration",
        "1s",
        "--time-series",
        "250ms",
        "--format",
        "html",
        "--out",
        "run.html",
      ],
      dir,
    );
    expect(run.stderr).toContain("report written to run.html");
    expect(run.code).toBe(0);
    const html = await readFile(join(dir, "run.html"), "utf8");
    // Nothing to fetch: no script, no external URL but the SVG namespace.
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    const { ok, facts, problems, outside } = await openOffline(browser, join(dir, "run.html"));
    expect(ok).toBe(true);
    expect(problems).toEqual([]);
    expect(outside).toEqual([]);
    expect(facts.title).toBe("dbsim run: read-your-writes");
    const byCaption = new Map(facts.plots.map((p) => [p.caption, p]));
    // One CDF line per plan for reads and for writes.
    expect(byCaption.get("Latency CDF, reads")?.paths).toBe(3);
    expect(byCaption.get("Latency CDF, writes")?.paths).toBe(3);
    expect(byCaption.get("Work in flight (time-average per window)")?.paths).toBe(3);
    // Two replicas per plan.
    expect(byCaption.get("Replication backlog (mean per window)")?.paths).toBe(6);
    // The report's own windows: offered and completed, p50 and p99, per plan; CPU of three nodes per plan.
    expect(byCaption.get("Throughput per window")?.paths).toBe(6);
    expect(byCaption.get("Latency per window")?.paths).toBe(6);
    expect(byCaption.get("CPU per node (busy share of cores)")?.paths).toBe(9);
    expect(byCaption.get("Replica lag per window (mean of samples)")?.paths).toBe(6);
    // Workload, app, primary, two replicas, for each plan.
    expect(facts.topologyNodes).toEqual([5, 5, 5]);
  });

  it("dbsim sweep --format html: a curve with its CI band per metric", async () => {
    await writeFile(join(dir, "exp.json"), JSON.stringify(EXPERIMENT));
    const sweep = await runCli(
      ["sweep", "exp.json", "--workers", "1", "--format", "html", "--out", "sweep.html"],
      dir,
    );
    expect(sweep.stderr).toContain("result written to sweep.html");
    expect(sweep.code).toBe(0);
    const { ok, facts, problems, outside } = await openOffline(browser, join(dir, "sweep.html"));
    expect(ok).toBe(true);
    expect(problems).toEqual([]);
    expect(outside).toEqual([]);
    expect(facts.plots.map((p) => [p.paths, p.points])).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(facts.topologyNodes).toEqual([5]);
  });
});
