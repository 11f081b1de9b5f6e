// The error dbsim/testing throws when fast-check, its peer dependency, is not
// installed. Only a failure to find fast-check itself is replaced; any other
// error (a broken install, a syntax error inside fast-check) passes through.

const NOT_FOUND = new Set(["ERR_MODULE_NOT_FOUND", "MODULE_NOT_FOUND"]);

/**
 * Turns the error from loading fast-check into a clear one when fast-check is
 * missing; returns any other error unchanged.
 *
 * @internal
 */
export function missingFastCheck(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : "";
  if (typeof code !== "string" || !NOT_FOUND.has(code) || !message.includes("fast-check"))
    return error;
  return new Error(
    'dbsim/testing needs fast-check, a peer dependency that is not installed: run "npm install --save-dev fast-check" (version 3 or 4). The main "dbsim" entry works without it.',
    { cause: error },
  );
}
