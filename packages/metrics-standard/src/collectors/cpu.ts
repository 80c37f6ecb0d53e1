import { RESOURCE_METRICS } from '../definitions/service.js';
import { ObsGauge } from '../instruments/instrument.js';
import type { Collector, CollectorContext } from './types.js';

/**
 * `service_cpu_usage_percent`: process CPU time (user + system) over wall time since the previous
 * scrape (or since start), in percent of one core, like `top`. Computed at scrape time.
 */
export function cpuCollector(ctx: CollectorContext): Collector {
  let lastCpu = process.cpuUsage();
  let lastWall = process.hrtime.bigint();
  const gauge: ObsGauge = new ObsGauge(RESOURCE_METRICS.cpuUsagePercent, ctx, {
    collect: () => {
      const cpu = process.cpuUsage();
      const wall = process.hrtime.bigint();
      const cpuMicros = cpu.user - lastCpu.user + (cpu.system - lastCpu.system);
      const wallMicros = Number(wall - lastWall) / 1000;
      lastCpu = cpu;
      lastWall = wall;
      if (wallMicros > 0) gauge.labels().set((cpuMicros / wallMicros) * 100);
    },
  });
  return { name: 'cpu' };
}
