/**
 * ServiceMonitor and PodMonitor (prometheus-operator) for workloads that speak the @obs contract.
 */
import { stringify } from 'yaml';
import type { ResolvedConfig } from '../config.js';
import { YAML_HEADER } from '../yaml.js';

/** The label a Service or Pod carries to be scraped as an @obs service. */
export const CONTRACT_SELECTOR_LABEL = { 'obs-contract': 'v1' } as const;

/** The pod label that names the @obs service, when it differs from `app.kubernetes.io/name`. */
export const SERVICE_POD_LABEL = 'obs-service';

/**
 * The `service` target label of every scraped pod (ServiceDown alerts on `up{service="…"} == 0`,
 * the only series of a pod that crashes at boot): its `app.kubernetes.io/name`, overridden by its
 * `obs-service` label. Without either, a ServiceMonitor's target keeps the Kubernetes Service
 * name (the operator's default) and a PodMonitor's has none. Either must equal the name the
 * service passes to createObs.
 */
export const SERVICE_RELABELINGS = [
  { sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: '(.+)', targetLabel: 'service', action: 'replace' },
  { sourceLabels: [`__meta_kubernetes_pod_label_${SERVICE_POD_LABEL.replaceAll('-', '_')}`], regex: '(.+)', targetLabel: 'service', action: 'replace' },
];

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
  const endpoint = { port: METRICS_PORT_NAME, path: '/metrics', interval: cfg.scrapeInterval, honorLabels: true, relabelings: SERVICE_RELABELINGS };
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
    `# Each target's \`service\` label (for ServiceDown on up == 0) comes from the pod label app.kubernetes.io/name or ${SERVICE_POD_LABEL}.`,
  ].join('\n');
  return `${header}\n---\n${stringify(serviceMonitor, { lineWidth: 0 })}---\n${stringify(podMonitor, { lineWidth: 0 })}`;
}
