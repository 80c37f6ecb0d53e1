/**
 * Expressions used by more than one dashboard, built from the definitions.
 */
import { EXPORTERS, LABELS, NODE_EXPORTER_METRICS, SERVICE_METRICS } from '@obs/metrics-standard';
import { type Matcher, type Matchers, eq, re, rate, select } from '../promql/index.js';

const node = NODE_EXPORTER_METRICS;

/** `status=~"5.."`: HTTP responses counted as server errors. */
export function serverErrorMatcher(): Matcher {
  return re(LABELS.status, '5..');
}

/**
 * Per service instance: 1 when the target is scraped and serving, 0 when the scrape fails (`up`
 * = 0) or the service is shutting down (`service_up` = 0). The last `service_up` sample is kept
 * for an hour so that a dead target still shows as 0 rather than vanishing.
 *
 * @example
 * serviceStatus([re('service', '$service')])
 */
export function serviceStatus(m: Matchers): string {
  return `last_over_time(${select(SERVICE_METRICS.up, m)}[1h]) * on (job, instance) group_left () ${select(EXPORTERS.prometheus.up)}`;
}

/** Host CPU busy percent per instance: `(1 - avg by (instance) (rate(idle))) * 100`. */
export function cpuPercentByInstance(m: Matchers): string {
  return `(1 - avg by (instance) (${rate(node.cpuSecondsTotal, [...m, eq('mode', 'idle')])})) * 100`;
}

/** Host memory used percent per instance: `(1 - MemAvailable / MemTotal) * 100`. */
export function memoryPercentByInstance(m: Matchers): string {
  return `(1 - ${select(node.memoryMemAvailableBytes, m)} / ${select(node.memoryMemTotalBytes, m)}) * 100`;
}

