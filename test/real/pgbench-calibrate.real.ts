// pgbench -S -j1 against a real PostgreSQL 15 on loopback: calibrate on some
// client counts, predict the others. dbsim's throughput there — the closed form
// and a short simulation of the written sections — must fall within the
// repeats' spread + 15 % of what pgbench measured (the acceptance rule of the
// calibration issue). pgbench runs on the same 2 cores as the server; its own
// CPU per transaction is part of the fitted client time, and its single thread
// (-j1) serialising the clients is left to σ and κ.
import { availableParallelism } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calibration, Measurement } from "../../src/calibrate/index.js";
import { calibrate, parsePgbench } from "../../src/calibrate/index.js";
import type { ScenarioInput } from "../../src/index.js";
import { runScenario } from "../../src/index.js";
import { missingPrograms, PGBENCH, type RealCluster, run, startPostgres } from "./harness.js";

const LEVELS = [1, 2, 4, 6, 8, 16];
const HOLDOUT = [4, 6];
const REPEATS = 3;
const SECONDS = 1;
const TOLERANCE_PERCENT = 15;

const skip = missingPrograms();
if (skip !== null) console.warn(`test/real: pgbench ${skip}`);

function pgbench(port: number, args: readonly string[]): string {
  return run(
    PGBENCH,
    ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", ...args, "postgres"],
    120_000,
  );
}

function simulated(fit: Calibration, clients: number): number {
  const input: ScenarioInput = {
    seed: 1,
    duration: 3_000,
    warmup: 500,
    workload: {
      clients,
      thinkTime: fit.sections.workload.thinkTime,
      readRatio: 1,
      keys: { count: 100_000, popularity: { kind: "uniform" } },
    },
    database: { ...fit.sections.database, connectionSetupTime: 0 },
    client: { ...fit.sections.client, poolSize: clients, connectRoundTrips: 0 },
  };
  return runScenario(input).throughput.completedPerSec;
}

describe.skipIf(skip !== null)(
  "real PostgreSQL 15: pgbench -S calibrated, held-out levels predicted",
  () => {
    let cluster: RealCluster;
    beforeAll(async () => {
      cluster = await startPostgres();
      pgbench(cluster.pgPort, ["-i", "-s", "1", "-q"]);
    }, 60_000);
    afterAll(() => cluster?.stop());

    /** One measurement of every level (repeats outermost), its fit and the held-out levels' errors. */
    function attempt() {
      const runs: Measurement[] = [];
      // Repeats outermost, so a burst of load from elsewhere hits one repeat of
      // every level rather than every repeat of one level.
      for (let r = 0; r < REPEATS; r++) {
        for (const clients of LEVELS) {
          const out = pgbench(cluster.pgPort, [
            "-S",
            "-j1",
            "-c",
            String(clients),
            "-T",
            String(SECONDS),
          ]);
          runs.push(...parsePgbench(out, `pgbench -c ${clients}`));
        }
      }
      expect(runs).toHaveLength(LEVELS.length * REPEATS);
      const fit = calibrate(runs, { cores: availableParallelism(), holdout: HOLDOUT });
      const lines = fit.heldOut.map((level) => {
        const sim = simulated(fit, level.concurrency);
        const simError = ((sim - level.measured) / level.measured) * 100;
        return { ...level, sim, simError, tolerance: level.spreadPercent + TOLERANCE_PERCENT };
      });
      console.info(
        `pgbench -S calibrated (cores ${fit.parameters.cores}, D ${fit.parameters.demandMs.toFixed(4)} ms, ` +
          `Z ${fit.parameters.clientMs.toFixed(4)} ms, σ ${fit.parameters.sigma.toPrecision(3)}, κ ${fit.parameters.kappa.toPrecision(3)}, R² ${fit.rSquared.toFixed(3)}); ` +
          lines
            .map(
              (l) =>
                `${l.concurrency} clients: measured ${l.measured.toFixed(0)}/s (spread ${l.spreadPercent.toFixed(1)} %), ` +
                `predicted ${l.predicted.toFixed(0)} (${l.errorPercent.toFixed(1)} %), simulated ${l.sim.toFixed(0)} (${l.simError.toFixed(1)} %)`,
            )
            .join("; "),
      );
      const within = lines.every(
        (l) => Math.abs(l.errorPercent) <= l.tolerance && Math.abs(l.simError) <= l.tolerance,
      );
      return { lines, within };
    }

    it(`fits on ${LEVELS.filter((n) => !HOLDOUT.includes(n)).join(", ")} clients and predicts ${HOLDOUT.join(", ")} within the spread + ${TOLERANCE_PERCENT} %`, () => {
      // The machine is shared: a burst of load from elsewhere during one level's
      // seconds disturbs a measurement (seen: a fit with R² below 0). A second
      // measurement is taken when the first misses; a model that is wrong misses both.
      let result = attempt();
      if (!result.within) result = attempt();
      for (const l of result.lines) {
        expect(Math.abs(l.errorPercent), `${l.concurrency} clients, predicted`).toBeLessThanOrEqual(
          l.tolerance,
        );
        expect(Math.abs(l.simError), `${l.concurrency} clients, simulated`).toBeLessThanOrEqual(
          l.tolerance,
        );
      }
    }, 180_000);
  },
);
