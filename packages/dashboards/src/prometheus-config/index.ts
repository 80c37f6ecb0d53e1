/**
 * An example `prometheus.yml` for the generated rules: intervals, rule files, Alertmanager, and
 * scrape jobs for @obs services (static and file-based discovery) and the exporters the
 * dashboards read.
 */
import type { ResolvedConfig } from '../config.js';
import { LABELS } from '@obs/metrics-standard';
import { HOST } from '../rules/catalogue.js';
import { toYaml } from '../yaml.js';

const SERVICE = LABELS.service;
/** The `host` label of the example machine, on its services and its node_exporter. */
const EXAMPLE_HOST = 'app-host-1';

/**
 * The example Prometheus configuration.
 *
 * @example
 * prometheusConfigFile(resolveConfig({ scrapeInterval: '30s' }))
 */
export function prometheusConfigFile(cfg: ResolvedConfig): string {
  const job = (name: string, target: string, labels?: Record<string, string>) => ({ job_name: name, static_configs: [{ targets: [target], ...(labels && { labels }) }] });
  // Each @obs target carries its `service` (= the name the service gives createObs) as a target
  // label: `up{service="…"}` exists from the first scrape, so ServiceDown sees a service that
  // crashes at boot. `host` names the machine, shared with its node_exporter.
  const service = (target: string, name: string) => ({ targets: [target], labels: { [SERVICE]: name, [HOST]: EXAMPLE_HOST } });
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
          honor_labels: true,
          static_configs: [service('checkout-api:3000', 'checkout-api'), service('billing-worker:3001', 'billing-worker')],
        },
        {
          job_name: 'obs-services-discovered',
          metrics_path: '/metrics',
          honor_labels: true,
          file_sd_configs: [{ files: ['targets/*.json', 'targets/*.yml'], refresh_interval: '1m' }],
        },
        job('node', 'node-exporter:9100', { [HOST]: EXAMPLE_HOST }),
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
        [
          'Services speaking the @obs contract, listed by hand. Give every target its `service` label (the name the',
          ' service passes to createObs): ServiceDown alerts on up{service="…"} == 0, which is the only series a',
          ' service that crashes at boot ever has. honor_labels keeps the service\'s own labels as it reports them.',
          ' `host` (optional) names the machine, the same value on its node_exporter: HighAPIMemoryUsage then falls',
          ' back to the host memory for a service without a cgroup limit. A protected /metrics takes',
          ' authorization: { credentials_file: /etc/prometheus/obs-token } on the job.',
        ].join('\n'),
      ],
      [
        ['scrape_configs', 2],
        'The same, discovered from files: adding a service is adding a target, with its `service` label, to\n targets/*.json, e.g. [{ "targets": ["orders-api:3000"], "labels": { "service": "orders-api" } }].',
      ],
      [['scrape_configs', 3], 'Exporters read by the Host, Containers and Datastores dashboards.'],
    ],
  );
}
