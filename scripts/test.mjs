// The whole test command: every step runs, each one counts as passed or failed,
// and the run ends with the plain line "N passed, N failed" that CI reads.
// Vitest's own tests are counted one by one from its JSON report.
//
// Independent steps run at the same time (the machine's cores are the limit, not
// the steps): typecheck, lint and the API docs start with the build; the tests,
// the packed-tarball check, publint and attw start once the build is done (the
// CLI tests run the built binary, the others read dist/). Each step's output is
// printed in one block when it ends, with its wall time. The tests against
// pgbench and pgbouncer (test/real/real-programs.test.ts) run last, alone: pgbench
// measures throughput on the machine's cores, and the other test files running
// beside it made its measurements a mix of their load and its own. The real
// streaming standby's test (test/real/standby.test.ts), whose lag a replay delay
// sets, runs beside the unit tests.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";

const env = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" };
const json = ".test-results.json";
const realJson = ".test-results-real.json";
const standbyJson = ".test-results-standby.json";

function step(name, cmd, args, problem = () => null) {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, shell: process.platform === "win32" });
    const chunks = [];
    child.stdout.on("data", (c) => chunks.push(c));
    child.stderr.on("data", (c) => chunks.push(c));
    child.on("error", (error) => chunks.push(Buffer.from(`${error.message}\n`)));
    child.on("close", (code, signal) => {
      const why = code === 0 ? problem(Buffer.concat(chunks).toString()) : null;
      if (why !== null) chunks.push(Buffer.from(`${why}\n`));
      const ok = code === 0 && why === null;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      process.stdout.write(
        `\n=== ${name}: ${cmd} ${args.join(" ")}\n${Buffer.concat(chunks).toString()}` +
          `=== ${name}: ${ok ? "ok" : `FAILED (${why ?? `exit ${code ?? signal}`})`} in ${seconds} s\n`,
      );
      resolve({ name, ok });
    });
  });
}

const skipped = (name, why) => {
  process.stdout.write(`\n=== ${name}: FAILED (not run: ${why})\n`);
  return { name, ok: false };
};

rmSync(json, { force: true });
rmSync(realJson, { force: true });
rmSync(standbyJson, { force: true });
// A circular import between chunks builds, but may run in the wrong order: the
// bundler's warning fails the build step.
const build = step("build", "npx", ["tsup"], (out) =>
  /circular dependency/i.test(out) ? "the bundler warned of a circular dependency" : null,
);
const afterBuild = (name, cmd, args) =>
  build.then((b) => (b.ok ? step(name, cmd, args) : skipped(name, "the build failed")));

const results = await Promise.all([
  step("typecheck", "npx", ["tsc", "--noEmit"]),
  // The page is checked against the built package's declarations, as a user's page
  // would be (playground/tsconfig.json maps `dbsim` to dist/index.d.ts): seconds,
  // where checking it against the source type-checked the whole library again.
  afterBuild("typecheck playground", "npx", ["tsc", "--noEmit", "-p", "playground"]),
  step("lint", "npx", ["biome", "check", "."]),
  build,
  // TypeDoc here checks that every export is documented (warnings are errors);
  // writing the HTML is `npm run docs`' job, and a third of this step's CPU.
  step("docs", "npx", ["typedoc", "--emit", "none"]),
  afterBuild("vitest", "npx", [
    "vitest",
    "run",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${json}`,
    "--exclude=test/real/**",
  ]),
  // The real standby's lag is set by a replay delay, not CPU: it runs beside the
  // unit tests (test/real/standby.test.ts); pgbench and pgbouncer run last, alone.
  afterBuild("vitest real standby", "npx", [
    "vitest",
    "run",
    "test/real/standby.test.ts",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${standbyJson}`,
  ]),
  afterBuild("pack", "node", ["scripts/pack-check.mjs"]),
  afterBuild("publint", "npx", ["publint", "--strict"]),
  afterBuild("attw", "npx", ["attw", "--pack", "."]),
]);

results.push(
  await (results.find((r) => r.name === "build")?.ok
    ? step("vitest real programs", "npx", [
        "vitest",
        "run",
        "test/real/real-programs.test.ts",
        "--reporter=default",
        "--reporter=json",
        `--outputFile.json=${realJson}`,
      ])
    : skipped("vitest real programs", "the build failed")),
);

const VITEST_STEPS = new Map([
  ["vitest", json],
  ["vitest real programs", realJson],
  ["vitest real standby", standbyJson],
]);
let testsPassed = 0;
let testsFailed = 0;
for (const [name, file] of VITEST_STEPS) {
  const ok = results.find((r) => r.name === name)?.ok === true;
  if (existsSync(file)) {
    const report = JSON.parse(readFileSync(file, "utf8"));
    testsPassed += report.numPassedTests ?? 0;
    testsFailed += (report.numFailedTests ?? 0) + (ok ? 0 : (report.numFailedTestSuites ?? 0));
  } else {
    testsFailed += 1;
  }
}

const stepsFailed = results.filter((r) => !r.ok);
const passed = testsPassed + results.filter((r) => r.ok && !VITEST_STEPS.has(r.name)).length;
const failed =
  testsFailed +
  stepsFailed.filter((r) => !VITEST_STEPS.has(r.name)).length +
  (stepsFailed.some((r) => VITEST_STEPS.has(r.name)) && testsFailed === 0 ? 1 : 0);
process.stdout.write("\n");
for (const r of results) process.stdout.write(`${r.ok ? "ok    " : "FAILED"} ${r.name}\n`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
