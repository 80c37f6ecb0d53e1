/**
 * Validation of the rule-related part of the generator config: `alerts`, `slo`, `packs`,
 * `domain.alerts`, `runbookBaseUrl`. Every failure is `OBS_ERR_INVALID_CONFIG` naming the dotted
 * field (`alerts.HighAPIErrorRate.threshhold`), what was received, and what is allowed.
 */
import { CONTRACT_METRICS, EXPORTER_METRICS, HTTP_METRICS, type MetricDefinition, ObsError } from '@obs/metrics-standard';
import { ALERT_SPECS, type AlertSpec, PACKS, type PackName, type Severity } from './catalogue.js';
import { type DomainAlert, domainAlertSpec, type ResolvedDomainAlert } from './domain.js';
import { clusterMissingSpec, type RulesMultiCluster } from './cluster.js';
import { isDuration } from './format.js';
import { type ResolvedSlo, sloAlertSpecs } from './slo.js';

/** Per-alert overrides. */
export interface AlertOverride {
  threshold?: number;
  for?: string;
  severity?: Severity;
  enabled?: boolean;
  /** Minimum traffic (per second) below which ratio alerts stay quiet (ratio alerts only). */
  minRate?: number;
}

/** The rule-related config fields, as the user writes them. */
export interface RulesConfigInput {
  runbookBaseUrl?: string;
  packs?: Partial<Record<PackName, boolean>>;
  alerts?: Record<string, AlertOverride>;
  slo?: { availability?: { objective: number }; latency?: { objective: number; thresholdSeconds: number }; window?: string } | false;
  domain?: { metrics?: readonly MetricDefinition[]; alerts?: readonly DomainAlert[] };
  /** Set (already validated) by the main config when `multiCluster` is on. */
  multiCluster?: RulesMultiCluster;
}

/** One alert after defaults and overrides. */
export interface ResolvedAlert {
  readonly name: string;
  readonly pack: PackName | 'domain';
  readonly severity: Severity;
  readonly for: string;
  readonly threshold?: number;
  readonly minRate?: number;
  readonly enabled: boolean;
  readonly spec: AlertSpec;
}

/** The validated rule config every builder reads. */
export interface ResolvedRulesConfig {
  readonly runbookBaseUrl: string;
  readonly packs: Readonly<Record<PackName, boolean>>;
  readonly slo: ResolvedSlo | false;
  /** Every alert (catalogue, SLO, domain), enabled or not, in file order. */
  readonly alerts: readonly ResolvedAlert[];
  readonly domainAlerts: readonly ResolvedDomainAlert[];
  /** The cluster label every rule keeps, or false (one Prometheus). */
  readonly multiCluster: RulesMultiCluster | false;
}

/** Defaults of the rule config. */
export const RULES_DEFAULTS = {
  runbookBaseUrl: 'https://runbooks.example.com/obs',
  slo: { availability: { objective: 0.999 }, latency: { objective: 0.99, thresholdSeconds: 1 }, window: '30d' },
} as const;

type Raw = Record<string, unknown>;

function fail(path: string, received: unknown, detail: string): never {
  throw new ObsError('OBS_ERR_INVALID_CONFIG', path, received, detail);
}

function object(path: string, value: unknown, known: readonly string[]): Raw {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(path, value, 'expected an object');
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) fail(`${path}.${key}`, (value as Raw)[key], `unknown field; known fields: ${known.join(', ')}`);
  }
  return value as Raw;
}

function num(path: string, value: unknown, min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY, openMin = false, openMax = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, value, 'expected a finite number');
  if (value < min || (openMin && value === min) || value > max || (openMax && value === max)) {
    fail(path, value, `expected a number in ${openMin ? '(' : '['}${min}, ${max}${openMax ? ')' : ']'}`);
  }
  return value;
}

function dur(path: string, value: unknown): string {
  if (!isDuration(value)) fail(path, value, 'expected a Prometheus duration such as 30s, 5m, 1h30m');
  return value;
}

function severity(path: string, value: unknown): Severity {
  if (value !== 'critical' && value !== 'warning') fail(path, value, 'expected "critical" or "warning"');
  return value;
}

function bool(path: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(path, value, 'expected true or false');
  return value;
}

function resolveSlo(raw: unknown): ResolvedSlo | false {
  if (raw === false) return false;
  if (raw === undefined) return RULES_DEFAULTS.slo;
  const o = object('slo', raw, ['availability', 'latency', 'window']);
  const window = o.window === undefined ? RULES_DEFAULTS.slo.window : dur('slo.window', o.window);
  let availability: ResolvedSlo['availability'];
  let latency: ResolvedSlo['latency'];
  if (o.availability !== undefined) {
    const a = object('slo.availability', o.availability, ['objective']);
    availability = { objective: num('slo.availability.objective', a.objective, 0, 1, true, true) };
  }
  if (o.latency !== undefined) {
    const l = object('slo.latency', o.latency, ['objective', 'thresholdSeconds']);
    const buckets: readonly number[] = HTTP_METRICS.requestDuration.buckets;
    const thresholdSeconds = num('slo.latency.thresholdSeconds', l.thresholdSeconds, 0, Number.POSITIVE_INFINITY, true);
    if (!buckets.includes(thresholdSeconds)) {
      fail('slo.latency.thresholdSeconds', thresholdSeconds, `must be a bucket bound of ${HTTP_METRICS.requestDuration.name}: ${buckets.join(', ')}`);
    }
    latency = { objective: num('slo.latency.objective', l.objective, 0, 1, true, true), thresholdSeconds };
  }
  return { ...(availability && { availability }), ...(latency && { latency }), window };
}

const NAME = /^[A-Z][A-Za-z0-9]*$/;
const OPS = ['>', '<', '>=', '<=', '==', '!='] as const;
const AGGS = ['sum', 'avg', 'max', 'min'] as const;

function resolveDomainAlerts(raw: unknown, metrics: readonly MetricDefinition[], taken: ReadonlySet<string>): ResolvedDomainAlert[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) fail('domain.alerts', raw, 'expected an array');
  const seen = new Set<string>();
  return raw.map((item, i) => {
    const p = `domain.alerts[${i}]`;
    const o = object(p, item, ['name', 'metric', 'aggregation', 'rate', 'op', 'threshold', 'for', 'severity', 'summary', 'description']);
    if (typeof o.name !== 'string' || !NAME.test(o.name)) fail(`${p}.name`, o.name, 'expected a PascalCase alert name such as NoVmRunning');
    if (taken.has(o.name) || seen.has(o.name)) fail(`${p}.name`, o.name, 'an alert with this name already exists');
    seen.add(o.name);
    const definition = [...metrics, ...CONTRACT_METRICS, ...EXPORTER_METRICS].find((d) => d.name === o.metric);
    if (!definition) fail(`${p}.metric`, o.metric, `no such metric; define it in domain.metrics (known: ${metrics.map((m) => m.name).join(', ') || 'none'})`);
    if (definition.type === 'histogram' || definition.type === 'summary') fail(`${p}.metric`, o.metric, 'histograms and summaries are not supported for domain alerts; alert on a counter or gauge');
    const isCounter = definition.type === 'counter';
    const rate = o.rate === undefined ? isCounter : bool(`${p}.rate`, o.rate);
    if (rate !== isCounter) fail(`${p}.rate`, o.rate, isCounter ? 'a counter is only meaningful as a rate' : `${definition.name} is a ${definition.type}: rate() needs a counter`);
    if (!OPS.includes(o.op as (typeof OPS)[number])) fail(`${p}.op`, o.op, `expected one of ${OPS.join(' ')}`);
    const aggregation = o.aggregation === undefined ? 'sum' : o.aggregation;
    if (!AGGS.includes(aggregation as (typeof AGGS)[number])) fail(`${p}.aggregation`, o.aggregation, `expected one of ${AGGS.join(', ')}`);
    const threshold = num(`${p}.threshold`, o.threshold);
    const op = o.op as DomainAlert['op'];
    const str = (k: 'summary' | 'description', d: string) => {
      if (o[k] === undefined) return d;
      if (typeof o[k] !== 'string' || o[k] === '') fail(`${p}.${k}`, o[k], 'expected a non-empty string');
      return o[k] as string;
    };
    return {
      name: o.name,
      metric: definition.name,
      aggregation: aggregation as ResolvedDomainAlert['aggregation'],
      rate,
      op,
      threshold,
      for: o.for === undefined ? '5m' : dur(`${p}.for`, o.for),
      severity: o.severity === undefined ? 'warning' : severity(`${p}.severity`, o.severity),
      summary: str('summary', `${o.name} on {{ $labels.service }}`),
      description: str('description', `${rate ? 'rate of ' : ''}${definition.name} ({{ $value | humanize }}) ${op} ${threshold} on {{ $labels.service }}: ${definition.help}`),
      definition,
    };
  });
}

/**
 * Validates the rule part of the config and fills in the defaults.
 *
 * @example
 * const rules = resolveRulesConfig({ alerts: { HighAPILatency: { threshold: 0.5, for: '10m' } }, packs: { kubernetes: false } });
 * rules.alerts.find((a) => a.name === 'HighAPILatency')?.threshold // 0.5
 */
export function resolveRulesConfig(raw: RulesConfigInput | undefined): ResolvedRulesConfig {
  const input = (raw ?? {}) as Raw;
  let runbookBaseUrl: string = RULES_DEFAULTS.runbookBaseUrl;
  if (input.runbookBaseUrl !== undefined) {
    if (typeof input.runbookBaseUrl !== 'string' || !/^https?:\/\/\S+$/.test(input.runbookBaseUrl)) {
      fail('runbookBaseUrl', input.runbookBaseUrl, 'expected an http(s) URL');
    }
    runbookBaseUrl = input.runbookBaseUrl.replace(/\/+$/, '');
  }
  const packsIn = input.packs === undefined ? {} : object('packs', input.packs, PACKS);
  const packs = Object.fromEntries(PACKS.map((p) => [p, packsIn[p] === undefined ? true : bool(`packs.${p}`, packsIn[p])])) as Record<PackName, boolean>;
  const slo = resolveSlo(input.slo);
  const domainIn = input.domain === undefined ? {} : object('domain', input.domain, ['metrics', 'alerts', 'panels']);
  const metrics = (Array.isArray(domainIn.metrics) ? domainIn.metrics : []) as MetricDefinition[];
  const multiCluster = (input.multiCluster as RulesMultiCluster | undefined) ?? false;
  const catalogue: AlertSpec[] = [...ALERT_SPECS, ...(slo ? sloAlertSpecs(slo) : []), ...(multiCluster ? [clusterMissingSpec(multiCluster)] : [])];
  const domainAlerts = resolveDomainAlerts(domainIn.alerts, metrics, new Set(catalogue.map((a) => a.name)));
  const overrides = input.alerts === undefined ? {} : object('alerts', input.alerts, catalogue.map((a) => a.name));
  const alerts: ResolvedAlert[] = catalogue.map((spec) => {
    const path = `alerts.${spec.name}`;
    const known = ['for', 'severity', 'enabled', ...(spec.threshold !== undefined ? ['threshold'] : []), ...(spec.minRate !== undefined ? ['minRate'] : [])];
    const o = overrides[spec.name] === undefined ? {} : object(path, overrides[spec.name], known);
    const [min, max] = spec.range ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
    const threshold = o.threshold === undefined ? spec.threshold : num(`${path}.threshold`, o.threshold, min, max, false, max !== Number.POSITIVE_INFINITY && max !== 1);
    return {
      name: spec.name,
      pack: spec.pack,
      severity: o.severity === undefined ? spec.severity : severity(`${path}.severity`, o.severity),
      for: o.for === undefined ? spec.for : dur(`${path}.for`, o.for),
      ...(threshold !== undefined && { threshold }),
      ...(spec.minRate !== undefined && { minRate: o.minRate === undefined ? spec.minRate : num(`${path}.minRate`, o.minRate, 0) }),
      enabled: o.enabled === undefined ? true : bool(`${path}.enabled`, o.enabled),
      spec,
    };
  });
  for (const d of domainAlerts) {
    alerts.push({ name: d.name, pack: 'domain', severity: d.severity, for: d.for, threshold: d.threshold, enabled: true, spec: domainAlertSpec(d) });
  }
  return { runbookBaseUrl, packs, slo, alerts, domainAlerts, multiCluster };
}
