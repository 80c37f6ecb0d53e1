import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { NODE_EXPORTER_METRICS } from '@obs/metrics-standard';
import type { ResolvedConfig } from '../config.js';
import { stat, timeseries } from '../panels/index.js';
import { eq, ne, nre, rate, re, select, sumBy, withExtra } from '../promql/index.js';
import { buildDashboard } from './common.js';
import { cpuPercentByInstance, memoryPercentByInstance } from './queries.js';

const node = NODE_EXPORTER_METRICS;

/** Pseudo file systems left out of disk usage. */
export const PSEUDO_FILESYSTEMS = 'tmpfs|devtmpfs|overlay|squashfs|ramfs|nsfs|autofs|fuse.lxcfs';

/**
 * The Host dashboard (node_exporter): CPU %, load, memory %, disk usage %, disk I/O and network
 * RX/TX per host.
 *
 * @example
 * const json = hostDashboard(resolveConfig({}));
 */
export function hostDashboard(cfg: ResolvedConfig): Dashboard {
  const m = withExtra([re('instance', '$instance')], cfg.selectors.host);
  const fs = [...m, nre('fstype', PSEUDO_FILESYSTEMS)];
  const root = [...fs, eq('mountpoint', '/')];
  const nic = [...m, ne('device', 'lo')];
  const diskPercent = (sel: typeof m) => `(1 - ${select(node.filesystemAvailBytes, sel)} / ${select(node.filesystemSizeBytes, sel)}) * 100`;
  const byInstance = ['instance'];
  return buildDashboard({
    name: 'host',
    title: 'Host',
    description: 'Hosts (node_exporter): CPU, load, memory, disk usage, disk I/O and network, per instance.',
    tags: ['infrastructure', 'host', 'node-exporter'],
    variables: [
      {
        name: 'instance',
        label: 'Host',
        metric: node.unameInfo,
        labelName: 'instance',
        matchers: withExtra([], cfg.selectors.host),
        multi: true,
        description: 'node_exporter targets (from node_uname_info).',
      },
    ],
    sections: [
      {
        title: 'Summary',
        panels: [
          stat({ title: 'CPU busy', description: 'CPU busy percent (all cores).', unit: 'percent', w: 6, thresholds: [{ value: 85, color: 'red' }], queries: [{ expr: cpuPercentByInstance(m), legend: '{{instance}}', instant: true }] }),
          stat({ title: 'Memory used', description: 'Memory used percent (1 - available / total).', unit: 'percent', w: 6, thresholds: [{ value: 90, color: 'red' }], queries: [{ expr: memoryPercentByInstance(m), legend: '{{instance}}', instant: true }] }),
          stat({ title: 'Root disk used', description: 'Used percent of the `/` file system.', unit: 'percent', w: 6, thresholds: [{ value: 80, color: 'red' }], queries: [{ expr: diskPercent(root), legend: '{{instance}}', instant: true }] }),
          stat({ title: 'Uptime', description: 'Time since the host booted.', unit: 's', w: 6, queries: [{ expr: `time() - ${select(node.bootTimeSeconds, m)}`, legend: '{{instance}}', instant: true }] }),
        ],
      },
      {
        title: 'CPU and memory',
        panels: [
          timeseries({ title: 'CPU busy', description: 'CPU busy percent per host: 100 minus the idle share, averaged over cores.', unit: 'percent', min: 0, max: 100, w: 8, queries: [{ expr: cpuPercentByInstance(m), legend: '{{instance}}' }] }),
          timeseries({
            title: 'Load average',
            description: 'Load average over 1, 5 and 15 minutes per host (compare with the number of cores).',
            unit: 'short',
            w: 8,
            queries: [
              { expr: select(node.load1, m), legend: '{{instance}} 1m' },
              { expr: select(node.load5, m), legend: '{{instance}} 5m' },
              { expr: select(node.load15, m), legend: '{{instance}} 15m' },
            ],
          }),
          timeseries({ title: 'Memory used', description: 'Memory used percent per host (1 - MemAvailable / MemTotal).', unit: 'percent', min: 0, max: 100, w: 8, queries: [{ expr: memoryPercentByInstance(m), legend: '{{instance}}' }] }),
        ],
      },
      {
        title: 'Disks',
        panels: [
          timeseries({ title: 'Disk usage', description: 'Used percent per file system (pseudo file systems left out).', unit: 'percent', min: 0, max: 100, w: 8, queries: [{ expr: diskPercent(fs), legend: '{{instance}} {{mountpoint}}' }] }),
          timeseries({
            title: 'Disk throughput',
            description: 'Bytes read and written per second per host (all block devices).',
            unit: 'Bps',
            w: 8,
            queries: [
              { expr: sumBy(byInstance, rate(node.diskReadBytesTotal, m)), legend: '{{instance}} read' },
              { expr: `-${sumBy(byInstance, rate(node.diskWrittenBytesTotal, m))}`, legend: '{{instance}} write' },
            ],
          }),
          timeseries({ title: 'Disk busy', description: 'Share of time each device was busy with I/O.', unit: 'percentunit', min: 0, w: 8, queries: [{ expr: rate(node.diskIoTimeSecondsTotal, m), legend: '{{instance}} {{device}}' }] }),
        ],
      },
      {
        title: 'Network',
        panels: [
          timeseries({
            title: 'Network traffic',
            description: 'Bytes received (up) and transmitted (down) per second per host, loopback left out.',
            unit: 'Bps',
            queries: [
              { expr: sumBy(byInstance, rate(node.networkReceiveBytesTotal, nic)), legend: '{{instance}} rx' },
              { expr: `-${sumBy(byInstance, rate(node.networkTransmitBytesTotal, nic))}`, legend: '{{instance}} tx' },
            ],
          }),
          timeseries({
            title: 'Network errors',
            description: 'Receive and transmit errors per second per host.',
            unit: 'suffix: errors/s',
            queries: [
              { expr: sumBy(byInstance, rate(node.networkReceiveErrsTotal, nic)), legend: '{{instance}} rx' },
              { expr: sumBy(byInstance, rate(node.networkTransmitErrsTotal, nic)), legend: '{{instance}} tx' },
            ],
          }),
        ],
      },
    ],
  });
}

