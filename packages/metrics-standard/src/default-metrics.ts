import type { Registry } from 'prom-client';
import { Counter, loadCollectDefaultMetrics, promClientFile } from './prom.js';

// prom-client's default metrics (`collectDefaultMetrics`), registered module by module.
//
// prom-client's `lib/defaultMetrics.js` requires all of its metric modules, and the first of them,
// `processCpuTotal`, requires `@opentelemetry/api` (65 files) for exemplars on the three CPU
// counters: ~0.035–0.045 G instructions of start-up, a third of what @obs cost over bare Fastify,
// for an option (`enableExemplars`) @obs never sets. So the twelve other modules are required from
// prom-client's own files and called exactly as `collectDefaultMetrics` calls them (same order,
// same config), and the three CPU counters are made here the way `processCpuTotal` makes them
// without exemplars (docs/decisions/0092-prom-client-parts.md). Should a file be missing or not a
// function (a prom-client release that moved them), prom-client's `collectDefaultMetrics` is used
// as a whole instead. test/default-metrics.test.ts renders both side by side and compares the
// list with prom-client's own `metricsList`.

/** prom-client's default metric modules after `processCpuTotal`, in `collectDefaultMetrics`'s order. */
export const PROM_CLIENT_DEFAULT_METRIC_MODULES = [
  'processStartTime',
  'osMemoryHeap',
  'processOpenFileDescriptors',
  'processMaxFileDescriptors',
  'eventLoopLag',
  // prom-client includes it only where Node has process.getActiveResourcesInfo (Node >= 17: always here).
  ...(typeof process.getActiveResourcesInfo === 'function' ? ['processResources'] : []),
  'processHandles',
  'processRequests',
  'heapSizeAndUsed',
  'heapSpacesSizeAndUsed',
  'version',
  'gc',
] as const;

type MetricModule = (registry: Registry, config: Record<string, unknown>) => void;

/** `processCpuTotal` without exemplars: the three CPU counters, all set by the first one's collect. */
function processCpuTotal(registry: Registry): void {
  let last = process.cpuUsage();
  const registers = [registry];
  const user = new Counter({
    name: 'process_cpu_user_seconds_total',
    help: 'Total user CPU time spent in seconds.',
    registers,
    labelNames: [],
    collect() {
      const now = process.cpuUsage();
      const userMicros = now.user - last.user;
      const systemMicros = now.system - last.system;
      last = now;
      user.inc(userMicros / 1e6);
      system.inc(systemMicros / 1e6);
      total.inc((userMicros + systemMicros) / 1e6);
    },
  });
  const system = new Counter({ name: 'process_cpu_system_seconds_total', help: 'Total system CPU time spent in seconds.', registers, labelNames: [] });
  const total = new Counter({ name: 'process_cpu_seconds_total', help: 'Total user and system CPU time spent in seconds.', registers, labelNames: [] });
}

/** Registers prom-client's default metrics (process_*, nodejs_*) on `registry`. */
export function registerDefaultMetrics(registry: Registry): void {
  const modules: MetricModule[] = [];
  for (const name of PROM_CLIENT_DEFAULT_METRIC_MODULES) {
    const module = promClientFile(`metrics/${name}`) as MetricModule | undefined;
    if (module === undefined) {
      loadCollectDefaultMetrics()({ register: registry });
      return;
    }
    modules.push(module);
  }
  // collectDefaultMetrics's own defaults for the config it passes every module.
  const config = { eventLoopMonitoringPrecision: 10, register: registry };
  processCpuTotal(registry);
  for (const module of modules) module(registry, config);
}
