// Files the CLI writes: checked before a run, so a typo in --out or --history fails
// in a second instead of after an hour; and a history streamed line by line in
// chunks, so its size on disk, not in memory, is what grows with the run (one
// string of 10⁶ lines took 856 MB; 3·10⁶ passed V8's string limit). Node-only:
// the rest of src/ stays browser-safe.
import { constants } from "node:fs";
import { access, type FileHandle, open, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { type HistoryOp, historyOpToJSONLine } from "../consistency/history.js";
import { describeFsError, errnoCode, UsageError } from "./errors.js";

/** Characters gathered before each write: large enough that writes are few, small enough to not matter. */
const CHUNK_CHARS = 1 << 20;

/**
 * Fails with a UsageError naming the option and the path when `path` cannot be
 * written: its folder is missing or not a folder, it is a folder itself, or it
 * (or, when it does not exist yet, its folder) is not writable.
 *
 * @param option - the option as typed, for the message (`--out`)
 * @param typed - the path as the user typed it
 * @param path - the same path, resolved
 * @remarks Since 0.2.0
 */
export async function checkWritable(option: string, typed: string, path: string): Promise<void> {
  const fail = (why: string): never => {
    throw new UsageError([`error: ${option} ${typed}: cannot write there: ${why}`]);
  };
  const folder = dirname(path);
  try {
    if (!(await stat(folder)).isDirectory()) fail(`${folder} is not a folder`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    fail(
      errnoCode(error) === "ENOENT"
        ? `no such folder ${folder}`
        : `${folder}: ${describeFsError(error)}`,
    );
  }
  let exists = true;
  try {
    if ((await stat(path)).isDirectory()) fail(`${path} is a folder`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    exists = false;
  }
  try {
    await access(exists ? path : folder, constants.W_OK);
  } catch (error) {
    fail(`${exists ? path : folder}: ${describeFsError(error)}`);
  }
}

/**
 * Writes `ops` to `path` as JSON lines ({@link historyOpToJSONLine}), a chunk at a time.
 *
 * @returns the number of operations written
 * @throws the file system's error when the file cannot be opened or written
 * @remarks Since 0.2.0
 */
export async function writeHistoryFile(path: string, ops: Iterable<HistoryOp>): Promise<number> {
  const file = await open(path, "w");
  let count = 0;
  try {
    let chunk = "";
    for (const op of ops) {
      chunk += `${historyOpToJSONLine(op)}\n`;
      count++;
      if (chunk.length >= CHUNK_CHARS) {
        await writeAll(file, chunk);
        chunk = "";
      }
    }
    await writeAll(file, chunk);
  } finally {
    await file.close();
  }
  return count;
}

/** A write may take fewer bytes than given: loop until every byte is written. */
async function writeAll(file: FileHandle, text: string): Promise<void> {
  const bytes = Buffer.from(text, "utf8");
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await file.write(bytes, done, bytes.length - done);
    done += bytesWritten;
  }
}
