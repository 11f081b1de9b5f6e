// The consistency monitor's operations in flight: four numbers per op, set at its
// invocation and taken back at its completion. A run numbers its operations 0, 1, 2, …
// and holds few at once (the read-heavy plan behind a cache at most 8), so an op sits in
// a small ring indexed by its id's low bits: one compare finds it, and removing it frees
// its slot without the backward shift of a hash table (num-table.ts). An op whose slot
// is taken by another op still in flight (one RING ids older or newer), or whose id is
// not an int32, goes to a hash table instead, so any ids work and memory stays bounded
// by the ops in flight.

import { NumTable } from "./num-table.js";

/** Ring slots (a power of two): 10 KB. */
const RING = 256;
const MASK = RING - 1;
/** A ring slot: the op's id (NaN when free), then its four values. */
const SLOT = 5;

/** @internal op id → four numbers, while the op is in flight. */
export class InFlightOps {
  private readonly ring = new Float64Array(RING * SLOT).fill(Number.NaN);
  private inRing = 0;
  /** The ops that did not fit the ring. */
  private readonly spill = new NumTable(4);
  /** The values `take` found. */
  first = 0;
  second = 0;
  third = 0;
  fourth = 0;

  /** Ops held. */
  get size(): number {
    return this.inRing + this.spill.size;
  }

  /** Holds op `id` with its four values; false (and nothing changes) when it is held already. */
  put(id: number, first: number, second: number, third: number, fourth: number): boolean {
    if (id === (id | 0)) {
      const ring = this.ring;
      const at = SLOT * (id & MASK);
      const held = ring[at] as number;
      if (held === id) return false;
      if (Number.isNaN(held)) {
        // An op spilled while its slot was taken may still be in flight.
        if (this.spill.size > 0 && this.spill.find(id) >= 0) return false;
        ring[at] = id;
        ring[at + 1] = first;
        ring[at + 2] = second;
        ring[at + 3] = third;
        ring[at + 4] = fourth;
        this.inRing += 1;
        return true;
      }
    }
    const spill = this.spill;
    const count = spill.size;
    const at = spill.insert(id);
    if (spill.size === count) return false;
    const data = spill.data;
    data[at] = first;
    data[at + 1] = second;
    data[at + 2] = third;
    data[at + 3] = fourth;
    return true;
  }

  /** Removes op `id`, its values left in `first` … `fourth`; false when it was not held. */
  take(id: number): boolean {
    if (id === (id | 0)) {
      const ring = this.ring;
      const at = SLOT * (id & MASK);
      if (ring[at] === id) {
        this.first = ring[at + 1] as number;
        this.second = ring[at + 2] as number;
        this.third = ring[at + 3] as number;
        this.fourth = ring[at + 4] as number;
        ring[at] = Number.NaN;
        this.inRing -= 1;
        return true;
      }
    }
    const spill = this.spill;
    if (spill.size === 0) return false;
    const at = spill.find(id);
    if (at < 0) return false;
    const data = spill.data;
    this.first = data[at] as number;
    this.second = data[at + 1] as number;
    this.third = data[at + 2] as number;
    this.fourth = data[at + 3] as number;
    spill.removeAt(at);
    return true;
  }
}
