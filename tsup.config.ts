import { defineConfig } from "tsup";
import { fastCheckLoader } from "./scripts/fast-check-loader";

export default defineConfig([
  {
    // dbsim/calibrate has an entry of its own: its solver (ml-levenberg-marquardt and
    // ml-matrix, bundled) would otherwise weigh on every browser user of the library.
    entry: {
      index: "src/index.ts",
      testing: "src/testing/index.ts",
      calibrate: "src/calibrate/index.ts",
    },
    format: ["esm", "cjs"],
    // The declarations of dbsim/node too: one TypeScript program for every entry's
    // types instead of a second one in the next config (a third of the build's CPU).
    dts: {
      entry: {
        index: "src/index.ts",
        testing: "src/testing/index.ts",
        calibrate: "src/calibrate/index.ts",
        node: "src/node/index.ts",
      },
    },
    sourcemap: true,
    // tsup builds the configs in parallel: keep the CLI's output (next config) out of the clean.
    clean: ["!cli.js", "!cli.js.map", "!node*"],
    target: "es2022",
    platform: "neutral",
    // tinyqueue is ESM-only: bundle it so the CJS build needs no require(esm).
    noExternal: ["tinyqueue"],
    external: ["seedrandom", "zod", "fast-check"],
    // dbsim/testing loads fast-check with a clear error when it is missing.
    esbuildPlugins: [fastCheckLoader],
  },
  {
    // dbsim/node (Node-only): experiments on worker threads. Each worker loads
    // dist/node-worker.js, the ESM build of src/node/worker.ts; the CJS build of
    // node.cjs points its workers there too (shims gives it import.meta.url).
    entry: { node: "src/node/index.ts", "node-worker": "src/node/worker.ts" },
    format: ["esm", "cjs"],
    platform: "node",
    target: "node20",
    // Its declarations come from the first config's program.
    dts: false,
    sourcemap: true,
    clean: false,
    shims: true,
    // No shared chunks: the first config's clean could remove them while this one builds.
    splitting: false,
    noExternal: ["tinyqueue"],
    external: ["piscina", "seedrandom", "zod"],
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
    external: ["commander", "piscina", "seedrandom", "zod"],
  },
]);
