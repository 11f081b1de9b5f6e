// Packs the package as npm would publish it, unpacks the tarball into a scratch
// node_modules, and checks that `import`, `require`, the ./testing subpath and
// the dbsim binary all work from the packed files alone. Dependencies resolve
// from the repository's node_modules (the scratch folder sits inside the repo).
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
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

const run = (args) => execFileSync("node", args, { cwd: scratch, encoding: "utf8" }).trim();
const esm = run([
  "--input-type=module",
  "-e",
  `import { runScenario, Simulation } from "dbsim";
   import { createTraceHasher } from "dbsim/testing";
   const r = runScenario({ workload: { rate: 100 }, duration: "1s", warmup: 0 });
   if (!(r.throughput.completedPerSec > 0)) throw new Error("no throughput");
   if (typeof Simulation !== "function" || typeof createTraceHasher !== "function") throw new Error("exports");
   console.log("import ok", r.latency.all.count);`,
]);
const cjs = run([
  "-e",
  `const { runScenario } = require("dbsim");
   const { createTraceHasher } = require("dbsim/testing");
   const r = runScenario({ workload: { rate: 100 }, duration: "1s", warmup: 0 });
   if (!(r.throughput.completedPerSec > 0) || typeof createTraceHasher !== "function") throw new Error("require");
   console.log("require ok", r.latency.all.count);`,
]);
const bin = run([join(scratch, "node_modules", "dbsim", "dist", "cli.js"), "list"]);
if (esm !== cjs.replace("require", "import"))
  throw new Error(`import and require differ: ${esm} / ${cjs}`);
if (!bin.includes("read-heavy")) throw new Error(`dbsim list printed: ${bin}`);
console.log(esm);
console.log(cjs);
console.log("bin ok");
console.log(`tarball contents: ${readdirSync(join(scratch, "node_modules", "dbsim")).join(", ")}`);
