// Starts a real PostgreSQL (and pgbouncer) from Debian's packages on loopback, as
// an unprivileged user in a temporary directory, and always stops and removes
// them: `stop()` in afterAll, and a process-exit hook in case the run dies first.
// PostgreSQL refuses to run as root, so as root the programs run as `postgres`
// through runuser(1).
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PG_BIN = "/usr/lib/postgresql/15/bin";
const PGBOUNCER = "/usr/sbin/pgbouncer";
const PSQL = "/usr/bin/psql";
const PGBENCH = `${PG_BIN}/pgbench`;
const RUN_AS = "postgres";

/** Why the real programs cannot run here, or null when they can. */
export function missingPrograms(): string | null {
  const needed = [
    `${PG_BIN}/initdb`,
    `${PG_BIN}/pg_ctl`,
    `${PG_BIN}/pg_basebackup`,
    PGBOUNCER,
    PSQL,
    PGBENCH,
  ];
  const missing = needed.filter((path) => !existsSync(path));
  if (missing.length > 0) {
    return `skipped: ${missing.join(", ")} missing (apt-get install postgresql pgbouncer; .ci/run does)`;
  }
  const root = process.getuid?.() === 0;
  if (root && spawnSync("id", ["-u", RUN_AS]).status !== 0) {
    return `skipped: running as root and there is no user ${RUN_AS} to run PostgreSQL as`;
  }
  return null;
}

/** The command line that runs `command` as the unprivileged user (runuser when root). */
export function asUser(command: string, args: readonly string[]): [string, string[]] {
  return process.getuid?.() === 0
    ? ["runuser", ["-u", RUN_AS, "--", command, ...args]]
    : [command, [...args]];
}

/** Runs a program to completion (as the unprivileged user) and returns its stdout. */
export function run(command: string, args: readonly string[], timeoutMs = 60_000): string {
  const [file, argv] = asUser(command, args);
  return execFileSync(file, argv, {
    encoding: "utf8",
    timeout: timeoutMs,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** A free TCP port on 127.0.0.1 (the OS picks it; it is free when we return). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A running PostgreSQL (and maybe a pgbouncer in front of it). */
export interface RealCluster {
  readonly dir: string;
  readonly pgPort: number;
  bouncerPort: number | null;
  /** Starts pgbouncer with these settings (pgbouncer.ini [pgbouncer] lines). */
  startPgbouncer(settings: Readonly<Record<string, string | number>>): Promise<number>;
  /** pgbouncer's log so far. */
  bouncerLog(): string;
  /** Stops everything and removes the directory; safe to call twice. */
  stop(): void;
}

const live = new Set<RealCluster>();
process.on("exit", () => {
  for (const cluster of live) cluster.stop();
});

async function waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Writes pgbouncer.ini and the auth file into `dir` and starts pgbouncer in front of `pgPort`. */
async function launchPgbouncer(
  dir: string,
  pgPort: number,
  settings: Readonly<Record<string, string | number>>,
): Promise<{ port: number; pid: number | null }> {
  const port = await freePort();
  const ini = [
    "[databases]",
    `postgres = host=127.0.0.1 port=${pgPort} dbname=postgres`,
    "[pgbouncer]",
    "listen_addr = 127.0.0.1",
    `listen_port = ${port}`,
    `unix_socket_dir = ${dir}`,
    "auth_type = trust",
    `auth_file = ${join(dir, "users.txt")}`,
    "admin_users = postgres",
    `logfile = ${join(dir, "pgbouncer.log")}`,
    `pidfile = ${join(dir, "pgbouncer.pid")}`,
    ...Object.entries(settings).map(([key, value]) => `${key} = ${value}`),
  ].join("\n");
  writeFileSync(join(dir, "users.txt"), '"postgres" ""\n', { mode: 0o644 });
  writeFileSync(join(dir, "pgbouncer.ini"), `${ini}\n`, { mode: 0o644 });
  const [file, argv] = asUser(PGBOUNCER, [join(dir, "pgbouncer.ini")]);
  const child = spawn(file, argv, { stdio: "ignore", detached: false });
  await waitFor(
    () =>
      spawnSync(PSQL, [
        "-h",
        "127.0.0.1",
        "-p",
        String(port),
        "-U",
        "postgres",
        "-Atc",
        "SHOW VERSION",
        "pgbouncer",
      ]).status === 0,
    "pgbouncer to accept connections",
  );
  return { port, pid: child.pid ?? null };
}

/** initdb and start PostgreSQL 15 on 127.0.0.1 in a new temporary directory. */
export async function startPostgres(): Promise<RealCluster> {
  const dir = mkdtempSync(join(tmpdir(), "dbsim-real-"));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync("id", ["-u", RUN_AS], { encoding: "utf8" }).trim());
    chownSync(dir, uid, uid);
  }
  const pgPort = await freePort();
  let bouncerPid: number | null = null;
  let stopped = false;
  const cluster: RealCluster = {
    dir,
    pgPort,
    bouncerPort: null,
    async startPgbouncer(settings) {
      const bouncer = await launchPgbouncer(dir, pgPort, settings);
      bouncerPid = bouncer.pid;
      cluster.bouncerPort = bouncer.port;
      return bouncer.port;
    },
    bouncerLog() {
      return readFileSync(join(dir, "pgbouncer.log"), "utf8");
    },
    stop() {
      if (stopped) return;
      stopped = true;
      live.delete(cluster);
      if (bouncerPid !== null) {
        try {
          process.kill(bouncerPid, "SIGTERM");
        } catch {
          // Already gone.
        }
      }
      const [file, argv] = asUser(`${PG_BIN}/pg_ctl`, [
        "-D",
        join(dir, "data"),
        "-m",
        "immediate",
        "-w",
        "stop",
      ]);
      spawnSync(file, argv, { stdio: "ignore", timeout: 30_000 });
      rmSync(dir, { recursive: true, force: true });
    },
  };
  live.add(cluster);
  try {
    run(`${PG_BIN}/initdb`, [
      "-D",
      join(dir, "data"),
      "-A",
      "trust",
      "-U",
      "postgres",
      "--no-sync",
    ]);
    const options = `-p ${pgPort} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    run(`${PG_BIN}/pg_ctl`, [
      "-D",
      join(dir, "data"),
      "-o",
      options,
      "-l",
      join(dir, "postgres.log"),
      "-w",
      "start",
    ]);
  } catch (error) {
    cluster.stop();
    throw error;
  }
  return cluster;
}

/** Runs one SQL command through psql on a port; resolves with its exit code, stderr and elapsed ms. */
export function psql(
  port: number,
  sql: string,
  database = "postgres",
  header = false,
): Promise<{ code: number; stderr: string; stdout: string; elapsedMs: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(
      PSQL,
      [
        "-h",
        "127.0.0.1",
        "-p",
        String(port),
        "-U",
        "postgres",
        "-X",
        header ? "-Ac" : "-Atc",
        sql,
        database,
      ],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("close", (code) =>
      resolve({ code: code ?? -1, stderr, stdout, elapsedMs: performance.now() - started }),
    );
  });
}

export { PG_BIN, PGBENCH, PSQL };

/** SHOW POOLS on pgbouncer's admin console: the row of database `postgres`, by column name. */
export async function showPools(port: number): Promise<Record<string, number>> {
  const result = await psql(port, "SHOW POOLS", "pgbouncer", true);
  const [head = "", ...rows] = result.stdout.trim().split("\n");
  const names = head.split("|");
  const row = rows.map((r) => r.split("|")).find((cells) => cells[0] === "postgres") ?? [];
  return Object.fromEntries(names.map((name, i) => [name, Number(row[i])]));
}
