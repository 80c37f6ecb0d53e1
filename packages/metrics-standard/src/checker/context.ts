import { CONTRACT, CONTRACT_METRICS } from '../definitions/index.js';
import { LABELS } from '../definitions/labels.js';
import type { MetricDefinition } from '../definitions/types.js';
import { type Exposition, type MetricFamily, type Sample, seriesKey } from './exposition.js';

/** Which metric groups the endpoint must expose: `auto` detects HTTP and worker from the scrape. */
export type CheckProfile = 'auto' | 'http' | 'worker';

/** The profiles `--profile` accepts. */
export const CHECK_PROFILES: readonly CheckProfile[] = ['auto', 'http', 'worker'];

/** A contract group the checker can require, with the definitions it covers. */
export interface CheckedGroup {
  /** `service` (service + resources definitions), `http` or `worker`. */
  readonly id: 'service' | 'http' | 'worker';
  readonly definitions: readonly MetricDefinition[];
  /** The name prefix shared by the group's metrics (`http_`, `worker_`), derived from the definitions. */
  readonly prefix: string;
}

function commonPrefix(names: readonly string[]): string {
  let prefix = names[0] ?? '';
  for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix.slice(0, prefix.lastIndexOf('_') + 1);
}

function group(id: CheckedGroup['id'], defs: readonly MetricDefinition[]): CheckedGroup {
  return { id, definitions: defs, prefix: commonPrefix(defs.map((d) => d.name)) };
}

/** The groups, from the definitions: `service` always, `http` and `worker` by profile or detection. */
export const CHECKED_GROUPS: readonly CheckedGroup[] = [
  group('service', [...Object.values(CONTRACT.service), ...Object.values(CONTRACT.resources)]),
  group('http', Object.values(CONTRACT.http)),
  group('worker', Object.values(CONTRACT.worker)),
];

/** One series: the samples of a family that share a label set (bucket/quantile bound aside). */
export interface Series {
  readonly labels: Readonly<Record<string, string>>;
  readonly samples: readonly Sample[];
}

/** A contract definition and the family that implements it in the scrape. */
export interface ContractFamily {
  readonly definition: MetricDefinition;
  readonly family: MetricFamily;
  readonly series: readonly Series[];
}

/** Everything a rule reads. */
export interface CheckContext {
  readonly exposition: Exposition;
  readonly profile: CheckProfile;
  /** Groups whose non-optional metrics must be present. */
  readonly requiredGroups: readonly CheckedGroup[];
  /** Every contract definition found in the scrape (runtime and optional ones included). */
  readonly contract: readonly ContractFamily[];
  /** Label names the service adds to every contract series with one value (`constLabels`). */
  readonly constLabels: ReadonlySet<string>;
  readonly maxSeries: number;
}

/** The label that bounds a sample inside its series, if any (`le` for buckets, `quantile`). */
export function boundLabel(family: MetricFamily): string | undefined {
  if (family.type === 'histogram' || family.type === 'gaugehistogram') return LABELS.le;
  if (family.type === 'summary') return 'quantile';
  return undefined;
}

/** The samples of a family grouped by label set. */
export function seriesOf(family: MetricFamily): Series[] {
  const bound = boundLabel(family);
  const drop = bound === undefined ? [] : [bound];
  const byKey = new Map<string, { labels: Record<string, string>; samples: Sample[] }>();
  for (const sample of family.samples) {
    const key = seriesKey(sample.labels, drop);
    let s = byKey.get(key);
    if (s === undefined) {
      const labels = { ...sample.labels };
      if (bound !== undefined) delete labels[bound];
      s = { labels, samples: [] };
      byKey.set(key, s);
    }
    s.samples.push(sample);
  }
  return [...byKey.values()];
}

/**
 * The family implementing a definition: the same name, or for a counter in OpenMetrics the family
 * named without `_total` (its samples carry the suffix).
 */
export function findFamily(exposition: Exposition, def: MetricDefinition): MetricFamily | undefined {
  const exact = exposition.families.get(def.name);
  if (exact !== undefined) return exact;
  const total = '_total';
  if (def.type === 'counter' && def.name.endsWith(total)) {
    const base = exposition.families.get(def.name.slice(0, -total.length));
    if (base?.type === 'counter' && base.typed) return base;
  }
  return undefined;
}

/** The groups an endpoint must expose under a profile, detecting HTTP and worker from metric names. */
export function requiredGroups(exposition: Exposition, profile: CheckProfile): CheckedGroup[] {
  const names = [...exposition.families.keys()];
  return CHECKED_GROUPS.filter((g) => g.id === 'service' || g.id === profile || names.some((n) => n.startsWith(g.prefix)));
}

/**
 * Label names present on every sample of every contract family with one single value: the
 * service's constant labels (`createObs({ constLabels })`, or any client's default labels).
 */
export function detectConstLabels(contract: readonly ContractFamily[]): Set<string> {
  const samples = contract.flatMap((c) => c.family.samples);
  const first = samples[0];
  if (first === undefined) return new Set();
  const contractLabels = new Set(CONTRACT_METRICS.flatMap((d) => d.labels));
  const result = new Set<string>();
  for (const [name, value] of Object.entries(first.labels)) {
    if (contractLabels.has(name)) continue;
    if (samples.every((s) => s.labels[name] === value)) result.add(name);
  }
  return result;
}

/** Builds the context the rules read. */
export function buildContext(exposition: Exposition, profile: CheckProfile, maxSeries: number): CheckContext {
  const contract: ContractFamily[] = [];
  for (const definition of CONTRACT_METRICS) {
    const family = findFamily(exposition, definition);
    if (family !== undefined) contract.push({ definition, family, series: seriesOf(family) });
  }
  return {
    exposition,
    profile,
    requiredGroups: requiredGroups(exposition, profile),
    contract,
    constLabels: detectConstLabels(contract),
    maxSeries,
  };
}

/** `name{a="1",b="2"}`, for examples. */
export function formatSeries(name: string, labels: Readonly<Record<string, string>>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return parts.length === 0 ? name : `${name}{${parts.join(',')}}`;
}
