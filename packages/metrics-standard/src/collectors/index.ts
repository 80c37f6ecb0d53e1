import { cgroupLimitsCollector } from './cgroup-limits.js';
import { cpuCollector } from './cpu.js';
import { memoryCollector } from './memory.js';
import type { Collector, CollectorContext } from './types.js';

export { readCgroupLimits, type CgroupLimits } from './cgroup-limits.js';
export type { Collector, CollectorContext } from './types.js';

/** The resource collectors every instance runs. Adding one is a new file plus one line here. */
export const RESOURCE_COLLECTORS: ReadonlyArray<(ctx: CollectorContext) => Collector> = [
  cpuCollector,
  memoryCollector,
  cgroupLimitsCollector,
];
