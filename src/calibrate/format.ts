// The calibration as text: the parameters, the fit's quality, the levels
// (fitted and held out) and the peak. The JSON sections are printed by the CLI.
import type { Calibration, CalibrationLevel } from "./calibrate.js";

/**
 * A figure to `digits` significant digits.
 *
 * @internal
 */
export function figure(value: number, digits = 4): string {
  return Number(value.toPrecision(digits)).toString();
}

function signed(value: number): string {
  return `${value >= 0 ? "+" : ""}${value.toFixed(1)} %`;
}

/**
 * Leading columns a table of levels may carry: their headers and each level's cells.
 *
 * @internal
 */
export interface LevelColumns<L extends CalibrationLevel> {
  readonly header: readonly string[];
  readonly cells: (level: L) => readonly string[];
}

const READS: LevelColumns<CalibrationLevel> = {
  header: ["reads/tx"],
  cells: (l) => [figure(l.pageReads ?? 0, 3)],
};

/**
 * A titled, aligned table of levels (none: no lines).
 *
 * @internal
 */
export function levelLines<L extends CalibrationLevel>(
  title: string,
  levels: readonly L[],
  columns?: LevelColumns<L>,
): string[] {
  if (levels.length === 0) return [];
  const lead: LevelColumns<L> | undefined =
    columns ?? (levels.some((l) => l.pageReads !== undefined) ? READS : undefined);
  const rows = levels.map((l) => [
    ...(lead === undefined ? [] : lead.cells(l)),
    String(l.concurrency),
    String(l.repeats),
    figure(l.measured, 5),
    `${l.spreadPercent.toFixed(1)} %`,
    figure(l.predicted, 5),
    signed(l.errorPercent),
  ]);
  const header = [
    ...(lead === undefined ? [] : lead.header),
    "clients",
    "runs",
    "measured/s",
    "spread",
    "predicted/s",
    "error",
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    `  ${cells.map((c, i) => c.padStart(widths[i] ?? 0)).join("  ")}`;
  return [title, line(header), ...rows.map(line)];
}

function serviceTimeLines(calibration: Calibration): string[] {
  const shape = calibration.serviceTime;
  if (shape === undefined) return [];
  const { median, p99 } = shape.measured;
  return [
    `  latency (${shape.source}): lognormal, median ${figure(median)} ms, p99 ${figure(p99)} ms, σ ${figure(shape.sigma)}`,
    "  statement time: a lognormal of that σ with the fitted mean",
  ];
}

/**
 * The calibration as lines of text (no trailing newline).
 *
 * @remarks Since 0.2.0
 */
export function formatCalibration(calibration: Calibration): string {
  const p = calibration.parameters;
  const parameters =
    calibration.model === "usl" && calibration.usl !== undefined
      ? [
          `  λ (one client) ${figure(calibration.usl.lambda)}/s`,
          `  σ ${figure(calibration.usl.sigma)}   κ ${figure(calibration.usl.kappa)}`,
        ]
      : [
          `  server CPU per transaction ${figure(p.demandMs)} core-ms on ${p.cores} cores`,
          `  client time per transaction ${figure(p.clientMs)} ms (think time and round trip)`,
          `  σ ${figure(p.sigma)}   κ ${figure(p.kappa)} (fitted to what the mechanisms leave)`,
          ...(p.pageReadMs === undefined
            ? []
            : [`  page read ${figure(p.pageReadMs)} ms (a wait that holds no core)`]),
        ];
  return [
    `Model: ${calibration.model === "usl" ? "USL (λ, σ, κ)" : "closed loop on dbsim's server, then USL σ, κ"}`,
    ...parameters,
    ...serviceTimeLines(calibration),
    `R² ${calibration.rSquared.toFixed(4)}`,
    ...levelLines("Fitted levels:", calibration.fitted),
    ...levelLines("Held-out levels (predicted, not fitted):", calibration.heldOut),
    `Peak: ${figure(calibration.peak.throughput, 5)}/s at ${calibration.peak.concurrency} clients`,
  ].join("\n");
}
