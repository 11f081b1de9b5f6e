#!/usr/bin/env node
// The `dbsim` command. In the published package it runs the build (dist/cli.js).
// In a git checkout (src/ is there, and is not published) it runs the current
// TypeScript source through tsx, a devDependency: `npm ci` builds nothing, so
// `npx dbsim` works right after it and never runs a stale build.
import { existsSync } from "node:fs";

const source = new URL("../src/cli/bin.ts", import.meta.url);
if (existsSync(source)) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(source.href);
} else {
  await import(new URL("../dist/cli.js", import.meta.url).href);
}
