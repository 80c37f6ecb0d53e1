// Asks Prometheus every query of a dashboard as Grafana would, for a set of views (variable
// selections), and sorts each query into: answered with data, answered empty (a failure), or not
// exercised because it reads an exporter the suite does not run (or a limit this machine cannot
// set) — the latter two always listed with their reason, never dropped.
import { EXPORTERS, RESOURCE_METRICS } from '@obs/metrics-standard';
import {
  type DashboardJson,
  formatVariable,
  interpolate,
  panelQueries,
  parseLabelValues,
  type Selection,
  selectedMetrics,
  type TemplateVariable,
  type TimeContext,
  templateVariables,
  timeContext,
} from './grafana.js';
import type { PrometheusApi } from './prometheus-api.js';

/** Exporters the suite does not run, by the `EXPORTERS` key, with a human name. */
export const NOT_RUN: Readonly<Record<string, string>> = {
  cadvisor: 'cAdvisor',
  kubeStateMetrics: 'kube-state-metrics',
  postgresExporter: 'postgres_exporter',
  redisExporter: 'redis_exporter',
  rabbitmq: 'RabbitMQ',
};

/** Series names (histogram/summary children included) → the exporter that is not run. */
function notRunSeries(notRun: Readonly<Record<string, string>> = NOT_RUN): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, human] of Object.entries(notRun)) {
    for (const def of Object.values(EXPORTERS[key as keyof typeof EXPORTERS])) {
      for (const suffix of ['', '_bucket', '_sum', '_count']) out.set(def.name + suffix, human);
    }
  }
  return out;
}

/** A view: what each variable is set to (by name). `expect` = values the variable's options must include. */
export interface View {
  label: string;
  selections: Record<string, (options: readonly string[]) => Selection>;
  expect: Record<string, readonly string[]>;
}

/** The outcome of one query in one view. */
export interface QueryOutcome {
  dashboard: string;
  view: string;
  panel: string;
  refId: string;
  instant: boolean;
  expr: string;
  status: 'data' | 'empty' | 'not-exercised' | 'error';
  reason?: string;
  series?: number;
  nanOnly?: boolean;
}

/** Options of a `label_values()` variable over the view's time range. */
async function variableOptions(prom: PrometheusApi, v: TemplateVariable, vars: ReadonlyMap<string, string>, t: TimeContext): Promise<string[]> {
  const { label, match } = parseLabelValues(v.query);
  const matchers = match === undefined ? [] : [interpolate(match, vars, t)];
  return (await prom.labelValues(label, matchers, t.from, t.to)).sort();
}

/**
 * Runs every query of `json` for each view.
 *
 * @example
 * const outcomes = await checkDashboard(prom, 'host', json, [{ label: 'All', selections: { instance: (o) => ({ all: true, options: o }) }, expect: {} }], t, {});
 */
export async function checkDashboard(
  prom: PrometheusApi,
  name: string,
  json: DashboardJson,
  views: readonly View[],
  t: TimeContext,
  unavailable: Readonly<Record<string, string>>,
  /** Exporters this run does not run (default {@link NOT_RUN}); the datastores suite runs three of them. */
  notRunExporters: Readonly<Record<string, string>> = NOT_RUN,
): Promise<{ outcomes: QueryOutcome[]; variables: string[] }> {
  const notRun = notRunSeries(notRunExporters);
  const queries = panelQueries(name, json);
  const variables = templateVariables(json);
  const outcomes: QueryOutcome[] = [];
  const variableLines: string[] = [];
  for (const view of views) {
    const vars = new Map<string, string>();
    for (const v of variables) {
      if (v.type === 'datasource') {
        // Datasource variables ($datasource, $tempo, $loki) only pick a data source: ignored.
        if (view === views[0]) variableLines.push(`${name} $${v.name}: data source variable (ignored)`);
        continue;
      }
      if (v.type !== 'query') throw new Error(`${name}: variable $${v.name} of type ${v.type} is not emulated`);
      const options = await variableOptions(prom, v, vars, t);
      const missing = (view.expect[v.name] ?? []).filter((e) => !options.includes(e));
      if (missing.length > 0) {
        outcomes.push({ dashboard: name, view: view.label, panel: `variable $${v.name}`, refId: '-', instant: false, expr: v.query, status: 'empty', reason: `options ${JSON.stringify(options)} lack ${JSON.stringify(missing)}` });
      }
      const select = view.selections[v.name];
      if (!select) throw new Error(`${name}: view "${view.label}" sets no value for $${v.name}`);
      vars.set(v.name, formatVariable(v, select(options)));
      variableLines.push(`${name} [${view.label}] $${v.name}: options ${options.join(', ') || '(none)'} → ${vars.get(v.name)}`);
    }
    for (const q of queries) {
      const expr = interpolate(q.expr, vars, t);
      const base = { dashboard: name, view: view.label, panel: q.panel, refId: q.refId, instant: q.instant, expr };
      const metrics = selectedMetrics(expr);
      const exporter = metrics.map((m) => notRun.get(m)).find((e) => e !== undefined);
      if (exporter !== undefined) {
        outcomes.push({ ...base, status: 'not-exercised', reason: `reads ${exporter} metrics (${metrics.filter((m) => notRun.has(m)).join(', ')}); the suite does not run ${exporter}` });
        continue;
      }
      const limited = metrics.find((m) => unavailable[m] !== undefined);
      if (limited !== undefined) {
        outcomes.push({ ...base, status: 'not-exercised', reason: `reads ${limited}: ${unavailable[limited]}` });
        continue;
      }
      try {
        const { series } = q.instant ? await prom.query(expr, t.to) : await prom.queryRange(expr, Math.floor(t.from / t.interval) * t.interval, Math.floor(t.to / t.interval) * t.interval, t.interval);
        const values = series.flatMap((s) => (s.value ? [s.value[1]] : (s.values ?? []).map((v) => v[1])));
        const nanOnly = values.length > 0 && values.every((v) => v === 'NaN');
        outcomes.push({ ...base, status: values.length > 0 ? 'data' : 'empty', series: series.length, nanOnly });
      } catch (err) {
        outcomes.push({ ...base, status: 'error', reason: (err as Error).message });
      }
    }
  }
  return { outcomes, variables: variableLines };
}

/** The limit metrics, for when the examples cannot run under a cgroup limit. */
export const LIMIT_METRICS = [RESOURCE_METRICS.cpuLimitCores.name, RESOURCE_METRICS.memoryLimitBytes.name] as const;

/**
 * For a dashboard the suite does not query (Containers, Kubernetes, Datastores): which exporters
 * that are not run its queries read, and which queries read none of them.
 *
 * @example
 * const { exporters } = exportersRead('containers', json); // Set { 'cAdvisor' }
 */
export function exportersRead(name: string, json: DashboardJson): { panels: number; queries: number; exporters: Set<string>; other: string[] } {
  const notRun = notRunSeries();
  const queries = panelQueries(name, json);
  const exporters = new Set<string>();
  const other: string[] = [];
  for (const q of queries) {
    const found = selectedMetrics(interpolate(q.expr, () => '.+', timeContext(0, 300, 1)))
      .map((m) => notRun.get(m))
      .filter((e): e is string => e !== undefined);
    for (const e of found) exporters.add(e);
    if (found.length === 0) other.push(`${q.panel} (${q.refId}): ${q.expr}`);
  }
  return { panels: new Set(queries.map((q) => q.panelId)).size, queries: queries.length, exporters, other };
}
