// The kernel: clock, event queue, processes, resources, wait lines, a heap, an
// LRU+TTL map, random streams. It imports nothing of dbsim outside this folder,
// and the layers above import it only through this file (a test guards both).
export { LivelockError, SimulationError, type SimulationErrorCode } from "./errors.js";
export {
  type AnyOfValue,
  type EventCallback,
  Interrupt,
  Process,
  type ProcessGenerator,
  SimEvent,
} from "./events.js";
export { MinHeap } from "./heap.js";
export { LruTtlMap } from "./lru-ttl.js";
export { RandomStream, type UniformSource } from "./random.js";
export {
  PriorityResource,
  Request,
  Resource,
  type ResourceOptions,
} from "./resource.js";
export {
  DEFAULT_MAX_EVENTS,
  DEFAULT_MAX_EVENTS_PER_INSTANT,
  type EventHandle,
  type RunOptions,
  type RunResult,
  Simulation,
  type SimulationOptions,
  type StopReason,
  type TraceFn,
} from "./simulation.js";
export { Store, type StoreOptions } from "./store.js";
export { type WaitHandle, WaitLine } from "./wait-line.js";
