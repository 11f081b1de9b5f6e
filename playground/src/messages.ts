// What the page and its worker say to each other: plain data only, so the
// structured clone carries it and the page never receives markup.
import type { TopologyGraph } from "dbsim";
import type { ScoreView } from "./advisor.js";
import type { PlanJson } from "./plan.js";

/** The page asks for one plan to be checked, drawn and run. */
export interface RunRequest {
  readonly id: number;
  readonly plan: PlanJson;
}

/** The worker's answers, in order: the graph (or the problems), progress, the report, the advisor's score. */
export type WorkerMessage =
  | {
      readonly id: 0;
      readonly kind: "profiles";
      /** The built-in scenarios offered as profiles, by name. */
      readonly profiles: Readonly<Record<string, PlanJson>>;
    }
  | { readonly id: number; readonly kind: "problems"; readonly problems: readonly string[] }
  | { readonly id: number; readonly kind: "graph"; readonly graph: TopologyGraph }
  | { readonly id: number; readonly kind: "progress"; readonly fraction: number }
  | {
      readonly id: number;
      readonly kind: "report";
      /** The report exactly as `dbsim run --format json` prints it. */
      readonly reportJson: string;
    }
  | {
      readonly id: number;
      readonly kind: "score";
      /** The advisor's score, after the report: it takes a few more runs. */
      readonly score: ScoreView;
    }
  | { readonly id: number; readonly kind: "failed"; readonly message: string };
