/**
 * Expressions used by more than one dashboard, built from the definitions.
 */
import { EXPORTERS, KUBE_STATE_METRICS, LABELS, NODE_EXPORTER_METRICS, SERVICE_METRICS, WORKER_METRICS } from '@obs/metrics-standard';
import { aggregate, type Matcher, type Matchers, eq, re, rate, select } from '../promql/index.js';

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

/**
 * Waiting jobs per queue: every worker replica reports the depth of the same shared queue (one
 * series per `instance`), so a queue's depth is the max of its reporters, never their sum.
 *
 * @example
 * queueDepth([re('service', '$service')], ['service', 'queue'])
 */
export function queueDepth(m: Matchers, by: readonly string[]): string {
  return aggregate('max', by, select(WORKER_METRICS.queueSize, [...m, eq(LABELS.state, 'waiting')]));
}

/**
 * `namespace, pod` of the pods that ran to completion (kube-state-metrics `phase="Succeeded"`): a
 * finished Job's pod is never ready again, and is no reason to alert or to count as not ready.
 *
 * @example
 * `${notReady} unless on (namespace, pod) (${podsSucceeded([re('namespace', '$namespace')])})`
 */
export function podsSucceeded(m: Matchers): string {
  return `${aggregate('max', ['namespace', 'pod'], select(KUBE_STATE_METRICS.podStatusPhase, [...m, eq('phase', 'Succeeded')]))} == 1`;
}

/** Host CPU busy percent per instance: `(1 - avg by (instance) (rate(idle))) * 100`. */
export function cpuPercentByInstance(m: Matchers): string {
  return `(1 - avg by (instance) (${rate(node.cpuSecondsTotal, [...m, eq('mode', 'idle')])})) * 100`;
}

/** Host memory used percent per instance: `(1 - MemAvailable / MemTotal) * 100`. */
export function memoryPercentByInstance(m: Matchers): string {
  return `(1 - ${select(node.memoryMemAvailableBytes, m)} / ${select(node.memoryMemTotalBytes, m)}) * 100`;
}

