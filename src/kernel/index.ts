// The kernel: clock, event queue, processes, resources, random streams. It
// imports nothing of dbsim outside this folder (a test guards that).
export { LivelockError, SimulationError, type SimulationErrorCode } from "./errors.js";
export {
  type AnyOfValue,
  type EventCallback,
  Interrupt,
  Process,
  type ProcessGenerator,
  SimEvent,
} from "./events.js";
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
