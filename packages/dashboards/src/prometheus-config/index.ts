/**
 * An example `prometheus.yml` for the generated rules: intervals, rule files, Alertmanager, and
 * scrape jobs for @obs services (static and file-based discovery) and the exporters the
 * dashboards read.
 */
import { DEFAULT_METRICS_PORT } from '@obs/metrics-standard';
import type { ResolvedConfig } from '../config.js';
import { toYaml } from '../yaml.js';

/**
 * The example Prometheus configuration.
 *
 * @example
 * prometheusConfigFile(resolveConfig({ scrapeInterval: '30s' }))
 */
export function prometheusConfigFile(cfg: ResolvedConfig): string {
  // `targetLabels` on every target: what `selectors` may select on (static targets: `labels`;
  // discovered ones: a relabelling, since their labels come from the target files).
  // (a new object each time: a shared one would be written as a YAML alias)
  const labels = () => (Object.keys(cfg.targetLabels).length > 0 ? { labels: { ...cfg.targetLabels } } : {});
  const relabel =
    Object.keys(cfg.targetLabels).length > 0
      ? { relabel_configs: Object.entries(cfg.targetLabels).map(([target_label, replacement]) => ({ target_label, replacement })) }
      : {};
  const job = (name: string, target: string) => ({ job_name: name, static_configs: [{ targets: [target], ...labels() }] });
  return toYaml(
    {
      global: { scrape_interval: cfg.scrapeInterval, evaluation_interval: cfg.evaluationInterval },
      rule_files: ['rules/*.yml'],
      alerting: { alertmanagers: [{ static_configs: [{ targets: ['alertmanager:9093'] }] }] },
      scrape_configs: [
        job('prometheus', 'localhost:9090'),
        {
          job_name: 'obs-services',
          metrics_path: '/metrics',
          static_configs: [{ targets: ['checkout-api:3000', `billing-worker:${DEFAULT_METRICS_PORT}`], ...labels() }],
        },
        {
          job_name: 'obs-services-discovered',
          metrics_path: '/metrics',
          file_sd_configs: [{ files: ['targets/*.json', 'targets/*.yml'], refresh_interval: '1m' }],
          ...relabel,
        },
        job('node', 'node-exporter:9100'),
        job('cadvisor', 'cadvisor:8080'),
        job('postgres', 'postgres-exporter:9187'),
        job('redis', 'redis-exporter:9121'),
        job('rabbitmq', 'rabbitmq:15692'),
      ],
    },
    [
      [['global'], 'Scrape and rule-evaluation intervals (the Grafana datasource timeInterval matches scrape_interval).'],
      [['rule_files'], 'The generated alert and recording rules (dashboards/prometheus/rules), relative to this file.'],
      [['alerting'], 'Where firing alerts go: the generated dashboards/alertmanager/alertmanager.yml.'],
      [['scrape_configs'], 'Dashboards select on the `service` label every @obs series carries, never on job names: name jobs as you like.'],
      [
        ['scrape_configs', 1],
        'Services speaking the @obs contract, listed by hand: an HTTP service on its app port, a worker on\n its metrics server (@obs/worker serve(): port 9464 by default). A protected /metrics takes\n authorization: { credentials_file: /etc/prometheus/obs-token } on the job.',
      ],
      [['scrape_configs', 2], 'The same, discovered from files: adding a service is adding a target to targets/*.json.'],
      [['scrape_configs', 3], 'Exporters read by the Host, Containers and Datastores dashboards.'],
    ],
  );
}
