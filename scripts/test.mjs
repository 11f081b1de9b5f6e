// The whole test command: every step runs, each one counts as passed or failed,
// and the run ends with the plain line "N passed, N failed" that CI reads.
// Vitest's own tests are counted one by one from its JSON report.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";

const env = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" };
const results = [];
let testsPassed = 0;
let testsFailed = 0;

function step(name, cmd, args) {
  process.stdout.write(`\n=== ${name}: ${cmd} ${args.join(" ")}\n`);
  const r = spawnSync(cmd, args, { stdio: "inherit", env, shell: process.platform === "win32" });
  const ok = r.status === 0;
  results.push({ name, ok });
  process.stdout.write(`=== ${name}: ${ok ? "ok" : `FAILED (exit ${r.status ?? r.signal})`}\n`);
  return ok;
}

step("typecheck", "npx", ["tsc", "--noEmit"]);
step("lint", "npx", ["biome", "check", "."]);
const json = ".test-results.json";
rmSync(json, { force: true });
step("build", "npx", ["tsup"]);
const vitestOk = step("vitest", "npx", [
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${json}`,
]);
if (existsSync(json)) {
  const report = JSON.parse(readFileSync(json, "utf8"));
  testsPassed = report.numPassedTests ?? 0;
  testsFailed = (report.numFailedTests ?? 0) + (vitestOk ? 0 : (report.numFailedTestSuites ?? 0));
} else {
  testsFailed += 1;
}
step("pack", "node", ["scripts/pack-check.mjs"]);
step("publint", "npx", ["publint", "--strict"]);
step("attw", "npx", ["attw", "--pack", ".", "--profile", "node16"]);
step("docs", "npx", ["typedoc"]);

const stepsFailed = results.filter((r) => !r.ok);
const passed = testsPassed + results.filter((r) => r.ok && r.name !== "vitest").length;
const failed =
  testsFailed +
  stepsFailed.filter((r) => r.name !== "vitest").length +
  (stepsFailed.some((r) => r.name === "vitest") && testsFailed === 0 ? 1 : 0);
process.stdout.write("\n");
for (const r of results) process.stdout.write(`${r.ok ? "ok    " : "FAILED"} ${r.name}\n`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
