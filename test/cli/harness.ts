// Runs the `dbsim` command in-process with captured output and the real file
// system, as the CLI tests need it.
import { readFile, writeFile } from "node:fs/promises";
import { type CliIO, main } from "../../src/cli/main.js";

/** What a command run gives back. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `dbsim argv…` with `cwd` as its working directory; `overrides` replace parts of its I/O. */
export async function runCli(
  argv: string[],
  cwd: string,
  overrides: Partial<CliIO> = {},
): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const io: CliIO = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    isTTY: false,
    readFile: (path) => readFile(path, "utf8"),
    writeFile: (path, data) => writeFile(path, data, "utf8"),
    cwd,
    env: {},
    ...overrides,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
