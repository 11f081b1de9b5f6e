// An esbuild plugin for the CommonJS build of dbsim/testing: replaces
// src/testing/fast-check.ts (top-level await, which CommonJS cannot have) with
// its synchronous twin fast-check.cjs.ts. The ESM build is left as it is.
import { join } from "node:path";
import type { Plugin } from "esbuild";

export const fastCheckLoader: Plugin = {
  name: "fast-check-loader",
  setup(build) {
    if (build.initialOptions.format !== "cjs") return;
    build.onResolve({ filter: /^\.\/fast-check\.js$/ }, (args) => ({
      path: join(args.resolveDir, "fast-check.cjs.ts"),
    }));
  },
};
