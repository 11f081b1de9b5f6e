// The simulation runs here, off the page's thread, so the page stays
// responsive however long a plan takes. The page ends a run it no longer
// wants by terminating this worker and starting another. The figures are
// posted first, the advisor's score (a few more runs) after them.
import { builtinScenario, formatIssue, parseScenario, runScenario, topologyOf } from "dbsim";
import { scoreOf } from "./advisor.js";
import type { RunRequest, WorkerMessage } from "./messages.js";
import { type PlanJson, PROFILES, togglesOf } from "./plan.js";

interface WorkerScope {
  onmessage: ((event: MessageEvent<RunRequest>) => void) | null;
  postMessage(message: WorkerMessage): void;
}
const scope = self as unknown as WorkerScope;

/** Progress is posted at most this often (fraction of the run). */
const PROGRESS_STEP = 0.05;

function handle({ id, plan }: RunRequest): void {
  const parsed = parseScenario(plan);
  if (!parsed.ok) {
    scope.postMessage({ id, kind: "problems", problems: parsed.issues.map(formatIssue) });
    return;
  }
  scope.postMessage({ id, kind: "graph", graph: topologyOf(parsed.scenario) });
  let posted = 0;
  // The scenario as written, not as resolved: that is what `dbsim run` is given.
  const report = runScenario(plan as Parameters<typeof runScenario>[0], {
    onProgress: (fraction) => {
      if (fraction - posted < PROGRESS_STEP) return;
      posted = fraction;
      scope.postMessage({ id, kind: "progress", fraction });
    },
  });
  scope.postMessage({ id, kind: "report", reportJson: `${JSON.stringify(report, null, 2)}\n` });
  scope.postMessage({ id, kind: "score", score: scoreOf(plan, togglesOf(plan)) });
}

scope.onmessage = (event) => {
  try {
    handle(event.data);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    scope.postMessage({ id: event.data.id, kind: "failed", message });
  }
};

// The page's thread never loads the library: the profiles come from here.
scope.postMessage({
  id: 0,
  kind: "profiles",
  profiles: Object.fromEntries(
    PROFILES.map((name) => [name, (builtinScenario(name) ?? {}) as PlanJson]),
  ),
});
