import type { SpanContext } from '@opentelemetry/api';
import { HTTP_METRICS } from '../definitions/http.js';
import { ABORTED_STATUS, HTTP_METHODS, OTHER_METHOD } from '../definitions/labels.js';
import { type CounterChild, capLabelValue, type HistogramChild, type InstrumentContext, ObsCounter, ObsGauge, ObsHistogram } from './instrument.js';
import type { WorkTracker } from './work-tracker.js';

const METHODS: ReadonlySet<string> = new Set(HTTP_METHODS);

/** `method` label value: a standard method upper-cased, else `OTHER`. */
export function normalizeMethod(method: string | undefined): string {
  if (method === undefined) return OTHER_METHOD;
  if (METHODS.has(method)) return method;
  const upper = method.toUpperCase();
  return METHODS.has(upper) ? upper : OTHER_METHOD;
}

const STATUS_STRINGS: string[] = [];
for (let s = 100; s < 600; s++) STATUS_STRINGS[s] = String(s);

/** `status` label value: the numeric code as a string. */
export function statusLabel(status: number | string): string {
  if (typeof status === 'string') return status;
  return STATUS_STRINGS[status] ?? String(status);
}

/** One `http_requests_total` series: its counter child and the requests not yet added to it. */
interface StatusCount {
  child: CounterChild;
  pending: number;
}

interface RouteEntry {
  duration: HistogramChild;
  byStatus: Map<string, StatusCount>;
}

/**
 * Records the HTTP metrics of the contract. Framework integrations call `start()` when a request
 * arrives and `finish()` exactly once when it ends (or `abort()` when the client went away).
 * Labelled children are cached per method, path and status: no label object is built per request.
 * Request counts are kept in plain numbers and added to `http_requests_total` when it is collected
 * (every scrape, `registry.metrics()`, `metric.get()`); durations without an exemplar likewise
 * (per-bucket counts and the sum, added into `http_request_duration_seconds` when it is collected,
 * ADR 0091). A request without a sampled span makes no prom-client call; what a scrape shows is
 * the same.
 *
 * @example
 * obs.http.start();
 * res.on('finish', () => obs.http.finish(req.method, '/users/:id', res.statusCode, seconds));
 */
export class HttpRecorder {
  readonly requests: ObsCounter<typeof HTTP_METRICS.requestsTotal>;
  readonly duration: ObsHistogram<typeof HTTP_METRICS.requestDuration>;
  readonly inFlightGauge: ObsGauge<typeof HTTP_METRICS.requestsInFlight>;
  /** @internal */
  private readonly routes = new Map<string, Map<string, RouteEntry>>();
  /** Every cached series of `requests`, in creation order: what `flush()` walks. @internal */
  private readonly counts: StatusCount[] = [];
  /** @internal */
  private inFlight = 0;

  constructor(
    ctx: InstrumentContext,
    /** @internal */
    private readonly work: WorkTracker,
    buckets?: readonly number[],
  ) {
    this.requests = new ObsCounter(HTTP_METRICS.requestsTotal, ctx, { collect: () => this.flush() });
    this.duration = new ObsHistogram(HTTP_METRICS.requestDuration, ctx, buckets ? { buckets, exemplars: true } : { exemplars: true }, { aggregate: true });
    this.inFlightGauge = new ObsGauge(HTTP_METRICS.requestsInFlight, ctx, {
      collect: () => this.inFlightGauge.labels().set(this.inFlight),
    });
  }

  /** Requests currently in flight. */
  get inFlightCount(): number {
    return this.inFlight;
  }

  /** A request arrived. */
  start(): void {
    this.inFlight++;
    this.work.begin();
  }

  /**
   * A request finished: decrements in-flight and records its count and duration.
   * `path` is the route template, or `UNMATCHED_PATH`. `exemplar`: the request's sampled span
   * context, captured where its span was active (see `sampledSpanContext()`); omitted, the span
   * active now is used; `null`, no exemplar.
   */
  finish(method: string | undefined, path: string, status: number | string, seconds: number, exemplar?: SpanContext | null): void {
    if (this.inFlight > 0) this.inFlight--;
    this.work.end();
    this.record(method, path, status, seconds, exemplar);
  }

  /**
   * A request that `start()` counted turned out not to be measured (a route opted out once it was
   * matched): leaves the in-flight count and the drain, records nothing.
   */
  cancel(): void {
    if (this.inFlight > 0) this.inFlight--;
    this.work.end();
  }

  /** The client aborted before the response finished: counted once, with status 499. */
  abort(method: string | undefined, path: string, seconds: number, exemplar?: SpanContext | null): void {
    this.finish(method, path, ABORTED_STATUS, seconds, exemplar);
  }

  /** Record one finished request without touching the in-flight count. */
  record(method: string | undefined, rawPath: string, status: number | string, seconds: number, exemplar?: SpanContext | null): void {
    const m = normalizeMethod(method);
    // Capped before the cache lookup, so that long paths sharing a prefix share one cache entry.
    const path = capLabelValue(rawPath);
    let byPath = this.routes.get(m);
    if (byPath === undefined) {
      byPath = new Map();
      this.routes.set(m, byPath);
    }
    let route = byPath.get(path);
    let cached = true;
    if (route === undefined) {
      const duration = this.duration.labels(m, path);
      route = { duration, byStatus: new Map() };
      cached = !this.duration.isOverflow(duration);
      if (cached) byPath.set(path, route);
    }
    const s = statusLabel(status);
    let count = route.byStatus.get(s);
    if (count === undefined) {
      const child = this.requests.labels(m, path, s);
      if (!cached || this.requests.isOverflow(child)) {
        // Past a series cap: nothing is cached for this key, so the request is counted at once.
        child.inc();
        route.duration.observe(seconds, exemplar);
        return;
      }
      count = { child, pending: 0 };
      route.byStatus.set(s, count);
      this.counts.push(count);
    }
    count.pending++;
    route.duration.observe(seconds, exemplar);
  }

  /** Adds the requests counted since the last collection to `http_requests_total` (its collect callback). */
  flush(): void {
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) {
      const count = counts[i] as StatusCount;
      if (count.pending > 0) {
        const n = count.pending;
        count.pending = 0;
        count.child.inc(n);
      }
    }
  }
}
