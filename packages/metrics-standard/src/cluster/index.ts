export { type ClusterMetricsOptions, type ClusterMetricsServerOptions, createClusterMetricsHandler, startClusterMetricsServer } from './primary.js';
export { clusterWorker } from './worker.js';
