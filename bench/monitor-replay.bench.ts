// The consistency monitor alone, on the calls the cache plan of cache.bench.ts really
// makes: build A runs the plan once with its monitor's methods wrapped to record every
// call (invocations, completions, compactions) into typed arrays; then both builds'
// monitors replay the recording, alternately, round after round (the order flips every
// round), in CPU time. Both replays must end with the same counts, or it throws. The
// whole plan's A/B (ab.bench.ts --only cache) sees a change in the monitor through
// ± 5–10 % of noise on a shared machine; this sees it through ± 2 %. The replay
// runs with the rest of the plan absent, so the monitor's tables stay in cache better
// than in the plan: it says which build's monitor is faster, not by how much the plan is.
//
//   npx tsx bench/monitor-replay.bench.ts --a <dist dir> --b <dist dir> --rounds 9
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadAverage } from "./measure.js";

type Dbsim = typeof import("../src/index.js");
type Monitor = InstanceType<Dbsim["ConsistencyMonitor"]>;
type Invoked = Parameters<Monitor["onInvoke"]>[0];
type Completed = Parameters<Monitor["onComplete"]>[0];

const { values } = parseArgs({
  options: {
    a: { type: "string" },
    b: { type: "string" },
    rounds: { type: "string", default: "9" },
    requests: { type: "string", default: "1000000" },
  },
});
if (values.a === undefined || values.b === undefined) {
  throw new Error("--a <dist dir> and --b <dist dir> are required (two built packages)");
}
const rounds = Number(values.rounds);
const requests = Number(values.requests);
const load = async (dir: string): Promise<Dbsim> =>
  (await import(resolve(dir, "index.js"))) as Dbsim;
const builds = [await load(values.a), await load(values.b)] as const;

const INVOKE_READ = 1;
const INVOKE_WRITE = 2;
const COMPLETE_READ = 3;
const COMPLETE_WRITE = 4;
const COMPACT = 5;

/** The monitor's calls, one row per call. */
class Recording {
  n = 0;
  readonly kind: Uint8Array;
  readonly id: Float64Array;
  readonly session: Float64Array;
  readonly key: Float64Array;
  readonly cluster: Float64Array;
  readonly ok: Uint8Array;
  readonly version: Float64Array;
  /** A completion's LSN, a compaction's bound. */
  readonly lsn: Float64Array;
  readonly versionLsn: Float64Array;
  /** An invocation's latestVersion (NaN: not given). */
  readonly latest: Float64Array;
  constructor(readonly capacity: number) {
    this.kind = new Uint8Array(capacity);
    this.id = new Float64Array(capacity);
    this.session = new Float64Array(capacity);
    this.key = new Float64Array(capacity);
    this.cluster = new Float64Array(capacity);
    this.ok = new Uint8Array(capacity);
    this.version = new Float64Array(capacity);
    this.lsn = new Float64Array(capacity);
    this.versionLsn = new Float64Array(capacity);
    this.latest = new Float64Array(capacity);
  }
  row(): number {
    if (this.n === this.capacity) throw new RangeError(`more than ${this.capacity} calls`);
    return this.n++;
  }
}

function cachePlan(d: Dbsim) {
  const base = d.resolveScenario(d.builtinScenario("read-heavy") ?? {});
  const rate = base.workload.rate as number;
  const { replication: _r, routing: _g, variants: _v, ...rest } = base;
  return d.resolveScenario({
    ...rest,
    duration: (requests / rate) * 1000 - base.warmup,
    workload: { ...base.workload, keys: { ...base.workload.keys, count: 10_000 } },
    cache: { engine: "redis" as const, capacity: { megabytes: 16 }, valueBytes: 1024 },
  });
}

/** Runs the plan on `d` with its monitor's methods wrapped, then unwraps them. */
function record(d: Dbsim): Recording {
  const rec = new Recording(requests * 3);
  const proto = d.ConsistencyMonitor.prototype;
  const { onInvoke, onComplete, compact, onRowsWritten, fork } = proto;
  proto.onInvoke = function (this: Monitor, op: Invoked, latestVersion?: number) {
    const i = rec.row();
    rec.kind[i] = op.kind === "read" ? INVOKE_READ : INVOKE_WRITE;
    rec.id[i] = op.id;
    rec.session[i] = op.session;
    rec.key[i] = op.key;
    rec.cluster[i] = op.cluster ?? 0;
    rec.latest[i] = latestVersion ?? Number.NaN;
    onInvoke.call(this, op, latestVersion);
  };
  proto.onComplete = function (this: Monitor, op: Completed) {
    const i = rec.row();
    rec.kind[i] = op.kind === "read" ? COMPLETE_READ : COMPLETE_WRITE;
    rec.id[i] = op.id;
    rec.session[i] = op.session;
    rec.key[i] = op.key;
    rec.cluster[i] = op.cluster ?? 0;
    rec.ok[i] = op.ok ? 1 : 0;
    rec.version[i] = op.version;
    rec.lsn[i] = op.lsn;
    rec.versionLsn[i] = op.versionLsn ?? Number.NaN;
    onComplete.call(this, op);
  };
  proto.compact = function (this: Monitor, minAppliedLsn: number, cluster = 0) {
    const i = rec.row();
    rec.kind[i] = COMPACT;
    rec.lsn[i] = minAppliedLsn;
    rec.cluster[i] = cluster;
    compact.call(this, minAppliedLsn, cluster);
  };
  const unexpected = () => {
    throw new Error("the cache plan writes no multi-row transaction and forks no log");
  };
  proto.onRowsWritten = unexpected;
  proto.fork = unexpected;
  try {
    d.runScenario(cachePlan(d));
  } finally {
    Object.assign(proto, { onInvoke, onComplete, compact, onRowsWritten, fork });
  }
  return rec;
}

/** Feeds the recording to a new monitor of `d`, through one reused operation object. */
function replay(d: Dbsim, rec: Recording): Monitor {
  const monitor = new d.ConsistencyMonitor();
  const op = {
    id: 0,
    session: 0,
    kind: "read" as "read" | "write",
    key: 0,
    ok: true,
    version: 0,
    lsn: 0,
    versionLsn: 0,
    cluster: 0,
  };
  for (let i = 0; i < rec.n; i++) {
    const kind = rec.kind[i] as number;
    if (kind === COMPACT) {
      monitor.compact(rec.lsn[i] as number, rec.cluster[i] as number);
      continue;
    }
    op.id = rec.id[i] as number;
    op.session = rec.session[i] as number;
    op.key = rec.key[i] as number;
    op.cluster = rec.cluster[i] as number;
    if (kind === INVOKE_READ || kind === INVOKE_WRITE) {
      op.kind = kind === INVOKE_READ ? "read" : "write";
      const latest = rec.latest[i] as number;
      if (Number.isNaN(latest)) monitor.onInvoke(op);
      else monitor.onInvoke(op, latest);
    } else {
      op.kind = kind === COMPLETE_READ ? "read" : "write";
      op.ok = rec.ok[i] === 1;
      op.version = rec.version[i] as number;
      op.lsn = rec.lsn[i] as number;
      op.versionLsn = rec.versionLsn[i] as number;
      monitor.onComplete(op);
    }
  }
  return monitor;
}

const rec = record(builds[0]);
console.log(
  `recorded ${rec.n.toLocaleString("en-US")} calls of the cache plan (${requests} requests)`,
);
const counts = builds.map((d) => JSON.stringify(replay(d, rec).counts()));
if (counts[0] !== counts[1])
  throw new Error(`the builds count differently: ${counts.join(" vs ")}`);
const cpu: [number[], number[]] = [[], []];
for (let round = 0; round < rounds; round++) {
  for (const side of round % 2 === 0 ? [0, 1] : [1, 0]) {
    const c0 = process.cpuUsage();
    replay(builds[side as 0 | 1], rec);
    const c = process.cpuUsage(c0);
    cpu[side as 0 | 1].push((c.user + c.system) / 1000);
  }
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1] as number;
const [a, b] = [median(cpu[0]), median(cpu[1])];
console.log(`A ${cpu[0].map(Math.round).join(", ")} ms`);
console.log(`B ${cpu[1].map(Math.round).join(", ")} ms`);
console.log(`median CPU: A ${a.toFixed(0)} ms, B ${b.toFixed(0)} ms, B / A ${(b / a).toFixed(3)}`);
console.log(`load average at the end (1, 5, 15 min): ${loadAverage()}`);
