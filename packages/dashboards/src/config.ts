/**
 * The generator's configuration: the typed input (`defineConfig`), the defaults, validation into a
 * {@link ResolvedConfig} (every field filled, coded errors naming the field), and loading a config
 * file (JSON, JavaScript, or TypeScript through esbuild).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONTRACT_METRICS, closestName, EXPORTER_METRICS, LABELS, type MetricDefinition, type MetricType, ObsError, WARNING_FIXES } from '@obs/metrics-standard';
import { MATCHER_LIST } from './promql/index.js';
import {
  type AlertOverride,
  type DomainAlert,
  type PackName,
  type ResolvedRulesConfig,
  type RulesConfigInput,
  resolveRulesConfig,
} from './rules/index.js';

export type { AlertOverride, DomainAlert, PackName };

/** A panel for a domain metric on the Service dashboard's "Domain" row. */
export interface DomainPanel {
  /** The name of a metric in `domain.metrics`. */
  metric: string;
  /** Panel title; defaults to the metric's help text's first words. */
  title?: string;
  /** How series are combined per service (default `sum`). */
  aggregation?: 'sum' | 'avg' | 'max' | 'min';
  /** Show the per-second rate (default: true for counters, not allowed for gauges). */
  rate?: boolean;
}

/**
 * A team's own metric as written in the config: a {@link MetricDefinition} where only `name`,
 * `type` and `help` are required (`unit` defaults to `''`, `labels` to `['service']`, `group` to
 * `'domain'`).
 */
export type DomainMetricInput = Pick<MetricDefinition, 'name' | 'type' | 'help'> & Partial<Omit<MetricDefinition, 'name' | 'type' | 'help'>>;

/** Alertmanager receivers and timings (secrets are read from files or environment variables). */
export interface AlertmanagerConfigInput {
  slack?: { channel: string; apiUrlFile?: string; apiUrlEnv?: string };
  email?: { to: string; from: string; smarthost: string; authPasswordFile?: string };
  /**
   * Webhook receiver: exactly one of `url` (not a secret: no credentials in it) or `urlFile` (a
   * file holding the URL; Alertmanager ≥ 0.26). `credentialsFile`: a file holding a bearer token
   * sent as `Authorization: Bearer …` (Alertmanager 0.25 too).
   */
  webhook?: { url?: string; urlFile?: string; credentialsFile?: string };
  /** Labels alerts are grouped by into one notification (default `alertname`, `service`, `namespace`). */
  groupBy?: string[];
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
}

/**
 * Several clusters (or regions), each with its own Prometheus, Prometheus agent or vmagent that
 * remote-writes into one store where the rules run centrally and one Grafana reads. `true` takes
 * every default.
 */
export interface MultiClusterInput {
  /** The label that names a cluster: each agent's external label, kept by every rule (default `cluster`). */
  label?: string;
  /** This cluster's value of the label in the generated agent configs (default `cluster-1`). */
  name?: string;
  /** Where the agents remote-write (default `http://victoria-metrics:8428/api/v1/write`). */
  remoteWriteUrl?: string;
  /** ClusterMissing fires when a cluster that reported within a day sent no `up` sample for this long (default `5m`). */
  missingAfter?: string;
}

/** {@link MultiClusterInput} with the defaults filled in. */
export interface ResolvedMultiCluster {
  label: string;
  name: string;
  remoteWriteUrl: string;
  missingAfter: string;
}

/**
 * What a user writes in `obs-dashboards.config.ts` (every field optional). Pass it through
 * {@link defineConfig} for editor completion.
 */
export interface ObsDashboardsConfig {
  /** Grafana datasource used by provisioning (dashboards always use a `datasource` variable). */
  datasource?: { uid?: string; name?: string };
  /**
   * Extra label matchers added to every selector of a family, e.g. `cluster="eu-prod"`. Use labels
   * every series of the family has: `service`, `job`, `instance`, a label of `targetLabels`, or one
   * listed in `knownLabels`; any other makes the generator warn (`OBS_WARN_SELECTOR_LABEL`).
   */
  selectors?: { service?: string; host?: string; kubernetes?: string };
  /**
   * Labels the generated scrape configuration (`prometheus.yml` jobs, ServiceMonitor/PodMonitor
   * relabelings) adds to every target, e.g. `{ cluster: 'eu-prod' }`: what `selectors` can then
   * select on. Contract label names (`env`, `version`, …) are refused: they would clash with the
   * series' own.
   */
  targetLabels?: Record<string, string>;
  /** Labels your services (`createObs({ constLabels })`) or your own relabelling add, so that selectors on them do not warn. */
  knownLabels?: readonly string[];
  /** Prometheus scrape interval; also the Grafana datasource `timeInterval`. */
  scrapeInterval?: string;
  /** Prometheus rule evaluation interval. */
  evaluationInterval?: string;
  /** Base of every alert's `runbook_url`. */
  runbookBaseUrl?: string;
  /** Turn packs (rule file + dashboard) off. */
  packs?: Partial<Record<PackName, boolean>>;
  /** Per-alert overrides: threshold, for, severity, enabled, minRate (ratio alerts). */
  alerts?: Record<string, AlertOverride>;
  /** SLO objectives for the burn-rate alerts, or `false` to turn them off. */
  slo?: RulesConfigInput['slo'];
  /** A team's own metrics, with their panels and alerts. */
  domain?: { metrics?: readonly DomainMetricInput[]; panels?: readonly DomainPanel[]; alerts?: readonly DomainAlert[] };
  /** Kubernetes manifests: namespace, labels, and what the ServiceMonitor/PodMonitor scrape. */
  kubernetes?: {
    /** Namespace of every manifest (default `monitoring`). */
    namespace?: string;
    ruleLabels?: Record<string, string>;
    dashboardLabels?: Record<string, string>;
    /**
     * Namespaces whose Services and Pods labelled `obs-contract: "v1"` are scraped (default: only
     * `namespace`). "Any namespace" is not offered: every namespace listed is trusted to name its
     * own services.
     */
    scrapeNamespaces?: readonly string[];
    /**
     * The Kubernetes label, on the Service (ServiceMonitor) or the Pod (PodMonitor), whose value
     * becomes the `service` label of every series scraped from it (default
     * `app.kubernetes.io/name`). What the application reports itself is kept as `exported_service`.
     */
    serviceLabel?: string;
  };
  /** Alertmanager receivers and timings. */
  alertmanager?: AlertmanagerConfigInput;
  /**
   * Grafana: the folder the provisioned dashboards land in; the Tempo data source exemplars link
   * to (`exemplarTraceIdDestinations` of the provisioned Prometheus data source, and a `tempo`
   * variable on the Service and Worker dashboards) and the Loki data source of the Service
   * dashboard's Logs link (a `loki` variable); `false` leaves either out.
   */
  grafana?: { folder?: string; tempo?: { uid?: string } | false; loki?: { uid?: string } | false };
  /** Off by default. On: a cluster variable, the label kept by every rule, remote-write agent configs. */
  multiCluster?: boolean | MultiClusterInput;
}

/** The configuration with every default filled in; what the builders read. */
export interface ResolvedConfig {
  datasource: { uid: string; name: string };
  selectors: { service: string; host: string; kubernetes: string };
  targetLabels: Record<string, string>;
  knownLabels: string[];
  scrapeInterval: string;
  evaluationInterval: string;
  domain: { metrics: MetricDefinition[]; panels: Required<DomainPanel>[]; alerts: DomainAlert[] };
  kubernetes: {
    namespace: string;
    ruleLabels: Record<string, string>;
    dashboardLabels: Record<string, string>;
    scrapeNamespaces: string[];
    serviceLabel: string;
  };
  alertmanager: AlertmanagerConfigInput & { groupBy: string[]; groupWait: string; groupInterval: string; repeatInterval: string };
  grafana: { folder: string; tempo: { uid: string } | undefined; loki: { uid: string } | undefined };
  /** Alerts, SLOs, packs, domain alerts and runbook base, resolved by the rules module. */
  rules: ResolvedRulesConfig;
  /** `false` (one Prometheus) or the cluster dimension. */
  multiCluster: ResolvedMultiCluster | false;
}

/** Defaults of every field of {@link ObsDashboardsConfig} that this module resolves. */
export const CONFIG_DEFAULTS = {
  datasource: { uid: 'prometheus', name: 'Prometheus' },
  selectors: { service: '', host: '', kubernetes: '' },
  targetLabels: {},
  knownLabels: [],
  scrapeInterval: '15s',
  evaluationInterval: '15s',
  kubernetes: {
    namespace: 'monitoring',
    ruleLabels: { release: 'kube-prometheus-stack' },
    dashboardLabels: { grafana_dashboard: '1' },
    serviceLabel: 'app.kubernetes.io/name',
  },
  alertmanager: { groupBy: ['alertname', 'service', 'namespace'], groupWait: '30s', groupInterval: '5m', repeatInterval: '4h' },
  grafana: { folder: 'Observability', tempo: { uid: 'tempo' }, loki: { uid: 'loki' } },
  multiCluster: { label: 'cluster', name: 'cluster-1', remoteWriteUrl: 'http://victoria-metrics:8428/api/v1/write', missingAfter: '5m' },
} as const;

/**
 * Types a configuration object; returns it unchanged.
 *
 * @example
 * // obs-dashboards.config.ts
 * import { defineConfig } from '@obs/dashboards';
 * export default defineConfig({ selectors: { service: 'env="prod"' }, alerts: { HighAPILatency: { threshold: 0.5 } } });
 */
export function defineConfig(config: ObsDashboardsConfig): ObsDashboardsConfig {
  return config;
}

// ---------------------------------------------------------------------------------------------
// Validation helpers: each failure is OBS_ERR_INVALID_CONFIG naming the dotted field path.

type Raw = Record<string, unknown>;

function fail(path: string, received: unknown, detail: string): never {
  throw new ObsError('OBS_ERR_INVALID_CONFIG', path, received, detail);
}

/** Rejects unknown keys, suggesting the closest known one (`threshhold` → `threshold`). */
export function checkKeys(path: string, value: unknown, known: readonly string[]): Raw {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(path || 'config', value, 'expected an object');
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const best = closestName(key, known);
    const hint = best !== undefined ? `; did you mean \`${best}\`?` : '';
    fail(path ? `${path}.${key}` : key, (value as Raw)[key], `unknown field${hint} Known fields: ${known.join(', ')}`);
  }
  return value as Raw;
}

function str(path: string, value: unknown, fallback: string, pattern?: RegExp, what?: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') fail(path, value, 'expected a string');
  if (pattern && !pattern.test(value)) fail(path, value, `expected ${what ?? pattern.source}`);
  return value;
}

const DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const K8S_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const K8S_LABEL_KEY = /^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

function duration(path: string, value: unknown, fallback: string): string {
  return str(path, value, fallback, DURATION, 'a Prometheus duration such as "15s" or "1m"');
}

function labels(path: string, value: unknown, fallback: Record<string, string>): Record<string, string> {
  if (value === undefined) return { ...fallback };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(path, value, 'expected an object of label name → string');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!K8S_LABEL_KEY.test(k)) fail(`${path}.${k}`, k, 'not a Kubernetes label name');
    if (typeof v !== 'string') fail(`${path}.${k}`, v, 'expected a string label value');
    out[k] = v;
  }
  return out;
}

function scrapeNamespaces(value: unknown, namespace: string): string[] {
  const path = 'kubernetes.scrapeNamespaces';
  if (value === undefined) return [namespace];
  if (value === 'any' || value === '*' || (value !== null && typeof value === 'object' && 'any' in value)) {
    fail(path, value, 'any namespace is not offered: a pod in any namespace could then claim any service\'s identity. List the namespaces whose workloads you trust, e.g. ["shop", "payments"]');
  }
  if (!Array.isArray(value) || value.length === 0) fail(path, value, 'expected a non-empty array of namespace names, e.g. ["shop"]');
  const seen = new Set<string>();
  for (const [i, ns] of value.entries()) {
    if (typeof ns !== 'string' || !K8S_NAME.test(ns) || ns.length > 63) fail(`${path}.${i}`, ns, 'expected a Kubernetes namespace name');
    if (seen.has(ns)) fail(`${path}.${i}`, ns, 'listed twice');
    seen.add(ns);
  }
  return [...seen];
}

const METRIC_TYPES: readonly MetricType[] = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];

function domainMetric(path: string, value: unknown): MetricDefinition {
  const raw = checkKeys(path, value, ['name', 'type', 'help', 'unit', 'labels', 'buckets', 'requiredBuckets', 'aggregator', 'group', 'optional']);
  const name = str(`${path}.name`, raw.name, '', METRIC_NAME, 'a Prometheus metric name');
  if (name === '') fail(`${path}.name`, raw.name, 'required');
  const type = raw.type as MetricType;
  if (!METRIC_TYPES.includes(type)) fail(`${path}.type`, raw.type, `expected one of ${METRIC_TYPES.join(', ')}`);
  if ((type === 'summary' || type === 'untyped')) fail(`${path}.type`, raw.type, 'domain panels support counter, gauge and histogram');
  if (type === 'counter' && !name.endsWith('_total')) fail(`${path}.name`, name, 'a counter name ends in _total');
  const labelList = raw.labels === undefined ? ['service'] : raw.labels;
  if (!Array.isArray(labelList) || labelList.some((l) => typeof l !== 'string' || !LABEL_NAME.test(l))) {
    fail(`${path}.labels`, raw.labels, 'expected an array of label names');
  }
  return {
    ...(raw as object),
    name,
    type,
    help: str(`${path}.help`, raw.help, name),
    unit: str(`${path}.unit`, raw.unit, ''),
    labels: labelList as string[],
    group: str(`${path}.group`, raw.group, 'domain'),
  } as MetricDefinition;
}

function domainPanel(path: string, value: unknown, metrics: readonly MetricDefinition[]): Required<DomainPanel> {
  const raw = checkKeys(path, value, ['metric', 'title', 'aggregation', 'rate']);
  const def = metrics.find((m) => m.name === raw.metric);
  if (!def) fail(`${path}.metric`, raw.metric, `not a metric of domain.metrics (${metrics.map((m) => m.name).join(', ') || 'none'})`);
  const aggregation = raw.aggregation ?? 'sum';
  if (!['sum', 'avg', 'max', 'min'].includes(aggregation as string)) fail(`${path}.aggregation`, raw.aggregation, 'expected sum, avg, max or min');
  if (raw.rate !== undefined && typeof raw.rate !== 'boolean') fail(`${path}.rate`, raw.rate, 'expected a boolean');
  const rate = (raw.rate as boolean | undefined) ?? def.type === 'counter';
  if (rate && def.type === 'gauge') fail(`${path}.rate`, raw.rate, `${def.name} is a gauge: rate() only applies to counters`);
  if (!rate && def.type === 'counter') fail(`${path}.rate`, raw.rate, `${def.name} is a counter: show its rate`);
  return {
    metric: def.name,
    title: str(`${path}.title`, raw.title, def.help.replace(/\.$/, '')),
    aggregation: aggregation as Required<DomainPanel>['aggregation'],
    rate,
  };
}

/** Labels the metric definitions already use: a cluster label must be none of them. */
function takenLabels(extra: readonly MetricDefinition[]): Set<string> {
  return new Set([...CONTRACT_METRICS, ...EXPORTER_METRICS, ...extra].flatMap((d) => [...d.labels]).concat(['le', 'job', 'instance', 'alertname', 'severity', 'pack']));
}

function multiCluster(value: unknown, metrics: readonly MetricDefinition[]): ResolvedMultiCluster | false {
  if (value === undefined || value === false) return false;
  const d = CONFIG_DEFAULTS.multiCluster;
  if (value === true) return { ...d };
  const mc = checkKeys('multiCluster', value, ['label', 'name', 'remoteWriteUrl', 'missingAfter']);
  const label = str('multiCluster.label', mc.label, d.label, LABEL_NAME, 'a Prometheus label name such as "cluster" or "region"');
  if (label.startsWith('__')) fail('multiCluster.label', label, 'names starting with __ are reserved by Prometheus');
  if (takenLabels(metrics).has(label)) fail('multiCluster.label', label, 'the metrics already carry a label of this name; pick another, e.g. "cluster"');
  return {
    label,
    name: str('multiCluster.name', mc.name, d.name, /^[^"\\\n]+$/, 'a non-empty label value without quotes, backslashes or newlines'),
    remoteWriteUrl: str('multiCluster.remoteWriteUrl', mc.remoteWriteUrl, d.remoteWriteUrl, /^https?:\/\/\S+$/, 'an http(s) URL'),
    missingAfter: duration('multiCluster.missingAfter', mc.missingAfter, d.missingAfter),
  };
}

/**
 * Validates a configuration and fills every default. Throws `ObsError` with code
 * `OBS_ERR_INVALID_CONFIG` naming the dotted field path (e.g. `alerts.HighAPILatency.threshhold`).
 *
 * @example
 * const cfg = resolveConfig({ scrapeInterval: '30s' });
 * cfg.selectors.service; // ''
 */
export function resolveConfig(input: ObsDashboardsConfig | undefined = {}): ResolvedConfig {
  const raw = checkKeys('', input ?? {}, [
    'datasource',
    'selectors',
    'targetLabels',
    'knownLabels',
    'scrapeInterval',
    'evaluationInterval',
    'runbookBaseUrl',
    'packs',
    'alerts',
    'slo',
    'domain',
    'kubernetes',
    'alertmanager',
    'grafana',
    'multiCluster',
  ]);
  const ds = checkKeys('datasource', raw.datasource ?? {}, ['uid', 'name']);
  const sel = checkKeys('selectors', raw.selectors ?? {}, ['service', 'host', 'kubernetes']);
  const matchers = (key: 'service' | 'host' | 'kubernetes') => {
    const v = str(`selectors.${key}`, sel[key], '').trim();
    if (v !== '' && !MATCHER_LIST.test(v)) fail(`selectors.${key}`, sel[key], 'expected label matchers such as env="prod", cluster=~"eu-.*"');
    return v;
  };
  const targetLabels: Record<string, string> = {};
  for (const [k, v] of Object.entries(checkObject('targetLabels', raw.targetLabels))) {
    if (!PROM_LABEL.test(k) || k.startsWith('__')) fail(`targetLabels.${k}`, k, 'not a Prometheus label name');
    if (CONTRACT_LABELS.has(k) || k === 'job' || k === 'instance') {
      fail(`targetLabels.${k}`, k, `\`${k}\` is a contract or Prometheus label: a target label would clash with the series' own; pick another name (e.g. \`cluster\`, \`deployment\`)`);
    }
    targetLabels[k] = str(`targetLabels.${k}`, v, '', /^.+$/, 'a non-empty string');
  }
  if (raw.knownLabels !== undefined && (!Array.isArray(raw.knownLabels) || raw.knownLabels.some((l) => typeof l !== 'string' || !PROM_LABEL.test(l)))) {
    fail('knownLabels', raw.knownLabels, 'expected an array of label names');
  }
  const knownLabels = [...((raw.knownLabels as string[] | undefined) ?? [])];
  const dom = checkKeys('domain', raw.domain ?? {}, ['metrics', 'panels', 'alerts']);
  if (dom.metrics !== undefined && !Array.isArray(dom.metrics)) fail('domain.metrics', dom.metrics, 'expected an array of metric definitions');
  const metrics = ((dom.metrics as unknown[] | undefined) ?? []).map((m, i) => domainMetric(`domain.metrics.${i}`, m));
  const seen = new Set<string>();
  for (const [i, m] of metrics.entries()) {
    if (seen.has(m.name)) fail(`domain.metrics.${i}.name`, m.name, 'defined twice');
    seen.add(m.name);
  }
  if (dom.panels !== undefined && !Array.isArray(dom.panels)) fail('domain.panels', dom.panels, 'expected an array');
  const panels =
    dom.panels === undefined
      ? metrics.map((m, i) => domainPanel(`domain.metrics.${i}`, { metric: m.name }, metrics))
      : (dom.panels as unknown[]).map((p, i) => domainPanel(`domain.panels.${i}`, p, metrics));
  const k8s = checkKeys('kubernetes', raw.kubernetes ?? {}, ['namespace', 'ruleLabels', 'dashboardLabels', 'scrapeNamespaces', 'serviceLabel']);
  const namespace = str('kubernetes.namespace', k8s.namespace, CONFIG_DEFAULTS.kubernetes.namespace, K8S_NAME, 'a Kubernetes namespace name');
  const am = checkKeys('alertmanager', raw.alertmanager ?? {}, ['slack', 'email', 'webhook', 'groupBy', 'groupWait', 'groupInterval', 'repeatInterval']);
  if (am.groupBy !== undefined && (!Array.isArray(am.groupBy) || am.groupBy.length === 0 || !am.groupBy.every((l) => typeof l === 'string' && /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(l)))) {
    fail('alertmanager.groupBy', am.groupBy, 'expected a non-empty array of label names, e.g. ["alertname", "namespace"]');
  }
  const alertmanager: ResolvedConfig['alertmanager'] = {
    groupBy: am.groupBy === undefined ? [...CONFIG_DEFAULTS.alertmanager.groupBy] : [...(am.groupBy as string[])],
    groupWait: duration('alertmanager.groupWait', am.groupWait, CONFIG_DEFAULTS.alertmanager.groupWait),
    groupInterval: duration('alertmanager.groupInterval', am.groupInterval, CONFIG_DEFAULTS.alertmanager.groupInterval),
    repeatInterval: duration('alertmanager.repeatInterval', am.repeatInterval, CONFIG_DEFAULTS.alertmanager.repeatInterval),
  };
  if (am.slack !== undefined) {
    const s = checkKeys('alertmanager.slack', am.slack, ['channel', 'apiUrlFile', 'apiUrlEnv']);
    const channel = str('alertmanager.slack.channel', s.channel, '');
    if (channel === '') fail('alertmanager.slack.channel', s.channel, 'required, e.g. "#alerts"');
    const apiUrlFile = s.apiUrlFile === undefined ? undefined : str('alertmanager.slack.apiUrlFile', s.apiUrlFile, '');
    const apiUrlEnv = s.apiUrlEnv === undefined ? undefined : str('alertmanager.slack.apiUrlEnv', s.apiUrlEnv, '', /^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');
    if (apiUrlFile === undefined && apiUrlEnv === undefined) fail('alertmanager.slack.apiUrlFile', undefined, 'set apiUrlFile or apiUrlEnv: the webhook URL is a secret and is never written in the config');
    alertmanager.slack = { channel, ...(apiUrlFile !== undefined && { apiUrlFile }), ...(apiUrlEnv !== undefined && { apiUrlEnv }) };
  }
  if (am.email !== undefined) {
    const e = checkKeys('alertmanager.email', am.email, ['to', 'from', 'smarthost', 'authPasswordFile']);
    const need = (k: 'to' | 'from' | 'smarthost') => {
      const v = str(`alertmanager.email.${k}`, e[k], '');
      if (v === '') fail(`alertmanager.email.${k}`, e[k], 'required');
      return v;
    };
    const authPasswordFile = e.authPasswordFile === undefined ? undefined : str('alertmanager.email.authPasswordFile', e.authPasswordFile, '');
    alertmanager.email = { to: need('to'), from: need('from'), smarthost: need('smarthost'), ...(authPasswordFile !== undefined && { authPasswordFile }) };
  }
  if (am.webhook !== undefined) {
    const w = checkKeys('alertmanager.webhook', am.webhook, ['url', 'urlFile', 'credentialsFile']);
    const path = (k: 'urlFile' | 'credentialsFile') =>
      w[k] === undefined ? undefined : str(`alertmanager.webhook.${k}`, w[k], '', /^\S+$/, 'a file path without spaces, e.g. /etc/alertmanager/secrets/webhook-url');
    const urlFile = path('urlFile');
    const credentialsFile = path('credentialsFile');
    if ((w.url === undefined) === (urlFile === undefined)) {
      fail('alertmanager.webhook.url', w.url === undefined ? undefined : '<set>', 'set exactly one of url and urlFile (urlFile keeps a URL that carries a secret out of the config)');
    }
    const url = w.url === undefined ? undefined : str('alertmanager.webhook.url', w.url, '', /^https?:\/\/\S+$/, 'an http(s) URL');
    if (url !== undefined && /^https?:\/\/[^/?#]*@/.test(url)) {
      fail('alertmanager.webhook.url', '<a URL with credentials>', 'the URL carries credentials: put it in a file and set urlFile, or keep the URL plain and put a bearer token in credentialsFile');
    }
    alertmanager.webhook = { ...(url !== undefined && { url }), ...(urlFile !== undefined && { urlFile }), ...(credentialsFile !== undefined && { credentialsFile }) };
  }
  const graf = checkKeys('grafana', raw.grafana ?? {}, ['folder', 'tempo', 'loki']);
  const linked = (key: 'tempo' | 'loki'): { uid: string } | undefined => {
    if (graf[key] === false) return undefined;
    const d = checkKeys(`grafana.${key}`, graf[key] ?? {}, ['uid']);
    return { uid: str(`grafana.${key}.uid`, d.uid, CONFIG_DEFAULTS.grafana[key].uid, /^[a-zA-Z0-9_-]{1,40}$/, 'a Grafana uid (letters, digits, - and _, at most 40)') };
  };
  if (raw.multiCluster !== undefined && typeof raw.multiCluster !== 'boolean' && (raw.multiCluster === null || typeof raw.multiCluster !== 'object')) {
    fail('multiCluster', raw.multiCluster, 'expected true, false or an object such as { label: "cluster" }');
  }
  const clusters = multiCluster(raw.multiCluster, metrics);
  if (clusters && Object.hasOwn(targetLabels, clusters.label)) {
    // The cluster label is the agent's external label (or vmagent's -remoteWrite.label): a target
    // label of the same name would be overwritten on the way to the central store.
    fail(`targetLabels.${clusters.label}`, clusters.label, `with multiCluster on, \`${clusters.label}\` comes from each cluster's multiCluster.name; drop it from targetLabels`);
  }
  const rulesInput: RulesConfigInput = {
    ...(raw.alerts !== undefined && { alerts: raw.alerts }),
    ...(raw.slo !== undefined && { slo: raw.slo }),
    ...(raw.packs !== undefined && { packs: raw.packs }),
    ...(raw.runbookBaseUrl !== undefined && { runbookBaseUrl: raw.runbookBaseUrl }),
    ...(dom.alerts !== undefined && { domain: { alerts: dom.alerts, metrics } }),
    ...(clusters && { multiCluster: clusters }),
  } as RulesConfigInput;
  return {
    datasource: {
      uid: str('datasource.uid', ds.uid, CONFIG_DEFAULTS.datasource.uid, /^[a-zA-Z0-9_-]{1,40}$/, 'a Grafana uid (letters, digits, - and _, at most 40)'),
      name: str('datasource.name', ds.name, CONFIG_DEFAULTS.datasource.name),
    },
    selectors: { service: matchers('service'), host: matchers('host'), kubernetes: matchers('kubernetes') },
    targetLabels,
    knownLabels,
    scrapeInterval: duration('scrapeInterval', raw.scrapeInterval, CONFIG_DEFAULTS.scrapeInterval),
    evaluationInterval: duration('evaluationInterval', raw.evaluationInterval, CONFIG_DEFAULTS.evaluationInterval),
    domain: { metrics, panels, alerts: (dom.alerts as DomainAlert[] | undefined) ?? [] },
    kubernetes: {
      namespace,
      ruleLabels: labels('kubernetes.ruleLabels', k8s.ruleLabels, CONFIG_DEFAULTS.kubernetes.ruleLabels),
      dashboardLabels: labels('kubernetes.dashboardLabels', k8s.dashboardLabels, CONFIG_DEFAULTS.kubernetes.dashboardLabels),
      scrapeNamespaces: scrapeNamespaces(k8s.scrapeNamespaces, namespace),
      serviceLabel: str('kubernetes.serviceLabel', k8s.serviceLabel, CONFIG_DEFAULTS.kubernetes.serviceLabel, K8S_LABEL_KEY, 'a Kubernetes label name such as app.kubernetes.io/name'),
    },
    alertmanager,
    grafana: { folder: str('grafana.folder', graf.folder, CONFIG_DEFAULTS.grafana.folder), tempo: linked('tempo'), loki: linked('loki') },
    rules: resolveRulesConfig(rulesInput),
    multiCluster: clusters,
  };
}

const PROM_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const CONTRACT_LABELS: ReadonlySet<string> = new Set(Object.values(LABELS));

function checkObject(path: string, value: unknown): Raw {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(path, value, 'expected an object');
  return value as Raw;
}

/**
 * Labels every series of a selector family carries, as far as the generator knows: what the
 * services emit on every series, what Prometheus adds (`job`, `instance`, `targetLabels`), the
 * Kubernetes monitors' target labels, and `knownLabels`.
 */
export function knownSelectorLabels(cfg: ResolvedConfig, family: 'service' | 'host'): Set<string> {
  const common = ['job', 'instance', ...Object.keys(cfg.targetLabels), ...cfg.knownLabels];
  const kubernetes = ['namespace', 'pod', 'container', 'endpoint'];
  return new Set(family === 'service' ? [LABELS.service, ...kubernetes, ...common] : [...kubernetes, 'node', ...common]);
}

/**
 * One `OBS_WARN_SELECTOR_LABEL` message per selector label that nothing the generator knows of
 * produces: every query, rule and variable using it would select nothing. Negative matchers
 * (`!=`, `!~`) match series without the label, so they are not reported.
 *
 * @example
 * selectorWarnings(resolveConfig({ selectors: { service: 'env="prod"' } })); // one warning about `env`
 */
export function selectorWarnings(cfg: ResolvedConfig): string[] {
  const out: string[] = [];
  for (const family of ['service', 'host'] as const) {
    const known = knownSelectorLabels(cfg, family);
    for (const m of cfg.selectors[family].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)) {
      const [, label, op] = m as unknown as [string, string, string];
      if (op === '!=' || op === '!~' || known.has(label)) continue;
      out.push(
        `OBS_WARN_SELECTOR_LABEL: selectors.${family} selects on \`${label}\`, which no series is known to carry (known: ${[...known].join(', ')}); every query, rule and variable with it would select nothing. ${WARNING_FIXES.OBS_WARN_SELECTOR_LABEL}`,
      );
    }
  }
  return out;
}

/**
 * Loads a configuration file: `.json`, `.js`/`.mjs`/`.cjs` (default export), or
 * `.ts`/`.mts`/`.cts` (bundled with esbuild through bundle-require, then imported). Returns the
 * raw object; pass it to {@link resolveConfig}.
 *
 * @example
 * const cfg = resolveConfig(await loadConfigFile('obs-dashboards.config.ts'));
 */
export async function loadConfigFile(file: string, cwd: string = process.cwd()): Promise<ObsDashboardsConfig> {
  const path = resolve(cwd, file);
  const ext = extname(path);
  if (!existsSync(path)) fail('--config', file, `no such file: ${path}`);
  let value: unknown;
  try {
    if (ext === '.json') {
      value = JSON.parse(await readFile(path, 'utf8'));
    } else if (ext === '.js' || ext === '.mjs' || ext === '.cjs') {
      value = ((await import(pathToFileURL(path).href)) as { default?: unknown }).default;
    } else if (ext === '.ts' || ext === '.mts' || ext === '.cts') {
      const { bundleRequire } = await import('bundle-require');
      // Silent: esbuild's own report would print before (and besides) the coded error below.
      const { mod } = await bundleRequire({ filepath: path, cwd, esbuildOptions: { logLevel: 'silent' } });
      value = (mod as { default?: unknown }).default ?? mod;
    } else {
      fail('--config', file, 'expected a .json, .js, .mjs, .cjs, .ts, .mts or .cts file');
    }
  } catch (err) {
    if (err instanceof ObsError) throw err;
    fail('--config', file, `could not load: ${(err as Error).message.split('\n')[0]}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail('--config', file, 'the file must export (default) a configuration object');
  }
  return value as ObsDashboardsConfig;
}
