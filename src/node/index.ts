// dbsim/node: what needs Node.js — experiments on worker threads.
export { runExperimentOnWorkers, runPartialOnWorkers, type WorkerOptions } from "./pool.js";
