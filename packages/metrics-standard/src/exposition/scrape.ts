import type { Metric, OpenMetricsContentType } from 'prom-client';
import { Registry } from '../prom.js';
import type { Obs } from '../obs.js';
import { type ExpositionFormat, negotiateFormat, OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE } from './negotiate.js';

/** One rendered scrape. */
export interface ScrapeResult {
  /** The `Content-Type` to send. */
  readonly contentType: string;
  /** The exposition text. */
  readonly body: string;
  /** Which format was rendered. */
  readonly format: ExpositionFormat;
}

interface Mirror {
  /** The source metric objects the mirror was built from, in order. */
  sources: readonly unknown[];
  registry: Registry<OpenMetricsContentType>;
}

const mirrors = new WeakMap<Registry, Mirror>();

interface MetricData {
  name: string;
  type: string;
  [k: string]: unknown;
}

/** The duck type prom-client's Registry renders (its typings export no such interface). */
interface PromMetric {
  name: string;
  help: string;
  type?: string;
  aggregator?: string;
  get(): Promise<MetricData>;
  getForPromString?: () => Promise<MetricData>;
}

/**
 * A stand-in for one metric inside the OpenMetrics registry. prom-client renders OpenMetrics by
 * renaming counters in place (`http_requests_total` → `http_requests`); doing that on the shared
 * metric object would break every later Prometheus-text scrape, so the mirror holds this wrapper,
 * which reads the real metric and reports the OpenMetrics family name.
 */
function openMetricsView(source: PromMetric): Metric {
  const isCounter = source.type === 'counter';
  const familyName = isCounter ? source.name.replace(/_total$/, '') : source.name;
  return {
    name: familyName,
    help: source.help,
    type: source.type,
    aggregator: source.aggregator,
    async get() {
      const data = await (source.getForPromString ? source.getForPromString() : source.get());
      return isCounter ? { ...data, name: familyName } : data;
    },
  } as unknown as Metric;
}

/** The OpenMetrics mirror of a registry, rebuilt only when the set of metrics changed. */
function openMetricsRegistry(source: Registry, defaultLabels: Readonly<Record<string, string>>): Registry<OpenMetricsContentType> {
  const metrics = source.getMetricsAsArray() as unknown as PromMetric[];
  const cached = mirrors.get(source);
  if (cached && cached.sources.length === metrics.length && cached.sources.every((m, i) => m === metrics[i])) {
    return cached.registry;
  }
  const registry = new Registry<OpenMetricsContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  registry.setDefaultLabels({ ...defaultLabels });
  for (const m of metrics) registry.registerMetric(openMetricsView(m));
  mirrors.set(source, { sources: metrics, registry });
  return registry;
}

/**
 * Render the metrics of `obs` in the format the `Accept` header asks for: Prometheus text 0.0.4
 * by default, OpenMetrics 1.0 when `application/openmetrics-text` is preferred. Safe to call
 * concurrently in either format (the shared registry's content type is never toggled). Rejects
 * only when a metric registered directly on the registry fails to collect.
 *
 * @example
 * const { contentType, body } = await scrape(obs, req.headers.accept);
 * res.writeHead(200, { 'content-type': contentType }).end(body);
 */
export async function scrape(obs: Obs, accept?: string | readonly string[]): Promise<ScrapeResult> {
  const format = negotiateFormat(accept);
  if (format === 'openmetrics') {
    const body = await openMetricsRegistry(obs.registry, obs.defaultLabels).metrics();
    return { contentType: OPENMETRICS_CONTENT_TYPE, body, format };
  }
  return { contentType: PROMETHEUS_CONTENT_TYPE, body: await obs.registry.metrics(), format };
}
