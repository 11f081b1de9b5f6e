// The application's driver: one per database node (the router picks among
// them), or one in front of ProxySQL. It holds the application's connections.
import * as z from "zod";
import { type ClientConfig, DatabaseClient } from "../../models/client/client.js";
import type { ClientErrorKind } from "../../models/client/errors.js";
import { DistributionSpecSchema, DurationSchema, positiveInt } from "../fields.js";
import { alignColumns } from "../table-text.js";
import type { BuildContext, Component, Way } from "./component.js";
import { regionMap, wayRegions } from "./regions-map.js";

/**
 * The `client` section: how the application holds connections.
 *
 * @remarks Since 0.1.0
 */
export const ClientSchema = z
  .strictObject({
    connections: z
      .enum(["persistent", "per-request"])
      .default("persistent")
      .describe(
        "persistent: an application-side pool per instance; per-request: open and close a connection for every request",
      ),
    instances: positiveInt()
      .max(100_000)
      .default(1)
      .describe("Application instances, each with its own pool"),
    poolSize: positiveInt()
      .max(100_000)
      .default(10)
      .describe("Persistent connections per instance"),
    connectionTimeout: DurationSchema.default(30_000).describe(
      "How long a request waits for a pooled connection before failing (HikariCP default 30 s)",
    ),
    roundTrip: DistributionSpecSchema.default("sameDatacenterRoundTrip").describe(
      "Network round trip between application and database (ms)",
    ),
    connectRoundTrips: z
      .number()
      .int()
      .nonnegative()
      .max(100)
      .default(3)
      .describe("Round trips to open a connection (TCP handshake, startup, authentication)"),
  })
  .describe("The application's database driver");

/**
 * The client's figures.
 *
 * @remarks Since 0.1.0
 */
export const ClientReportSchema = z.strictObject({
  connections: z.enum(["persistent", "per-request"]),
  connectionsOpened: z
    .number()
    .int()
    .nonnegative()
    .describe("Connection set-ups paid in the window"),
  waitingMax: z
    .number()
    .int()
    .nonnegative()
    .describe("Most requests waiting at once for a pooled connection"),
});

const ClientSection = ClientSchema.prefault({});

/**
 * The application's driver: wraps every way in with a {@link DatabaseClient}.
 *
 * @remarks Since 0.2.0
 */
export const client: Component<typeof ClientSection, typeof ClientReportSchema> = {
  key: "client",
  schema: ClientSection,
  report: { key: "client", schema: ClientReportSchema },
  errorKinds: [
    {
      kind: "connection_timeout" satisfies ClientErrorKind,
      cause: (s) =>
        `the application's connection pool (connectionTimeout ${s.client.connectionTimeout} ms)`,
    },
  ],
  table(section, report) {
    return [
      "Client",
      ...alignColumns(
        [
          ["connections", section.connections],
          ["connections opened", connectionsOpened(section, report.warmupMs)],
          ["waiting max", String(section.waitingMax)],
        ],
        "ll",
      ),
    ];
  },
  summary: (s) => ["client", clientSummary(s.client)],
  // Over shards: a driver pool per shard; set-ups add up, and the most waiting
  // at once is the most at any one shard's pools.
  combine: (sections) => {
    const all = sections as readonly z.output<typeof ClientReportSchema>[];
    return {
      connections: all[0]?.connections ?? "persistent",
      connectionsOpened: all.reduce((n, c) => n + c.connectionsOpened, 0),
      waitingMax: Math.max(0, ...all.map((c) => c.waitingMax)),
    };
  },

  // Per-request connections: the connect round trips and the close.
  estimate: (s) => ({ eventsPerOperation: s.client.connections === "per-request" ? 3 : 0 }),
  build(context, downstream) {
    const { sim, scenario, compile } = context;
    const c = scenario.client;
    const drivers: DatabaseClient[] = [];
    const hops = regionHops(context);
    const ways = downstream.ways.map((way, i): Way => {
      const driver = new DatabaseClient(
        sim,
        {
          connections:
            c.connections === "per-request"
              ? { mode: "per-request" }
              : {
                  mode: "persistent",
                  instances: c.instances,
                  poolSize: c.poolSize,
                  connectionTimeoutMs: c.connectionTimeout,
                },
          roundTripMs: compile(c.roundTrip),
          connectRoundTrips: c.connectRoundTrips,
          rngLabel: way.role === "replica" ? `client.network.${way.name}` : "client.network",
          ...hops(i),
        },
        way.port,
      );
      drivers.push(driver);
      return { ...way, service: driver };
    });
    const toProxy = ways.length === 1 && ways[0]?.role === "proxy";
    context.graph.front({ id: "app", label: appLabel(c, toProxy), shape: "component" });
    return {
      downstream: { ways },
      stats: {
        reset(now) {
          for (const d of drivers) d.resetStats(now);
        },
        section(): z.output<typeof ClientReportSchema> {
          let waitingMax = 0;
          let connectionsOpened = 0;
          for (const d of drivers) {
            waitingMax = Math.max(waitingMax, d.waitingMax);
            connectionsOpened += d.connectsOpened;
          }
          return { connections: c.connections, connectionsOpened, waitingMax };
        },
        probes: () => [
          {
            name: "waiting.client",
            kind: "gauge",
            read: () => drivers.reduce((sum, d) => sum + d.waiting, 0),
          },
        ],
      },
    };
  },
};

/** The hop between a session's region and the region of way `i`, when the plan has regions. */
function regionHops(context: BuildContext): (i: number) => Pick<ClientConfig, "hopMs"> {
  const map = regionMap(context);
  if (map === null) return () => ({});
  const where = wayRegions(context.scenario, map);
  return (i) => {
    const node = where[i] as number;
    return { hopMs: (op, rng) => map.roundTrip(map.regionOf(op.session), node)(rng) };
  };
}

function appLabel(c: z.output<typeof ClientSchema>, toProxy: boolean): string {
  const who = c.instances > 1 ? `${c.instances} app instances` : "Application";
  const each = c.instances > 1 ? " each" : "";
  if (toProxy) {
    return c.connections === "per-request"
      ? `${who}<br/>connection per request to ProxySQL`
      : `${who}<br/>pool ${c.poolSize}${each} to ProxySQL`;
  }
  return c.connections === "per-request"
    ? `${who}<br/>connection per request`
    : `${who}<br/>pool ${c.poolSize}${each} per node`;
}

/** Persistent pools open during the warm-up and stay open: say so rather than print a bare 0. */
function connectionsOpened(c: z.output<typeof ClientReportSchema>, warmupMs: number): string {
  const n = String(c.connectionsOpened);
  if (c.connections !== "persistent" || warmupMs === 0) return n;
  return `${n} in the window (not counting those opened during the warm-up, which stay open)`;
}

/** The client in the summary of a resolved scenario. */
function clientSummary(c: z.output<typeof ClientSchema>): string {
  const instances = `${c.instances} instance${c.instances === 1 ? "" : "s"}`;
  if (c.connections === "per-request") return `per-request connections, ${instances}`;
  return `persistent connections, ${instances} × pool of ${c.poolSize}`;
}
