// `dbsim advise`: a bad profile exits 2 naming each problem's path; the plan's
// scenario prints for `dbsim run`; the schema prints; a search over its bounds
// is refused with its estimate; the text names the seeds.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { profileJsonSchema } from "../../src/advisor/profile.js";
import { parseScenario } from "../../src/scenario/parse.js";
import { runCli } from "./harness.js";

const dir = mkdtempSync(join(tmpdir(), "dbsim-advise-"));
const PROFILE = {
  name: "tiny",
  workload: { rate: 200, readShare: 0.9 },
  data: { keys: 1000 },
  slo: { readP99Ms: 50, writeP99Ms: 50 },
  simulation: { duration: "500ms", warmup: "100ms" },
};

function write(name: string, value: unknown): string {
  writeFileSync(join(dir, name), typeof value === "string" ? value : JSON.stringify(value));
  return name;
}

describe("dbsim advise", () => {
  it("exits 2 on a bad profile and names every path", async () => {
    const file = write("bad.json", {
      ...PROFILE,
      workload: { rate: "fast" },
      slo: { readP99Ms: 1 },
    });
    const out = await runCli(["advise", file], dir);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/not a valid profile/);
    expect(out.stderr).toMatch(/workload\.rate: .*got "fast"/);
    expect(out.stderr).toMatch(/slo\.writeP99Ms: required/);
    expect((await runCli(["advise", "no-such.json"], dir)).code).toBe(2);
  });

  it("prints the plan's scenario, which is a valid scenario", async () => {
    const out = await runCli(["advise", write("ok.json", PROFILE), "--print-scenario"], dir);
    expect(out.code).toBe(0);
    expect(parseScenario(out.stdout).ok).toBe(true);
  });

  it("prints the profile JSON Schema", async () => {
    const out = await runCli(["advise", "--schema"], dir);
    expect(JSON.parse(out.stdout)).toEqual(profileJsonSchema());
  });

  it("scores the plan and names the seeds", async () => {
    const out = await runCli(["advise", write("ok.json", PROFILE)], dir);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^Profile tiny: every plan run with seeds \d+, \d+, \d+$/m);
    expect(out.stdout).toMatch(/readP99Ms +met/);
    expect(out.stdout).toMatch(/availability +not scored: no target in the profile/);
  });

  it("--seed replaces the profile's master seed, and the same seed gives the same bytes", async () => {
    const file = write("ok.json", PROFILE);
    const a = await runCli(["advise", file, "--seed", "42", "--format", "json"], dir);
    const b = await runCli(["advise", file, "--seed", "42", "--format", "json"], dir);
    const c = await runCli(["advise", file, "--format", "json"], dir);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(JSON.parse(a.stdout).seeds).not.toEqual(JSON.parse(c.stdout).seeds);
    expect((await runCli(["advise", file, "--seed", "-1"], dir)).code).toBe(2);
  });

  it("refuses a search over its bounds with the estimate", async () => {
    const out = await runCli(
      ["advise", write("ok.json", PROFILE), "--search", "--max-runs", "2"],
      dir,
    );
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/simulation: refused: the plan alone needs 3 runs/);
  });
});
