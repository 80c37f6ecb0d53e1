import { LABELS } from './labels.js';
import type { MetricDefinition } from './types.js';

/** Default task-duration buckets (seconds), 10 ms to 10 min; 60 s is required by HighWorkerTaskDuration. */
export const WORKER_DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600] as const;

/** Background worker / queue consumer metrics of the contract. */
export const WORKER_METRICS = {
  tasksTotal: {
    name: 'worker_tasks_total',
    type: 'counter',
    help: 'Tasks (jobs) finished, by outcome.',
    unit: 'tasks',
    labels: [LABELS.service, LABELS.queue, LABELS.task, LABELS.status],
    group: 'worker',
  },
  taskDuration: {
    name: 'worker_task_duration_seconds',
    type: 'histogram',
    help: 'Task (job) processing duration in seconds.',
    unit: 'seconds',
    labels: [LABELS.service, LABELS.queue, LABELS.task],
    buckets: WORKER_DURATION_BUCKETS,
    requiredBuckets: [60],
    group: 'worker',
  },
  tasksInProgress: {
    name: 'worker_tasks_in_progress',
    type: 'gauge',
    help: 'Tasks (jobs) currently being processed.',
    unit: 'tasks',
    labels: [LABELS.service, LABELS.queue],
    aggregator: 'sum',
    group: 'worker',
  },
  queueSize: {
    name: 'worker_queue_size',
    type: 'gauge',
    help: 'Jobs in the queue by state, sampled at scrape time.',
    unit: 'jobs',
    labels: [LABELS.service, LABELS.queue, LABELS.state],
    aggregator: 'first',
    group: 'worker',
  },
} as const satisfies Record<string, MetricDefinition>;
