// The real-program tests, in one file so that they run one after the other:
// pgbench keeps both cores busy, which would shift pgbouncer's timings if the
// two ran side by side in separate workers. Each part skips, with a message,
// only when PostgreSQL 15 or pgbouncer is not installed (.ci/run installs them).
import "./pgbouncer.real.js";
import "./pgbench-calibrate.real.js";
import "./replica-lag.real.js";
