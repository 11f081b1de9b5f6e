// Errors the CLI raises for bad input: they carry the lines to print and end in
// exit code 2, never with a stack trace.

/**
 * Bad input (a missing file, malformed JSON, an invalid scenario or option):
 * `main` prints `lines` to stderr and exits 2.
 *
 * @remarks Since 0.1.0
 */
export class UsageError extends Error {
  /** The lines to print, without trailing newlines. */
  readonly lines: readonly string[];

  /** @param lines - the lines to print; the first becomes the message */
  constructor(lines: readonly string[]) {
    super(lines[0] ?? "bad input");
    this.name = "UsageError";
    this.lines = lines;
  }
}

/** A Node.js system error (`ENOENT`, `EACCES`, …) as thrown by `node:fs`. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === "string" && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "is a directory",
  ENOTDIR: "a part of the path is not a directory",
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
  EMFILE: "too many open files",
};

/** A short human text for a file-system error, without the stack or the syscall. */
export function describeFsError(error: unknown): string {
  const code = errnoCode(error);
  if (code !== undefined) return ERRNO_TEXT[code] ?? code;
  return error instanceof Error ? error.message : String(error);
}
