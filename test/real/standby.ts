// A streaming standby of a RealCluster: pg_basebackup of the primary into its own
// temporary directory (-R writes standby.signal and primary_conninfo, -X stream
// copies the WAL the backup needs), started on another loopback port, and always
// stopped and removed: `stop()`, and a process-exit hook in case the run dies first.
import { spawnSync } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asUser, freePort, PG_BIN, type RealCluster, run } from "./harness.js";

/** A running standby. */
export interface RealStandby {
  readonly port: number;
  /** Stops the standby and removes its directory; safe to call twice. */
  stop(): void;
}

const live = new Set<RealStandby>();
process.on("exit", () => {
  for (const standby of live) standby.stop();
});

/**
 * Starts a standby of `primary` with these server settings (`-c name=value`).
 * Stop it before the primary.
 */
export async function startStandby(
  primary: RealCluster,
  settings: Readonly<Record<string, string>>,
): Promise<RealStandby> {
  const dir = mkdtempSync(join(tmpdir(), "dbsim-standby-"));
  const owner = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  if (process.getuid?.() === 0 && owner.status === 0) {
    const uid = Number(owner.stdout.trim());
    chownSync(dir, uid, uid);
  }
  const port = await freePort();
  const data = join(dir, "data");
  let stopped = false;
  const standby: RealStandby = {
    port,
    stop() {
      if (stopped) return;
      stopped = true;
      live.delete(standby);
      const [file, argv] = asUser(`${PG_BIN}/pg_ctl`, [
        "-D",
        data,
        "-m",
        "immediate",
        "-w",
        "stop",
      ]);
      spawnSync(file, argv, { stdio: "ignore", timeout: 30_000 });
      rmSync(dir, { recursive: true, force: true });
    },
  };
  live.add(standby);
  try {
    run(`${PG_BIN}/pg_basebackup`, [
      ...["-h", "127.0.0.1", "-p", String(primary.pgPort), "-U", "postgres"],
      ...["-D", data, "-R", "-X", "stream", "--checkpoint=fast", "--no-sync"],
    ]);
    const options = [
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      ...Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`),
    ].join(" ");
    run(`${PG_BIN}/pg_ctl`, [
      ...["-D", data, "-o", options, "-l", join(dir, "standby.log"), "-w", "start"],
    ]);
  } catch (error) {
    standby.stop();
    throw error;
  }
  return standby;
}
