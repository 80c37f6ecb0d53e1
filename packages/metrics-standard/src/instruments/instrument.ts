import type { SpanContext } from '@opentelemetry/api';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
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

/** A contract histogram with cached children and a cardinality cap; never throws at record time. */
export class ObsHistogram<D extends MetricDefinition = MetricDefinition> extends Instrument<HistogramChild> {
  readonly metric: Histogram<string>;
  readonly buckets: readonly number[];
  /** True when observations carry trace exemplars. */
  readonly exemplars: boolean;

  constructor(definition: D, ctx: InstrumentContext, options: InstrumentOptions = {}) {
    super(definition, ctx);
    this.buckets = options.buckets ?? definition.buckets ?? [];
    this.exemplars = options.exemplars === true && ctx.exemplars === true;
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
      ...(options.collect ? { collect: safeCollect(definition.name, ctx.warner, options.collect) } : {}),
    });
    if (this.exemplars) ctx.registry.registerMetric(this.metric);
  }

  /** @internal */
  protected makeChild(values: string[]): HistogramChild {
    const inner = this.metric.labels(...values);
    if (this.exemplars) {
      // The label object is built once per child; an observation without a sampled span takes
      // the plain path and allocates nothing.
      const labels: Record<string, string> = {};
      this.labelNames.forEach((n, i) => {
        labels[n] = values[i] as string;
      });
      const metric = this.metric;
      return {
        observe: (value: number, exemplar?: SpanContext | null) => {
          try {
            const sc = exemplar === undefined ? sampledSpanContext() : exemplar;
            if (sc == null) inner.observe(value);
            else metric.observe({ labels, value, exemplarLabels: { trace_id: sc.traceId, span_id: sc.spanId } });
          } catch (err) {
            this.fail(err);
          }
        },
      };
    }
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

  /** Observe `value` for these labels. */
  observe(labels: LabelValues<D>, value: number): void {
    this.with(labels as Record<string, string | number>).observe(value);
  }
}
