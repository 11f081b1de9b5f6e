// A running hash of a simulation's event trace, for determinism tests: two runs
// of the same program and seed must give the same digest. FNV-1a over the bytes
// of each (time, priority, sequence) triple; 64 bits kept as two 32-bit halves.
import type { TraceFn } from "../kernel/index.js";

/**
 * A trace hook and the digest of everything it saw.
 *
 * @remarks Since 0.1.0
 */
export interface TraceHasher {
  /** Pass as `new Simulation({ trace })`. */
  readonly trace: TraceFn;
  /** Mixes further numbers in (random draws, results). */
  add(value: number): void;
  /** The digest so far, as 16 hex digits. */
  digest(): string;
  /** Events seen. */
  readonly events: number;
}

/**
 * Makes a {@link TraceHasher}.
 *
 * @example
 * ```ts
 * const h = createTraceHasher();
 * const sim = new Simulation({ seed: 7, trace: h.trace });
 * // ... build and run ...
 * expect(h.digest()).toBe(otherRun.digest());
 * ```
 *
 * @remarks Since 0.1.0
 */
export function createTraceHasher(): TraceHasher {
  const f64 = new Float64Array(1);
  const bytes = new Uint8Array(f64.buffer);
  let lo = 0x811c9dc5;
  let hi = 0xcbf29ce4;
  let events = 0;
  const add = (value: number): void => {
    f64[0] = value;
    for (let i = 0; i < 8; i++) {
      const b = bytes[i] as number;
      lo = Math.imul(lo ^ b, 0x01000193) >>> 0;
      hi = Math.imul(hi ^ b ^ (lo >>> 24), 0x01000193) >>> 0;
    }
  };
  return {
    trace: (time, priority, sequence) => {
      events++;
      add(time);
      add(priority);
      add(sequence);
    },
    add,
    digest: () => hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0"),
    get events() {
      return events;
    },
  };
}
