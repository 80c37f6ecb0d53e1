/**
 * An example `prometheus.yml` for the generated rules: intervals, rule files, Alertmanager, and
 * scrape jobs for @obs services (static and file-based discovery) and the exporters the
 * dashboards read.
 */
import { DEFAULT_METRICS_PORT, LABELS, RABBITMQ_ENDPOINTS } from '@obs/metrics-standard';
import type { ResolvedConfig, ResolvedMultiCluster } from '../config.js';
import { HOST } from '../rules/catalogue.js';
import { toYaml, type YamlComment } from '../yaml.js';

const SERVICE = LABELS.service;
/** The `host` label of the example machine, on its services and its node_exporter. */
const EXAMPLE_HOST = 'app-host-1';
/** Scrape targets (`host:port`) of the exporters the Datastores dashboard and pack read. */
export interface DatastoreTargets {
  /** postgres_exporter targets (default port 9187). */
  postgres?: readonly string[];
  /** redis_exporter targets (default port 9121). */
  redis?: readonly string[];
  /** RabbitMQ nodes' Prometheus plugin (default port 15692). */
  rabbitmq?: readonly string[];
}

/** One Prometheus scrape job (the subset the generated configs use). */
export interface ScrapeJob {
  job_name: string;
  metrics_path?: string;
  static_configs: { targets: string[] }[];
  metric_relabel_configs?: { source_labels: string[]; regex: string; action: 'keep' | 'drop' }[];
}

/**
 * The scrape jobs the Datastores dashboard and alert pack need: `postgres` and `redis` (the
 * exporters), `rabbitmq` on the plugin's per-object endpoint (queue series labelled `vhost` and
 * `queue`, channel series `channel`), and `rabbitmq-alarms` on the aggregated endpoint keeping
 * only the `rabbitmq_alarms_*` gauges (absent from the per-object endpoint in 3.10; nothing else
 * is kept, so no series is counted twice). Rules join on `job` and `instance`: keep each target's
 * `instance` the same in both RabbitMQ jobs. Jobs without targets are left out.
 *
 * @example
 * datastoreScrapeJobs({ postgres: ['pg-exporter:9187'], rabbitmq: ['rabbitmq:15692'] })
 */
export function datastoreScrapeJobs(targets: DatastoreTargets): ScrapeJob[] {
  const jobs: ScrapeJob[] = [];
  const add = (job: Omit<ScrapeJob, 'static_configs'>, list: readonly string[] | undefined) => {
    if (list && list.length > 0) jobs.push({ ...job, static_configs: [{ targets: [...list] }] });
  };
  add({ job_name: 'postgres' }, targets.postgres);
  add({ job_name: 'redis' }, targets.redis);
  add({ job_name: 'rabbitmq', metrics_path: RABBITMQ_ENDPOINTS.perObject }, targets.rabbitmq);
  add(
    {
      job_name: 'rabbitmq-alarms',
      metrics_path: RABBITMQ_ENDPOINTS.aggregated,
      metric_relabel_configs: [{ source_labels: ['__name__'], regex: RABBITMQ_ENDPOINTS.aggregatedOnly.join('|'), action: 'keep' }],
    },
    targets.rabbitmq,
  );
  return jobs;
}

function scrapeConfigs(cfg: ResolvedConfig): unknown[] {
  // `targetLabels` on every target: what `selectors` may select on (static targets: `labels`;
  // discovered ones: a relabelling, since their labels come from the target files).
  const relabel =
    Object.keys(cfg.targetLabels).length > 0
      ? { relabel_configs: Object.entries(cfg.targetLabels).map(([target_label, replacement]) => ({ target_label, replacement })) }
      : {};
  // (a new object each time: a shared one would be written as a YAML alias)
  const withLabels = (targets: string[], extra: Record<string, string> = {}) => {
    const labels = { ...cfg.targetLabels, ...extra };
    return { targets, ...(Object.keys(labels).length > 0 && { labels }) };
  };
  const job = (name: string, target: string, extra?: Record<string, string>) => ({ job_name: name, static_configs: [withLabels([target], extra)] });
  // Each @obs target carries its `service` (= the name the service gives createObs) as a target
  // label: `up{service="…"}` exists from the first scrape, so ServiceDown sees a service that
  // crashes at boot. `host` names the machine, shared with its node_exporter.
  const service = (target: string, name: string) => withLabels([target], { [SERVICE]: name, [HOST]: EXAMPLE_HOST });
  return [
    job('prometheus', 'localhost:9090'),
    {
      job_name: 'obs-services',
      metrics_path: '/metrics',
      honor_labels: true,
      static_configs: [service('checkout-api:3000', 'checkout-api'), service(`billing-worker:${DEFAULT_METRICS_PORT}`, 'billing-worker')],
    },
    {
      job_name: 'obs-services-discovered',
      metrics_path: '/metrics',
      honor_labels: true,
      file_sd_configs: [{ files: ['targets/*.json', 'targets/*.yml'], refresh_interval: '1m' }],
      ...relabel,
    },
    job('node', 'node-exporter:9100', { [HOST]: EXAMPLE_HOST }),
    job('cadvisor', 'cadvisor:8080'),
    ...datastoreScrapeJobs({ postgres: ['postgres-exporter:9187'], redis: ['redis-exporter:9121'], rabbitmq: ['rabbitmq:15692'] }).map((j) => ({
      ...j,
      static_configs: j.static_configs.map((c) => withLabels(c.targets)),
    })),
  ];
}

const SCRAPE_COMMENTS: readonly YamlComment[] = [
  [['scrape_configs'], 'Dashboards select on the `service` label every @obs series carries, never on job names: name jobs as you like.'],
  [
    ['scrape_configs', 1],
    [
      'Services speaking the @obs contract, listed by hand (an HTTP service on its app port, a worker on its',
      ' metrics server: @obs/worker serve(), port 9464 by default). Give every target its `service` label (the name the',
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
  [['scrape_configs', 7], "RabbitMQ's plugin, per object: queue series by vhost and queue (the Datastores panels need them)."],
  [['scrape_configs', 8], 'The same node, aggregated endpoint: only the alarm gauges, which 3.10 exposes there alone.'],
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
        scrape_configs: scrapeConfigs(cfg),
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
      scrape_configs: scrapeConfigs(cfg),
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
      scrape_configs: scrapeConfigs(cfg),
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
    { global: { scrape_interval: cfg.scrapeInterval }, scrape_configs: scrapeConfigs(cfg) },
    [
      [
        ['global'],
        `Run with:\n   vmagent -promscrape.config=vmagent.yml -remoteWrite.url=${mc.remoteWriteUrl} -remoteWrite.label=${mc.label}=${mc.name}\n -remoteWrite.label adds ${mc.label}="${mc.name}" to every series sent (set it per cluster), as external_labels do in Prometheus.`,
      ],
      ...SCRAPE_COMMENTS,
    ],
  );
}
