// Calibration: measurements in (pgbench, sysbench, CSV), a fitted scenario out.
// Browser-safe: no file system here; the CLI reads the files.
export {
  type CalibrateOptions,
  type Calibration,
  type CalibrationLevel,
  calibrate,
} from "./calibrate.js";
export {
  calibrateWritePath,
  type WritePathCalibration,
  type WritePathLevel,
  type WritePathOptions,
} from "./calibrate-write-path.js";
export { type ClosedLoopModel, closedLoopCapacity, closedLoopThroughput } from "./closed-loop.js";
export { formatCalibration } from "./format.js";
export { formatWritePathCalibration } from "./format-write-path.js";
export type { ResidualKind } from "./least-squares.js";
export {
  type LognormalSpec,
  lognormalFromMeanP99,
  lognormalFromSamples,
  lognormalMean,
  lognormalSigma,
  lognormalWithMean,
} from "./lognormal.js";
export { type Measurement, MeasurementFormatError } from "./measurement.js";
export { detectMeasurementFormat, type MeasurementFormat, parseMeasurements } from "./parse.js";
export { parseMeasurementCsv } from "./parse-csv.js";
export { parsePgbench } from "./parse-pgbench.js";
export { parsePgbenchLog } from "./parse-pgbench-log.js";
export { parseSysbench } from "./parse-sysbench.js";
export {
  type CalibratedDatabase,
  type CalibratedSections,
  type ExponentialSpec,
  scenarioSections,
} from "./sections.js";
export { type ServiceTimeShape, serviceTimeShape } from "./service-time.js";
export { type UslParameters, uslPeakConcurrency, uslThroughput } from "./usl.js";
export { type WritePathModel, type WritePathRun, writePathScenario } from "./write-path-model.js";
export { type WritePathSections, writePathSections } from "./write-path-sections.js";
