import { LABELS } from './labels.js';
import type { MetricDefinition } from './types.js';

/**
 * The Node runtime metrics the contract relies on, emitted by prom-client's default metrics
 * (prefix-free). Listed as data so that dashboards and rules never spell them by hand.
 */
export const RUNTIME_METRICS = {
  eventLoopLagP99: {
    name: 'nodejs_eventloop_lag_p99_seconds',
    type: 'gauge',
    help: 'The 99th percentile of the recorded event loop delays.',
    unit: 'seconds',
    labels: [LABELS.service],
    group: 'runtime',
  },
  eventLoopLagMean: {
    name: 'nodejs_eventloop_lag_mean_seconds',
    type: 'gauge',
    help: 'The mean of the recorded event loop delays.',
    unit: 'seconds',
    labels: [LABELS.service],
    group: 'runtime',
  },
  heapUsedBytes: {
    name: 'nodejs_heap_size_used_bytes',
    type: 'gauge',
    help: 'Process heap size used from Node.js in bytes.',
    unit: 'bytes',
    labels: [LABELS.service],
    group: 'runtime',
  },
  heapTotalBytes: {
    name: 'nodejs_heap_size_total_bytes',
    type: 'gauge',
    help: 'Process heap size from Node.js in bytes.',
    unit: 'bytes',
    labels: [LABELS.service],
    group: 'runtime',
  },
  gcDuration: {
    name: 'nodejs_gc_duration_seconds',
    type: 'histogram',
    help: 'Garbage collection duration by kind.',
    unit: 'seconds',
    labels: [LABELS.service, 'kind'],
    group: 'runtime',
  },
  activeHandles: {
    name: 'nodejs_active_handles_total',
    type: 'gauge',
    help: 'Number of active libuv handles grouped by handle type.',
    unit: 'handles',
    labels: [LABELS.service],
    group: 'runtime',
  },
  processStartTime: {
    name: 'process_start_time_seconds',
    type: 'gauge',
    help: 'Start time of the process since unix epoch in seconds.',
    unit: 'seconds',
    labels: [LABELS.service],
    group: 'runtime',
  },
} as const satisfies Record<string, MetricDefinition>;
