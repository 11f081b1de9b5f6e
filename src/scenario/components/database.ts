// The database nodes: the primary, from the `database` section (replicas are
// added by the replication component, with the same server model). Each node's
// figures are its report row.
import * as z from "zod";
import type { ServerErrorKind } from "../../models/server/errors.js";
import { DatabaseServer } from "../../models/server/server.js";
import { DistributionSpecSchema, nonNegative, positiveInt, roundFigure } from "../fields.js";
import type { Report } from "../report.js";
import { alignColumns, NO_DATA, percentText, perSecText } from "../table-text.js";
import { type BuildContext, type Component, clusterName } from "./component.js";

const num = () => z.number();

/**
 * The `database` section: the primary node.
 *
 * @remarks Since 0.1.0
 */
export const DatabaseSchema = z
  .strictObject({
    engine: z.enum(["postgresql", "mysql"]).default("postgresql").describe("The engine modelled"),
    cores: positiveInt().max(4096).default(8).describe("CPU cores"),
    // Gunther's USL takes 0 ≤ σ, κ < 1; 1 is let in as the fully serial limit. Larger
    // values overflow the slowdown at many connections (κ near 1e308 gives Infinity).
    sigma: nonNegative()
      .max(1)
      .default(0)
      .describe("USL contention σ: the serial share of the work, in [0, 1]"),
    kappa: nonNegative()
      .max(1)
      .default(0)
      .describe("USL coherency κ: crosstalk cost between concurrent queries, in [0, 1]"),
    maxConnections: positiveInt()
      .max(1_000_000)
      .default(100)
      .describe("max_connections: one more gets 'too many clients' (PostgreSQL default 100)"),
    memoryPerConnectionMB: nonNegative()
      .max(1_000_000)
      .default(7.5)
      .describe("Memory per open connection (MB); PostgreSQL uses roughly 5–10 MB"),
    readTime: DistributionSpecSchema.default("simpleIndexedQuery").describe(
      "Server work of a read statement (ms at one connection)",
    ),
    writeTime: DistributionSpecSchema.default("simpleIndexedQuery").describe(
      "Server work of a write statement (ms at one connection)",
    ),
    connectionSetupTime: DistributionSpecSchema.default("simpleIndexedQuery").describe(
      "Server work to start a backend for a new connection (ms)",
    ),
  })
  .describe("The database server");

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
  return new DatabaseServer(sim, {
    name,
    cores,
    sigma: db.sigma,
    kappa: db.kappa,
    maxConnections,
    memoryPerConnectionMB: db.memoryPerConnectionMB,
    keyCount: scenario.workload.keys.count,
    readWorkMs: compile(db.readTime),
    writeWorkMs: compile(db.writeTime),
    connectWorkMs: compile(db.connectionSetupTime),
  });
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
  ],
  table: (section) => nodesTable(section),
  summary: ({ database: db }) => [
    "database",
    `${db.engine}, ${db.cores} cores, maxConnections ${db.maxConnections}`,
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
    return {
      downstream: { ways: [{ ...primary, diagramId: "primary" }, ...downstream.ways] },
      stats: {
        reset(now) {
          for (const n of nodes) n.server.resetStats(now);
        },
        section(window): z.output<typeof NodesReport> {
          return nodes.map((n) => nodeRow(n.server, n.role, window));
        },
      },
    };
  },
};

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
  };
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
