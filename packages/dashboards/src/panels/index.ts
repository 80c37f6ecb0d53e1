/**
 * Panel recipes on top of @grafana/grafana-foundation-sdk. Every panel they build has a title, a
 * description, a unit, the `${datasource}` template variable on the panel and on each target, and
 * Prometheus targets with a stable refId — the dashboard-linter rules hold by construction.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { DashboardLinkBuilder, type Panel, ThresholdsConfigBuilder, ThresholdsMode } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as HeatmapPanelBuilder, YAxisConfigBuilder } from '@grafana/grafana-foundation-sdk/heatmap';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanelBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import type { MetricDefinition } from '@obs/metrics-standard';

/** The name of the datasource template variable every dashboard declares. */
export const DATASOURCE_VARIABLE = 'datasource';

/** The datasource reference of every panel, target and query variable: the template variable. */
export const DATASOURCE_REF = { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` } as const;

/** One Prometheus query of a panel. */
export interface Query {
  /** The PromQL expression (built with the `promql` helpers). */
  expr: string;
  /** Legend template, e.g. `{{service}}`. */
  legend?: string;
  /** Evaluate at the end of the range only (stat and table panels). */
  instant?: boolean;
  /** Table or heatmap frames instead of time series. */
  format?: 'time_series' | 'table' | 'heatmap';
  /** Ask for exemplars (trace links on histogram queries). */
  exemplar?: boolean;
}

/** A link shown on the panel (panel link) or on each value (data link). */
export interface Link {
  title: string;
  url: string;
}

/** What every panel recipe needs. */
export interface PanelSpec {
  title: string;
  description: string;
  /** A Grafana unit id (`s`, `bytes`, `percent`, `reqps`, `suffix: tasks/s`, …). */
  unit: string;
  queries: readonly Query[];
  /** Grid width (of 24) and height. */
  w?: number;
  h?: number;
  min?: number;
  max?: number;
  /** Threshold steps after the green base, e.g. `[{ value: 80, color: 'orange' }]`. */
  thresholds?: readonly { value: number; color: string }[];
  /** Data links on every value (e.g. Overview → Service carrying `var-service`). */
  dataLinks?: readonly Link[];
  /** Panel links (top-left menu). */
  links?: readonly Link[];
  /** Stack the series of a time-series panel. */
  stacked?: boolean;
}

/** A heatmap: `unit` is the cells' (bucket rate), `yUnit` the buckets' bounds. */
export interface HeatmapSpec extends PanelSpec {
  yUnit: string;
}

/**
 * The Grafana unit of a metric definition's values (or of their per-second rate).
 *
 * @example
 * grafanaUnit(HTTP_METRICS.requestDuration) // 's'
 * grafanaUnit(HTTP_METRICS.requestsTotal, true) // 'reqps'
 */
export function grafanaUnit(def: Pick<MetricDefinition, 'unit'>, perSecond = false): string {
  const unit = def.unit;
  if (perSecond) {
    if (unit === 'requests') return 'reqps';
    if (unit === 'bytes') return 'Bps';
    if (unit === 'seconds') return 's';
    return unit === '' ? 'ops' : `suffix: ${unit}/s`;
  }
  switch (unit) {
    case 'seconds':
      return 's';
    case 'bytes':
      return 'bytes';
    case 'percent':
      return 'percent';
    case 'ratio':
      return 'percentunit';
    case 'boolean':
      return 'bool';
    case 'celsius':
      return 'celsius';
    case '':
    case 'info':
      return 'short';
    default:
      return `suffix: ${unit}`;
  }
}

function target(q: Query, i: number): DataqueryBuilder {
  const b = new DataqueryBuilder()
    .refId(String.fromCharCode(65 + i))
    .datasource(DATASOURCE_REF)
    .expr(q.expr)
    .legendFormat(q.legend ?? '__auto');
  if (q.exemplar) b.exemplar(true);
  if (q.instant) b.instant();
  else b.range();
  if (q.format === 'table') b.format(PromQueryFormat.Table);
  if (q.format === 'heatmap') b.format(PromQueryFormat.Heatmap);
  return b;
}

function links(list: readonly Link[]): DashboardLinkBuilder[] {
  return list.map((l) => new DashboardLinkBuilder(l.title).url(l.url).targetBlank(false));
}

function thresholds(steps: PanelSpec['thresholds']): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder()
    .mode(ThresholdsMode.Absolute)
    .steps([{ value: null, color: 'green' }, ...(steps ?? []).map((s) => ({ value: s.value, color: s.color }))]);
}

type CommonBuilder = TimeseriesPanelBuilder | StatPanelBuilder | TablePanelBuilder | HeatmapPanelBuilder;

function decorate<B extends CommonBuilder>(b: B, spec: PanelSpec, w: number, h: number): B {
  b.title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE_REF)
    .unit(spec.unit)
    .gridPos({ x: 0, y: 0, w: spec.w ?? w, h: spec.h ?? h })
    .targets(spec.queries.map(target));
  if (spec.min !== undefined) b.min(spec.min);
  if (spec.max !== undefined) b.max(spec.max);
  if (spec.thresholds) b.thresholds(thresholds(spec.thresholds));
  if (spec.dataLinks) b.dataLinks(links(spec.dataLinks));
  if (spec.links) b.links(links(spec.links));
  return b;
}

/**
 * A time-series panel.
 *
 * @example
 * timeseries({ title: 'Requests', description: 'Per second.', unit: 'reqps', queries: [{ expr: 'sum(rate(http_requests_total[$__rate_interval]))' }] })
 */
export function timeseries(spec: PanelSpec): cog.Builder<Panel> {
  const b = decorate(new TimeseriesPanelBuilder(), spec, 12, 8)
    .fillOpacity(10)
    .lineWidth(1)
    .showPoints(common.VisibilityMode.Never)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom),
    )
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
  if (spec.stacked) b.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  return b;
}

/**
 * A stat panel showing the last value of each series.
 *
 * @example
 * stat({ title: 'Services up', description: 'Services reporting service_up = 1.', unit: 'short', queries: [{ expr: 'count(service_up == 1)', instant: true }] })
 */
export function stat(spec: PanelSpec): cog.Builder<Panel> {
  return decorate(new StatPanelBuilder(), spec, 4, 4)
    .colorMode(common.BigValueColorMode.Value)
    .graphMode(common.BigValueGraphMode.None)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
}

/**
 * A table of instant values, one row per series.
 *
 * @example
 * table({ title: 'Firing alerts', description: 'From ALERTS.', unit: 'short', queries: [{ expr: 'ALERTS{alertstate="firing"}', instant: true, format: 'table' }] })
 */
export function table(spec: PanelSpec): cog.Builder<Panel> {
  return decorate(new TablePanelBuilder(), spec, 12, 8);
}

/**
 * A heatmap of a Prometheus histogram (`sum by (le) (rate(…_bucket[$__rate_interval]))`, format heatmap).
 *
 * @example
 * heatmap({ title: 'Latency heatmap', description: 'Request durations.', unit: 'reqps', yUnit: 's', queries: [{ expr, format: 'heatmap', legend: '{{le}}' }] })
 */
export function heatmap(spec: HeatmapSpec): cog.Builder<Panel> {
  return decorate(new HeatmapPanelBuilder(), spec, 12, 8)
    .calculate(false)
    .yAxis(new YAxisConfigBuilder().unit(spec.yUnit))
    .showValue(common.VisibilityMode.Never);
}
