// Makes `npx dbsim` work inside this repository after `npm ci`: npm links the
// bins of dependencies into node_modules/.bin, never the package's own. Run by
// the `prepare` script, after the build.
import { existsSync, lstatSync, mkdirSync, rmSync, symlinkSync } from "node:fs";

const target = "../../dist/cli.js";
const link = "node_modules/.bin/dbsim";
if (!existsSync("dist/cli.js")) {
  console.error("link-bin: dist/cli.js is missing; run the build first");
  process.exit(1);
}
mkdirSync("node_modules/.bin", { recursive: true });
try {
  if (lstatSync(link)) rmSync(link, { force: true });
} catch {
  // no previous link
}
symlinkSync(target, link);
