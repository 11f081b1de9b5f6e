// dbsim run --estimate: the analytic estimate beside the simulated figures in
// the table; machine-readable output keeps its bytes and the estimate goes to
// stderr; a plan that is not product form gets its reasons.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./harness.js";

const PRODUCT_FORM = {
  name: "product-form",
  duration: "1s",
  warmup: "200ms",
  workload: {
    clients: 8,
    thinkTime: { kind: "exponential", mean: 2 },
    keys: { count: 100, popularity: { kind: "uniform" } },
  },
  database: { mechanisms: "none", cores: 2, readTime: { kind: "exponential", mean: 0.5 } },
  client: { poolSize: 8, roundTrip: 0.2 },
};

describe("dbsim run --estimate", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "dbsim-estimate-"));
    await writeFile(join(dir, "pf.json"), JSON.stringify(PRODUCT_FORM));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("prints the estimate after the table, beside the simulated figures", async () => {
    const r = await runCli(["run", "pf.json", "--estimate"], dir);
    expect(r.code).toBe(0);
    const at = r.stdout.indexOf("estimate: exact product-form solution");
    expect(at).toBeGreaterThan(r.stdout.indexOf("Nodes"));
    expect(r.stdout.slice(at)).toMatch(
      /estimated\s+simulated\n\s+completed\/s\s+[\d.]+\s+[\d.]+\n/,
    );
  });

  it("json: the same stdout bytes as without it; the estimate on stderr", async () => {
    const plain = await runCli(["run", "pf.json", "--format", "json"], dir);
    const withIt = await runCli(["run", "pf.json", "--format", "json", "--estimate"], dir);
    expect(withIt.stdout).toBe(plain.stdout);
    expect(withIt.stderr).toContain("estimate: exact product-form solution");
  });

  it("a plan with replication: does not apply, and why", async () => {
    const r = await runCli(["run", "read-heavy", "--duration", "500ms", "--estimate"], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "estimate: does not apply (not a product-form network)\n  - replication:",
    );
  });
});
