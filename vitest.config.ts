import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (p: string) => fileURLToPath(new URL(`./src/${p}`, import.meta.url));

export default defineConfig({
  resolve: {
    // Examples and docs import the package by name; tests run them against the source.
    alias: [
      { find: /^dbsim\/testing$/, replacement: src("testing/index.ts") },
      { find: /^dbsim$/, replacement: src("index.ts") },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    // Isolation re-imports the library for every test file: on the 36 files of
    // kernel, latency, metrics, models, scenario and consistency that cost 41 s of
    // CPU against 9 s without it. No test mocks modules or changes a global it does
    // not restore, so sharing the module cache between files changes no result.
    isolate: false,
    // Vitest's default leaves one core to its main process, which is idle here:
    // on 2 cores that meant one worker.
    maxWorkers: availableParallelism(),
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
