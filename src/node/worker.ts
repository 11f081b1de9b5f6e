// The module each worker thread loads (built as dist/node-worker.js): one run of
// an experiment per task, a pure function of the task.
import type { RunRecord } from "../experiment/result.js";
import { executeRun, type RunTask } from "../experiment/run.js";

/**
 * Runs one task of an experiment on a worker thread.
 *
 * @remarks Since 0.2.0
 */
export default function runTask(task: RunTask): RunRecord {
  return executeRun(task);
}
