import type * as PromClient from 'prom-client';
import { requireHere } from './lazy.js';

// The parts of prom-client the core uses, each required from its own file of prom-client's `lib/`
// rather than through `require('prom-client')`, whose index also loads the Pushgateway (with
// node:http, https, url and zlib), the Summary (with tdigest and bintrees), the cluster aggregator
// and every default metric (with @opentelemetry/api, see default-metrics.ts), none of which a
// service that only uses @obs needs at start-up (docs/decisions/0092-prom-client-parts.md). They
// are the very objects the package exports (its index requires these files), so a registry or
// metric the application makes with `import … from 'prom-client'` is interchangeable with ours.
// prom-client 15 has no `exports` map, so its files resolve; should a later prom-client move a
// file or add such a map, each part falls back to the package's main entry (both ways tested in
// test/default-metrics.test.ts).

/** The module.exports of `prom-client/lib/<file>` when it is a function, else undefined. */
export function promClientFile(file: string): ((...args: never[]) => unknown) | undefined {
  try {
    const exported = requireHere(`prom-client/lib/${file}`);
    return typeof exported === 'function' ? (exported as (...args: never[]) => unknown) : undefined;
  } catch {
    return undefined;
  }
}

/** One export of prom-client: from its own file when that file is the export, else from the package. */
function part<K extends keyof typeof PromClient>(file: string, name: K): (typeof PromClient)[K] {
  return (promClientFile(file) as (typeof PromClient)[K] | undefined) ?? (requireHere('prom-client') as typeof PromClient)[name];
}

export const Registry = part('registry', 'Registry');
export type Registry<T extends PromClient.RegistryContentType = PromClient.PrometheusContentType> = PromClient.Registry<T>;
export const Counter = part('counter', 'Counter');
export type Counter<T extends string = string> = PromClient.Counter<T>;
export const Gauge = part('gauge', 'Gauge');
export type Gauge<T extends string = string> = PromClient.Gauge<T>;
export const Histogram = part('histogram', 'Histogram');
export type Histogram<T extends string = string> = PromClient.Histogram<T>;

let aggregatorRegistry: typeof PromClient.AggregatorRegistry | undefined;

/** prom-client's AggregatorRegistry (cluster mode only), loaded on first call. */
export function loadAggregatorRegistry(): typeof PromClient.AggregatorRegistry {
  aggregatorRegistry ??= part('cluster', 'AggregatorRegistry');
  return aggregatorRegistry;
}

/** prom-client's collectDefaultMetrics from its main entry (the fallback of default-metrics.ts). */
export function loadCollectDefaultMetrics(): typeof PromClient.collectDefaultMetrics {
  return part('defaultMetrics', 'collectDefaultMetrics');
}
