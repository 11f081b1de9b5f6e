// The playground page (playground/) built by Vite and opened in a real
// headless Chromium (Debian's package, driven by playwright-core) from the
// `dbsim playground` server: it loads with no request beyond its own origin,
// runs plans in its worker, morphs the diagram when a replica is toggled by
// keyboard, carries the plan in its address, computes the report `dbsim run`
// prints byte for byte, renders a hostile name as text, and axe-core finds no
// serious or critical problem. Screenshots go to test-output/playground/ (not
// committed). Without /usr/bin/chromium the test fails under CI=true and is
// skipped, with a message, elsewhere (apt-get install -y chromium).
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PlanJson, planFromProfile, planToHash } from "../../playground/src/plan.js";
import { servePlayground } from "../../src/cli/playground.js";
import {
  applyScenarioStep,
  builtinScenario,
  type ScenarioInput,
  topologyOf,
} from "../../src/index.js";
import { runCli } from "../cli/harness.js";
import { CHROMIUM, chromiumPresent, launchChromium } from "../support/chromium.js";

const present = chromiumPresent;
if (!present && process.env.CI !== "true") {
  console.warn(
    `playground browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`,
  );
}
const SHOTS = join("test-output", "playground");

/** A short read-heavy plan: two simulated seconds keep each run well under a second. */
const SHORT: PlanJson = {
  ...planFromProfile(builtinScenario("read-heavy") as PlanJson),
  duration: "2s",
  warmup: "500ms",
};

interface Opened {
  readonly page: Page;
  readonly context: BrowserContext;
  readonly outside: string[];
  readonly problems: string[];
}

describe.runIf(present || process.env.CI === "true")("the playground in headless Chromium", () => {
  let browser: Browser;
  let dir: string;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    if (!present)
      throw new Error(`${CHROMIUM} is missing: CI must install it (apt-get install -y chromium)`);
    dir = await mkdtemp(join(tmpdir(), "dbsim-playground-"));
    await mkdir(SHOTS, { recursive: true });
    // The page as the source builds it now, not a stale playground/dist.
    await build({
      configFile: "playground/vite.config.ts",
      logLevel: "silent",
      build: { outDir: join(dir, "site"), emptyOutDir: true },
    });
    ({ server, url } = await servePlayground(join(dir, "site"), 0));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("the page's assets keep their size budgets (gzip -9): page script 16 KB, worker 190 KB", async () => {
    const assets = await readdir(join(dir, "site", "assets"));
    const gzipped = async (prefix: string) => {
      const name = assets.find((a) => a.startsWith(prefix) && a.endsWith(".js"));
      if (name === undefined) throw new Error(`no ${prefix}*.js in ${assets.join(", ")}`);
      return gzipSync(await readFile(join(dir, "site", "assets", name)), { level: 9 }).length;
    };
    // The page's own thread never loads the library: only the worker does.
    expect(await gzipped("index-")).toBeLessThan(16_000);
    // The worker is the library tree-shaken: 137 KB before regions, CQRS, services and faults, 164 KB after,
    // 180.1 KB with the resharding's carry and its checks across a move.
    expect(await gzipped("worker-")).toBeLessThan(190_000);
    // The README's screenshot ships in the package: kept small.
    expect((await readFile("docs/img/playground.png")).length).toBeLessThan(150_000);
  });

  /** Where the figures, the diagram and the advisor panel sit, to the pixel. */
  const places = (page: Page) =>
    page.evaluate(
      `[...document.querySelectorAll("#figures dd, #figures dt, .diagram-box, .advisor, #status")].map((e) => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height].map(Math.round).join(","); })`,
    ) as Promise<string[]>;

  /** Opens the page with every request off its own origin aborted and recorded. */
  async function open(hash = "", options: { bypassCSP?: boolean } = {}): Promise<Opened> {
    const context = await browser.newContext({
      viewport: { width: 1366, height: 900 },
      acceptDownloads: true,
      ...options,
    });
    const outside: string[] = [];
    await context.route(/.*/, (route) => {
      const requested = route.request().url();
      if (requested.startsWith(url)) return route.continue();
      outside.push(requested);
      return route.abort();
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(`${url}${hash}`, { waitUntil: "load" });
    return { page, context, outside, problems };
  }

  /** Waits for the page's `n`th finished run. */
  const ran = (page: Page, n: number) =>
    page.waitForSelector(`body[data-ran="${n}"]`, { timeout: 20_000 });
  /** Waits for the advisor's `n`th score (it follows the run's figures). */
  const scored = (page: Page, n: number) =>
    page.waitForSelector(`body[data-scored="${n}"]`, { timeout: 30_000 });
  const figures = (page: Page) =>
    page.evaluate(
      `Object.fromEntries([...document.querySelectorAll("dd")].map((d) => [d.id, d.textContent]))`,
    ) as Promise<Record<string, string>>;
  const boxes = (page: Page) =>
    page.evaluate(
      `[...document.querySelectorAll("#topology g.node")].map((g) => g.dataset.id)`,
    ) as Promise<string[]>;

  it("loads from its own origin only, runs read-heavy, and a replica toggled by keyboard morphs the diagram and the figures", async () => {
    const { page, context, outside, problems } = await open(planToHash(SHORT));
    await ran(page, 1);
    expect(outside).toEqual([]);
    expect(await page.textContent("#plan-name")).toBe("read-heavy");
    const before = await figures(page);
    // The boxes are those of the graph `dbsim diagram` draws: workload, app, primary, two replicas.
    const graphIds = (plan: object) => topologyOf(plan as ScenarioInput).nodes.map((n) => n.id);
    expect(await boxes(page)).toEqual(graphIds(SHORT));
    expect(await boxes(page)).toHaveLength(5);
    expect(before["figure-lag"]).toMatch(/^\d+\.\d\d ms \/ \d+\.\d\d ms$/);
    await scored(page, 1);
    const placesBefore = await places(page);
    await page.screenshot({ path: join(SHOTS, "1-read-heavy.png"), fullPage: true });
    // Everything it needs is loaded: the rest runs with the network gone.
    await context.setOffline(true);
    await page.focus("#replica-on");
    await page.keyboard.press("Space");
    await ran(page, 2);
    const { replication: _replication, routing: _routing, ...unreplicated } = SHORT;
    expect(await boxes(page)).toEqual(graphIds(unreplicated));
    expect(await boxes(page)).toHaveLength(3);
    const after = await figures(page);
    expect(after["figure-lag"]).toBe("no replicas");
    expect(after["figure-read"]).not.toBe(before["figure-read"]);
    expect(after["figure-connections"]).not.toBe(before["figure-connections"]);
    // New figures and a new score, same places: nothing on the page moved.
    await scored(page, 2);
    expect(await places(page)).toEqual(placesBefore);
    await page.screenshot({ path: join(SHOTS, "2-no-replicas.png"), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it("the score changes with the plan: the next step, checked on the page's scenario, taken from the panel", async () => {
    // cache-plans made to saturate its one node (the page's own scenario is
    // scored, against catalog-reads' SLOs): 2 cores, reads of 1.5–2.5 ms of CPU,
    // 1,500/s × 92 % × 2 ms = 2.76 cores of work (ρ > 1), so read p99 misses 25 ms.
    const base = planFromProfile(builtinScenario("cache-plans") as PlanJson);
    const plan = {
      ...base,
      database: {
        ...(base.database as object),
        cores: 2,
        readTime: { kind: "uniform", min: 1.5, max: 2.5 },
      },
      duration: "2s",
      warmup: "500ms",
    };
    const { page, context, problems } = await open(planToHash(plan));
    await scored(page, 1);
    const title = await page.textContent("#advisor-title");
    expect(title).toMatch(/^Advisor score \(catalog-reads profile's SLOs\): \d of \d SLOs met$/);
    expect(await page.textContent("#score-readP99Ms")).toMatch(/^missed: /);
    // Twice the cores carry the 2.76 cores of reads (ρ ≈ 0.69) with the fewest
    // cores of the steps tried.
    expect(await page.textContent("#score-next")).toMatch(
      /^scale up to 4 cores: \d of 4 SLOs met, read p99 .* \(simulated on this scenario\)$/,
    );
    // The README's picture (docs/img/playground.png, reduced to a palette):
    // the page above the report. Taking it scrolls, so the page goes back to the top.
    await page.locator("main").screenshot({ path: join(SHOTS, "readme.png") });
    await page.evaluate("window.scrollTo(0, 0)");
    const placesBefore = await places(page);
    await page.screenshot({ path: join(SHOTS, "5-score-one-node.png"), fullPage: true });
    // Taking the step makes the plan the scenario the step was checked on.
    await page.focus("#take-next");
    await page.keyboard.press("Enter");
    await scored(page, 2);
    const taken = JSON.parse((await page.textContent("#plan-json")) as string);
    expect(taken).toEqual(applyScenarioStep(plan as ScenarioInput, "scale-up"));
    expect(await page.textContent("#score-readP99Ms")).toMatch(/^met: /);
    expect(await page.textContent("#advisor-title")).not.toBe(title);
    // Focusing the button scrolled to it: compare the places from the top.
    await page.evaluate("window.scrollTo(0, 0)");
    expect(await places(page)).toEqual(placesBefore);
    await page.screenshot({ path: join(SHOTS, "6-next-step-taken.png"), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it("a plan from the address is the plan exported, and its report is the one `dbsim run` prints, byte for byte", async () => {
    const plan = { ...SHORT, pool: { poolMode: "transaction", defaultPoolSize: 8 }, seed: 7 };
    const { page, context } = await open(planToHash(plan));
    await ran(page, 1);
    expect(await page.isChecked("#pool-on")).toBe(true);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
    const exported = await readFile((await download.path()) as string, "utf8");
    expect(JSON.parse(exported)).toEqual(plan);
    expect(await page.textContent("#plan-json")).toBe(exported);
    const pageReport = (await page.textContent("#report-json")) as string;
    await writeFile(join(dir, "plan.json"), exported);
    const cli = await runCli(["run", "plan.json", "--format", "json"], dir);
    expect(cli.code).toBe(0);
    expect(pageReport).toBe(cli.stdout);
    await page.screenshot({ path: join(SHOTS, "3-pool.png"), fullPage: true });
    await context.close();
  });

  it("a hostile name in the address is shown as text, and a hostile replica name as a problem, never as markup", async () => {
    const name = `<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>`;
    const { page, context, outside, problems } = await open(planToHash({ ...SHORT, name }));
    await ran(page, 1);
    expect(await page.textContent("#plan-name")).toBe(name);
    await page.evaluate(
      `location.hash = ${JSON.stringify(
        planToHash({
          ...SHORT,
          replication: { replicas: [{ name: `<img src=y onerror="window.pwned=3">` }] },
        }),
      )}; location.reload()`,
    );
    await page.waitForSelector("#problems li");
    expect(await page.textContent("#problems")).toContain("replication.replicas.0.name");
    expect(
      await page.evaluate("[window.pwned, document.querySelectorAll('img, main script').length]"),
    ).toEqual([undefined, 0]);
    await page.screenshot({ path: join(SHOTS, "4-hostile.png"), fullPage: true });
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("axe-core finds no serious or critical accessibility problem", async () => {
    // axe is injected as a script: the page's policy allows only its own, so this context bypasses it.
    const { page, context } = await open(planToHash(SHORT), { bypassCSP: true });
    await scored(page, 1);
    await page.addScriptTag({ path: "node_modules/axe-core/axe.min.js" });
    const violations = (await page.evaluate(
      `axe.run(document).then((r) => r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", ")))`,
    )) as string[];
    expect(violations).toEqual([]);
    await context.close();
  });
});
