import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { CADVISOR_METRICS } from '@obs/metrics-standard';
import type { ResolvedConfig } from '../config.js';
import { timeseries } from '../panels/index.js';
import { ne, rate, ratio, re, select, sumBy, withExtra } from '../promql/index.js';
import { containerRestarts } from '../promql/containers.js';
import { buildDashboard } from './common.js';

const c = CADVISOR_METRICS;

/**
 * The Containers dashboard (cAdvisor): CPU and memory against limits, restarts, network and block
 * I/O per container.
 *
 * @example
 * const json = containersDashboard(resolveConfig({}));
 */
export function containersDashboard(cfg: ResolvedConfig): Dashboard {
  const m = withExtra([re('instance', '$instance'), re('name', '$container'), ne('name', '')], cfg.selectors.host);
  const by = ['name'];
  const cpuCores = sumBy(by, rate(c.cpuUsageSecondsTotal, m));
  return buildDashboard({
    name: 'containers',
    title: 'Containers',
    description: 'Containers (cAdvisor): CPU and memory against their limits, restarts, network and block I/O, per container name.',
    tags: ['infrastructure', 'containers', 'cadvisor'],
    variables: [
      {
        name: 'instance',
        label: 'Host',
        metric: c.lastSeen,
        labelName: 'instance',
        matchers: withExtra([], cfg.selectors.host),
        multi: true,
        description: 'cAdvisor targets (from container_last_seen).',
      },
      {
        name: 'container',
        label: 'Container',
        metric: c.lastSeen,
        labelName: 'name',
        matchers: withExtra([re('instance', '$instance'), ne('name', '')], cfg.selectors.host),
        multi: true,
        description: 'Container names on the selected hosts.',
      },
    ],
    sections: [
      {
        title: 'CPU',
        panels: [
          timeseries({ title: 'CPU usage', description: 'CPU per container in percent of one core (100 = one full core).', unit: 'percent', min: 0, queries: [{ expr: `${cpuCores} * 100`, legend: '{{name}}' }] }),
          timeseries({
            title: 'CPU against limit',
            description: 'CPU per container in percent of its CPU limit (quota / period); containers without a limit are absent.',
            unit: 'percent',
            min: 0,
            queries: [{ expr: `${ratio(cpuCores, sumBy(by, `${select(c.specCpuQuota, m)} / ${select(c.specCpuPeriod, m)}`))} * 100`, legend: '{{name}}' }],
          }),
          timeseries({
            title: 'CPU throttling',
            description: 'Share of CFS periods in which the container was throttled.',
            unit: 'percentunit',
            min: 0,
            queries: [{ expr: ratio(sumBy(by, rate(c.cpuCfsThrottledPeriodsTotal, m)), sumBy(by, rate(c.cpuCfsPeriodsTotal, m))), legend: '{{name}}' }],
          }),
        ],
      },
      {
        title: 'Memory and restarts',
        panels: [
          timeseries({ title: 'Memory working set', description: 'Working-set memory per container (what the OOM killer looks at).', unit: 'bytes', min: 0, queries: [{ expr: sumBy(by, select(c.memoryWorkingSetBytes, m)), legend: '{{name}}' }] }),
          timeseries({
            title: 'Memory against limit',
            description: 'Working set per container in percent of its memory limit; containers without a limit are absent.',
            unit: 'percent',
            min: 0,
            queries: [{ expr: `${ratio(sumBy(by, select(c.memoryWorkingSetBytes, m)), `${sumBy(by, select(c.specMemoryLimitBytes, m))} > 0`)} * 100`, legend: '{{name}}' }],
          }),
          timeseries({
            title: 'Restarts',
            description:
              'Docker container restarts in each interval (cAdvisor: new runs of one container id, or its start time moving; see the ContainerRestartBurst runbook). Kubernetes restarts: the Kubernetes dashboard.',
            unit: 'short',
            min: 0,
            queries: [{ expr: sumBy(by, containerRestarts(m, '$__rate_interval')), legend: '{{name}}' }],
          }),
          timeseries({ title: 'OOM events', description: 'Out-of-memory kills per second, per container.', unit: 'suffix: events/s', min: 0, queries: [{ expr: sumBy(by, rate(c.oomEventsTotal, m)), legend: '{{name}}' }] }),
        ],
      },
      {
        title: 'I/O',
        panels: [
          timeseries({
            title: 'Network traffic',
            description: 'Bytes received (up) and transmitted (down) per second, per container.',
            unit: 'Bps',
            queries: [
              { expr: sumBy(by, rate(c.networkReceiveBytesTotal, m)), legend: '{{name}} rx' },
              { expr: `-${sumBy(by, rate(c.networkTransmitBytesTotal, m))}`, legend: '{{name}} tx' },
            ],
          }),
          timeseries({
            title: 'Block I/O',
            description: 'Bytes read (up) and written (down) per second, per container.',
            unit: 'Bps',
            queries: [
              { expr: sumBy(by, rate(c.fsReadsBytesTotal, m)), legend: '{{name}} read' },
              { expr: `-${sumBy(by, rate(c.fsWritesBytesTotal, m))}`, legend: '{{name}} write' },
            ],
          }),
        ],
      },
    ],
  });
}
