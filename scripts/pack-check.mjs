// Packs the package as npm would publish it, unpacks the tarball into a scratch
// node_modules, and checks that `import`, `require`, the ./testing subpath and
// the dbsim binary all work from the packed files alone. Dependencies resolve
// from the repository's node_modules (the scratch folder sits inside the repo).
// Also: the licence ships, and the manifest has no script that npm would list as
// an install script of a dependency (npm 11 warns about preinstall, install,
// postinstall and prepare when the package is installed, even from a tarball).
import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = process.cwd();
const scratch = join(root, ".tmp", "pack");
rmSync(scratch, { recursive: true, force: true });
mkdirSync(join(scratch, "node_modules"), { recursive: true });

const out = execFileSync("npm", ["pack", "--json", "--pack-destination", scratch], {
  encoding: "utf8",
});
const [{ filename, files }] = JSON.parse(out.slice(out.indexOf("[")));
console.log(`packed ${filename}: ${files.length} files`);
execFileSync("tar", ["-xzf", join(scratch, filename), "-C", scratch]);
renameSync(join(scratch, "package"), join(scratch, "node_modules", "dbsim"));

const unpacked = join(scratch, "node_modules", "dbsim");
const manifest = JSON.parse(readFileSync(join(unpacked, "package.json"), "utf8"));
const installScripts = ["preinstall", "install", "postinstall", "prepare"].filter(
  (name) => manifest.scripts?.[name] !== undefined,
);
if (installScripts.length > 0)
  throw new Error(`the packed package.json has install scripts: ${installScripts.join(", ")}`);
if (!existsSync(join(unpacked, "LICENSE"))) throw new Error("LICENSE is not in the tarball");

const run = (args) => execFileSync("node", args, { cwd: scratch, encoding: "utf8" }).trim();
const esm = run([
  "--input-type=module",
  "-e",
  `import { runScenario, Simulation } from "dbsim";
   import { createTraceHasher } from "dbsim/testing";
   import { uslThroughput } from "dbsim/calibrate";
   const r = runScenario({ workload: { rate: 100 }, duration: "1s", warmup: 0 });
   if (!(r.throughput.completedPerSec > 0)) throw new Error("no throughput");
   if (typeof uslThroughput !== "function") throw new Error("dbsim/calibrate");
   if (typeof Simulation !== "function" || typeof createTraceHasher !== "function") throw new Error("exports");
   console.log("import ok", r.latency.all.count);`,
]);
const cjs = run([
  "-e",
  `const { runScenario } = require("dbsim");
   const { createTraceHasher } = require("dbsim/testing");
   if (typeof require("dbsim/calibrate").calibrate !== "function") throw new Error("dbsim/calibrate");
   const r = runScenario({ workload: { rate: 100 }, duration: "1s", warmup: 0 });
   if (!(r.throughput.completedPerSec > 0) || typeof createTraceHasher !== "function") throw new Error("require");
   console.log("require ok", r.latency.all.count);`,
]);
const bin = run([join(unpacked, manifest.bin.dbsim), "list"]);
if (esm !== cjs.replace("require", "import"))
  throw new Error(`import and require differ: ${esm} / ${cjs}`);
if (!bin.includes("read-heavy")) throw new Error(`dbsim list printed: ${bin}`);
// Without fast-check (an optional peer dependency of dbsim/testing only), the main
// entry still works and dbsim/testing says what is missing, in ESM and CommonJS.
// The folder lies outside the repository, so fast-check cannot resolve from it.
const bare = mkdtempSync(join(tmpdir(), "dbsim-no-fast-check-"));
try {
  mkdirSync(join(bare, "node_modules"));
  cpSync(unpacked, join(bare, "node_modules", "dbsim"), { recursive: true });
  for (const dep of Object.keys(manifest.dependencies))
    symlinkSync(join(root, "node_modules", dep), join(bare, "node_modules", dep));
  const bareRun = (args) => spawnSync("node", args, { cwd: bare, encoding: "utf8" });
  const main = bareRun([
    "--input-type=module",
    "-e",
    'import { runScenario } from "dbsim"; console.log(typeof runScenario);',
  ]);
  if (main.status !== 0 || main.stdout.trim() !== "function")
    throw new Error(`dbsim without fast-check failed: ${main.stderr}`);
  const attempts = {
    import: ["--input-type=module", "-e", 'await import("dbsim/testing");'],
    require: ["-e", 'require("dbsim/testing");'],
  };
  for (const [how, args] of Object.entries(attempts)) {
    const r = bareRun(args);
    const said = /^Error: dbsim\/testing needs fast-check, a peer dependency.*$/m.exec(r.stderr);
    if (r.status === 0 || said === null)
      throw new Error(`${how} of dbsim/testing without fast-check: ${r.stderr}`);
    console.log(`testing without fast-check (${how}): ${said[0]}`);
  }
} finally {
  rmSync(bare, { recursive: true, force: true });
}

console.log(esm);
console.log(cjs);
console.log("bin ok");
console.log(`tarball contents: ${readdirSync(unpacked).join(", ")}`);
