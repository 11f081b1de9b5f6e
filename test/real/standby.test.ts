// The streaming standby's byte lag against dbsim's (replica-lag.real.ts). Its
// lag is set by `recovery_min_apply_delay` (500 ms) and pgbench's scheduled rate,
// not by CPU, so `npm test` runs it beside the unit tests rather than alone with
// pgbench (real-programs.test.ts): the commits bunch a little more on a busy
// machine, which the test's 20 % tolerance already allows for.
import "./replica-lag.real.js";
