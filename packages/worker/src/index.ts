export {
  createWorkerMetrics,
  type WorkerMetrics,
  type WorkerMetricsOptions,
  type WorkerShutdownOptions,
  type WrapOptions,
} from './worker-metrics.js';
export type { FinishOptions, TaskLabels, TaskRun } from './task-run.js';
export {
  DEFAULT_QUEUE_SIZE_TIMEOUT_MS,
  QUEUE_SIZE_FAILED_ERROR_TYPE,
  type QueueCounts,
  type QueueSizeSource,
} from './queue-size.js';
