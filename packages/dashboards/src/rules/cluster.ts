/**
 * The rules' side of `multiCluster`: the ClusterMissing alert (a cluster that stopped sending is
 * otherwise silent: its series vanish instead of turning 0, so no threshold alert can fire), and
 * the one place every rule expression gains the cluster label (see docs/decisions/0054-multicluster.md).
 */
import { PROMETHEUS_METRICS } from '@obs/metrics-standard';
import { keepLabelInAggregations } from '../promql/cluster.js';
import { select } from '../promql/index.js';
import type { AlertSpec } from './catalogue.js';
import { durationSeconds } from './format.js';

/** What the rule builders read of the multi-cluster config. */
export interface RulesMultiCluster {
  /** The cluster label (each agent's external label). */
  readonly label: string;
  /** How long a cluster may send no `up` sample before ClusterMissing. */
  readonly missingAfter: string;
}

/** The value the generated promtool tests give the cluster label. */
export const TEST_CLUSTER = 'east';

/** How far back a cluster counts as known: one that stopped reporting a day ago is forgotten. */
const KNOWN_WINDOW = '1d';

/**
 * ClusterMissing: some `up` series of the cluster within a day, none within `missingAfter`.
 *
 * @example
 * clusterMissingSpec({ label: 'cluster', missingAfter: '5m' }).expr(ctx)
 * // 'group by (cluster) (max_over_time(up[1d])) unless group by (cluster) (max_over_time(up[5m]))'
 */
export function clusterMissingSpec(mc: RulesMultiCluster): AlertSpec {
  const up = select(PROMETHEUS_METRICS.up);
  const L = mc.label;
  // Scenario: up is scraped for 4 minutes (0 … 180 s) and then never again. promtool 2.x windows
  // include both ends, so the first evaluation that sees no sample is 180 s + window + one step.
  const gone = 180 + durationSeconds(mc.missingAfter) + 30;
  const ident = { job: 'checkout', instance: '10.0.0.1:3000' };
  return {
    name: 'ClusterMissing',
    pack: 'service',
    severity: 'critical',
    for: '2m',
    format: 'none',
    summary: `Cluster {{ $labels.${L} }} stopped sending metrics`,
    description: `No up sample of cluster {{ $labels.${L} }} reached the central store for ${mc.missingAfter} although it reported within ${KNOWN_WINDOW}: its Prometheus or agent is down or cannot remote-write, and every other alert of that cluster is blind.`,
    expr: () => `group by (${L}) (max_over_time(${up}[${KNOWN_WINDOW}])) unless group by (${L}) (max_over_time(${up}[${mc.missingAfter}]))`,
    fire: () => [
      {
        series: [{ metric: PROMETHEUS_METRICS.up.name, labels: ident, data: { values: (n) => `1x3 _x${Math.max(1, n - 4)}` } }],
        labels: {},
        value: 1,
        activeFrom: gone,
        steadyAt: gone,
        note: 'its agent stopped',
      },
    ],
    quiet: () => ({ series: [{ metric: PROMETHEUS_METRICS.up.name, labels: ident, data: { value: 1 } }], labels: {}, value: 1, activeFrom: 0, steadyAt: 0 }),
  };
}

/**
 * A rule with the cluster label kept in every aggregation and vector match (`sum(x)` becomes
 * `sum by (cluster) (x)`, so two clusters never add up), or the rule unchanged when off.
 */
export function withClusterLabel<R extends { expr: string }>(mc: RulesMultiCluster | false, rule: R): R {
  return mc ? { ...rule, expr: keepLabelInAggregations(rule.expr, mc.label, true) } : rule;
}
