// The HTML report's faults: each plan's node crashes (downtime, RTO, RPO, writes
// lost) and network events, as the text report's `Faults` and `Network faults`
// tables show them, with the errors they caused by kind. A run without faults
// gets no section, so its page is what it was before.

import { faultsRows } from "../../scenario/components/failover-report.js";
import { networkRows } from "../../scenario/components/network.js";
import type { Report } from "../../scenario/index.js";
import { htmlTable, type PageSection } from "./page.js";
import { escapeXml } from "./svg.js";

interface NamedReport {
  readonly name: string;
  readonly report: Report;
}

/** The error kinds faults cause (node crashes, partitions, pooler restarts). */
const FAULT_ERRORS = [
  "node_down",
  "network_timeout",
  "connection_refused",
  "server_closed_connection",
];

/**
 * The `Faults` and `Network` sections of a run's page, for the plans that have
 * them; none when no plan does.
 *
 * @internal
 */
export function faultSections(plans: readonly NamedReport[]): PageSection[] {
  const many = plans.length > 1;
  const heading = (name: string): string => (many ? `<h3>${escapeXml(name)}</h3>` : "");
  const crashed = plans.filter((p) => p.report.faults !== undefined);
  const cut = plans.filter((p) => p.report.network !== undefined);
  const sections: PageSection[] = [];
  if (crashed.length > 0) {
    sections.push({
      heading: "Faults",
      html: crashed.map((p) => heading(p.name) + crashesHtml(p.report)).join("\n"),
    });
  }
  if (cut.length > 0) {
    sections.push({
      heading: "Network",
      // The errors by kind once per plan: under its crashes when it has some.
      html: cut
        .map((p) => heading(p.name) + networkHtml(p.report, p.report.faults === undefined))
        .join("\n"),
    });
  }
  return sections;
}

function crashesHtml(report: Report): string {
  const faults = report.faults;
  if (faults === undefined) return "";
  const [header = [], ...rows] = faultsRows(faults);
  const notes = faults.events
    .filter((e) => e.note !== "")
    .map((e) => `<p class="note">${escapeXml(`${e.node}: ${e.note}`)}</p>`);
  return [
    htmlTable(header, rows),
    `<p>acknowledged writes lost: <b>${faults.lostWrites}</b> (downtime, RTO and RPO in ms; the whole run, the warm-up included)</p>`,
    ...notes,
    errorsHtml(report),
  ].join("");
}

function networkHtml(report: Report, withErrors: boolean): string {
  const network = report.network;
  if (network === undefined) return "";
  const [header = [], ...rows] = networkRows(network);
  const byKind = network.events.map((e, i) => [
    String(i + 1),
    e.kind,
    Object.entries(e.failedByKind)
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(", ") || "-",
  ]);
  return (
    htmlTable(header, rows) +
    htmlTable(["#", "event", "failed, by kind"], byKind) +
    (withErrors ? errorsHtml(report) : "")
  );
}

/** The measured window's errors of the kinds faults cause. */
function errorsHtml(report: Report): string {
  const rows = FAULT_ERRORS.flatMap((kind) => {
    const n = report.errors.byKind[kind] ?? 0;
    return n > 0 ? [[kind, String(n)]] : [];
  });
  if (rows.length === 0) return "";
  return `<p>errors by kind (measured window)</p>${htmlTable(["kind", "operations"], rows)}`;
}
