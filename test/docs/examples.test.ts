// Every example in examples/ runs and says what its comments promise.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { parseScenario, runScenario, scenarioJsonSchema } from "../../src/index.js";

const root = join(import.meta.dirname, "..", "..");

async function captureLog(load: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(" "));
  });
  try {
    await load();
  } finally {
    spy.mockRestore();
  }
  return lines;
}

describe("examples/", () => {
  it("read-replica-candidate.json is a valid scenario with replicas that runs without errors", () => {
    const json = readFileSync(join(root, "examples", "read-replica-candidate.json"), "utf8");
    const parsed = parseScenario(json);
    expect(parsed.ok, JSON.stringify(parsed)).toBe(true);
    if (!parsed.ok) return;
    const report = runScenario(parsed.scenario);
    expect(report.errors.total).toBe(0);
    expect(report.replication?.replicas).toHaveLength(2);
    expect(report.routing?.readsToReplicas).toBeGreaterThan(0);
    // Steps of 1500/s at 0 s and 2000/s at 20 s, counted from the start of the
    // 5 s warm-up (docs/scenario.md): the 30 s window (5–35 s) has 15 s of each,
    // (15 × 1500 + 15 × 2000) / 30 = 1750/s. Were `at` counted from the window's
    // start, it would be (20 × 1500 + 10 × 2000) / 30 ≈ 1667/s. About 52,500
    // Poisson arrivals: a standard error of √52500 / 30 ≈ 7.6/s; allow 4 of them.
    expect(Math.abs(report.throughput.offeredPerSec - 1750)).toBeLessThan(30);
  });

  it('every example scenario\'s "$schema" resolves to the shipped scenario.schema.json, which is what `dbsim schema` prints', () => {
    const shipped = join(root, "scenario.schema.json");
    // Regenerate with `npm run schema` after changing the scenario schema.
    expect(JSON.parse(readFileSync(shipped, "utf8"))).toEqual(scenarioJsonSchema());
    // advise-*.json are workload profiles: they point at profile.schema.json (profile.test.ts).
    const files = readdirSync(join(root, "examples")).filter(
      (f) => f.endsWith(".json") && !f.startsWith("advise-"),
    );
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const { $schema } = JSON.parse(readFileSync(join(root, "examples", file), "utf8"));
      expect(typeof $schema, file).toBe("string");
      expect(resolve(root, "examples", $schema), file).toBe(shipped);
    }
  });

  it("compare-connection-modes.ts shows the per-request fleet failing where pooling does not", async () => {
    const out = await captureLog(() => import("../../examples/compare-connection-modes.js"));
    expect(out).toHaveLength(2);
    const errors = out.map((l) => Number(/errors (\d+)/.exec(l)?.[1]));
    expect(errors[0]).toBe(0);
    expect(errors[1]).toBeGreaterThan(0);
    // Round-robin over 50 instances at 2000 requests/s: an instance gets a request every
    // 25 ms, and each takes about a millisecond, so every instance opens one of its two
    // connections.
    expect(out[0]).toContain("peak connections 50");
  });

  it("pool-sizing.ts shows throughput peaking near the USL's N* and falling beyond, with p99 growing past the peak", async () => {
    const out = await captureLog(() => import("../../examples/pool-sizing.js"));
    const rows = out
      .map((l) => /^\s*(\d+)\s+(\d+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ size: Number(m[1]), completed: Number(m[2]), p99: Number(m[5]) }));
    expect(rows.length).toBeGreaterThan(8);
    const peak = rows.reduce((a, b) => (b.completed > a.completed ? b : a));
    // N* = √((1 − 0.03)/0.01) ≈ 9.8: the best pool size sampled is next to it.
    expect(peak.size).toBeGreaterThanOrEqual(8);
    expect(peak.size).toBeLessThanOrEqual(12);
    const after = rows.filter((r) => r.size >= peak.size);
    for (let i = 1; i < after.length; i++) {
      expect(after[i]?.completed).toBeLessThan(after[i - 1]?.completed ?? 0);
      expect(after[i]?.p99).toBeGreaterThan(after[i - 1]?.p99 ?? 0);
    }
  });

  it("mm1.ts prints a mean wait near 9 ms", async () => {
    const out = (await captureLog(() => import("../../examples/mm1.js"))).join("\n");
    const m = /mean wait ([\d.]+) ms/.exec(out);
    expect(m, out).not.toBeNull();
    // 200 000 customers at ρ = 0.9: relative standard error ≈ 5 %; allow about 3 of them.
    expect(Math.abs(Number(m?.[1]) / 9 - 1)).toBeLessThan(0.15);
  });
});
