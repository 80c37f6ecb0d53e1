import { RESOURCE_METRICS } from '../definitions/service.js';
import { ObsGauge } from '../instruments/instrument.js';
import type { Collector, CollectorContext } from './types.js';

/** `service_memory_usage_bytes`: resident set size, read at scrape time. */
export function memoryCollector(ctx: CollectorContext): Collector {
  const gauge: ObsGauge = new ObsGauge(RESOURCE_METRICS.memoryUsageBytes, ctx, {
    collect: () => gauge.labels().set(process.memoryUsage.rss()),
  });
  return { name: 'memory' };
}
