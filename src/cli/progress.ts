// Progress of a long run on a terminal: a `\r` line on stderr with the
// percentage, the time elapsed and an estimate of the time left, shown only
// when stderr is a TTY and the run has taken a moment, cleared at the end.

/** Where progress goes: stderr, and whether it is a terminal. */
export interface ProgressIO {
  /** Writes to standard error. */
  stderr(text: string): void;
  /** Whether standard error is a terminal. */
  readonly isTTY: boolean;
}

/** A progress line: `update` for runScenarioDetailed's onProgress (absent off a terminal), `clear` at the end. */
export interface Progress {
  /** Reports the fraction done, 0..1; undefined when progress is not shown. */
  readonly update: ((fraction: number) => void) | undefined;
  /** Erases the line if one was drawn. */
  clear(): void;
}

/** Seconds as a short text: "45 s", "12 min", "3.5 h". */
export function formatSeconds(s: number): string {
  if (s < 90) return `${Math.max(1, Math.round(s))} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 360) / 10} h`;
}

/**
 * The progress line's text: the percentage, then (after a second) the time
 * elapsed and the time left at the pace so far.
 */
export function progressLine(label: string, fraction: number, elapsedMs: number): string {
  const f = Math.min(1, Math.max(0, fraction));
  const percent = Math.floor(f * 100);
  if (elapsedMs < 1000) return `${label}: ${percent}%`;
  const elapsed = elapsedMs / 1000;
  const left =
    f > 0 ? `about ${formatSeconds((elapsed * (1 - f)) / f)} left` : "estimating time left";
  return `${label}: ${percent}% (${formatSeconds(elapsed)} elapsed, ${left})`;
}

/**
 * Creates a progress line labelled `label`. Nothing is drawn before `delayMs`
 * has passed (short runs do not flicker), nor when stderr is not a terminal;
 * the line is redrawn only when its text changes.
 */
export function createProgress(
  io: ProgressIO,
  label: string,
  delayMs = 250,
  now: () => number = Date.now,
): Progress {
  const started = now();
  let shown = "";
  let width = 0;
  const update = (fraction: number): void => {
    const t = now();
    if (t - started < delayMs) return;
    const line = progressLine(label, fraction, t - started);
    if (line === shown) return;
    shown = line;
    // Pad over a longer line drawn before.
    io.stderr(`\r${line.padEnd(width)}`);
    width = Math.max(width, line.length);
  };
  return {
    update: io.isTTY ? update : undefined,
    clear(): void {
      if (width > 0) io.stderr(`\r${" ".repeat(width)}\r`);
      width = 0;
    },
  };
}
