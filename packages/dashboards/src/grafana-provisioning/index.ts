/**
 * Grafana file provisioning: the Prometheus datasource and the dashboard provider.
 */
import type { ResolvedConfig } from '../config.js';
import { toYaml } from '../yaml.js';

/** Where the provider expects the dashboards inside the Grafana container (mount the JSON there). */
export const GRAFANA_DASHBOARDS_PATH = '/var/lib/grafana/dashboards/obs';

/** Prometheus's address as seen from Grafana in the example stack. */
export const PROMETHEUS_URL = 'http://prometheus:9090';

/**
 * `provisioning/datasources/prometheus.yml`: Prometheus as the default datasource, with a fixed
 * uid and `timeInterval` = the scrape interval (so `$__rate_interval` spans four scrapes).
 *
 * @example
 * grafanaDatasourceFile(resolveConfig({ scrapeInterval: '30s' })) // '…timeInterval: 30s…'
 */
export function grafanaDatasourceFile(cfg: ResolvedConfig): string {
  // Multi-cluster: Grafana reads the central store; its Prometheus API is the remote-write URL
  // without `/api/v1/write` (VictoriaMetrics, Prometheus' receiver), Mimir's under `/prometheus`.
  const mc = cfg.multiCluster;
  const store = mc ? mc.remoteWriteUrl.replace(/\/api\/v1\/write$/, '').replace(/\/api\/v1\/push$/, '/prometheus') : undefined;
  return toYaml(
    {
      apiVersion: 1,
      datasources: [
        {
          name: cfg.datasource.name,
          uid: cfg.datasource.uid,
          type: 'prometheus',
          access: 'proxy',
          url: store ?? PROMETHEUS_URL,
          isDefault: true,
          editable: false,
          jsonData: {
            timeInterval: cfg.scrapeInterval,
            httpMethod: 'POST',
            // Exemplars carry trace_id (set by @obs from the sampled span): link them to Tempo.
            ...(cfg.grafana.tempo ? { exemplarTraceIdDestinations: [{ name: 'trace_id', datasourceUid: cfg.grafana.tempo.uid }] } : {}),
          },
        },
      ],
    },
    [
      [
        ['datasources', 0, 'url'],
        store
          ? "The central store every cluster remote-writes into (its Prometheus API, from multiCluster.remoteWriteUrl); change for your network."
          : 'Prometheus as Grafana reaches it; change for your network.',
      ],
      [['datasources', 0, 'isDefault'], 'The default datasource: the dashboards pick it in their `datasource` variable.'],
      [
        ['datasources', 0, 'jsonData'],
        cfg.grafana.tempo
          ? `timeInterval = the scrape interval, so that $__rate_interval always spans four scrapes. Exemplars' trace_id opens the trace in the Tempo data source of uid "${cfg.grafana.tempo.uid}" (config grafana.tempo; false to drop the link).`
          : 'timeInterval = the scrape interval, so that $__rate_interval always spans four scrapes.',
      ],
    ],
  );
}

/**
 * `provisioning/dashboards/obs.yml`: a file provider loading the generated JSON into a folder,
 * read-only in the UI.
 *
 * @example
 * grafanaDashboardProviderFile(resolveConfig({ grafana: { folder: 'Platform' } }))
 */
export function grafanaDashboardProviderFile(cfg: ResolvedConfig): string {
  return toYaml(
    {
      apiVersion: 1,
      providers: [
        {
          name: 'obs',
          orgId: 1,
          folder: cfg.grafana.folder,
          type: 'file',
          disableDeletion: false,
          allowUiUpdates: false,
          updateIntervalSeconds: 30,
          options: { path: GRAFANA_DASHBOARDS_PATH, foldersFromFilesStructure: false },
        },
      ],
    },
    [[['providers', 0, 'options'], 'Mount dashboards/grafana/dashboards/*.json at this path in the Grafana container.']],
  );
}
