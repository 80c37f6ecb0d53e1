/**
 * ServiceMonitor and PodMonitor (prometheus-operator) for workloads that speak the @obs contract.
 * The target's identity comes from Kubernetes, never from what the scraped endpoint says about
 * itself: `honorLabels: false` keeps the operator's `job`, `namespace`, `pod`, `instance` labels,
 * and a relabeling sets `service` from a label of the Service or Pod object
 * (docs/decisions/0042-dashboards-selection-and-status.md, issue 12).
 */
import { stringify } from 'yaml';
import type { ResolvedConfig } from '../config.js';
import { YAML_HEADER } from '../yaml.js';

/** The label a Service or Pod carries to be scraped as an @obs service. */
export const CONTRACT_SELECTOR_LABEL = { 'obs-contract': 'v1' } as const;

/** The container port name that serves `/metrics`. */
export const METRICS_PORT_NAME = 'metrics';

/** A Kubernetes label key as Prometheus's service discovery spells it (`app.kubernetes.io/name` → `app_kubernetes_io_name`). */
export function metaLabelName(key: string): string {
  return key.replace(/[^a-zA-Z0-9_]/g, '_');
}

/**
 * A ServiceMonitor (Services labelled `obs-contract: v1`, port `metrics`) and a PodMonitor (the
 * same for bare pods), in `kubernetes.scrapeNamespaces` only (default: the manifests' own
 * namespace). `honorLabels: false`: a series that carries `job`, `namespace`, `pod`, `service`…
 * keeps the value Kubernetes gives and its own is renamed `exported_<label>`. `service` is the
 * value of `kubernetes.serviceLabel` on the Service or Pod; the PodMonitor skips pods without it
 * (the ServiceMonitor falls back to the Service's name).
 *
 * @example
 * serviceMonitorManifests(resolveConfig({ kubernetes: { scrapeNamespaces: ['shop'] } }))
 */
export function serviceMonitorManifests(cfg: ResolvedConfig): string {
  const k8s = cfg.kubernetes;
  const key = metaLabelName(k8s.serviceLabel);
  const metadata = (name: string) => ({
    name,
    namespace: k8s.namespace,
    labels: { ...k8s.ruleLabels, 'app.kubernetes.io/managed-by': 'obs-dashboards' },
  });
  const namespaceSelector = { matchNames: [...k8s.scrapeNamespaces] };
  // `targetLabels` on every target: what `selectors` may select on.
  const targetRelabelings = Object.entries(cfg.targetLabels).map(([targetLabel, replacement]) => ({ targetLabel, replacement, action: 'replace' }));
  const endpoint = (relabelings: object[]) => ({
    port: METRICS_PORT_NAME,
    path: '/metrics',
    interval: cfg.scrapeInterval,
    honorLabels: false,
    relabelings: [...relabelings, ...targetRelabelings],
  });
  const serviceMonitor = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: metadata('obs-services'),
    spec: {
      selector: { matchLabels: { ...CONTRACT_SELECTOR_LABEL } },
      namespaceSelector,
      endpoints: [
        endpoint([
          { sourceLabels: [`__meta_kubernetes_service_label_${key}`], regex: '(.+)', targetLabel: 'service', replacement: '$1', action: 'replace' },
        ]),
      ],
    },
  };
  const podMonitor = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: metadata('obs-pods'),
    spec: {
      selector: { matchLabels: { ...CONTRACT_SELECTOR_LABEL } },
      namespaceSelector,
      podMetricsEndpoints: [
        endpoint([
          { sourceLabels: [`__meta_kubernetes_pod_label_${key}`], regex: '.+', action: 'keep' },
          { sourceLabels: [`__meta_kubernetes_pod_label_${key}`], regex: '(.+)', targetLabel: 'service', replacement: '$1', action: 'replace' },
        ]),
      ],
    },
  };
  const header = [
    ...YAML_HEADER.split('\n').map((l) => `#${l}`),
    '# Scrape every Service (ServiceMonitor) or Pod (PodMonitor) labelled obs-contract: "v1" on its port named "metrics",',
    `# in the namespaces ${k8s.scrapeNamespaces.join(', ')} only (kubernetes.scrapeNamespaces).`,
    '# Identity comes from Kubernetes, not from the scraped endpoint: honorLabels is false (job, namespace, pod, instance',
    `# are the operator's) and \`service\` is the object's "${k8s.serviceLabel}" label (kubernetes.serviceLabel); what the`,
    '# application reports is kept as exported_service. The labels match the operator\'s selectors (kubernetes.ruleLabels).',
  ].join('\n');
  return `${header}\n---\n${stringify(serviceMonitor, { lineWidth: 0 })}---\n${stringify(podMonitor, { lineWidth: 0 })}`;
}
