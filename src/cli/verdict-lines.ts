// The verdict block at the top of the table report: the status in one line, the
// figures it rests on, and each reason wrapped to the 80 columns help text uses.
import type { Verdict } from "../scenario/index.js";
import { wrapText } from "./wrap.js";

const WIDTH = 80;

const HEADLINES: Record<Verdict["status"], string> = {
  ok: "ok — the plan carried its offered load",
  saturated: "SATURATED — it carried its load, with a node at least 90 % busy",
  failing: "FAILING — more than 1 % of operations failed",
  overloaded: "OVERLOADED — it did not keep up: its figures grow with the run's length",
  "cut-short": "CUT SHORT — the run stopped before its end",
};

/** An overload seen only as a burst did not grow to the end: its figures need not grow with the run. */
const BURST_HEADLINE = "OVERLOADED — it fell behind for a while (a burst) and waited it out";

/** An integer with thousands separators. */
function whole(x: number): string {
  return String(Math.round(x)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function growth(x: number): string {
  return Math.abs(x) >= 10 ? whole(x) : String(Number(x.toFixed(2)));
}

/** The verdict as lines of text, the first being its headline. */
export function verdictLines(v: Verdict): string[] {
  const burstOnly =
    v.status === "overloaded" &&
    v.reasons.some((r) => r.code === "backlog-burst") &&
    !v.reasons.some((r) => r.code === "backlog-growing" || r.code === "replica-falling-behind");
  const lines = [`Verdict: ${burstOnly ? BURST_HEADLINE : HEADLINES[v.status]}`];
  const figures = [
    `offered ${v.offeredPerSec.toFixed(1)} ops/s, completed ${v.completedPerSec.toFixed(1)} ops/s, ` +
      `failed ${v.failedPerSec.toFixed(1)} ops/s`,
    `in flight: ${whole(v.inFlightAtStart)} when the window opened, ${whole(v.inFlightAtEnd)} at the end ` +
      `(fitted growth ${growth(v.inFlightGrowth)} over ${v.inFlightByWindow.length} windows)`,
  ];
  for (const text of figures) {
    for (const line of wrapText(text, WIDTH - 4)) lines.push(`  ${line}`);
  }
  for (const r of v.reasons) {
    wrapText(r.message, WIDTH - 4).forEach((line, i) => {
      lines.push(`${i === 0 ? "  - " : "    "}${line}`);
    });
  }
  return lines;
}
