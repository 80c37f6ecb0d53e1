/**
 * Typed PromQL builders shared by the dashboards and the rules. Every expression starts from a
 * {@link MetricDefinition}, so no generated query spells a metric name by hand, and the rules of
 * good PromQL are enforced where the query is written:
 * - counters (and the `_bucket`/`_count`/`_sum` series of histograms) only appear inside
 *   `rate()`/`increase()`;
 * - dashboards use Grafana's `$__rate_interval`, rules a fixed window;
 * - quantiles are `histogram_quantile(q, sum by (le, …) (rate(…_bucket[w])))`.
 */
import type { MetricDefinition, MetricType } from '@obs/metrics-standard';

/** Grafana's rate window: at least four scrape intervals, whatever the zoom level. */
export const RATE_INTERVAL = '$__rate_interval';

/**
 * One selectable series name: a metric definition, or a series derived from one (a histogram's
 * `_bucket`, `_count`, `_sum`, which behave as counters).
 */
export interface Series {
  readonly name: string;
  readonly type: MetricType;
}

/** A rendered label matcher, e.g. `service=~"$service"`. Build them with {@link eq}, {@link re}, … */
export type Matcher = string;

/** The matchers of a selector: rendered matchers, empty strings and undefined are skipped. */
export type Matchers = readonly (Matcher | undefined | '')[];

/** Aggregation operators the builders accept. */
export type AggregationOp = 'sum' | 'avg' | 'max' | 'min' | 'count';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function quote(value: string): string {
  return JSON.stringify(value);
}

function checkLabel(label: string): string {
  if (!LABEL_NAME.test(label)) throw new TypeError(`not a Prometheus label name: ${quote(label)}`);
  return label;
}

/**
 * A label matcher with the value quoted and escaped.
 *
 * @example
 * matcher('status', '=~', '5..') // 'status=~"5.."'
 */
export function matcher(label: string, op: '=' | '!=' | '=~' | '!~', value: string): Matcher {
  return `${checkLabel(label)}${op}${quote(value)}`;
}

/** `label="value"`. @example eq('mode', 'idle') // 'mode="idle"' */
export const eq = (label: string, value: string): Matcher => matcher(label, '=', value);
/** `label!="value"`. @example ne('device', 'lo') // 'device!="lo"' */
export const ne = (label: string, value: string): Matcher => matcher(label, '!=', value);
/** `label=~"regex"`. @example re('service', '$service') // 'service=~"$service"' */
export const re = (label: string, value: string): Matcher => matcher(label, '=~', value);
/** `label!~"regex"`. @example nre('fstype', 'tmpfs|overlay') // 'fstype!~"tmpfs|overlay"' */
export const nre = (label: string, value: string): Matcher => matcher(label, '!~', value);

function histogramPart(def: MetricDefinition, suffix: '_bucket' | '_count' | '_sum'): Series {
  if (def.type !== 'histogram') throw new TypeError(`${def.name} is a ${def.type}, not a histogram`);
  return { name: `${def.name}${suffix}`, type: 'counter' };
}

/** The `_bucket` series of a histogram (a counter). @example bucket(HTTP_METRICS.requestDuration).name // 'http_request_duration_seconds_bucket' */
export const bucket = (def: MetricDefinition): Series => histogramPart(def, '_bucket');
/** The `_count` series of a histogram (a counter). @example count(HTTP_METRICS.requestDuration).name // 'http_request_duration_seconds_count' */
export const countSeries = (def: MetricDefinition): Series => histogramPart(def, '_count');
/** The `_sum` series of a histogram (a counter). @example sumSeries(HTTP_METRICS.requestDuration).name // 'http_request_duration_seconds_sum' */
export const sumSeries = (def: MetricDefinition): Series => histogramPart(def, '_sum');

/** True for series that only make sense inside `rate()`/`increase()`. */
export function isCounterLike(series: Series): boolean {
  return series.type === 'counter';
}

function render(series: Series, matchers: Matchers): string {
  const list = matchers.filter((m): m is Matcher => typeof m === 'string' && m.trim() !== '');
  return list.length === 0 ? series.name : `${series.name}{${list.join(', ')}}`;
}

/**
 * An instant-vector selector of a gauge (counters must go through {@link rate} or {@link increase}).
 *
 * @example
 * select(SERVICE_METRICS.up, [re('service', '$service')]) // 'service_up{service=~"$service"}'
 */
export function select(series: Series, matchers: Matchers = []): string {
  if (isCounterLike(series)) {
    throw new TypeError(`${series.name} is a counter: select it inside rate() or increase()`);
  }
  if (series.type === 'histogram') {
    throw new TypeError(`${series.name} is a histogram: use histogramQuantile() or bucket()/countSeries()`);
  }
  return render(series, matchers);
}

/**
 * A selector with no type check, for the few places that need a series by name (a `label_values`
 * query, `absent()`); the metric still comes from a definition.
 *
 * @example
 * selector(HTTP_METRICS.requestsTotal, [eq('service', 'api')]) // 'http_requests_total{service="api"}'
 */
export function selector(series: Series, matchers: Matchers = []): string {
  return render(series, matchers);
}

function windowed(fn: 'rate' | 'increase', series: Series, matchers: Matchers, window: string): string {
  if (!isCounterLike(series)) throw new TypeError(`${fn}() of ${series.name}, a ${series.type}: only counters`);
  return `${fn}(${render(series, matchers)}[${window}])`;
}

/**
 * `rate(counter{…}[window])`; the window defaults to `$__rate_interval`.
 *
 * @example
 * rate(HTTP_METRICS.requestsTotal, [re('service', '$service')]) // 'rate(http_requests_total{service=~"$service"}[$__rate_interval])'
 */
export function rate(series: Series, matchers: Matchers = [], window: string = RATE_INTERVAL): string {
  return windowed('rate', series, matchers, window);
}

/**
 * `increase(counter{…}[window])`; the window defaults to `$__rate_interval`.
 *
 * @example
 * increase(KSM.containerRestarts, [], '1h')
 */
export function increase(series: Series, matchers: Matchers = [], window: string = RATE_INTERVAL): string {
  return windowed('increase', series, matchers, window);
}

/**
 * `op by (labels) (expr)`, or `op(expr)` without labels.
 *
 * @example
 * aggregate('sum', ['service'], rate(HTTP_METRICS.requestsTotal)) // 'sum by (service) (rate(http_requests_total[$__rate_interval]))'
 */
export function aggregate(op: AggregationOp, by: readonly string[], expr: string): string {
  return by.length === 0 ? `${op}(${expr})` : `${op} by (${by.map(checkLabel).join(', ')}) (${expr})`;
}

/** `sum by (labels) (expr)`. @example sumBy(['service'], rate(HTTP_METRICS.requestsTotal)) */
export function sumBy(by: readonly string[], expr: string): string {
  return aggregate('sum', by, expr);
}

/**
 * `histogram_quantile(q, sum by (le, …) (rate(metric_bucket{…}[window])))`.
 *
 * @example
 * histogramQuantile(0.95, HTTP_METRICS.requestDuration, [re('service', '$service')], ['service'])
 */
export function histogramQuantile(
  q: number,
  def: MetricDefinition,
  matchers: Matchers = [],
  by: readonly string[] = [],
  window: string = RATE_INTERVAL,
): string {
  if (!(q > 0 && q < 1)) throw new RangeError(`quantile must be in (0, 1), received ${q}`);
  const labels = ['le', ...by.filter((l) => l !== 'le')];
  return `histogram_quantile(${q}, ${sumBy(labels, rate(bucket(def), matchers, window))})`;
}

/**
 * `(numerator) / (denominator)`, both sides parenthesised.
 *
 * @example
 * ratio(sumBy(['service'], rate(HTTP_METRICS.requestsTotal, [re('status', '5..')])), sumBy(['service'], rate(HTTP_METRICS.requestsTotal)))
 */
export function ratio(numerator: string, denominator: string): string {
  return `(${numerator}) / (${denominator})`;
}

/**
 * The share of `bad` in `all`, 0 (not "No data") when nothing is bad: a healthy service has no 5xx
 * series to divide, so the missing numerator is read as `all * 0`. Both sides aggregate by the
 * same labels. NaN (0/0) only when there is no traffic at all.
 *
 * @example
 * shareOf(sumBy(['service'], rate(HTTP_METRICS.requestsTotal, [re('status', '5..')])), sumBy(['service'], rate(HTTP_METRICS.requestsTotal)))
 */
export function shareOf(bad: string, all: string): string {
  return `(${bad} or ${all} * 0) / ${all}`;
}

/**
 * Appends extra matchers written by the user (e.g. `env="prod", cluster="eu"`) to a matcher list.
 *
 * @example
 * withExtra([re('service', '$service')], 'env="prod"') // ['service=~"$service"', 'env="prod"']
 */
export function withExtra(matchers: Matchers, extra: string): Matchers {
  return extra.trim() === '' ? matchers : [...matchers, extra.trim()];
}

/**
 * A histogram bucket bound matched in both spellings: Node's client writes `le="1"`, the Python
 * client and Prometheus 3 (which normalises `le` at ingestion) write `le="1.0"`.
 *
 * @example
 * leMatcher('le', 1) // 'le=~"1|1\\.0"'
 * leMatcher('le', 0.25) // 'le=~"0\\.25"'
 */
export function leMatcher(label: string, bound: number): Matcher {
  const esc = (v: string) => v.replaceAll('.', '\\.');
  const forms = Number.isInteger(bound) ? [String(bound), bound.toFixed(1)] : [String(bound)];
  return re(label, forms.map(esc).join('|'));
}

/** Matches a comma-separated list of label matchers, e.g. `env="prod", cluster=~"eu-.*"`. */
export const MATCHER_LIST = /^\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*"\s*(,\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*"\s*)*$/;
