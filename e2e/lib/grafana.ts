// What Grafana does with a dashboard's Prometheus queries before sending them, reproduced so that
// the suite asks Prometheus exactly what a user's browser would: the panel targets (rows
// included), the template variables and their `label_values()` queries, the multi-value regex
// formatting of the Prometheus datasource, and the interval macros.
import { parser } from '@prometheus-io/lezer-promql';

/** The parts of a Grafana dashboard JSON the suite reads. */
export interface DashboardJson {
  uid: string;
  title: string;
  panels: PanelJson[];
  templating?: { list: VariableJson[] };
}
interface PanelJson {
  id: number;
  type: string;
  title: string;
  panels?: PanelJson[];
  targets?: { refId: string; expr?: string; instant?: boolean; range?: boolean; hide?: boolean }[];
}
interface VariableJson {
  name: string;
  type: string;
  query?: string | { query?: string };
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string | null;
}

/** One query of one panel. */
export interface PanelQuery {
  dashboard: string;
  panelId: number;
  panel: string;
  panelType: string;
  refId: string;
  expr: string;
  /** Stat and table panels ask for the value at "now"; time series for the whole range. */
  instant: boolean;
}

/** A template variable. */
export interface TemplateVariable {
  name: string;
  type: string;
  query: string;
  multi: boolean;
  includeAll: boolean;
  allValue: string | undefined;
}

/** Every query of every panel, rows' nested panels included, in dashboard order. */
export function panelQueries(dashboard: string, json: DashboardJson): PanelQuery[] {
  const out: PanelQuery[] = [];
  const walk = (panels: readonly PanelJson[]) => {
    for (const p of panels) {
      if (p.panels) walk(p.panels);
      for (const t of p.targets ?? []) {
        if (t.expr === undefined || t.expr.trim() === '') continue;
        out.push({ dashboard, panelId: p.id, panel: p.title, panelType: p.type, refId: t.refId, expr: t.expr, instant: t.instant === true && t.range !== true });
      }
    }
  };
  walk(json.panels);
  return out;
}

/** The dashboard's template variables. */
export function templateVariables(json: DashboardJson): TemplateVariable[] {
  return (json.templating?.list ?? []).map((v) => ({
    name: v.name,
    type: v.type,
    query: typeof v.query === 'string' ? v.query : (v.query?.query ?? ''),
    multi: v.multi === true,
    includeAll: v.includeAll === true,
    allValue: v.allValue ?? undefined,
  }));
}

/** `label_values(label)` or `label_values(selector, label)`: what the Prometheus datasource supports here. */
export function parseLabelValues(query: string): { label: string; match?: string } {
  const m = /^\s*label_values\((.*)\)\s*$/s.exec(query);
  if (!m) throw new Error(`unsupported variable query (only label_values() is emulated): ${query}`);
  const inner = m[1]!;
  const comma = inner.lastIndexOf(',');
  if (comma < 0) return { label: inner.trim() };
  return { match: inner.slice(0, comma).trim(), label: inner.slice(comma + 1).trim() };
}

// Grafana's Prometheus datasource escapes (public/app/plugins/datasource/prometheus: datasource.ts).
const regularEscape = (v: string) => v.replace(/\\/g, '\\\\').replace(/'/g, "\\\\'");
const specialRegexEscape = (v: string) => v.replace(/\\/g, '\\\\\\\\').replace(/[$^*{}[\]'+?.()|]/g, '\\\\$&');

/** A variable's selection: "All", or one or more values. */
export type Selection = { all: true; options: readonly string[] } | { values: readonly string[] };

/** What a variable becomes in a query, as the Prometheus datasource's `interpolateQueryExpr` formats it. */
export function formatVariable(variable: TemplateVariable, selection: Selection): string {
  if ('all' in selection) {
    if (variable.allValue !== undefined) return variable.allValue;
    return formatVariable(variable, { values: selection.options });
  }
  const values = selection.values;
  if (!variable.multi && !variable.includeAll) {
    if (values.length !== 1) throw new Error(`$${variable.name} takes one value, got ${values.length}`);
    return regularEscape(values[0]!);
  }
  const escaped = values.map(specialRegexEscape);
  return escaped.length === 1 ? escaped[0]! : `(${escaped.join('|')})`;
}

/** The time range of a view and the interval macros Grafana derives from it. */
export interface TimeContext {
  from: number;
  to: number;
  /** `$__interval` in seconds (also the range query step). */
  interval: number;
  /** `$__rate_interval` in seconds. */
  rateInterval: number;
}

// Grafana's rangeutil.roundInterval (milliseconds).
const ROUND: [number, number][] = [
  [10, 1], [15, 10], [35, 20], [75, 50], [150, 100], [350, 200], [750, 500], [1500, 1000], [3500, 2000], [7500, 5000],
  [12500, 10000], [17500, 15000], [25000, 20000], [45000, 30000], [90000, 60000], [210000, 120000], [450000, 300000],
  [1050000, 600000], [2100000, 1200000], [5400000, 1800000], [9000000, 3600000], [16200000, 7200000], [32400000, 10800000],
  [86400000, 21600000], [604800000, 86400000],
];

/**
 * Grafana's intervals for a range: `$__interval` = the range over the panel's data points, rounded,
 * never below the datasource's `timeInterval` (the scrape interval); `$__rate_interval` =
 * max(`$__interval` + scrape interval, 4 × scrape interval).
 */
export function timeContext(from: number, to: number, scrapeInterval: number, maxDataPoints = 1000): TimeContext {
  const rawMs = ((to - from) * 1000) / maxDataPoints;
  const rounded = (ROUND.find(([limit]) => rawMs < limit)?.[1] ?? 2592000000) / 1000;
  const interval = Math.max(rounded, scrapeInterval);
  return { from, to, interval, rateInterval: Math.max(interval + scrapeInterval, 4 * scrapeInterval) };
}

/**
 * Substitutes the interval macros and the template variables (`$name`, `${name}`, `[[name]]`)
 * as Grafana does; throws on a variable it does not know, so a new variable is never sent raw.
 */
export function interpolate(expr: string, variables: ReadonlyMap<string, string> | ((name: string) => string | undefined), t: TimeContext): string {
  const lookup = typeof variables === 'function' ? variables : (name: string) => variables.get(name);
  const range = Math.round(t.to - t.from);
  const macros: [string, string][] = [
    ['$__rate_interval_ms', String(t.rateInterval * 1000)],
    ['$__rate_interval', `${t.rateInterval}s`],
    ['$__interval_ms', String(t.interval * 1000)],
    ['$__interval', `${t.interval}s`],
    ['$__range_ms', String(range * 1000)],
    ['$__range_s', String(range)],
    ['$__range', `${range}s`],
  ];
  let out = expr;
  for (const [macro, value] of macros) out = out.replaceAll(macro, value);
  out = out.replace(/\$\{(\w+)(?::(\w+))?\}|\[\[(\w+)\]\]|\$([A-Za-z_]\w*)/g, (whole, braced, format, bracketed, bare) => {
    const name = braced ?? bracketed ?? bare;
    if (format !== undefined) throw new Error(`variable format \${${name}:${format}} is not emulated (in ${expr})`);
    const value = lookup(name);
    if (value === undefined) throw new Error(`unknown variable ${whole} in ${expr}`);
    return value;
  });
  return out;
}

/** Metric names of every vector selector of a PromQL expression (parsed with the real grammar). */
export function selectedMetrics(expr: string): string[] {
  const names = new Set<string>();
  const tree = parser.parse(expr);
  tree.iterate({
    enter: (ref) => {
      if (ref.type.isError) throw new Error(`PromQL syntax error at ${ref.from} in ${expr}`);
      if (ref.name === 'VectorSelector') {
        const id = ref.node.getChild('Identifier');
        if (id) names.add(expr.slice(id.from, id.to));
      }
    },
  });
  return [...names];
}
