// CPU time per OS thread of this process, from Linux's /proc/self/task/<tid>/stat
// (fields 14 and 15, utime and stime, in clock ticks: proc(5)). A worker thread is
// one OS thread, so this is each worker's own CPU time, start-up and JIT warm-up
// included, without the neighbours' load. Node 20 has no per-thread CPU API
// (`process.threadCpuUsage` came in Node 23.9). A thread's entry disappears when it
// exits: sample while the workers live. Elsewhere than Linux: an empty map.
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second (`getconf CLK_TCK`): 100 on every Linux Node supports. */
const TICKS_PER_SECOND = 100;

/** CPU milliseconds (user + system) of every live thread of this process, by thread id. */
export function threadCpuMs(): Map<number, number> {
  const out = new Map<number, number>();
  let tids: string[];
  try {
    tids = readdirSync("/proc/self/task");
  } catch {
    return out;
  }
  for (const tid of tids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    } catch {
      continue; // the thread exited between the listing and the read
    }
    // The name (field 2) is in parentheses and may hold spaces: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    out.set(Number(tid), (ticks * 1000) / TICKS_PER_SECOND);
  }
  return out;
}
