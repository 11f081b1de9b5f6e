// The database nodes: the primary, from the `database` section (replicas are
// added by the replication component, with the same server model). Each node's
// figures are its report row.
import * as z from "zod";
import type { ServerErrorKind } from "../../models/server/errors.js";
import { DatabaseServer } from "../../models/server/server.js";
import { unitPrice } from "../cost-prices.js";
import { dollars } from "../cost-text.js";
import { roundFigure } from "../fields.js";
import type { Report } from "../report.js";
import type { Scenario } from "../schema.js";
import { alignColumns, formatFigure, NO_DATA, percentText, perSecText } from "../table-text.js";
import { type BuildContext, type Component, clusterName, type Probe } from "./component.js";
import { DatabaseSchema } from "./database-section.js";
import { primariesCommitsPerFlush, primariesLockWaitMs } from "./primary-columns.js";
import {
  equipServer,
  mechanismsEstimate,
  ServerReportSchema,
  serverRow,
  serverTable,
} from "./server-section.js";

const num = () => z.number();

export { DatabaseSchema } from "./database-section.js";

/**
 * A database node's figures over the measured window.
 *
 * @remarks Since 0.1.0
 */
export const NodeReportSchema = z.strictObject({
  name: z.string(),
  role: z.enum(["primary", "replica"]),
  cores: z.number().int().positive(),
  utilization: num().describe("Mean share of cores busy, min(N, cores)/cores"),
  concurrencyMean: num().describe("Mean statements in service (N)"),
  statementsPerSec: num(),
  readsServed: z.number().int().nonnegative(),
  writesServed: z.number().int().nonnegative(),
  connectionsMax: z.number().int().nonnegative(),
  connectionsMean: num(),
  memoryMB: num().describe(
    "Peak memory held by connections (connectionsMax × memory per connection)",
  ),
  server: ServerReportSchema.optional().describe(
    "Buffer pool, disk, row locks and log flush (absent with mechanisms none)",
  ),
  size: z.string().optional().describe("The node size preset (database.size)"),
  costPerHour: num()
    .nullable()
    .optional()
    .describe(
      "Dollars per hour from database.prices, else the shipped price list (docs/cost.md); null when neither has the size",
    ),
});

/**
 * A database server built from the `database` section, with the cores and
 * max_connections given (a replica may differ from the primary).
 *
 * @internal
 */
export function buildServer(
  context: BuildContext,
  name: string,
  cores: number,
  maxConnections: number,
): DatabaseServer {
  const { sim, scenario, compile } = context;
  const db = scenario.database;
  const server = new DatabaseServer(sim, {
    name,
    cores,
    sigma: db.sigma,
    kappa: db.kappa,
    maxConnections,
    memoryPerConnectionMB: db.memoryPerConnectionMB,
    keyCount: scenario.workload.keys.count,
    ...(context.cluster.keySlots === undefined ? {} : { keySlots: context.cluster.keySlots }),
    readWorkMs: compile(db.readTime),
    writeWorkMs: compile(db.writeTime),
    connectWorkMs: compile(db.connectionSetupTime),
  });
  equipServer(context, server);
  return server;
}

const DatabaseSection = DatabaseSchema.prefault({});
const NodesReport = z.array(NodeReportSchema);

/**
 * The database nodes: builds the primary; reports every node (replicas included).
 *
 * @remarks Since 0.2.0
 */
export const database: Component<typeof DatabaseSection, typeof NodesReport> = {
  key: "database",
  schema: DatabaseSection,
  report: { key: "nodes", schema: NodesReport },
  errorKinds: [
    {
      kind: "too_many_clients" satisfies ServerErrorKind,
      cause: (s) =>
        `the database (max_connections ${s.database.maxConnections} refuses new connections)`,
    },
    {
      kind: "lock_timeout" satisfies ServerErrorKind,
      cause: (s) =>
        `the database (a row-lock wait reached ${s.database.engine === "mysql" ? "innodbLockWaitTimeout" : "lockTimeout"})`,
    },
    {
      kind: "deadlock" satisfies ServerErrorKind,
      cause: () => "the database (a deadlock chose the transaction as its victim)",
    },
  ],
  // The busiest node: with replicas or pools the primary is often not the bottleneck.
  compare: [
    { header: ["busiest", "node"], rank: 130, cell: (r) => busiestNode(r)?.name ?? NO_DATA },
    {
      header: ["", "util."],
      rank: 140,
      cell: (r) => {
        const node = busiestNode(r);
        return node === undefined ? NO_DATA : percentText(node.utilization);
      },
    },
    // Writes run on the primaries (each shard's): their lock waits and group commit
    // tell the hot-row and write-batching stories.
    {
      header: ["lock wait", "mean ms"],
      rank: 150,
      cell: (r) => {
        const waitMs = primariesLockWaitMs(r);
        return waitMs === undefined ? NO_DATA : formatFigure(waitMs);
      },
    },
    {
      header: ["commits", "/flush"],
      rank: 160,
      cell: (r) => primariesCommitsPerFlush(r)?.toFixed(2) ?? NO_DATA,
    },
    // The whole plan's cost (report.cost), shown once any plan compared has one.
    {
      header: ["cost", "$/hour"],
      rank: 170,
      cell: (r) => (r.cost?.perHour == null ? NO_DATA : dollars(r.cost.perHour)),
      shown: (reports) => reports.some((r) => r.cost?.perHour != null),
    },
  ],
  estimate: mechanismsEstimate,
  table: (section) => [...nodesTable(section), ...serverTable(section)],
  summary: ({ database: db }) => [
    "database",
    `${db.engine}${db.size === undefined ? "" : ` ${db.size}`}, ${db.cores} cores, maxConnections ${db.maxConnections}, mechanisms ${db.mechanisms}`,
  ],

  build(context, downstream) {
    const db = context.scenario.database;
    const name = clusterName(context, "primary");
    const server = buildServer(context, name, db.cores, db.maxConnections);
    context.nodes.push({ server, role: "primary" });
    const engine = db.engine === "mysql" ? "MySQL" : "PostgreSQL";
    context.graph.back({
      id: "primary",
      label: `Primary (${engine})<br/>${db.cores} cores, max_connections ${db.maxConnections}`,
      shape: "database",
    });
    const primary = { name, role: "primary" as const, port: server, service: null };
    const nodes = context.nodes;
    const cost = nodeCost(db);
    return {
      downstream: { ways: [{ ...primary, diagramId: "primary" }, ...downstream.ways] },
      stats: {
        reset(now) {
          for (const n of nodes) n.server.resetStats(now);
        },
        section(window): z.output<typeof NodesReport> {
          return nodes.map((n) => ({ ...nodeRow(n.server, n.role, window), ...cost }));
        },
        probes: () => nodes.map((n) => cpuProbe(n.server)),
      },
    };
  },
};

/** A node's busy share of its cores, as a time integral since the warm-up cut. */
function cpuProbe(node: DatabaseServer): Probe {
  const busy = node.busyCores;
  return {
    name: `cpu.${node.name}`,
    kind: "area",
    read: (now) => (busy.mean(now) * (now - busy.startMs)) / node.config.cores,
  };
}

function nodeRow(
  node: DatabaseServer,
  role: "primary" | "replica",
  window: {
    now: number;
    perSec(n: number): number;
    served(name: string): { reads: number; writes: number };
  },
): z.output<typeof NodeReportSchema> {
  const now = window.now;
  const connectionsMax = node.connections.max;
  const served = window.served(node.name);
  return {
    name: node.name,
    role,
    cores: node.config.cores,
    utilization: roundFigure(node.busyCores.mean(now) / node.config.cores),
    concurrencyMean: roundFigure(node.inService.mean(now)),
    statementsPerSec: roundFigure(window.perSec(node.statements)),
    readsServed: served.reads,
    writesServed: served.writes,
    connectionsMax,
    connectionsMean: roundFigure(node.connections.mean(now)),
    memoryMB: roundFigure(connectionsMax * node.config.memoryPerConnectionMB),
    server: serverRow(node, now),
  };
}

/** Every node's size and price: replicas take the primary's size. */
function nodeCost(db: Scenario["database"]): { size?: string; costPerHour?: number | null } {
  if (db.size === undefined) return {};
  const { unitPerHour } = unitPrice(db.prices, { list: "rds", engine: db.engine }, db.size);
  return { size: db.size, costPerHour: unitPerHour };
}

/** The nodes' section of the report's table. */
function nodesTable(nodes: z.output<typeof NodesReport>): string[] {
  return [
    "Nodes",
    ...alignColumns(
      [
        [
          "name",
          "role",
          "cores",
          "utilization",
          "concurrency",
          "statements/s",
          "reads",
          "writes",
          "conns max",
          "conns mean",
          "memory MB",
        ],
        ...nodes.map((n) => [
          n.name,
          n.role,
          String(n.cores),
          percentText(n.utilization),
          n.concurrencyMean.toFixed(2),
          perSecText(n.statementsPerSec),
          String(n.readsServed),
          String(n.writesServed),
          String(n.connectionsMax),
          n.connectionsMean.toFixed(2),
          n.memoryMB.toFixed(1),
        ]),
      ],
      "ll",
    ),
  ];
}

function busiestNode(r: Report): Report["nodes"][number] | undefined {
  let busiest = r.nodes[0];
  for (const n of r.nodes) {
    if (busiest === undefined || n.utilization > busiest.utilization) busiest = n;
  }
  return busiest;
}
