// The real-program tests that must run alone, in one file so that they run one
// after the other: pgbench measures throughput on the machine's 2 cores (other
// test files beside it would be part of what it measures), and pgbench keeps
// both cores busy, which would shift pgbouncer's timings and its SHOW POOLS
// counts. Each part skips, with a message, only when PostgreSQL 15 or pgbouncer
// is not installed (.ci/run installs them). The streaming standby's test
// (standby.test.ts) measures a byte lag that a fixed replay delay sets, not
// CPU, and runs beside the other tests.
import "./pgbouncer.real.js";
import "./pgbench-calibrate.real.js";
