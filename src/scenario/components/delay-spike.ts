// The network's timeline event: for a while, a link's round trip grows by an
// extra delay (congestion, a noisy neighbour, a cross-AZ reroute). The links
// are the application's hops to the nodes (through whatever pooler or proxy
// sits in front of them) and the replication links; network.ts applies it.
import * as z from "zod";
import { DistributionSpecSchema, DurationSchema } from "../fields.js";
import { timedEvent } from "../timeline-fields.js";

/**
 * `{ at, kind: "delay-spike", for, extra, between? }`: from `at` for `for`,
 * every round trip started on the named link takes `extra` longer (half each
 * way). `between` names the link's two ends: `app` and a node (the
 * application's hop to that node), or the primary and a replica (its
 * replication link); left out, every hop from the application to a node.
 *
 * @remarks Since 0.2.0
 */
export const DelaySpikeEvent = timedEvent(
  "delay-spike",
  "Round trips on a link take longer for a while: every round trip started in the window pays `extra` more (half each way)",
  {
    for: DurationSchema.describe("How long the spike lasts"),
    extra: DistributionSpecSchema.describe(
      "The extra delay per round trip (ms): a number, a latency-table row or a distribution",
    ),
    between: z
      .tuple([z.string().min(1), z.string().min(1)])
      .optional()
      .describe(
        'The link\'s two ends: ["app", "<node>"] for the application\'s hop to a node, ["primary", "<replica>"] for a replication link; left out: every hop from the application to a node',
      ),
  },
);

/** @internal One delay spike, resolved. */
export type DelaySpike = z.output<typeof DelaySpikeEvent>;
