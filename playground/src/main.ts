// The playground page: a form for the plan, the plan in the address, and a
// worker that checks, draws and runs it. The page's thread never runs the
// simulation and never parses text from a plan as markup.
import type { Report } from "dbsim";
import { SCORE_SLOTS, type ScoreView } from "./advisor.js";
import { drawTopology } from "./diagram.js";
import { FIGURE_SLOTS, figuresOf } from "./figures.js";
import type { RunRequest, WorkerMessage } from "./messages.js";
import {
  applyToggles,
  CHOICES,
  DEFAULT_DURATION,
  type PlanJson,
  PROFILES,
  planFileText,
  planFromHash,
  planFromProfile,
  planToHash,
  type Toggles,
  togglesOf,
} from "./plan.js";

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element as T;
};
const input = (id: string) => byId<HTMLInputElement>(id);
const select = (id: string) => byId<HTMLSelectElement>(id);

/** Wait this long after the last change before running, so typing a number runs once. */
const DEBOUNCE_MS = 250;

let profiles: Readonly<Record<string, PlanJson>> = {};
let plan: PlanJson = {};
let nextId = 1;
let running = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let worker = startWorker();
/** The scored next step's scenario, which "Take the next step" makes the plan. */
let nextPlan: PlanJson | null = null;

function startWorker(): Worker {
  const w = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
  w.onmessage = (event: MessageEvent<WorkerMessage>) => receive(event.data);
  w.onerror = (event) => setStatus(`The simulator failed to load: ${event.message}`);
  return w;
}

function setStatus(text: string): void {
  byId("status").textContent = text;
}

function fillSelect(id: string, values: readonly string[]): void {
  const element = select(id);
  element.replaceChildren(
    ...values.map((value) => {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = value;
      return option;
    }),
  );
}

function showToggles(t: Toggles): void {
  input("replica-on").checked = t.replica.on;
  input("replica-count").value = String(t.replica.count);
  select("replica-mode").value = t.replica.mode;
  input("pool-on").checked = t.pool.on;
  select("pool-mode").value = t.pool.mode;
  input("pool-size").value = String(t.pool.size);
  input("cache-on").checked = t.cache.on;
  select("cache-pattern").value = t.cache.pattern;
  if (!(CHOICES.cacheTtl as readonly string[]).includes(t.cache.ttl)) {
    fillSelect("cache-ttl", [...CHOICES.cacheTtl, t.cache.ttl]);
  }
  select("cache-ttl").value = t.cache.ttl;
  input("shard-on").checked = t.shard.on;
  input("shard-count").value = String(t.shard.count);
  select("shard-strategy").value = t.shard.strategy;
  enableKnobs();
}

/** A toggle that is off greys out its knobs (the checkbox in the legend stays usable). */
function enableKnobs(): void {
  for (const part of ["replica", "pool", "cache", "shard"]) {
    const on = input(`${part}-on`).checked;
    const fieldset = input(`${part}-on`).closest("fieldset");
    for (const knob of fieldset?.querySelectorAll<HTMLInputElement | HTMLSelectElement>(
      "select, input[type=number]",
    ) ?? []) {
      knob.disabled = !on;
    }
  }
}

const count = (id: string, fallback: number): number => {
  const value = Number(input(id).value);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};

function readToggles(): Toggles {
  const old = togglesOf(plan);
  return {
    replica: {
      on: input("replica-on").checked,
      count: count("replica-count", old.replica.count),
      mode: select("replica-mode").value as Toggles["replica"]["mode"],
    },
    pool: {
      on: input("pool-on").checked,
      mode: select("pool-mode").value as Toggles["pool"]["mode"],
      size: count("pool-size", old.pool.size),
    },
    cache: {
      on: input("cache-on").checked,
      pattern: select("cache-pattern").value as Toggles["cache"]["pattern"],
      ttl: select("cache-ttl").value,
    },
    shard: {
      on: input("shard-on").checked,
      count: count("shard-count", old.shard.count),
      strategy: select("shard-strategy").value as Toggles["shard"]["strategy"],
    },
  };
}

function showPlan(): void {
  byId("plan-name").textContent = typeof plan.name === "string" ? plan.name : "(unnamed)";
  byId("plan-json").textContent = planFileText(plan);
  const duration = typeof plan.duration === "string" ? plan.duration : String(plan.duration ?? "");
  if (!(CHOICES.duration as readonly string[]).includes(duration)) {
    fillSelect("duration", [...CHOICES.duration, duration]);
  }
  select("duration").value = duration;
  input("seed").value = typeof plan.seed === "number" ? String(plan.seed) : "";
  history.replaceState(null, "", planToHash(plan));
}

/** The plan changed: show it, put it in the address, and run it once changes settle. */
function planChanged(): void {
  showPlan();
  clearTimeout(timer);
  timer = setTimeout(run, DEBOUNCE_MS);
}

function run(): void {
  if (running !== 0) {
    // The old run is no longer wanted: a fresh worker is quicker than waiting for it.
    worker.terminate();
    worker = startWorker();
  }
  running = nextId++;
  byId("problems").replaceChildren();
  byId<HTMLProgressElement>("progress").value = 0;
  setStatus("Running the plan…");
  showScoreSlots();
  const request: RunRequest = { id: running, plan };
  worker.postMessage(request);
}

function showFigures(report: Report | undefined): void {
  const rows =
    report === undefined ? FIGURE_SLOTS.map((s) => ({ ...s, value: "—" })) : figuresOf(report);
  for (const row of rows) byId(`figure-${row.key}`).textContent = row.value;
}

function receive(message: WorkerMessage): void {
  if (message.kind === "profiles") {
    if (Object.keys(profiles).length === 0) {
      profiles = message.profiles;
      start();
    }
    return;
  }
  if (message.id !== running) return;
  switch (message.kind) {
    case "problems":
      running = 0;
      byId("problems").replaceChildren(
        ...message.problems.map((text) => {
          const item = document.createElement("li");
          item.textContent = text;
          return item;
        }),
      );
      setStatus("The plan is not a valid scenario: see the problems below.");
      return;
    case "graph":
      drawTopology(byId("topology") as unknown as SVGSVGElement, message.graph);
      return;
    case "progress":
      byId<HTMLProgressElement>("progress").value = message.fraction;
      return;
    case "report":
      finish(message.reportJson);
      return;
    case "score":
      showScore(message.score);
      return;
    case "failed":
      running = 0;
      setStatus(`The run failed: ${message.message}`);
  }
}

function finish(reportJson: string): void {
  // Still running: the advisor's score comes next, and a new plan ends it.
  const report = JSON.parse(reportJson) as Report;
  byId("report-json").textContent = reportJson;
  byId<HTMLProgressElement>("progress").value = 1;
  showFigures(report);
  document.body.dataset.ran = String(Number(document.body.dataset.ran ?? "0") + 1);
  setStatus(
    `Ran ${report.durationMs / 1000} s of simulated time (seed ${report.seed}, ${report.events} events); the advisor is scoring the plan…`,
  );
}

/** Placeholders in every slot: the panel keeps its size while a plan runs. */
function showScoreSlots(): void {
  byId("advisor-title").textContent = "Advisor score: scored after the run";
  for (const slot of SCORE_SLOTS) byId(`score-${slot.key}`).textContent = "—";
  nextPlan = null;
  byId<HTMLButtonElement>("take-next").disabled = true;
}

function showScore(score: ScoreView): void {
  running = 0;
  byId("advisor-title").textContent = score.title;
  for (const slot of SCORE_SLOTS) {
    byId(`score-${slot.key}`).textContent = score.slots[slot.key] ?? "—";
  }
  nextPlan = score.next?.scenario ?? null;
  byId<HTMLButtonElement>("take-next").disabled = nextPlan === null;
  document.body.dataset.scored = String(Number(document.body.dataset.scored ?? "0") + 1);
  const status = byId("status").textContent ?? "";
  setStatus(status.replace(/; the advisor is scoring the plan…$/, "; scored by the advisor."));
}

function loadProfile(name: string): void {
  const profile = profiles[name];
  if (profile === undefined) return;
  plan = planFromProfile(profile);
  showToggles(togglesOf(plan));
  planChanged();
}

function buildSlots(
  listId: string,
  prefix: string,
  slots: readonly { key: string; label: string }[],
): void {
  byId(listId).replaceChildren(
    ...slots.map((slot) => {
      const row = document.createElement("div");
      const term = document.createElement("dt");
      term.textContent = slot.label;
      const value = document.createElement("dd");
      value.id = `${prefix}-${slot.key}`;
      value.textContent = "—";
      row.append(term, value);
      return row;
    }),
  );
}

function wireForm(): void {
  const form = byId<HTMLFormElement>("plan");
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("change", (event) => {
    const target = event.target as HTMLElement;
    if (target.id === "profile") return loadProfile(select("profile").value);
    if (target.id === "duration") plan = { ...plan, duration: select("duration").value };
    else if (target.id === "seed") {
      const seed = Number(input("seed").value);
      if (Number.isInteger(seed) && seed >= 0) plan = { ...plan, seed };
    } else {
      enableKnobs();
      plan = applyToggles(plan, readToggles());
    }
    planChanged();
  });
  byId("export").addEventListener("click", exportPlan);
  byId("take-next").addEventListener("click", () => {
    if (nextPlan === null) return;
    plan = nextPlan;
    showToggles(togglesOf(plan));
    planChanged();
  });
  byId("copy-link").addEventListener("click", () => {
    void navigator.clipboard?.writeText(location.href).then(
      () => setStatus("Link copied."),
      () => setStatus("Copy the address bar to share the plan."),
    );
  });
}

function exportPlan(): void {
  const blob = new Blob([planFileText(plan)], { type: "application/json" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  const name = typeof plan.name === "string" ? plan.name.replace(/[^A-Za-z0-9_-]/g, "_") : "plan";
  link.download = `${name || "plan"}.json`;
  link.click();
  URL.revokeObjectURL(link.href);
}

/** The profiles have arrived: take the plan from the address, or the read-heavy profile. */
function start(): void {
  fillSelect("profile", PROFILES);
  const fromUrl = planFromHash(location.hash);
  if (fromUrl !== null && "plan" in fromUrl) {
    plan = fromUrl.plan;
    const name = typeof plan.name === "string" ? plan.name : "";
    select("profile").value = (PROFILES as readonly string[]).includes(name) ? name : "";
    showToggles(togglesOf(plan));
    planChanged();
    return;
  }
  loadProfile("read-heavy");
  select("profile").value = "read-heavy";
  if (fromUrl !== null) {
    const item = document.createElement("li");
    item.textContent = `${fromUrl.error}; showing the read-heavy profile instead.`;
    byId("problems").replaceChildren(item);
  }
}

fillSelect("replica-mode", CHOICES.replicaMode);
fillSelect("pool-mode", CHOICES.poolMode);
fillSelect("cache-pattern", CHOICES.cachePattern);
fillSelect("cache-ttl", CHOICES.cacheTtl);
fillSelect("shard-strategy", CHOICES.shardStrategy);
fillSelect("duration", CHOICES.duration);
select("duration").value = DEFAULT_DURATION;
buildSlots("figures", "figure", FIGURE_SLOTS);
buildSlots("advisor", "score", SCORE_SLOTS);
wireForm();
