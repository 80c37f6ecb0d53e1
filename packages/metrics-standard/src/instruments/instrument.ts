import type { SpanContext } from '@opentelemetry/api';
import { Counter, Gauge, Histogram, type Registry } from '../prom.js';
import { OVERFLOW_VALUE } from '../definitions/labels.js';
import type { MetricDefinition } from '../definitions/types.js';
import { SeriesGuard } from '../cardinality.js';
import { sampledSpanContext } from '../tracing/span-context.js';
import type { Warner } from '../warnings.js';

/** The label names of a definition that a caller sets (everything but the constant ones such as `service`). */
export type LabelKeys<D extends MetricDefinition> = Exclude<D['labels'][number], 'service'>;

/** A label object for a definition: every variable label, by name. */
export type LabelValues<D extends MetricDefinition> = { readonly [K in LabelKeys<D>]: string | number };

/** What every instrument needs from its owner. */
export interface InstrumentContext {
  registry: Registry;
  /** Label names filled in by the registry's default labels (service and constant labels). */
  constantLabels: ReadonlySet<string>;
  maxSeriesPerMetric: number;
  warner: Warner;
  /** Whether histograms created with `exemplars: true` attach trace exemplars (the `exemplars` option of createObs). Default: false. */
  exemplars?: boolean;
}

/** Options when creating an instrument from a definition. */
export interface InstrumentOptions {
  /** Histogram buckets overriding the definition's. */
  buckets?: readonly number[];
  /** Called at scrape time before the value is read. */
  collect?: () => void | Promise<void>;
  /**
   * Histograms only: attach the `trace_id` and `span_id` of the sampled span to observations as
   * OpenMetrics exemplars (shown only when a scrape negotiates OpenMetrics), when the owner's
   * `exemplars` option is on too. Default: false.
   */
  exemplars?: boolean;
}

const SEP = '\u0001';

/** Longest label value recorded; longer values are cut to this length, ending in `...`. */
export const MAX_LABEL_VALUE_LENGTH = 128;

/** A label value cut to {@link MAX_LABEL_VALUE_LENGTH} characters (a longer one ends in `...`). */
export function capLabelValue(value: string): string {
  return value.length <= MAX_LABEL_VALUE_LENGTH ? value : `${value.slice(0, MAX_LABEL_VALUE_LENGTH - 3)}...`;
}

/**
 * Wraps a scrape-time `collect` callback so that a throw or a rejection costs only this metric's
 * fresh value: one coded warning, and the rest of the scrape goes on.
 */
function safeCollect(name: string, warner: Warner, collect: NonNullable<InstrumentOptions['collect']>): () => void | Promise<void> {
  const failed = (err: unknown) => {
    warner.once('OBS_WARN_COLLECT_FAILED', name, `the collect callback of ${name} failed: ${err instanceof Error ? err.message : String(err)}.`);
  };
  return function (this: unknown) {
    try {
      const result = collect.call(this);
      if (result !== undefined && typeof (result as Promise<void>).then === 'function') return (result as Promise<void>).then(undefined, failed);
    } catch (err) {
      failed(err);
    }
    return undefined;
  };
}

/**
 * Common base: the label names a caller sets, the cache of labelled children and the cardinality guard.
 */
abstract class Instrument<Child> {
  readonly labelNames: readonly string[];
  /** @internal */
  protected readonly guard: SeriesGuard;
  /** @internal */
  private readonly children = new Map<string, Child>();
  /** @internal */
  private overflowChild: Child | undefined;

  constructor(
    readonly definition: MetricDefinition,
    /** @internal */
    protected readonly ctx: InstrumentContext,
  ) {
    this.labelNames = definition.labels.filter((l) => !ctx.constantLabels.has(l));
    this.guard = new SeriesGuard(definition.name, ctx.maxSeriesPerMetric, ctx.warner);
  }

  /** @internal */
  protected abstract makeChild(values: string[]): Child;

  /** The cached child for these label values, in `labelNames` order; past the cap, the overflow child. */
  labels(...values: Array<string | number>): Child {
    const strings = values.map((v) => capLabelValue(String(v)));
    const key = strings.join(SEP);
    let child = this.children.get(key);
    if (child === undefined) {
      if (this.guard.admit()) {
        child = this.makeChild(strings);
        this.children.set(key, child);
      } else {
        if (this.overflowChild === undefined) {
          this.overflowChild = this.makeChild(this.labelNames.map(() => OVERFLOW_VALUE));
        }
        child = this.overflowChild;
      }
    }
    return child;
  }

  /** True when `child` is the shared overflow child (do not cache it under a real key). */
  isOverflow(child: Child): boolean {
    return child === this.overflowChild;
  }

  /** The child for a label object keyed by name. */
  with(labels: Record<string, string | number>): Child {
    const values = this.labelNames.map((n) => labels[n] ?? '');
    return this.labels(...values);
  }

  /** Distinct label sets created (the overflow set not included). */
  get seriesCount(): number {
    return this.guard.size;
  }

  /** @internal */
  protected fail(err: unknown): void {
    this.ctx.warner.once(
      'OBS_WARN_RECORD_FAILED',
      this.definition.name,
      `recording ${this.definition.name} failed: ${err instanceof Error ? err.message : String(err)}.`,
    );
  }
}

/** A counter child. */
export interface CounterChild {
  inc(value?: number): void;
}

/** A contract counter with cached children and a cardinality cap; never throws at record time. */
export class ObsCounter<D extends MetricDefinition = MetricDefinition> extends Instrument<CounterChild> {
  readonly metric: Counter<string>;

  constructor(definition: D, ctx: InstrumentContext, options: InstrumentOptions = {}) {
    super(definition, ctx);
    this.metric = new Counter({
      name: definition.name,
      help: definition.help,
      labelNames: this.labelNames,
      registers: [ctx.registry],
      ...(options.collect ? { collect: safeCollect(definition.name, ctx.warner, options.collect) } : {}),
    });
  }

  /** @internal */
  protected makeChild(values: string[]): CounterChild {
    const inner = this.metric.labels(...values);
    return {
      inc: (value?: number) => {
        try {
          inner.inc(value);
        } catch (err) {
          this.fail(err);
        }
      },
    };
  }

  /** Add `value` (default 1) for these labels. */
  inc(labels: LabelValues<D>, value = 1): void {
    this.with(labels as Record<string, string | number>).inc(value);
  }
}

/** A gauge child. */
export interface GaugeChild {
  set(value: number): void;
  inc(value?: number): void;
  dec(value?: number): void;
}

/** A contract gauge with cached children and a cardinality cap; never throws at record time. */
export class ObsGauge<D extends MetricDefinition = MetricDefinition> extends Instrument<GaugeChild> {
  readonly metric: Gauge<string>;

  constructor(definition: D, ctx: InstrumentContext, options: InstrumentOptions = {}) {
    super(definition, ctx);
    this.metric = new Gauge({
      name: definition.name,
      help: definition.help,
      labelNames: this.labelNames,
      registers: [ctx.registry],
      aggregator: definition.aggregator ?? 'sum',
      ...(options.collect ? { collect: safeCollect(definition.name, ctx.warner, options.collect) } : {}),
    });
  }

  /** @internal */
  protected makeChild(values: string[]): GaugeChild {
    const inner = this.metric.labels(...values);
    const guarded =
      (fn: (v: number) => void) =>
      (v: number): void => {
        try {
          fn(v);
        } catch (err) {
          this.fail(err);
        }
      };
    return {
      set: guarded((v) => inner.set(v)),
      inc: guarded((v) => inner.inc(v ?? 1)) as (v?: number) => void,
      dec: guarded((v) => inner.dec(v ?? 1)) as (v?: number) => void,
    };
  }

  /** Set the value for these labels. */
  set(labels: LabelValues<D>, value: number): void {
    this.with(labels as Record<string, string | number>).set(value);
  }

  /** Remove every labelled series (e.g. before re-filling a sampled gauge at scrape time). */
  reset(): void {
    this.metric.reset();
  }

  /** Remove one labelled series. */
  remove(labels: LabelValues<D>): void {
    try {
      this.metric.remove(...this.labelNames.map((n) => String((labels as Record<string, string | number>)[n] ?? '')));
    } catch (err) {
      this.fail(err);
    }
  }
}

/** A histogram child. */
export interface HistogramChild {
  /**
   * Observe `value`. On an exemplar-enabled histogram, `exemplar` is the span context to attach:
   * omitted, the active sampled span's (if any) is used; `null`, none.
   */
  observe(value: number, exemplar?: SpanContext | null): void;
}

/**
 * Construction-only settings of {@link ObsHistogram} used by the recorders of this package (not
 * part of {@link InstrumentOptions}, which `obs.histogram()` takes).
 */
export interface HistogramInternalOptions {
  /**
   * Keep exemplar-less observations in plain numbers per series and add them into prom-client
   * when the histogram is collected (ADR 0091). Falls back to prom-client's `observe` per
   * observation when the installed prom-client does not look as expected.
   */
  aggregate?: boolean;
}

/** One label set's value object in prom-client 15's `Histogram#hashMap`. @internal */
interface PromHistogramEntry {
  labels: Record<string, unknown>;
  sum: number;
  count: number;
  bucketValues: Record<string, number>;
}

/** The prom-client 15 `Histogram` internals the aggregating path reads and writes. @internal */
interface PromHistogramInternals {
  hashMap: Record<string, PromHistogramEntry>;
  upperBounds: readonly number[];
  zero(labels: Record<string, string>): void;
  labels(...values: string[]): { observe(value: number): void };
}

/** Observations of one series not yet added to prom-client. @internal */
class PendingSeries {
  /** Observations per bucket (index into the histogram's upper bounds) since the last flush. */
  readonly counts: Float64Array;
  /** Observations since the last flush. */
  n = 0;
  /** `sum` of the prom-client entry when this interval began. */
  base = 0;
  /** `base` plus this interval's values, added one by one in order, as prom-client does. */
  sum = 0;
  /** prom-client's key of this label set in `hashMap`, once learned. */
  key: string | undefined = undefined;
  /** The prom-client entry this interval adds to. */
  entry: PromHistogramEntry | undefined = undefined;
  /** The `hashMap` object `entry` was found in (`reset()` replaces it). */
  map: object | undefined = undefined;

  constructor(
    readonly labels: Record<string, string>,
    bounds: number,
  ) {
    this.counts = new Float64Array(bounds);
  }
}

/** prom-client's `findBound`, as an index: the first upper bound `value` is at or below; `bounds.length` for +Inf only. */
function bucketIndex(bounds: readonly number[], value: number): number {
  const len = bounds.length;
  let i = 0;
  while (i < len && !(value <= (bounds[i] as number))) i++;
  return i;
}

/** The first entry of `map` that `match` accepts; its key is remembered as the series' key. */
function learnKey(series: PendingSeries, map: Record<string, PromHistogramEntry>, match: (entry: PromHistogramEntry) => boolean): PromHistogramEntry | undefined {
  for (const [key, e] of Object.entries(map)) {
    if (match(e)) {
      series.key = key;
      return e;
    }
  }
  return undefined;
}

/** True when `entry` is prom-client's value object for exactly `labels`. */
function sameLabels(entry: PromHistogramEntry, labels: Record<string, string>, names: readonly string[]): boolean {
  if (entry.labels === labels) return true;
  for (const n of names) {
    const v = entry.labels[n];
    if (v === undefined || String(v) !== labels[n]) return false;
  }
  return true;
}

/**
 * Whether `metric` has the prom-client 15 internals the aggregating path writes into, and a
 * scratch histogram with the same buckets puts an observation exactly where the aggregating path
 * would (on a bound: that bucket; above the last: only sum and count). Checked once, at construction.
 */
function supportsAggregation(metric: Histogram<string>, labelNames: readonly string[], buckets: readonly number[]): boolean {
  try {
    const real = metric as unknown as Partial<PromHistogramInternals>;
    if (typeof real.hashMap !== 'object' || real.hashMap === null || typeof real.zero !== 'function') return false;
    if (!Array.isArray(real.upperBounds) || real.upperBounds.length !== buckets.length) return false;
    if (!real.upperBounds.every((b, i) => b === buckets[i])) return false;
    const scratch = new Histogram({ name: 'obs_aggregation_probe', help: 'probe', labelNames: [...labelNames], buckets: [...buckets], registers: [] });
    const probe = scratch as unknown as PromHistogramInternals;
    const labels: Record<string, string> = {};
    for (const n of labelNames) labels[n] = 'probe';
    probe.zero(labels);
    const entry = Object.values(probe.hashMap).find((e) => e.labels === labels);
    if (entry === undefined || entry.sum !== 0 || entry.count !== 0 || typeof entry.bucketValues !== 'object') return false;
    if (Object.keys(entry.bucketValues).length !== new Set(buckets.map(String)).size) return false;
    if (!buckets.every((b) => entry.bucketValues[String(b)] === 0)) return false;
    const child = probe.labels(...labelNames.map(() => 'probe'));
    const last = buckets.length > 0 ? (buckets[buckets.length - 1] as number) : 0;
    const values = [...buckets, last < Number.MAX_VALUE ? Number.MAX_VALUE : -Number.MAX_VALUE];
    const expected = buckets.map(() => 0);
    for (const v of values) {
      child.observe(v);
      const i = bucketIndex(buckets, v);
      if (i < buckets.length) expected[i] = (expected[i] as number) + 1;
    }
    if (!Object.values(probe.hashMap).includes(entry) || entry.count !== values.length) return false;
    return buckets.every((b, i) => buckets.indexOf(b) !== i || entry.bucketValues[String(b)] === expected[i]);
  } catch {
    return false;
  }
}

/** A contract histogram with cached children and a cardinality cap; never throws at record time. */
export class ObsHistogram<D extends MetricDefinition = MetricDefinition> extends Instrument<HistogramChild> {
  readonly metric: Histogram<string>;
  readonly buckets: readonly number[];
  /** True when observations carry trace exemplars. */
  readonly exemplars: boolean;
  /**
   * True when exemplar-less observations are kept per series and added into prom-client when the
   * histogram is collected (asked for, and the installed prom-client has the expected internals).
   */
  readonly aggregating: boolean;
  /** Every aggregating series, in creation order: what `flushPending()` walks. @internal */
  private readonly pending: PendingSeries[] = [];
  /** prom-client's upper bounds, and their `bucketValues` keys. @internal */
  private readonly bounds: readonly number[];
  /** @internal */
  private readonly boundKeys: readonly string[];

  constructor(definition: D, ctx: InstrumentContext, options: InstrumentOptions = {}, internal: HistogramInternalOptions = {}) {
    super(definition, ctx);
    this.buckets = options.buckets ?? definition.buckets ?? [];
    this.exemplars = options.exemplars === true && ctx.exemplars === true;
    const collect = options.collect;
    const onCollect =
      internal.aggregate === true
        ? () => {
            this.flushPending();
            return collect?.();
          }
        : collect;
    this.metric = new Histogram({
      name: definition.name,
      help: definition.help,
      labelNames: this.labelNames,
      buckets: [...this.buckets],
      // prom-client refuses exemplars on a registry whose content type is Prometheus text, though
      // its Prometheus rendering simply leaves them out: register by hand. They show only in the
      // OpenMetrics mirror (exposition/scrape.ts).
      registers: this.exemplars ? [] : [ctx.registry],
      ...(this.exemplars ? { enableExemplars: true } : {}),
      ...(onCollect ? { collect: safeCollect(definition.name, ctx.warner, onCollect) } : {}),
    });
    if (this.exemplars) ctx.registry.registerMetric(this.metric);
    this.aggregating = internal.aggregate === true && supportsAggregation(this.metric, this.labelNames, this.buckets);
    this.bounds = this.aggregating ? [...(this.metric as unknown as PromHistogramInternals).upperBounds] : [];
    this.boundKeys = this.bounds.map(String);
  }

  /** @internal */
  protected makeChild(values: string[]): HistogramChild {
    const inner = this.metric.labels(...values);
    if (!this.exemplars && !this.aggregating) {
      return {
        observe: (value: number) => {
          try {
            inner.observe(value);
          } catch (err) {
            this.fail(err);
          }
        },
      };
    }
    // The label object is built once per child; an observation without a sampled span takes
    // the plain (or aggregating) path and allocates nothing.
    const labels: Record<string, string> = {};
    this.labelNames.forEach((n, i) => {
      labels[n] = values[i] as string;
    });
    const metric = this.metric;
    const exemplars = this.exemplars;
    const series = this.aggregating ? new PendingSeries(labels, this.bounds.length) : undefined;
    if (series !== undefined) this.pending.push(series);
    return {
      observe: (value: number, exemplar?: SpanContext | null) => {
        try {
          const sc = !exemplars ? null : exemplar === undefined ? sampledSpanContext() : exemplar;
          if (sc != null) {
            // The exemplar is stored by prom-client: what came before goes in first, so the
            // sum is added in the order of the observations.
            if (series !== undefined) this.flushSeries(series);
            metric.observe({ labels, value, exemplarLabels: { trace_id: sc.traceId, span_id: sc.spanId } });
          } else if (series === undefined || !Number.isFinite(value)) {
            // prom-client throws a TypeError for a value that is not finite: the fail path below.
            inner.observe(value);
          } else {
            this.add(series, value);
          }
        } catch (err) {
          this.fail(err);
        }
      },
    };
  }

  /** One exemplar-less finite observation: a bucket search and a few adds. @internal */
  private add(series: PendingSeries, value: number): void {
    if (series.n === 0 || series.map !== (this.metric as unknown as PromHistogramInternals).hashMap) this.begin(series);
    const i = bucketIndex(this.bounds, value);
    const counts = series.counts;
    if (i < counts.length) counts[i] = (counts[i] as number) + 1;
    series.sum += value;
    series.n++;
  }

  /**
   * Start an interval: find (or create, as prom-client's observe would) the series' entry, and
   * take its sum as the base. Pending observations made before a `reset()` are dropped, as the
   * reset erased them in prom-client. @internal
   */
  private begin(series: PendingSeries): void {
    series.counts.fill(0);
    series.n = 0;
    const entry = this.resolve(series);
    series.base = entry.sum;
    series.sum = entry.sum;
  }

  /** prom-client's entry for the series' labels, created with `zero()` only when absent. @internal */
  private resolve(series: PendingSeries): PromHistogramEntry {
    const internals = this.metric as unknown as PromHistogramInternals;
    const map = internals.hashMap;
    let entry: PromHistogramEntry | undefined;
    if (series.key !== undefined) {
      // prom-client's key is a function of the label values: learned once, valid after a reset.
      entry = map[series.key];
      if (entry !== undefined && !sameLabels(entry, series.labels, this.labelNames)) entry = undefined;
    } else {
      entry = learnKey(series, map, (e) => sameLabels(e, series.labels, this.labelNames));
    }
    if (entry === undefined) {
      internals.zero(series.labels);
      const known = series.key === undefined ? undefined : map[series.key];
      entry = known !== undefined && known.labels === series.labels ? known : learnKey(series, map, (e) => e.labels === series.labels);
      if (entry === undefined) throw new Error(`prom-client did not create the series of ${this.definition.name}`);
    }
    series.entry = entry;
    series.map = map;
    return entry;
  }

  /** Add one series' pending observations into its prom-client entry. @internal */
  private flushSeries(series: PendingSeries): void {
    if (series.n === 0) return;
    const n = series.n;
    series.n = 0;
    if (series.map !== (this.metric as unknown as PromHistogramInternals).hashMap) {
      // The histogram was reset after these observations: prom-client erased them.
      series.counts.fill(0);
      return;
    }
    let entry = series.entry as PromHistogramEntry;
    const current = series.key === undefined ? undefined : (this.metric as unknown as PromHistogramInternals).hashMap[series.key];
    if (current === entry && entry.sum === series.base) {
      entry.sum = series.sum;
    } else {
      // The entry was removed or written to by someone else since the interval began.
      if (current !== entry) entry = this.resolve(series);
      entry.sum += series.sum - series.base;
    }
    entry.count += n;
    const counts = series.counts;
    const keys = this.boundKeys;
    const buckets = entry.bucketValues;
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i] as number;
      if (c !== 0) {
        const key = keys[i] as string;
        buckets[key] = (buckets[key] as number) + c;
        counts[i] = 0;
      }
    }
  }

  /** Adds every series' pending observations into prom-client (the histogram's collect callback). @internal */
  private flushPending(): void {
    const pending = this.pending;
    for (let i = 0; i < pending.length; i++) this.flushSeries(pending[i] as PendingSeries);
  }

  /** Observe `value` for these labels. */
  observe(labels: LabelValues<D>, value: number): void {
    this.with(labels as Record<string, string | number>).observe(value);
  }
}
