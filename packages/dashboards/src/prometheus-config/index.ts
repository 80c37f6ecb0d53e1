/**
 * An example `prometheus.yml` for the generated rules: intervals, rule files, Alertmanager, and
 * scrape jobs for @obs services (static and file-based discovery) and the exporters the
 * dashboards read.
 */
import type { ResolvedConfig, ResolvedMultiCluster } from '../config.js';
import { toYaml, type YamlComment } from '../yaml.js';

function scrapeConfigs(): unknown[] {
  const job = (name: string, target: string) => ({ job_name: name, static_configs: [{ targets: [target] }] });
  return [
        job('prometheus', 'localhost:9090'),
        {
          job_name: 'obs-services',
          metrics_path: '/metrics',
          static_configs: [{ targets: ['checkout-api:3000', 'billing-worker:3001'] }],
        },
        {
          job_name: 'obs-services-discovered',
          metrics_path: '/metrics',
          file_sd_configs: [{ files: ['targets/*.json', 'targets/*.yml'], refresh_interval: '1m' }],
        },
        job('node', 'node-exporter:9100'),
        job('cadvisor', 'cadvisor:8080'),
        job('postgres', 'postgres-exporter:9187'),
        job('redis', 'redis-exporter:9121'),
        job('rabbitmq', 'rabbitmq:15692'),
  ];
}

const SCRAPE_COMMENTS: readonly YamlComment[] = [
  [['scrape_configs'], 'Dashboards select on the `service` label every @obs series carries, never on job names: name jobs as you like.'],
  [
    ['scrape_configs', 1],
    'Services speaking the @obs contract, listed by hand. A protected /metrics takes\n authorization: { credentials_file: /etc/prometheus/obs-token } on the job.',
  ],
  [['scrape_configs', 2], 'The same, discovered from files: adding a service is adding a target to targets/*.json.'],
  [['scrape_configs', 3], 'Exporters read by the Host, Containers and Datastores dashboards.'],
];

/**
 * The example Prometheus configuration. With `multiCluster` on, it is one cluster's Prometheus:
 * an external cluster label and a remote_write to the central store, no rules (the central ruler
 * evaluates them over every cluster).
 *
 * @example
 * prometheusConfigFile(resolveConfig({ scrapeInterval: '30s' }))
 */
export function prometheusConfigFile(cfg: ResolvedConfig): string {
  const mc = cfg.multiCluster;
  if (mc) {
    return toYaml(
      {
        global: { scrape_interval: cfg.scrapeInterval, evaluation_interval: cfg.evaluationInterval, external_labels: { [mc.label]: mc.name } },
        remote_write: [{ url: mc.remoteWriteUrl }],
        scrape_configs: scrapeConfigs(),
      },
      [
        [['global'], `One cluster of several: every series leaves with ${mc.label}="${mc.name}" (set it per cluster).`],
        [['remote_write'], 'The central store (VictoriaMetrics, Mimir, Thanos Receive). The rules and Alertmanager run centrally\n (dashboards/prometheus/rules with vmalert or the store\'s ruler): evaluating them here too would write\n every recorded series twice.'],
        ...SCRAPE_COMMENTS,
      ],
    );
  }
  return toYaml(
    {
      global: { scrape_interval: cfg.scrapeInterval, evaluation_interval: cfg.evaluationInterval },
      rule_files: ['rules/*.yml'],
      alerting: { alertmanagers: [{ static_configs: [{ targets: ['alertmanager:9093'] }] }] },
      scrape_configs: scrapeConfigs(),
    },
    [
      [['global'], 'Scrape and rule-evaluation intervals (the Grafana datasource timeInterval matches scrape_interval).'],
      [['rule_files'], 'The generated alert and recording rules (dashboards/prometheus/rules), relative to this file.'],
      [['alerting'], 'Where firing alerts go: the generated dashboards/alertmanager/alertmanager.yml.'],
      ...SCRAPE_COMMENTS,
    ],
  );
}

/**
 * Multi-cluster only: the same cluster as a Prometheus in agent mode
 * (`prometheus --enable-feature=agent`), which scrapes and remote-writes and keeps no local TSDB
 * to query.
 *
 * @example
 * prometheusAgentConfigFile(resolveConfig({ multiCluster: { name: 'eu-1' } }))
 */
export function prometheusAgentConfigFile(cfg: ResolvedConfig & { multiCluster: ResolvedMultiCluster }): string {
  const mc = cfg.multiCluster;
  return toYaml(
    {
      global: { scrape_interval: cfg.scrapeInterval, external_labels: { [mc.label]: mc.name } },
      remote_write: [{ url: mc.remoteWriteUrl }],
      scrape_configs: scrapeConfigs(),
    },
    [
      [['global'], `Run with: prometheus --enable-feature=agent --config.file=prometheus-agent.yml\n Agent mode scrapes and remote-writes only: no rules, no alerting, no local queries.\n Every series leaves with ${mc.label}="${mc.name}" (set it per cluster).`],
      [['remote_write'], 'The central store; the rules run there (vmalert or the store\'s ruler).'],
      ...SCRAPE_COMMENTS,
    ],
  );
}

/**
 * Multi-cluster only: the same scrape jobs for VictoriaMetrics' vmagent, whose external label and
 * remote-write URL are command-line flags (written in the file's header).
 *
 * @example
 * vmagentConfigFile(resolveConfig({ multiCluster: true }))
 */
export function vmagentConfigFile(cfg: ResolvedConfig & { multiCluster: ResolvedMultiCluster }): string {
  const mc = cfg.multiCluster;
  return toYaml(
    { global: { scrape_interval: cfg.scrapeInterval }, scrape_configs: scrapeConfigs() },
    [
      [
        ['global'],
        `Run with:\n   vmagent -promscrape.config=vmagent.yml -remoteWrite.url=${mc.remoteWriteUrl} -remoteWrite.label=${mc.label}=${mc.name}\n -remoteWrite.label adds ${mc.label}="${mc.name}" to every series sent (set it per cluster), as external_labels do in Prometheus.`,
      ],
      ...SCRAPE_COMMENTS,
    ],
  );
}
