// dbsim/node: what needs Node.js — experiments on worker threads.
export { runExperimentOnWorkers, runPartialOnWorkers, type WorkerOptions } from "./pool.js";
export { ExperimentWorkers } from "./workers.js";
