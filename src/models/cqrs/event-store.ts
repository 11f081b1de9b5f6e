// Event sourcing's store as the command side: an append-only log with one stream
// per entity (per key), whose sequence numbers are the key's versions 1, 2, 3 …
// (the database's per-key version is exactly a stream's event count). A snapshot
// is taken every k events of a stream; rebuilding a stream reads its last
// snapshot and the events after it (Axon Framework reference, "Event Snapshots":
// the store returns "the latest snapshot events and all events that occurred
// after", snapshots triggered by an event-count threshold,
// EventCountSnapshotTriggerDefinition). A replay rebuilds a projection from the whole store:
// each item is read from the store's node, then applied, by the projection's
// appliers in parallel — so its time is items × (read + apply) / appliers on an
// idle store, and the reads load the node that serves live traffic.
import type { Simulation } from "../../kernel/index.js";

/**
 * Items a rebuild of one stream of `events` events reads: every event without
 * snapshots; with a snapshot every `snapshotEvery` events, the last snapshot
 * (when there is one) and the events after it.
 *
 * @remarks Since 0.2.0
 */
export function streamReplayItems(events: number, snapshotEvery: number | null): number {
  if (snapshotEvery === null || events < snapshotEvery) return events;
  return 1 + (events % snapshotEvery);
}

/**
 * Snapshots a stream has once it holds `events` events, one every `snapshotEvery`.
 *
 * @remarks Since 0.2.0
 */
export function streamSnapshots(events: number, snapshotEvery: number | null): number {
  return snapshotEvery === null ? 0 : Math.floor(events / snapshotEvery);
}

/**
 * How a replay's items are read and applied.
 *
 * @remarks Since 0.2.0
 */
export interface ReplayWork {
  /** Items to read and apply. */
  readonly items: number;
  /** Workers reading and applying at once (the projection's appliers). */
  readonly threads: number;
  /** Reads one item from the store's node, calling back when read. */
  readonly read: (done: () => void) => void;
  /** Draws the apply work of one item (ms). */
  readonly applyMs: () => number;
}

/**
 * Runs a replay's items, `threads` at a time: each read from the store, then
 * applied; calls `done` when the last is applied (at once when there are none).
 *
 * @remarks Since 0.2.0
 */
export function runReplay(sim: Simulation, work: ReplayWork, done: () => void): void {
  let started = 0;
  let finished = 0;
  if (work.items === 0) {
    done();
    return;
  }
  const step = (): void => {
    if (started >= work.items) return;
    started++;
    work.read(() => {
      sim.schedule(work.applyMs(), () => {
        finished++;
        if (finished === work.items) done();
        else step();
      });
    });
  };
  for (let i = 0; i < Math.min(work.threads, work.items); i++) step();
}
