// The `dbsim` executable (dist/cli.js; tsup adds the shebang): runs main with
// the real process and sets the exit code.
import { readFile, writeFile } from "node:fs/promises";
import { main } from "./main.js";

// `dbsim schema | head` closes the pipe early: stop quietly instead of throwing EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => {
    process.stdout.write(text);
  },
  stderr: (text) => {
    process.stderr.write(text);
  },
  isTTY: process.stderr.isTTY === true,
  readFile: (path) => readFile(path, "utf8"),
  writeFile: (path, data) => writeFile(path, data, "utf8"),
  cwd: process.cwd(),
  env: process.env,
});
