import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { linkedDatasources } from './linked-datasources.js';
import {
  HTTP_METRICS,
  LABELS,
  type MetricDefinition,
  RESOURCE_METRICS,
  RUNTIME_METRICS,
  SERVICE_METRICS,
} from '@obs/metrics-standard';
import type { ResolvedConfig } from '../config.js';
import { grafanaUnit, heatmap, type PanelSpec, stat, table, timeseries } from '../panels/index.js';
import {
  aggregate,
  bucket,
  histogramQuantile,
  type Matchers,
  rate,
  re,
  select,
  shareOf,
  sumBy,
  sumSeries,
  withExtra,
} from '../promql/index.js';
import { buildDashboard } from './common.js';
import { serverErrorMatcher, serviceStatus } from './queries.js';

const PERCENTILES = [0.5, 0.9, 0.95, 0.99] as const;

/**
 * The panels of the Service dashboard's "Domain" row: one per configured domain panel (a gauge
 * aggregated per instance, a counter's rate, or a histogram's p50/p95/p99).
 *
 * @example
 * domainPanels(resolveConfig({ domain: { metrics: [{ name: 'vm_running', type: 'gauge', help: 'Running VMs.' }] } }), [])
 */
export function domainPanels(cfg: ResolvedConfig, m: Matchers): PanelSpec[] {
  return cfg.domain.panels.map((p) => {
    const def = cfg.domain.metrics.find((d) => d.name === p.metric) as MetricDefinition;
    const description = `${def.help} (domain metric \`${def.name}\`, ${def.type}, ${p.rate ? 'per-second rate, ' : ''}${p.aggregation} per instance).`;
    if (def.type === 'histogram') {
      return {
        title: p.title,
        description: `${def.help} (domain histogram \`${def.name}\`: p50, p95, p99).`,
        unit: grafanaUnit(def),
        queries: [0.5, 0.95, 0.99].map((q) => ({ expr: histogramQuantile(q, def, m), legend: `p${q * 100}` })),
      };
    }
    const expr = p.rate ? rate(def, m) : select(def, m);
    return {
      title: p.title,
      description,
      unit: grafanaUnit(def, p.rate),
      queries: [{ expr: aggregate(p.aggregation, ['instance'], expr), legend: '{{instance}}' }],
    };
  });
}

/**
 * The Service dashboard: one service (variable) in depth — RED by route, status codes, latency
 * percentiles and heatmap, errors by type, CPU/memory against limits, Node runtime, instances,
 * and the team's domain metrics.
 *
 * @example
 * const json = serviceDashboard(resolveConfig({}));
 */
export function serviceDashboard(cfg: ResolvedConfig): Dashboard {
  const m = withExtra([re(LABELS.service, '$service'), re('instance', '$instance')], cfg.selectors.service);
  const requests = HTTP_METRICS.requestsTotal;
  const duration = HTTP_METRICS.requestDuration;
  const route = [LABELS.method, LABELS.path];
  const byInstance = ['instance'];
  const errors5xx = [...m, serverErrorMatcher()];
  const domain = domainPanels(cfg, m).map((p) => timeseries({ ...p, w: 8 }));
  const lokiDs = cfg.grafana.loki;
  const loki = encodeURIComponent(
    JSON.stringify({ datasource: lokiDs ? '$loki' : 'Loki', queries: [{ refId: 'A', expr: '{service="$service"}' }], range: { from: 'now-1h', to: 'now' } }),
  );
  return buildDashboard({
    name: 'service',
    title: 'Service',
    description:
      'One service (pick it in the variable) in depth: RED by route, status codes, latency, errors by type, CPU and memory against the container limits, the Node runtime, instances and domain metrics. Works for any service that emits the @obs contract, in any language.',
    tags: ['service', 'api'],
    variables: [
      {
        name: 'service',
        label: 'Service',
        metric: SERVICE_METRICS.up,
        labelName: LABELS.service,
        matchers: withExtra([], cfg.selectors.service),
        description: 'The service to show (from service_up).',
      },
      {
        name: 'instance',
        label: 'Instance',
        metric: SERVICE_METRICS.up,
        labelName: 'instance',
        matchers: withExtra([re(LABELS.service, '$service')], cfg.selectors.service),
        multi: true,
        description: 'Instances of the service (scrape targets reporting service_up).',
      },
    ],
    linkedDatasources: linkedDatasources(cfg, ['tempo', 'loki']),
    // `$service` (and `$loki`) stay literal so Grafana interpolates them (no URL encoding needed).
    links: [
      {
        title: 'Logs',
        url: `/explore?left=${loki.replaceAll('%24service', '$service').replaceAll('%24loki', '$loki')}`,
        tooltip: lokiDs ? 'This service\'s logs in Explore (the Loki data source of the `loki` variable, label service)' : 'This service\'s logs in Explore (a Loki data source named "Loki", label service)',
      },
    ],
    sections: [
      {
        title: 'Summary',
        panels: [
          stat({
            title: 'Instances up',
            description: 'Instances scraped and serving (service_up = 1 and the scrape target up).',
            unit: 'short',
            queries: [{ expr: sumBy([], serviceStatus(m)), instant: true }],
          }),
          stat({
            title: 'Request rate',
            description: 'HTTP requests per second.',
            unit: 'reqps',
            queries: [{ expr: sumBy([], rate(requests, m)), instant: true }],
          }),
          stat({
            title: 'Error ratio',
            description: 'Share of HTTP responses with a 5xx status.',
            unit: 'percentunit',
            thresholds: [{ value: 0.01, color: 'orange' }, { value: 0.05, color: 'red' }],
            queries: [{ expr: shareOf(sumBy([], rate(requests, errors5xx)), sumBy([], rate(requests, m))), instant: true }],
          }),
          stat({
            title: 'p95 latency',
            description: '95th percentile of HTTP request duration.',
            unit: 's',
            thresholds: [{ value: 0.5, color: 'orange' }, { value: 1, color: 'red' }],
            queries: [{ expr: histogramQuantile(0.95, duration, m), instant: true }],
          }),
          stat({
            title: 'Errors',
            description: 'Errors per second recorded by the service (service_errors_total).',
            unit: 'suffix: errors/s',
            queries: [{ expr: sumBy([], rate(SERVICE_METRICS.errorsTotal, m)), instant: true }],
          }),
          stat({
            title: 'In flight',
            description: 'HTTP requests being handled now.',
            unit: 'short',
            queries: [{ expr: sumBy([], select(HTTP_METRICS.requestsInFlight, m)), instant: true }],
          }),
        ],
      },
      {
        title: 'Requests (RED by route)',
        panels: [
          timeseries({
            title: 'Request rate by route',
            description: 'HTTP requests per second by method and route template.',
            unit: 'reqps',
            w: 8,
            queries: [{ expr: sumBy(route, rate(requests, m)), legend: '{{method}} {{path}}' }],
          }),
          timeseries({
            title: 'Error ratio by route',
            description: 'Share of 5xx responses by method and route template.',
            unit: 'percentunit',
            min: 0,
            w: 8,
            queries: [{ expr: shareOf(sumBy(route, rate(requests, errors5xx)), sumBy(route, rate(requests, m))), legend: '{{method}} {{path}}' }],
          }),
          timeseries({
            title: 'p95 latency by route',
            description: '95th percentile of request duration by method and route template.',
            unit: 's',
            w: 8,
            queries: [{ expr: histogramQuantile(0.95, duration, m, route), legend: '{{method}} {{path}}', exemplar: true }],
          }),
          timeseries({
            title: 'Responses by status code',
            description: 'HTTP responses per second by status code (499: the client went away).',
            unit: 'reqps',
            stacked: true,
            w: 8,
            queries: [{ expr: sumBy([LABELS.status], rate(requests, m)), legend: '{{status}}' }],
          }),
          timeseries({
            title: 'Latency percentiles',
            description: 'p50, p90, p95 and p99 of HTTP request duration over all routes.',
            unit: 's',
            w: 8,
            queries: PERCENTILES.map((q) => ({ expr: histogramQuantile(q, duration, m), legend: `p${Math.round(q * 100)}`, exemplar: true })),
          }),
          heatmap({
            title: 'Latency heatmap',
            description: 'Distribution of HTTP request durations (requests per second in each bucket).',
            unit: 'reqps',
            yUnit: 's',
            w: 8,
            queries: [{ expr: sumBy([LABELS.le], rate(bucket(duration), m)), legend: '{{le}}', format: 'heatmap' }],
          }),
        ],
      },
      {
        title: 'Errors',
        panels: [
          timeseries({
            title: 'Errors by type',
            description: 'Errors per second by type (snake_case from the error code or name; logged_error for error-level log lines).',
            unit: 'suffix: errors/s',
            stacked: true,
            w: 24,
            queries: [{ expr: sumBy([LABELS.type], rate(SERVICE_METRICS.errorsTotal, m)), legend: '{{type}}' }],
          }),
        ],
      },
      {
        title: 'Resources',
        panels: [
          timeseries({
            title: 'CPU against limit',
            description: 'Process CPU in percent of one core, per instance, with the container CPU limit (cores × 100) when one is set.',
            unit: 'percent',
            min: 0,
            queries: [
              { expr: sumBy(byInstance, select(RESOURCE_METRICS.cpuUsagePercent, m)), legend: '{{instance}} used' },
              { expr: `${sumBy(byInstance, select(RESOURCE_METRICS.cpuLimitCores, m))} * 100`, legend: '{{instance}} limit' },
            ],
          }),
          timeseries({
            title: 'Memory against limit',
            description: 'Resident memory per instance, with the container memory limit when one is set.',
            unit: 'bytes',
            min: 0,
            queries: [
              { expr: sumBy(byInstance, select(RESOURCE_METRICS.memoryUsageBytes, m)), legend: '{{instance}} used' },
              { expr: sumBy(byInstance, select(RESOURCE_METRICS.memoryLimitBytes, m)), legend: '{{instance}} limit' },
            ],
          }),
        ],
      },
      {
        title: 'Runtime (Node.js)',
        panels: [
          timeseries({
            title: 'Event-loop lag',
            description: 'Event-loop delay per instance, p99 and mean (prom-client default metrics; empty for services in other languages).',
            unit: 's',
            w: 8,
            queries: [
              { expr: aggregate('max', byInstance, select(RUNTIME_METRICS.eventLoopLagP99, m)), legend: '{{instance}} p99' },
              { expr: aggregate('max', byInstance, select(RUNTIME_METRICS.eventLoopLagMean, m)), legend: '{{instance}} mean' },
            ],
          }),
          timeseries({
            title: 'Heap',
            description: 'V8 heap used and total per instance (Node.js services).',
            unit: 'bytes',
            w: 8,
            queries: [
              { expr: sumBy(byInstance, select(RUNTIME_METRICS.heapUsedBytes, m)), legend: '{{instance}} used' },
              { expr: sumBy(byInstance, select(RUNTIME_METRICS.heapTotalBytes, m)), legend: '{{instance}} total' },
            ],
          }),
          timeseries({
            title: 'Time in GC',
            description: 'Share of wall time spent in garbage collection, by GC kind (Node.js services).',
            unit: 'percentunit',
            w: 8,
            queries: [{ expr: sumBy(['kind'], rate(sumSeries(RUNTIME_METRICS.gcDuration), m)), legend: '{{kind}}' }],
          }),
        ],
      },
      {
        title: 'Instances',
        panels: [
          table({
            title: 'Instances',
            description: 'Each instance with its version, environment and SDK (service_info).',
            unit: 'short',
            w: 12,
            queries: [{ expr: sumBy(['instance', LABELS.version, LABELS.env, LABELS.sdk], select(SERVICE_METRICS.info, m)), instant: true, format: 'table' }],
          }),
          timeseries({
            title: 'Uptime',
            description: 'Time since each instance\'s process started.',
            unit: 's',
            w: 12,
            queries: [{ expr: `time() - ${aggregate('max', byInstance, select(RUNTIME_METRICS.processStartTime, m))}`, legend: '{{instance}}' }],
          }),
        ],
      },
      { title: 'Domain', panels: domain },
    ],
  });
}
