// The write-path calibration as text: the fitted parameters, the flush and the
// lock hold (or why each was not fitted), the simulation budget spent, the
// fit's quality and the levels by commit rule and shared rows.
import type { WritePathCalibration, WritePathLevel } from "./calibrate-write-path.js";
import { figure, type LevelColumns, levelLines } from "./format.js";

const CONDITION: LevelColumns<WritePathLevel> = {
  header: ["commit", "shared rows"],
  cells: (l) => [l.synchronousCommit, l.hotRows === 0 ? "none" : String(l.hotRows)],
};

/**
 * The write-path calibration as lines of text (no trailing newline).
 *
 * @remarks Since 0.2.0
 */
export function formatWritePathCalibration(calibration: WritePathCalibration): string {
  const p = calibration.parameters;
  const flush =
    calibration.flushMs === null
      ? `  log flush: not fitted — ${calibration.flushRefusal}`
      : `  log flush ${figure(calibration.flushMs)} ms (one fsync; commits in a flush share it)`;
  const hold =
    calibration.lockHoldMs === null
      ? `  row-lock hold: not fitted — ${calibration.lockRefusal}`
      : `  row-lock hold ${figure(calibration.lockHoldMs)} ms at light load (CPU, ${p.statements - 1} round trips of ${figure(p.roundTripMs)} ms, one flush)`;
  return [
    "Model: write path simulated on dbsim's server (row locks held to commit, group commit)",
    `  server CPU per transaction ${figure(p.demandMs)} core-ms on ${p.cores} cores, σ ${figure(p.sigma)}   κ ${figure(p.kappa)}`,
    `  client time outside the transaction ${figure(p.thinkMs)} ms`,
    flush,
    hold,
    `  simulated ${calibration.simulations} runs of ${calibration.transactionsPerRun} transactions`,
    `R² ${calibration.rSquared.toFixed(4)}`,
    ...levelLines("Fitted levels:", calibration.fitted, CONDITION),
    ...levelLines("Held-out levels (predicted, not fitted):", calibration.heldOut, CONDITION),
  ].join("\n");
}
