/** Alerts on a team's own domain metrics (`domain.alerts`), built from the named definition. */
import { LABELS, type MetricDefinition } from '@obs/metrics-standard';
import { aggregate, rate, select } from '../promql/index.js';
import { type AlertSpec, type RuleContext, type Scenario, TEST_SERVICE, testSeries } from './catalogue.js';
import { RATE_WINDOW } from './series.js';

/** A domain alert as the user writes it. */
export interface DomainAlert {
  /** Alert name, PascalCase, e.g. `NoVmRunning`. */
  name: string;
  /** The `name` of a metric in `domain.metrics` (or of a contract metric). */
  metric: string;
  /** How series are combined per service (default `sum`). */
  aggregation?: 'sum' | 'avg' | 'max' | 'min';
  /** Alert on the per-second rate (default: true for counters; gauges cannot). */
  rate?: boolean;
  op: '>' | '<' | '>=' | '<=' | '==' | '!=';
  threshold: number;
  /** Default `5m`. */
  for?: string;
  /** Default `warning`. */
  severity?: 'critical' | 'warning';
  summary?: string;
  description?: string;
}

/** A validated domain alert with its definition. */
export interface ResolvedDomainAlert extends Required<Omit<DomainAlert, 'summary' | 'description'>> {
  summary: string;
  description: string;
  definition: MetricDefinition;
}

/** A value on the firing (or quiet) side of `op threshold`. */
function sideValue(op: DomainAlert['op'], t: number, fire: boolean): number {
  const d = Math.max(1, Math.abs(t) / 2);
  switch (op) {
    case '>':
    case '>=':
      return fire ? t + d : t - d;
    case '<':
    case '<=':
      return fire ? t - d : t + d;
    case '==':
      return fire ? t : t + d;
    case '!=':
      return fire ? t + d : t;
  }
}

/** The {@link AlertSpec} of a domain alert (pack `domain`, rule file `domain.yml`). */
export function domainAlertSpec(a: ResolvedDomainAlert): AlertSpec {
  const def = a.definition;
  const S = LABELS.service;
  const scenario = (x: RuleContext, fire: boolean): Scenario => {
    const v = sideValue(a.op, x.threshold, fire);
    const l = { ...TEST_SERVICE, ...x.extra.service };
    if (!a.rate) return { series: [testSeries(def, l, { value: v })], labels: { service: l.service }, value: v, activeFrom: 0, steadyAt: 0 };
    // Rates: a counter rising by v per second once its window is full (first minute: v / 5).
    return { series: [testSeries(def, l, { slope: Math.max(v, 0) * 60 })], labels: { service: l.service }, value: Math.max(v, 0), activeFrom: 60, steadyAt: 300 };
  };
  return {
    name: a.name,
    pack: 'service',
    severity: a.severity,
    for: a.for,
    threshold: a.threshold,
    format: 'number',
    summary: a.summary,
    description: a.description,
    expr: (x) => {
      const inner = a.rate ? rate(def, x.sel.service, RATE_WINDOW) : select(def, x.sel.service);
      return `${aggregate(a.aggregation, [S], inner)} ${a.op} ${x.threshold}`;
    },
    fire: (x) => [scenario(x, true)],
    quiet: (x) => scenario(x, false),
  };
}
