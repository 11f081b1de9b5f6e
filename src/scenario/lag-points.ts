// A replica's kept lag samples as columns of numbers: the series can hold 10 000
// points a replica, and objects kept that long would be copied by every young
// collection and promoted; the report's points are built once, at the end.
import type { LagPoint } from "./lag.js";

const INITIAL_CAPACITY = 64;

/** @internal The kept samples of one replica, in time order. */
export class LagColumns {
  private times = new Float64Array(INITIAL_CAPACITY);
  private ages = new Float64Array(INITIAL_CAPACITY);
  private bytes = new Float64Array(INITIAL_CAPACITY);
  /** Seconds_Behind_Source; NaN stands for MySQL's NULL. */
  private sbs = new Float64Array(INITIAL_CAPACITY);
  length = 0;

  push(tMs: number, age: number, lagBytes: number, sbs: number | null): void {
    if (this.length === this.times.length) this.grow();
    const k = this.length++;
    this.times[k] = tMs;
    this.ages[k] = age;
    this.bytes[k] = lagBytes;
    this.sbs[k] = sbs === null ? Number.NaN : sbs;
  }

  /** Keeps every other point, the first included (the series' thinning). */
  keepEven(): void {
    let n = 0;
    for (let k = 0; k < this.length; k += 2, n++) {
      this.times[n] = this.times[k] as number;
      this.ages[n] = this.ages[k] as number;
      this.bytes[n] = this.bytes[k] as number;
      this.sbs[n] = this.sbs[k] as number;
    }
    this.length = n;
  }

  /** The points, as the report shows them. */
  points(): LagPoint[] {
    const out: LagPoint[] = new Array(this.length);
    for (let k = 0; k < this.length; k++) {
      const age = this.ages[k] as number;
      const sbs = this.sbs[k] as number;
      out[k] = {
        tMs: this.times[k] as number,
        oldestUnappliedAgeMs: age,
        lagMs: age,
        lagBytes: this.bytes[k] as number,
        secondsBehindSource: Number.isNaN(sbs) ? null : sbs,
      };
    }
    return out;
  }

  private grow(): void {
    const widen = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.times = widen(this.times);
    this.ages = widen(this.ages);
    this.bytes = widen(this.bytes);
    this.sbs = widen(this.sbs);
  }
}
