// `dbsim playground`: serves the built playground page (static files) on the
// loopback interface with node:http, so a user of the npm package opens it
// without Vite or a clone. GET and HEAD only; a path that leaves the folder,
// or names no file, is a 404.
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { UsageError } from "./errors.js";
import type { CliIO } from "./main.js";

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".map": "application/json; charset=utf-8",
};

// The page loads only its own files and runs no inline script: the policy
// says so, as a second wall behind the page's text-only rendering.
const HEADERS = {
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'",
  "X-Content-Type-Options": "nosniff",
  "Cache-Control": "no-cache",
};

/**
 * The built page's folder: `playground/dist` beside `src/` in a checkout, or
 * beside `dist/` in the published package; undefined when it is not built.
 *
 * @remarks Since 0.2.0
 */
export function playgroundRoot(): string | undefined {
  const candidates = ["../playground/dist/", "../../playground/dist/"].map((p) =>
    fileURLToPath(new URL(p, import.meta.url)),
  );
  return candidates.find((dir) => existsSync(join(dir, "index.html")));
}

async function respond(root: string, request: IncomingMessage, response: ServerResponse) {
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.writeHead(405, { Allow: "GET, HEAD" }).end();
    return;
  }
  const pathname = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
  const file = normalize(join(root, pathname.endsWith("/") ? `${pathname}index.html` : pathname));
  const inside = file.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
  if (!inside || !(await stat(file).catch(() => undefined))?.isFile()) {
    response.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("not found\n");
    return;
  }
  const body = await readFile(file);
  response.writeHead(200, {
    ...HEADERS,
    "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
    "Content-Length": body.length,
  });
  response.end(request.method === "HEAD" ? undefined : body);
}

/**
 * Serves the folder `root` on 127.0.0.1 at `port` (0: any free port) and
 * resolves once it listens, with the server and its address.
 *
 * @remarks Since 0.2.0
 */
export function servePlayground(
  root: string,
  port: number,
): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    respond(root, request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const { port: bound } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${bound}/` });
    });
  });
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError([
      `error: --port: expected an integer from 0 to 65535, got ${JSON.stringify(value)}`,
    ]);
  }
  return port;
}

/**
 * Adds `dbsim playground` to the program.
 *
 * @remarks Since 0.2.0
 */
export function addPlaygroundCommand(program: Command, io: CliIO): void {
  program
    .command("playground")
    .description("serve the playground page (design a plan in the browser) on 127.0.0.1")
    .option("--port <port>", "the port to listen on (0: any free port)", parsePort, 4173)
    .action(async (options: { readonly port: number }) => {
      const root = playgroundRoot();
      if (root === undefined) {
        throw new UsageError([
          "error: the playground is not built: run `npm run build:playground` in the dbsim checkout",
        ]);
      }
      const { url } = await servePlayground(root, options.port).catch(
        (error: NodeJS.ErrnoException) => {
          throw new UsageError([
            `error: cannot listen on 127.0.0.1:${options.port}: ${error.code ?? error.message}`,
          ]);
        },
      );
      io.stdout(`playground at ${url} (Ctrl-C stops it)\n`);
    });
}
