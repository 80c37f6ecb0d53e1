/**
 * ServiceMonitor and PodMonitor (prometheus-operator) for workloads that speak the @obs contract.
 */
import { stringify } from 'yaml';
import type { ResolvedConfig } from '../config.js';
import { YAML_HEADER } from '../yaml.js';

/** The label a Service or Pod carries to be scraped as an @obs service. */
export const CONTRACT_SELECTOR_LABEL = { 'obs-contract': 'v1' } as const;

/** The container port name that serves `/metrics`. */
export const METRICS_PORT_NAME = 'metrics';

/**
 * A ServiceMonitor (Services labelled `obs-contract: v1`, port `metrics`) and a PodMonitor (the
 * same for bare pods), in every namespace. `honorLabels: true` keeps the contract's own `service`
 * label instead of the operator's target label of the same name.
 *
 * @example
 * serviceMonitorManifests(resolveConfig({ kubernetes: { ruleLabels: { release: 'prom' } } }))
 */
export function serviceMonitorManifests(cfg: ResolvedConfig): string {
  const metadata = (name: string) => ({
    name,
    namespace: cfg.kubernetes.namespace,
    labels: { ...cfg.kubernetes.ruleLabels, 'app.kubernetes.io/managed-by': 'obs-dashboards' },
  });
  const relabelings = Object.entries(cfg.targetLabels).map(([targetLabel, replacement]) => ({ targetLabel, replacement, action: 'replace' }));
  const endpoint = { port: METRICS_PORT_NAME, path: '/metrics', interval: cfg.scrapeInterval, honorLabels: true, ...(relabelings.length > 0 && { relabelings }) };
  const serviceMonitor = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: metadata('obs-services'),
    spec: {
      selector: { matchLabels: { ...CONTRACT_SELECTOR_LABEL } },
      namespaceSelector: { any: true },
      endpoints: [endpoint],
    },
  };
  const podMonitor = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: metadata('obs-pods'),
    spec: {
      selector: { matchLabels: { ...CONTRACT_SELECTOR_LABEL } },
      namespaceSelector: { any: true },
      podMetricsEndpoints: [endpoint],
    },
  };
  const header = [
    ...YAML_HEADER.split('\n').map((l) => `#${l}`),
    '# Scrape every Service (ServiceMonitor) or Pod (PodMonitor) labelled obs-contract: "v1" on its port named "metrics".',
    '# honorLabels keeps the contract\'s `service` label; the labels match the Prometheus operator\'s selectors (kubernetes.ruleLabels).',
  ].join('\n');
  return `${header}\n---\n${stringify(serviceMonitor, { lineWidth: 0 })}---\n${stringify(podMonitor, { lineWidth: 0 })}`;
}
