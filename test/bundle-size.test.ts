// The size budget of the library in a browser: the public entry bundled and
// minified for `platform: "browser"` (as a web page's bundler would) must stay
// under BUDGET_GZIP_BYTES compressed. At 0.2.0-dev it was 149 KB gzip, 168 KB
// with the advisor, 196 KB once regions, CQRS, services and faults came in
// (about 7,500 lines of source: 28 KB, in proportion), 215 KB with multi-primary
// regions, failover's re-pointing and rejoin, the write-path calibration and the
// resharding's carry and checks (budget raised from 215 KB to 230 KB then); the budget leaves room
// and fails a jump (a new dependency, a whole locale table) loudly. The playground's own assets have
// their budgets in test/playground/browser.test.ts.
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

/** The budget: 230 KB after gzip -9. */
const BUDGET_GZIP_BYTES = 230_000;

describe("browser bundle size", () => {
  it(`the minified browser bundle of the public API is under ${BUDGET_GZIP_BYTES / 1000} KB gzip`, async () => {
    const result = await build({
      entryPoints: ["src/index.ts"],
      bundle: true,
      platform: "browser",
      format: "esm",
      minify: true,
      write: false,
      logLevel: "silent",
    });
    const code = result.outputFiles[0]?.contents ?? new Uint8Array();
    expect(code.length).toBeGreaterThan(10_000);
    const gzipBytes = gzipSync(code, { level: 9 }).length;
    expect(gzipBytes).toBeLessThan(BUDGET_GZIP_BYTES);
  });
});
