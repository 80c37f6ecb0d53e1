/**
 * SLO multi-window multi-burn-rate alerts (Google SRE workbook, "Alerting on SLOs", table 5-8):
 * page when 2 % of a 30-day budget burns in 1 h (14.4x, checked over 1h and 5m) or 5 % in 6 h
 * (6x, 6h and 30m); warn when 10 % burns in 1 d (3x, 1d and 2h) or in 3 d (1x, 3d and 6h). The
 * factors are derived from the SLO window, so a 28-day window gets its own. Ratios come from
 * recording rules, one per window, the long ones summed from the recorded 5m rates.
 */
import { HTTP_METRICS, LABELS } from '@obs/metrics-standard';
import { bucket, eq, leMatcher, type Series, select, sumBy } from '../promql/index.js';
import { type AlertSpec, type RuleContext, type Scenario, TEST_SERVICE, httpTraffic, testSeries } from './catalogue.js';
import { durationSeconds, fixed, humanizePercentage } from './format.js';
import { keptLabels, label, RECORDED, SLO_BY, SLO_WINDOWS, type SloWindow, sloErrorRatio, sloSlowRatio } from './series.js';

/** Resolved SLO objectives. */
export interface ResolvedSlo {
  readonly availability?: { readonly objective: number };
  readonly latency?: { readonly objective: number; readonly thresholdSeconds: number };
  /** The SLO period the budget is spent over, e.g. `30d`. */
  readonly window: string;
}

/** One burn-rate condition: the long and short windows and the share of budget it represents. */
interface Burn {
  readonly long: SloWindow;
  readonly short: SloWindow;
  readonly budgetShare: number;
}
const PAGE: readonly Burn[] = [
  { long: '1h', short: '5m', budgetShare: 0.02 },
  { long: '6h', short: '30m', budgetShare: 0.05 },
];
const TICKET: readonly Burn[] = [
  { long: '1d', short: '2h', budgetShare: 0.1 },
  { long: '3d', short: '6h', budgetShare: 0.1 },
];

/** The burn-rate factor of a condition for an SLO period (14.4 for 1h over 30d). */
export function burnFactor(b: Burn, period: string): number {
  return Math.round(((b.budgetShare * durationSeconds(period)) / durationSeconds(b.long)) * 1e6) / 1e6;
}

/** The short window the SLO ratios are recorded over; every longer window is built from it. */
const SHORT: SloWindow = '5m';

/**
 * Recording rules of the SLO ratios (every window, for each enabled SLO). As Sloth and Pyrra do,
 * only the short window reads the raw counters (through the api pack's recorded 5m rates); each
 * longer window sums the recorded 5m rates over itself — `sum_over_time(bad[3d]) /
 * sum_over_time(all[3d])`, weighted by traffic — instead of evaluating `rate(…[3d])` over raw
 * samples at every evaluation.
 */
export function sloRecordingRules(slo: ResolvedSlo): Array<{ record: string; expr: string }> {
  const out: Array<{ record: string; expr: string }> = [];
  const over = (series: string, w: SloWindow) => (w === SHORT ? series : sumBy(SLO_BY, `sum_over_time(${series}[${w}])`));
  if (slo.availability) {
    const bad = select(RECORDED.http5xxRate.series);
    const all = select(RECORDED.httpRequestsRate.series);
    for (const w of SLO_WINDOWS) out.push({ record: sloErrorRatio(w).name, expr: `(${over(bad, w)} or ${over(all, w)} * 0) / ${over(all, w)}` });
  }
  if (slo.latency) {
    const buckets = RECORDED.httpDurationBucketRate.series;
    const le = label(HTTP_METRICS.requestDuration, LABELS.le);
    const fast = select(buckets, [leMatcher(le, slo.latency.thresholdSeconds)]);
    const all = select(buckets, [eq(le, '+Inf')]);
    for (const w of SLO_WINDOWS) {
      const sum = (series: string) => (w === SHORT ? sumBy(SLO_BY, series) : over(series, w));
      out.push({ record: sloSlowRatio(w).name, expr: `1 - ${sum(fast)} / ${sum(all)}` });
    }
  }
  return out;
}

function burnExpr(ratio: (w: SloWindow) => Series, burns: readonly Burn[], budget: number, period: string): string {
  return burns
    .map((b) => {
      const limit = fixed(burnFactor(b, period) * budget);
      return `(${select(ratio(b.long))} > ${limit} and ${select(ratio(b.short))} > ${limit})`;
    })
    .join(' or ');
}

/** Requests of which `slowShare` took longer than `threshold`; `le` written as Node (`"1"`) or Python and Prometheus 3 (`"1.0"`) write it. */
function latencyTraffic(x: RuleContext, perMinute: number, slowShare: number, threshold: number, leStyle: 'node' | 'float') {
  const def = HTTP_METRICS.requestDuration;
  const l = { ...TEST_SERVICE, ...x.extra.service, method: 'GET', path: '/api/orders' };
  const le = leStyle === 'float' && Number.isInteger(threshold) ? threshold.toFixed(1) : String(threshold);
  return [
    testSeries(bucket(def), { ...l, le }, { slope: perMinute * (1 - slowShare) }),
    testSeries(bucket(def), { ...l, le: '+Inf' }, { slope: perMinute }),
  ];
}

/** The SLO burn-rate alerts for the configured objectives (pack `api`). */
export function sloAlertSpecs(slo: ResolvedSlo): AlertSpec[] {
  const specs: AlertSpec[] = [];
  const kinds = [
    slo.availability && { kind: 'Availability', what: 'requests failed (5xx)', objective: slo.availability.objective, ratio: sloErrorRatio, threshold: 0 },
    slo.latency && {
      kind: 'Latency',
      what: `requests took longer than ${slo.latency.thresholdSeconds}s`,
      objective: slo.latency.objective,
      ratio: sloSlowRatio,
      threshold: slo.latency.thresholdSeconds,
    },
  ].filter((k): k is Exclude<typeof k, undefined | false> => Boolean(k));
  for (const k of kinds) {
    const budget = 1 - k.objective;
    for (const [severity, burns, forDur] of [
      ['critical', PAGE, '2m'],
      ['warning', TICKET, '15m'],
    ] as const) {
      const factors = burns.map((b) => burnFactor(b, slo.window));
      const minShare = Math.min(...factors) * budget;
      // Fire: just above the lowest burn of the alert (half way to 100 %, at most twice it).
      const fireShare = Math.min((1 + minShare) / 2, minShare * 2);
      const scenario = (x: RuleContext, share: number, leStyle: 'node' | 'float' = 'node'): Scenario => ({
        series: k.kind === 'Availability' ? httpTraffic(x, 600, share) : latencyTraffic(x, 600, share, k.threshold, leStyle),
        labels: { service: TEST_SERVICE.service, ...keptLabels(x.extra.service) },
        value: share,
        activeFrom: 60,
        steadyAt: 60,
        ...(leStyle === 'float' && { note: 'le="1.0" as Python and Prometheus 3 write it' }),
      });
      specs.push({
        name: `SLO${k.kind}BurnRate${severity === 'critical' ? 'Critical' : 'Warning'}`,
        pack: 'api',
        severity,
        for: forDur,
        format: 'percent',
        summary: `{{ $labels.service }} is burning its ${k.kind.toLowerCase()} error budget ${severity === 'critical' ? 'fast' : 'steadily'}`,
        description: `{{ $value | humanizePercentage }} of {{ $labels.service }}'s ${k.what}; the objective ${humanizePercentage(k.objective)} over ${slo.window} allows ${humanizePercentage(budget)}: burn rate over ${factors.map((f) => `${f}x`).join(' / ')} (windows ${burns.map((b) => `${b.long}&${b.short}`).join(', ')}).`,
        expr: () => burnExpr(k.ratio, burns, budget, slo.window),
        fire: (x) => (k.kind === 'Latency' ? [scenario(x, fireShare), scenario(x, fireShare, 'float')] : [scenario(x, fireShare)]),
        quiet: (x) => scenario(x, minShare / 2),
      });
    }
  }
  return specs;
}
