/**
 * Dashboard ConfigMaps for the Grafana Helm chart's sidecar (kube-prometheus-stack): one
 * ConfigMap per dashboard, labelled `grafana_dashboard: "1"` (configurable).
 */
import { stringify } from 'yaml';
import type { ResolvedConfig } from '../config.js';
import { YAML_HEADER } from '../yaml.js';

/**
 * A multi-document YAML of ConfigMaps, one per dashboard (`obs-dashboard-<name>`, key `<name>.json`).
 *
 * @example
 * dashboardConfigMaps(cfg, [['overview', '{"uid":"obs-overview"}']])
 */
export function dashboardConfigMaps(cfg: ResolvedConfig, dashboards: readonly (readonly [name: string, json: string])[]): string {
  const docs = dashboards.map(([name, json]) =>
    stringify(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: `obs-dashboard-${name}`,
          namespace: cfg.kubernetes.namespace,
          labels: { ...cfg.kubernetes.dashboardLabels, 'app.kubernetes.io/managed-by': 'obs-dashboards' },
          annotations: { grafana_folder: cfg.grafana.folder },
        },
        data: { [`${name}.json`]: json },
      },
      { lineWidth: 0 },
    ),
  );
  const header = `${YAML_HEADER.split('\n').map((l) => `#${l}`).join('\n')}\n# Grafana dashboards for the Helm chart's dashboard sidecar (it loads ConfigMaps with the labels below).\n`;
  return `${header}${docs.map((d) => `---\n${d}`).join('')}`;
}
