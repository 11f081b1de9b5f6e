// dbsim/testing: helpers for property-based tests of simulations. fast-check is
// a peer dependency of this entry only; the main entry does not need it.
export { arbDistributionSpec, arbSeed } from "./arbitraries.js";
export { createTraceHasher, type TraceHasher } from "./trace-hash.js";
