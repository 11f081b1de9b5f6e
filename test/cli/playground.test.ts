// `dbsim playground`'s static server (src/cli/playground.ts): it answers on
// 127.0.0.1 only, serves the folder's files with their types and a content
// security policy, and refuses paths outside the folder and other methods.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { servePlayground } from "../../src/cli/playground.js";
import { runCli } from "./harness.js";

describe("dbsim playground server", () => {
  let dir: string;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "dbsim-playground-"));
    await mkdir(join(dir, "site", "assets"), { recursive: true });
    await writeFile(join(dir, "site", "index.html"), "<!doctype html><title>t</title>");
    await writeFile(join(dir, "site", "assets", "a.js"), "export {};");
    await writeFile(join(dir, "secret.txt"), "outside");
    ({ server, url } = await servePlayground(join(dir, "site"), 0));
  });
  afterAll(async () => {
    server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("listens on the loopback address and serves index.html for /", async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await response.text()).toBe("<!doctype html><title>t</title>");
  });

  it("serves scripts as JavaScript (a module worker is refused otherwise)", async () => {
    const response = await fetch(`${url}assets/a.js`);
    expect(response.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
  });

  it("refuses a path out of the folder, a missing file and a POST", async () => {
    expect((await fetch(`${url}..%2fsecret.txt`)).status).toBe(404);
    expect((await fetch(`${url}%2e%2e/secret.txt`)).status).toBe(404);
    expect((await fetch(`${url}nope.js`)).status).toBe(404);
    expect((await fetch(url, { method: "POST" })).status).toBe(405);
  });

  it("dbsim playground --port: a bad value names the option and the value", async () => {
    const run = await runCli(["playground", "--port", "70000"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--port: expected an integer from 0 to 65535, got "70000"');
  });
});
