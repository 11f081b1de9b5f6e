// `--format html` of dbsim run: a finished run as the HTML report's plan.
import { type HtmlRunPlan, histogramToPortable } from "../experiment/index.js";
import type { ScenarioRun } from "../scenario/index.js";

/** One plan's run as the HTML report draws it. */
export function htmlPlanOf(
  name: string,
  description: string | undefined,
  run: ScenarioRun,
): HtmlRunPlan {
  return {
    name,
    ...(description === undefined ? {} : { description }),
    report: run.report,
    graph: run.graph,
    latency: {
      read: histogramToPortable(run.latencyHistograms.read),
      write: histogramToPortable(run.latencyHistograms.write),
    },
  };
}
