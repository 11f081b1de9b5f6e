// The pool's timeline event: the pgbouncer in front of a node restarts.
// network.ts applies it on the application's side of the pooler
// (pooler-restart-port.ts).
import * as z from "zod";
import { DurationSchema } from "../fields.js";
import { timedEvent } from "../timeline-fields.js";

/**
 * `{ at, kind: "pooler-restart", node?, for, online? }`: the pgbouncer in
 * front of `node` (default the primary) is down from `at` for `for`; with
 * `online`, it restarts as `pgbouncer -R` does, handing its sockets to the new
 * process, so clients keep their connections and only wait.
 *
 * @remarks Since 0.2.0
 */
export const PoolerRestartEvent = timedEvent(
  "pooler-restart",
  "The pgbouncer in front of a node restarts: its connections drop (or, online, are handed over) and it accepts none until it is back",
  {
    node: z
      .string()
      .min(1)
      .default("primary")
      .describe("The node whose pgbouncer restarts (default primary)"),
    for: DurationSchema.describe("How long it takes to be back"),
    online: z
      .boolean()
      .default(false)
      .describe(
        "An online restart (pgbouncer -R): the new process takes over the old one's sockets, so clients keep their connections and wait meanwhile",
      ),
  },
);

/** @internal One pooler restart, resolved. */
export type PoolerRestart = z.output<typeof PoolerRestartEvent>;
