import { LABELS } from './labels.js';
import type { MetricDefinition } from './types.js';

/** Service lifecycle, identity and error metrics of the contract. */
export const SERVICE_METRICS = {
  up: {
    name: 'service_up',
    type: 'gauge',
    help: '1 while the service is serving; 0 once graceful shutdown has begun.',
    unit: 'boolean',
    labels: [LABELS.service],
    aggregator: 'min',
    group: 'service',
  },
  info: {
    name: 'service_info',
    type: 'gauge',
    help: 'Build and contract information; always 1.',
    unit: 'info',
    labels: [LABELS.service, LABELS.version, LABELS.env, LABELS.sdk],
    aggregator: 'first',
    group: 'service',
  },
  errorsTotal: {
    name: 'service_errors_total',
    type: 'counter',
    help: 'Errors by type: handler errors, uncaught exceptions, unhandled rejections, recorded and logged errors.',
    unit: 'errors',
    labels: [LABELS.service, LABELS.type],
    group: 'service',
  },
} as const satisfies Record<string, MetricDefinition>;

/** Process resource metrics of the contract. */
export const RESOURCE_METRICS = {
  cpuUsagePercent: {
    name: 'service_cpu_usage_percent',
    type: 'gauge',
    help: 'Process CPU usage over the last sampling interval, in percent of one core (like top).',
    unit: 'percent',
    labels: [LABELS.service],
    aggregator: 'sum',
    group: 'resources',
  },
  memoryUsageBytes: {
    name: 'service_memory_usage_bytes',
    type: 'gauge',
    help: 'Process resident set size in bytes.',
    unit: 'bytes',
    labels: [LABELS.service],
    aggregator: 'sum',
    group: 'resources',
  },
  memoryLimitBytes: {
    name: 'service_memory_limit_bytes',
    type: 'gauge',
    help: 'The cgroup (container) memory limit in bytes; absent when no limit is set.',
    unit: 'bytes',
    labels: [LABELS.service],
    aggregator: 'first',
    group: 'resources',
    optional: true,
  },
  cpuLimitCores: {
    name: 'service_cpu_limit_cores',
    type: 'gauge',
    help: 'The cgroup (container) CPU quota in cores; absent when no quota is set.',
    unit: 'cores',
    labels: [LABELS.service],
    aggregator: 'first',
    group: 'resources',
    optional: true,
  },
} as const satisfies Record<string, MetricDefinition>;
