import type { MetricDefinition } from '../types.js';
import { CADVISOR_METRICS } from './cadvisor.js';
import { KUBE_STATE_METRICS } from './kube-state-metrics.js';
import { NODE_EXPORTER_METRICS } from './node-exporter.js';
import { POSTGRES_EXPORTER_METRICS } from './postgres-exporter.js';
import { PROMETHEUS_METRICS } from './prometheus.js';
import { RABBITMQ_METRICS } from './rabbitmq.js';
import { REDIS_EXPORTER_METRICS } from './redis-exporter.js';

export * from './cadvisor.js';
export * from './kube-state-metrics.js';
export * from './node-exporter.js';
export * from './postgres-exporter.js';
export * from './prometheus.js';
export * from './rabbitmq.js';
export * from './redis-exporter.js';

/**
 * External metrics (not part of the contract) by source: the exporters users run beside their
 * services, and Prometheus's own synthetic series. Same {@link MetricDefinition} shape as the
 * contract, so dashboards and rules are generated from them the same way.
 *
 * @example
 * import { EXPORTERS } from '@obs/metrics-standard';
 * EXPORTERS.nodeExporter.cpuSecondsTotal.name; // 'node_cpu_seconds_total'
 */
export const EXPORTERS = {
  nodeExporter: NODE_EXPORTER_METRICS,
  cadvisor: CADVISOR_METRICS,
  kubeStateMetrics: KUBE_STATE_METRICS,
  postgresExporter: POSTGRES_EXPORTER_METRICS,
  redisExporter: REDIS_EXPORTER_METRICS,
  rabbitmq: RABBITMQ_METRICS,
  prometheus: PROMETHEUS_METRICS,
} as const;

/**
 * Every external metric definition in a flat list.
 *
 * @example
 * EXPORTER_METRICS.some((d) => d.name === 'redis_up'); // true
 */
export const EXPORTER_METRICS: readonly MetricDefinition[] = Object.values(EXPORTERS).flatMap((group) =>
  Object.values(group),
);
