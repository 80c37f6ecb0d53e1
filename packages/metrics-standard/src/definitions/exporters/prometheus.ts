import type { MetricDefinition } from '../types.js';

/**
 * Series Prometheus itself synthesises: `up` for every scrape target (1 when the last scrape
 * succeeded, 0 when it failed) and `ALERTS` for every pending or firing alert.
 */
export const PROMETHEUS_METRICS = {
  up: {
    name: 'up',
    type: 'gauge',
    help: '1 if the last scrape of the target succeeded, 0 if it failed (synthesised by Prometheus).',
    unit: 'boolean',
    labels: ['job', 'instance'],
    group: 'prometheus',
  },
  alerts: {
    name: 'ALERTS',
    type: 'gauge',
    help: 'Pending and firing alerts, with every label of the alert (synthesised by Prometheus).',
    unit: 'boolean',
    labels: ['alertname', 'alertstate', 'severity'],
    group: 'prometheus',
  },
} as const satisfies Record<string, MetricDefinition>;

/** `ALERTS{alertstate}` values. */
export const ALERT_STATES = { pending: 'pending', firing: 'firing' } as const;
