import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { KUBE_STATE_METRICS } from '@obs/metrics-standard';
import type { ResolvedConfig } from '../config.js';
import { stat, table, timeseries } from '../panels/index.js';
import { aggregate, eq, increase, re, select, sumBy, withExtra } from '../promql/index.js';
import { buildDashboard } from './common.js';
import { podsSucceeded } from './queries.js';

const k = KUBE_STATE_METRICS;

/**
 * The Kubernetes dashboard (kube-state-metrics): pods per node, pod phases, not-ready pods,
 * restarts, waiting and terminated reasons, node conditions and deployment replicas.
 *
 * @example
 * const json = kubernetesDashboard(resolveConfig({}));
 */
export function kubernetesDashboard(cfg: ResolvedConfig): Dashboard {
  const extra = cfg.selectors.kubernetes;
  const ns = withExtra([re('namespace', '$namespace')], extra);
  const nodes = withExtra([re('node', '$node')], extra);
  // Pending pods are not scheduled yet: their node is empty, and they count on every node selection.
  const pods = [...ns, re('node', '$node|')];
  const scheduled = [...ns, re('node', '$node')];
  const running = (expr: string) => `${expr} unless on (namespace, pod) (${podsSucceeded(ns)})`;
  return buildDashboard({
    name: 'kubernetes',
    title: 'Kubernetes',
    description: 'Kubernetes objects (kube-state-metrics): pods per node, pod phases and readiness, restarts, crash and OOM reasons, node conditions, deployments.',
    tags: ['infrastructure', 'kubernetes', 'kube-state-metrics'],
    variables: [
      { name: 'namespace', label: 'Namespace', metric: k.podInfo, labelName: 'namespace', matchers: withExtra([], extra), multi: true, description: 'Namespaces (from kube_pod_info).' },
      { name: 'node', label: 'Node', metric: k.nodeInfo, labelName: 'node', matchers: withExtra([], extra), multi: true, description: 'Nodes (from kube_node_info).' },
    ],
    sections: [
      {
        title: 'Summary',
        panels: [
          stat({ title: 'Pods', description: 'Pods in the selected namespaces and nodes, and the Pending pods not scheduled on a node yet.', unit: 'short', w: 6, queries: [{ expr: `count(${select(k.podInfo, pods)}) or vector(0)`, instant: true }] }),
          stat({
            title: 'Pods not ready',
            description: 'Pods whose Ready condition is false (completed Job pods, phase Succeeded, are not counted).',
            unit: 'short',
            w: 6,
            thresholds: [{ value: 1, color: 'orange' }],
            queries: [{ expr: `sum(${running(select(k.podStatusReady, [...ns, eq('condition', 'false')]))}) or vector(0)`, instant: true }],
          }),
          stat({
            title: 'Nodes not ready',
            description: 'Nodes whose Ready condition is not true.',
            unit: 'short',
            w: 6,
            thresholds: [{ value: 1, color: 'red' }],
            queries: [{ expr: `sum(${select(k.nodeStatusCondition, [...nodes, eq('condition', 'Ready'), re('status', 'false|unknown')])}) or vector(0)`, instant: true }],
          }),
          stat({
            title: 'Container restarts',
            description: 'Container restarts in the selected namespaces over the dashboard time range.',
            unit: 'short',
            w: 6,
            thresholds: [{ value: 1, color: 'orange' }],
            queries: [{ expr: `sum(${increase(k.podContainerStatusRestartsTotal, ns, '$__range')}) or vector(0)`, instant: true }],
          }),
        ],
      },
      {
        title: 'Pods',
        panels: [
          timeseries({ title: 'Pods per node', description: 'Pods scheduled on each node.', unit: 'short', queries: [{ expr: aggregate('count', ['node'], select(k.podInfo, scheduled)), legend: '{{node}}' }] }),
          timeseries({ title: 'Pod phases', description: 'Pods by phase (Pending, Running, Succeeded, Failed, Unknown).', unit: 'short', stacked: true, queries: [{ expr: sumBy(['phase'], select(k.podStatusPhase, ns)), legend: '{{phase}}' }] }),
          timeseries({ title: 'Restarts by pod', description: 'Container restarts per pod in each interval.', unit: 'short', min: 0, queries: [{ expr: sumBy(['namespace', 'pod'], increase(k.podContainerStatusRestartsTotal, ns)), legend: '{{namespace}}/{{pod}}' }] }),
          table({
            title: 'Pods not ready',
            description: 'Pods whose Ready condition is false now (completed Job pods are not listed).',
            unit: 'short',
            queries: [{ expr: `${sumBy(['namespace', 'pod'], running(select(k.podStatusReady, [...ns, eq('condition', 'false')])))} > 0`, instant: true, format: 'table' }],
          }),
          table({
            title: 'Waiting containers',
            description: 'Containers waiting, with the reason (CrashLoopBackOff, ImagePullBackOff, …).',
            unit: 'short',
            queries: [{ expr: `${sumBy(['namespace', 'pod', 'container', 'reason'], select(k.podContainerStatusWaitingReason, ns))} > 0`, instant: true, format: 'table' }],
          }),
          table({
            title: 'Last terminations',
            description: 'Containers whose last termination had a reason (OOMKilled, Error, …).',
            unit: 'short',
            queries: [{ expr: `${sumBy(['namespace', 'pod', 'container', 'reason'], select(k.podContainerStatusLastTerminatedReason, ns))} > 0`, instant: true, format: 'table' }],
          }),
        ],
      },
      {
        title: 'Nodes and deployments',
        panels: [
          table({
            title: 'Node conditions',
            description: 'Node conditions that are true now (Ready, MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable).',
            unit: 'short',
            queries: [{ expr: `${sumBy(['node', 'condition'], select(k.nodeStatusCondition, [...nodes, eq('status', 'true')]))} > 0`, instant: true, format: 'table' }],
          }),
          timeseries({
            title: 'Deployment replicas available',
            description: 'Available replicas against the desired count, per deployment.',
            unit: 'short',
            queries: [
              { expr: sumBy(['namespace', 'deployment'], select(k.deploymentStatusReplicasAvailable, ns)), legend: '{{namespace}}/{{deployment}} available' },
              { expr: sumBy(['namespace', 'deployment'], select(k.deploymentSpecReplicas, ns)), legend: '{{namespace}}/{{deployment}} desired' },
            ],
          }),
        ],
      },
    ],
  });
}
