import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { linkedDatasources } from './linked-datasources.js';
import { LABELS, TASK_STATUS, WORKER_METRICS } from '@obs/metrics-standard';
import type { ResolvedConfig } from '../config.js';
import { heatmap, stat, timeseries } from '../panels/index.js';
import { aggregate, bucket, eq, histogramQuantile, rate, re, select, shareOf, sumBy, withExtra } from '../promql/index.js';
import { buildDashboard } from './common.js';
import { queueDepth } from './queries.js';

/**
 * The Worker dashboard: task rate, failure ratio, p95 duration, queue size and tasks in progress
 * for the background workers of one or more services, by queue and task.
 *
 * @example
 * const json = workerDashboard(resolveConfig({}));
 */
export function workerDashboard(cfg: ResolvedConfig): Dashboard {
  const m = withExtra([re(LABELS.service, '$service'), re(LABELS.queue, '$queue')], cfg.selectors.service);
  const tasks = WORKER_METRICS.tasksTotal;
  const duration = WORKER_METRICS.taskDuration;
  const failed = [...m, eq(LABELS.status, TASK_STATUS.failure)];
  const byTask = [LABELS.queue, LABELS.task];
  return buildDashboard({
    name: 'worker',
    title: 'Worker',
    description: 'Background workers (queue consumers): task rate, failure ratio, duration, queue size and tasks in progress, by queue and task.',
    tags: ['worker'],
    linkedDatasources: linkedDatasources(cfg, ['tempo']),
    variables: [
      {
        name: 'service',
        label: 'Service',
        metric: WORKER_METRICS.tasksInProgress,
        labelName: LABELS.service,
        matchers: withExtra([], cfg.selectors.service),
        multi: true,
        description: 'Worker services (from worker_tasks_in_progress, declared per queue when a worker starts, with or without a queue-size source).',
      },
      {
        name: 'queue',
        label: 'Queue',
        metric: WORKER_METRICS.tasksInProgress,
        labelName: LABELS.queue,
        matchers: withExtra([re(LABELS.service, '$service')], cfg.selectors.service),
        multi: true,
        description: 'Queues of the selected services.',
      },
    ],
    sections: [
      {
        title: 'Summary',
        panels: [
          stat({
            title: 'Task rate',
            description: 'Tasks finished per second.',
            unit: 'suffix: tasks/s',
            w: 5,
            queries: [{ expr: sumBy([], rate(tasks, m)), instant: true }],
          }),
          stat({
            title: 'Failure ratio',
            description: 'Share of finished tasks that failed.',
            unit: 'percentunit',
            w: 5,
            thresholds: [{ value: 0.05, color: 'orange' }, { value: 0.1, color: 'red' }],
            queries: [{ expr: shareOf(sumBy([], rate(tasks, failed)), sumBy([], rate(tasks, m))), instant: true }],
          }),
          stat({
            title: 'p95 duration',
            description: '95th percentile of task duration.',
            unit: 's',
            w: 5,
            thresholds: [{ value: 60, color: 'red' }],
            queries: [{ expr: histogramQuantile(0.95, duration, m), instant: true }],
          }),
          stat({
            title: 'Waiting jobs',
            description: 'Jobs waiting in the selected queues (each queue once, however many replicas report it).',
            unit: 'short',
            w: 5,
            thresholds: [{ value: 1000, color: 'red' }],
            queries: [{ expr: sumBy([], queueDepth(m, [LABELS.service, LABELS.queue])), instant: true }],
          }),
          stat({
            title: 'In progress',
            description: 'Tasks being processed now.',
            unit: 'short',
            w: 4,
            queries: [{ expr: sumBy([], select(WORKER_METRICS.tasksInProgress, m)), instant: true }],
          }),
        ],
      },
      {
        title: 'Tasks',
        panels: [
          timeseries({
            title: 'Task rate by task and status',
            description: 'Tasks finished per second by queue, task and outcome.',
            unit: 'suffix: tasks/s',
            queries: [{ expr: sumBy([...byTask, LABELS.status], rate(tasks, m)), legend: '{{queue}} {{task}} {{status}}' }],
          }),
          timeseries({
            title: 'Failure ratio by task',
            description: 'Share of finished tasks that failed, by queue and task.',
            unit: 'percentunit',
            min: 0,
            queries: [{ expr: shareOf(sumBy(byTask, rate(tasks, failed)), sumBy(byTask, rate(tasks, m))), legend: '{{queue}} {{task}}' }],
          }),
          timeseries({
            title: 'p95 duration by task',
            description: '95th percentile of task duration by queue and task.',
            unit: 's',
            queries: [{ expr: histogramQuantile(0.95, duration, m, byTask), legend: '{{queue}} {{task}}', exemplar: true }],
          }),
          heatmap({
            title: 'Duration heatmap',
            description: 'Distribution of task durations (tasks per second in each bucket).',
            unit: 'suffix: tasks/s',
            yUnit: 's',
            queries: [{ expr: sumBy([LABELS.le], rate(bucket(duration), m)), legend: '{{le}}', format: 'heatmap' }],
          }),
        ],
      },
      {
        title: 'Queues',
        panels: [
          timeseries({
            title: 'Queue size by state',
            description: 'Jobs in each queue by state (waiting, active, delayed, failed, …), sampled at scrape time; replicas reporting one queue count once.',
            unit: 'short',
            queries: [{ expr: aggregate('max', [LABELS.queue, LABELS.state], select(WORKER_METRICS.queueSize, m)), legend: '{{queue}} {{state}}' }],
          }),
          timeseries({
            title: 'In progress by queue',
            description: 'Tasks being processed, by queue.',
            unit: 'short',
            queries: [{ expr: sumBy([LABELS.queue], select(WORKER_METRICS.tasksInProgress, m)), legend: '{{queue}}' }],
          }),
        ],
      },
    ],
  });
}
