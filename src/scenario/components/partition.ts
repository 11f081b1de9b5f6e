// The network's other timeline event: a partition. Traffic between the two
// sides stops for a while, then flows again. The application's operations
// toward a node across it wait for the link until the driver's timeout; a
// replica cut from its primary receives nothing until it heals (as in a
// replica outage); the read router stops sending to a replica once its
// health check has missed enough pings. network.ts applies it.
import * as z from "zod";
import { DurationSchema, positiveInt } from "../fields.js";
import { timedEvent } from "../timeline-fields.js";

const side = () => z.array(z.string().min(1)).min(1).max(10_000);

/**
 * `{ at, kind: "partition", for, sides: [[…], […]] }`: from `at` for `for`,
 * nothing crosses between a name of one side and a name of the other. Names
 * are node names (`primary`, `replica-1`, `s0/primary`, …), `app` (the
 * application with its drivers, poolers and proxy) and, with a `regions`
 * section, region names: a region stands for its sessions and its nodes
 * (partition-regions.ts).
 *
 * @remarks Since 0.2.0
 */
export const PartitionEvent = timedEvent(
  "partition",
  "Traffic between two groups of nodes stops for a while: operations across it wait for the link, up to the driver's timeout",
  {
    for: DurationSchema.describe("How long the partition lasts"),
    sides: z
      .tuple([side(), side()])
      .describe(
        'The two sides: node names, "app" (the application, its poolers and proxy) and, with a regions section, region names (everything in the region: its sessions and its nodes)',
      ),
    driverTimeout: DurationSchema.default(924_600).describe(
      "How long the application's driver waits on a link that carries nothing before it fails the operation with network_timeout. libpq and JDBC set no such timeout by default, so the kernel's TCP retransmissions decide: about 924.6 s with Linux's default tcp_retries2 = 15 (docs/networking/ip-sysctl.rst); set libpq's tcp_user_timeout or JDBC's socketTimeout to shorten it",
    ),
    healthCheck: z
      .strictObject({
        interval: DurationSchema.refine((ms) => ms > 0, "expected a duration > 0")
          .default(8_000)
          .describe(
            "How often the router pings each replica (ProxySQL mysql-monitor_ping_interval, default 8000 ms)",
          ),
        failures: positiveInt()
          .max(1_000)
          .default(3)
          .describe(
            "Missed pings in a row before the replica gets no reads (ProxySQL mysql-monitor_ping_max_failures, default 3)",
          ),
        timeout: DurationSchema.default(1_000).describe(
          "How long a ping waits for its answer (ProxySQL mysql-monitor_ping_timeout, default 1000 ms)",
        ),
      })
      .prefault({})
      .describe("How the read router notices a replica it cannot reach, and that it is back"),
  },
);

/** @internal One partition, resolved. */
export type Partition = z.output<typeof PartitionEvent>;
