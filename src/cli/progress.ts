// Progress of a long run on a terminal: a `\r` percentage line on stderr, shown
// only when stderr is a TTY and the run has taken a moment, cleared at the end.

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

/**
 * Creates a progress line labelled `label`. Nothing is drawn before `delayMs`
 * has passed (short runs do not flicker), nor when stderr is not a terminal.
 */
export function createProgress(
  io: ProgressIO,
  label: string,
  delayMs = 250,
  now: () => number = Date.now,
): Progress {
  const started = now();
  let shown = -1;
  let width = 0;
  const update = (fraction: number): void => {
    const percent = Math.floor(Math.min(1, Math.max(0, fraction)) * 100);
    if (percent === shown || now() - started < delayMs) return;
    shown = percent;
    const line = `${label}: ${percent}%`;
    width = Math.max(width, line.length);
    io.stderr(`\r${line}`);
  };
  return {
    update: io.isTTY ? update : undefined,
    clear(): void {
      if (width > 0) io.stderr(`\r${" ".repeat(width)}\r`);
      width = 0;
    },
  };
}
