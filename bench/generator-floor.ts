// What the generator protocol alone costs in the processes M/M/1 of kernel.bench.ts,
// against the same bare loop: per customer a generator made and resumed three times
// through one `yield*` on a hand-written iterator (as `SimEvent`'s), and one resume of
// a source generator; no events, no queue. It bounds from below what a process costs
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

function generators(customers: number): number {
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

for (let i = 0; i < 3; i++) {
  bare(100_000);
  generators(100_000);
}
const cpu = { bare: [] as number[], generators: [] as number[] };
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, fn] of [
    ["bare", bare],
    ["generators", generators],
  ] as const) {
    const c0 = process.cpuUsage();
    fn(CUSTOMERS);
    const c = process.cpuUsage(c0);
    cpu[name].push((c.user + c.system) / 1000);
  }
}
const bareMin = Math.min(...cpu.bare);
const genMin = Math.min(...cpu.generators);
console.log(
  `${CUSTOMERS.toLocaleString("en")} customers, ${ROUNDS} rounds, CPU min: bare loop ${bareMin.toFixed(1)} ms, ` +
    `generator protocol alone ${genMin.toFixed(1)} ms = ${(genMin / bareMin).toFixed(2)}× bare. Load ${loadAverage()}`,
);
