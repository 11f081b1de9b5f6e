import { defineConfig } from "tsup";
import { fastCheckLoader } from "./scripts/fast-check-loader";

export default defineConfig([
  {
    entry: { index: "src/index.ts", testing: "src/testing/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    // tsup builds the configs in parallel: keep the CLI's output (next config) out of the clean.
    clean: ["!cli.js", "!cli.js.map"],
    target: "es2022",
    platform: "neutral",
    // tinyqueue is ESM-only: bundle it so the CJS build needs no require(esm).
    noExternal: ["tinyqueue"],
    external: ["seedrandom", "zod", "fast-check"],
    // dbsim/testing loads fast-check with a clear error when it is missing.
    esbuildPlugins: [fastCheckLoader],
  },
  {
    // The `dbsim` command (package.json "bin"): Node-only, ESM, with a shebang.
    entry: { cli: "src/cli/bin.ts" },
    format: ["esm"],
    platform: "node",
    target: "node20",
    banner: { js: "#!/usr/bin/env node" },
    dts: false,
    sourcemap: true,
    clean: false,
    noExternal: ["tinyqueue"],
    external: ["commander", "seedrandom", "zod"],
  },
]);
