// What the generator protocol alone costs in the processes M/M/1 of kernel.bench.ts,
// against the same bare loop: per customer a generator made and resumed three times,
// and one resume of a source generator; no events, no queue. Two forms, as the bench's
// two processes rows: the request waited on with a plain `yield` (SimPy's own idiom), and
// through `yield*` on a hand-written iterator (as `SimEvent`'s), which adds an iterator
// object, its two results and the delegation. It bounds from below what a process costs
// beyond the events it takes (bench/README.md, "The kernel's own overhead").
// Run: `npx tsx bench/generator-floor.ts [--rounds=N]`.
import seedrandom from "seedrandom";
import TinyQueue from "tinyqueue";
import { loadAverage } from "./measure.js";

const CUSTOMERS = 1_000_000;
const roundsArg = process.argv.find((a) => a.startsWith("--rounds="));
const ROUNDS = roundsArg === undefined ? 7 : Number(roundsArg.slice("--rounds=".length));
if (!(Number.isInteger(ROUNDS) && ROUNDS >= 1)) {
  throw new RangeError(`--rounds must be a positive integer, got ${roundsArg}`);
}

interface BareEvent {
  time: number;
  priority: number;
  seq: number;
  kind: number;
}

/** kernel.bench.ts's bare loop: the M/M/1 (λ = 0.9, μ = 1) on a TinyQueue with the tie-break. */
function bare(customers: number): number {
  const au = seedrandom.alea("42\u0000arrivals");
  const su = seedrandom.alea("42\u0000service");
  const exp = (u: () => number, mean: number): number => -mean * Math.log(1 - u());
  const queue = new TinyQueue<BareEvent>(
    [],
    (a, b) => a.time - b.time || a.priority - b.priority || a.seq - b.seq,
  );
  const waiting: number[] = [];
  let seq = 0;
  let head = 0;
  let busy = false;
  let arrived = 1;
  let totalWait = 0;
  queue.push({ time: exp(au, 1 / 0.9), priority: 0, seq: seq++, kind: 0 });
  while (queue.length > 0) {
    const ev = queue.pop() as BareEvent;
    const now = ev.time;
    if (ev.kind === 0) {
      if (arrived < customers) {
        queue.push({ time: now + exp(au, 1 / 0.9), priority: 0, seq: seq++, kind: 0 });
        arrived++;
      }
      if (busy) waiting.push(now);
      else {
        busy = true;
        queue.push({ time: now + exp(su, 1), priority: 0, seq: seq++, kind: 1 });
      }
    } else if (head < waiting.length) {
      totalWait += now - (waiting[head] as number);
      head++;
      queue.push({ time: now + exp(su, 1), priority: 0, seq: seq++, kind: 1 });
    } else busy = false;
  }
  return totalWait / customers;
}

/** `yield*`'s iterator, written as the kernel's EventIterator is. */
class OnceIterator implements Iterator<unknown, number, unknown> {
  private item: unknown;
  constructor(item: unknown) {
    this.item = item;
  }
  next(value?: unknown): IteratorResult<unknown, number> {
    const item = this.item;
    if (item === null) return { value: value as number, done: true };
    this.item = null;
    return { value: item, done: false };
  }
}
const token = { [Symbol.iterator]: () => new OnceIterator(token) };

// Each form has its own driver loop: one loop shared by two generator functions would
// see two shapes of generator objects at its calls, which costs both forms.
function delegated(customers: number): number {
  let sum = 0;
  function* customer(): Generator<unknown, void, unknown> {
    sum += yield* token as unknown as Iterable<unknown, number, unknown>;
    yield token;
  }
  function* source(): Generator<unknown, void, unknown> {
    for (let i = 0; i < customers; i++) yield token;
  }
  const src = source();
  src.next();
  for (let i = 0; i < customers; i++) {
    src.next();
    const g = customer();
    g.next();
    g.next(1);
    if (g.next(2).done !== true) throw new Error("the customer did not finish");
  }
  return sum;
}

function plain(customers: number): number {
  let sum = 0;
  function* customer(): Generator<unknown, void, unknown> {
    sum += (yield token) as number;
    yield token;
  }
  function* source(): Generator<unknown, void, unknown> {
    for (let i = 0; i < customers; i++) yield token;
  }
  const src = source();
  src.next();
  for (let i = 0; i < customers; i++) {
    src.next();
    const g = customer();
    g.next();
    g.next(1);
    if (g.next(2).done !== true) throw new Error("the customer did not finish");
  }
  return sum;
}

const variants = [
  ["bare loop", bare],
  ["plain `yield`", plain],
  ["`yield*`", delegated],
] as const;
for (let i = 0; i < 3; i++) for (const [, fn] of variants) fn(100_000);
const cpu = variants.map(() => [] as number[]);
for (let r = 0; r < ROUNDS; r++) {
  // Rotated, so no variant always runs right after another's garbage.
  for (let k = 0; k < variants.length; k++) {
    const i = (k + r) % variants.length;
    const c0 = process.cpuUsage();
    (variants[i] as (typeof variants)[number])[1](CUSTOMERS);
    const c = process.cpuUsage(c0);
    (cpu[i] as number[]).push((c.user + c.system) / 1000);
  }
}
const mins = cpu.map((xs) => Math.min(...xs));
const bareMin = mins[0] as number;
console.log(
  `${CUSTOMERS.toLocaleString("en")} customers, ${ROUNDS} rounds, CPU min: bare loop ${bareMin.toFixed(1)} ms; ` +
    `generator protocol alone: ${variants
      .slice(1)
      .map(([name], i) => {
        const m = mins[i + 1] as number;
        return `${name} ${m.toFixed(1)} ms = ${(m / bareMin).toFixed(2)}× bare`;
      })
      .join(", ")}. Load ${loadAverage()}`,
);
