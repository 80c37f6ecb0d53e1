import {
  ALERT_STATES,
  EXPORTERS,
  HTTP_METRICS,
  KUBE_STATE_METRICS,
  LABELS,
  type MetricDefinition,
  SERVICE_METRICS,
  TASK_STATUS,
  WORKER_METRICS,
} from '@obs/metrics-standard';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { ResolvedConfig } from '../config.js';
import { stat, table, timeseries } from '../panels/index.js';
import { aggregate, eq, histogramQuantile, type Matchers, rate, re, select, shareOf, sumBy, withExtra } from '../promql/index.js';
import { buildDashboard, serviceLink } from './common.js';
import { cpuPercentByInstance, memoryPercentByInstance, queueDepth, serviceStatus, serverErrorMatcher } from './queries.js';

const { up, alerts } = EXPORTERS.prometheus;

/** Services with any series of `def`, per service: `count by (service) (def{…})`. */
function servicesWith(def: MetricDefinition, m: Matchers): string {
  return aggregate('count', [LABELS.service], select(def, m));
}

/**
 * The Overview dashboard: every service at once (status, traffic, errors, latency, instances,
 * firing alerts) and the platform one-pager (active API / worker / infrastructure counts, worker,
 * node and pod figures). Every per-service value links to the Service dashboard.
 *
 * @example
 * const json = overviewDashboard(resolveConfig({}));
 */
export function overviewDashboard(cfg: ResolvedConfig): Dashboard {
  const m = withExtra([re(LABELS.service, '$service')], cfg.selectors.service);
  const host = withExtra([], cfg.selectors.host);
  const link = [serviceLink()];
  const active = (def: MetricDefinition) =>
    `count(${servicesWith(def, m)} and on (${LABELS.service}) ${aggregate('count', [LABELS.service], `${select(SERVICE_METRICS.up, m)} == 1`)}) or vector(0)`;
  const requests = HTTP_METRICS.requestsTotal;
  const byService = [LABELS.service];
  const errorRatio = shareOf(sumBy(byService, rate(requests, [...m, serverErrorMatcher()])), sumBy(byService, rate(requests, m)));
  const tasks = WORKER_METRICS.tasksTotal;
  return buildDashboard({
    name: 'overview',
    title: 'Overview',
    description: 'Every service that emits the @obs contract at once: status, traffic, errors, latency, instances and firing alerts, plus the platform one-pager.',
    tags: ['overview'],
    variables: [
      {
        name: 'service',
        label: 'Service',
        metric: SERVICE_METRICS.up,
        labelName: LABELS.service,
        matchers: withExtra([], cfg.selectors.service),
        multi: true,
        description: 'Services to show (from service_up).',
      },
    ],
    sections: [
      {
        title: 'Platform',
        panels: [
          stat({
            title: 'Active API services',
            description: 'Services serving HTTP (they expose http_requests_in_flight) with service_up = 1.',
            unit: 'short',
            queries: [{ expr: active(HTTP_METRICS.requestsInFlight), instant: true }],
          }),
          stat({
            title: 'Active worker services',
            description: 'Services running background tasks (they expose worker_tasks_in_progress, declared per queue at start-up) with service_up = 1.',
            unit: 'short',
            queries: [{ expr: active(WORKER_METRICS.tasksInProgress), instant: true }],
          }),
          stat({
            title: 'Infrastructure targets up',
            description: 'Scrape targets that are up and are not @obs services: exporters (node, cAdvisor, databases, queues).',
            unit: 'short',
            queries: [{ expr: `count((${select(up, host)} == 1) unless on (job, instance) ${select(SERVICE_METRICS.up)}) or vector(0)`, instant: true }],
          }),
          stat({
            title: 'Services with an instance down',
            description: 'Services with an instance whose scrape fails or that is shutting down (service_up = 0), over the last hour.',
            unit: 'short',
            thresholds: [{ value: 1, color: 'red' }],
            queries: [{ expr: `count(${aggregate('min', byService, serviceStatus(m))} == 0) or vector(0)`, instant: true }],
          }),
          stat({
            title: 'Firing alerts',
            description: 'Alerts currently firing in Prometheus (the ALERTS series).',
            unit: 'short',
            thresholds: [{ value: 1, color: 'red' }],
            queries: [{ expr: `count(${select(alerts, [eq('alertstate', ALERT_STATES.firing)])}) or vector(0)`, instant: true }],
          }),
          stat({
            title: 'Request rate',
            description: 'HTTP requests per second over the selected services.',
            unit: 'reqps',
            queries: [{ expr: sumBy([], rate(requests, m)), instant: true }],
          }),
        ],
      },
      {
        title: 'Services',
        panels: [
          stat({
            title: 'Status',
            description: 'Per service: 1 (up) when every instance is scraped and serving, 0 (down) when one is not. Click to open the service.',
            unit: 'bool_on_off',
            w: 24,
            h: 5,
            thresholds: [{ value: 0, color: 'red' }, { value: 1, color: 'green' }],
            dataLinks: link,
            queries: [{ expr: aggregate('min', byService, serviceStatus(m)), legend: '{{service}}', instant: true }],
          }),
          timeseries({
            title: 'Request rate by service',
            description: 'HTTP requests per second, per service.',
            unit: 'reqps',
            dataLinks: link,
            queries: [{ expr: sumBy(byService, rate(requests, m)), legend: '{{service}}' }],
          }),
          timeseries({
            title: 'Error ratio by service',
            description: 'Share of HTTP responses with a 5xx status, per service.',
            unit: 'percentunit',
            min: 0,
            dataLinks: link,
            queries: [{ expr: errorRatio, legend: '{{service}}' }],
          }),
          timeseries({
            title: 'p95 latency by service',
            description: '95th percentile of HTTP request duration, per service.',
            unit: 's',
            dataLinks: link,
            queries: [{ expr: histogramQuantile(0.95, HTTP_METRICS.requestDuration, m, byService), legend: '{{service}}' }],
          }),
          timeseries({
            title: 'Instances by service',
            description: 'Instances reporting service_up, per service.',
            unit: 'short',
            dataLinks: link,
            queries: [{ expr: aggregate('count', byService, select(SERVICE_METRICS.up, m)), legend: '{{service}}' }],
          }),
          timeseries({
            title: 'Errors by service',
            description: 'Errors per second recorded by each service (service_errors_total: handler errors, crashes, error logs).',
            unit: 'suffix: errors/s',
            dataLinks: link,
            queries: [{ expr: sumBy(byService, rate(SERVICE_METRICS.errorsTotal, m)), legend: '{{service}}' }],
          }),
          table({
            title: 'Firing alerts',
            description: 'Alerts firing now, by name, severity and service (from ALERTS).',
            unit: 'short',
            queries: [
              {
                expr: sumBy(['alertname', 'severity', LABELS.service], select(alerts, [eq('alertstate', ALERT_STATES.firing)])),
                instant: true,
                format: 'table',
              },
            ],
          }),
        ],
      },
      {
        title: 'Workers and infrastructure',
        panels: [
          timeseries({
            title: 'Worker task rate',
            description: 'Tasks finished per second, per service.',
            unit: 'suffix: tasks/s',
            w: 8,
            dataLinks: link,
            queries: [{ expr: sumBy(byService, rate(tasks, m)), legend: '{{service}}' }],
          }),
          timeseries({
            title: 'Worker failure ratio',
            description: 'Share of finished tasks that failed, per service.',
            unit: 'percentunit',
            min: 0,
            w: 8,
            dataLinks: link,
            queries: [
              {
                expr: shareOf(sumBy(byService, rate(tasks, [...m, eq(LABELS.status, TASK_STATUS.failure)])), sumBy(byService, rate(tasks, m))),
                legend: '{{service}}',
              },
            ],
          }),
          timeseries({
            title: 'Queue size',
            description: 'Jobs waiting in the queues, per service (each queue counted once, however many replicas report it).',
            unit: 'short',
            w: 8,
            dataLinks: link,
            queries: [{ expr: sumBy(byService, queueDepth(m, [LABELS.service, LABELS.queue])), legend: '{{service}}' }],
          }),
          timeseries({
            title: 'Node CPU',
            description: 'Host CPU busy percent, per node (node_exporter).',
            unit: 'percent',
            min: 0,
            max: 100,
            w: 8,
            queries: [{ expr: cpuPercentByInstance(host), legend: '{{instance}}' }],
          }),
          timeseries({
            title: 'Node memory',
            description: 'Host memory used percent (1 - available / total), per node (node_exporter).',
            unit: 'percent',
            min: 0,
            max: 100,
            w: 8,
            queries: [{ expr: memoryPercentByInstance(host), legend: '{{instance}}' }],
          }),
          timeseries({
            title: 'Pods per node',
            description: 'Pods scheduled on each Kubernetes node (kube-state-metrics).',
            unit: 'short',
            w: 8,
            queries: [{ expr: aggregate('count', ['node'], select(KUBE_STATE_METRICS.podInfo, withExtra([], cfg.selectors.kubernetes))), legend: '{{node}}' }],
          }),
        ],
      },
    ],
  });
}
