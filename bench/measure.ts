// What a bench measures around a piece of work: wall time, the process's CPU time
// (`process.cpuUsage()`: user + system, every thread of the process, GC helpers and
// worker threads included) and the time the garbage collector took, from a
// PerformanceObserver on 'gc' entries (Node's perf_hooks; each entry's duration is
// one collection's pause). CPU time is what the targets use: on a shared machine
// wall time also counts the time the neighbours held the cores.
import os from "node:os";
import { type PerformanceEntry, PerformanceObserver, performance } from "node:perf_hooks";

export interface Measured<T> {
  readonly value: T;
  readonly wallMs: number;
  readonly cpuMs: number;
  /** Summed pauses of the collections during the work, ms. */
  readonly gcMs: number;
}

/** GC entries are delivered asynchronously; one macrotask later they have all arrived. */
const nextMacrotask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export async function measure<T>(work: () => T | Promise<T>): Promise<Measured<T>> {
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as PerformanceEntry[]) gcMs += entry.duration;
  });
  observer.observe({ entryTypes: ["gc"] });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await work();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  await nextMacrotask();
  observer.disconnect();
  return { value, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, gcMs };
}

export function loadAverage(): string {
  return os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(", ");
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}
