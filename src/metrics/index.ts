// The metrics layer: measurement primitives the models call on the hot path. Time is
// passed in as `now` (simulated ms); nothing here imports the kernel. Every export
// is listed by hand so nothing leaks by accident.
export { Counter, CounterMap } from "./counter.js";
export type { HistogramOptions, HistogramSummary } from "./histogram.js";
export { Histogram } from "./histogram.js";
export { studentTCentral, studentTQuantile } from "./student-t.js";
export type { RateWindow, WindowedRateOptions } from "./throughput.js";
export { WindowedRate } from "./throughput.js";
export { TimeWeighted } from "./time-weighted.js";
export type { Resettable } from "./warmup.js";
export { isAfterWarmup, WarmupGate } from "./warmup.js";
