import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESOURCE_METRICS } from '../definitions/service.js';
import { ObsGauge } from '../instruments/instrument.js';
import type { Collector, CollectorContext } from './types.js';

/** The container limits of this process, as far as cgroup files tell. */
export interface CgroupLimits {
  /** Memory limit in bytes, when one is set. */
  memoryBytes?: number;
  /** CPU quota in cores (quota / period), when one is set. */
  cpuCores?: number;
  /** Which cgroup version the limits came from, when a cgroup filesystem was found. */
  version?: 1 | 2;
}

// cgroup v1 reports "no limit" as a huge page-aligned number (PAGE_COUNTER_MAX * page size).
const V1_UNLIMITED_THRESHOLD = 2 ** 60;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** The cgroup path of this process per controller, from /proc/self/cgroup ("0::/path" for v2). */
function cgroupPaths(procSelfCgroup: string): { v2?: string; v1: Map<string, string> } {
  const v1 = new Map<string, string>();
  let v2: string | undefined;
  for (const line of (read(procSelfCgroup) ?? '').split('\n')) {
    const [id, controllers, path] = line.split(':');
    if (path === undefined) continue;
    if (id === '0' && controllers === '') v2 = path;
    else for (const c of (controllers ?? '').split(',')) v1.set(c, path);
  }
  return { v2, v1 };
}

/** First candidate file that exists: the process's own cgroup dir, then the root (inside a container's namespace). */
function firstExisting(candidates: string[]): string | undefined {
  for (const c of candidates) {
    const v = read(c);
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * Reads the memory limit and CPU quota from cgroup v2 (`memory.max`, `cpu.max`) or v1
 * (`memory/memory.limit_in_bytes`, `cpu/cpu.cfs_quota_us` + `cpu.cfs_period_us`) files.
 * "max", -1 or v1's huge sentinel mean "no limit" and leave the field undefined.
 */
export function readCgroupLimits(root = '/sys/fs/cgroup', procSelfCgroup = '/proc/self/cgroup'): CgroupLimits {
  const { v2, v1 } = cgroupPaths(procSelfCgroup);
  const limits: CgroupLimits = {};
  const v2Dirs = [...(v2 && v2 !== '/' ? [join(root, v2)] : []), root];
  const memMax = firstExisting(v2Dirs.map((d) => join(d, 'memory.max')));
  const cpuMax = firstExisting(v2Dirs.map((d) => join(d, 'cpu.max')));
  if (memMax !== undefined || cpuMax !== undefined) {
    limits.version = 2;
    if (memMax !== undefined && memMax !== 'max') {
      const n = Number(memMax);
      if (Number.isFinite(n) && n > 0) limits.memoryBytes = n;
    }
    if (cpuMax !== undefined) {
      const [quota, period] = cpuMax.split(/\s+/);
      const q = Number(quota);
      const p = Number(period ?? 100000);
      if (quota !== 'max' && q > 0 && p > 0) limits.cpuCores = q / p;
    }
    return limits;
  }
  // The controller's mount directory (`cpu` is often only mounted as `cpu,cpuacct`), then the
  // process's own cgroup below it, then the mount root (what a container sees of its own cgroup).
  const v1Dir = (controller: string, mount: string, file: string) => {
    const own = v1.get(controller);
    return [...(own && own !== '/' ? [join(root, mount, own, file)] : []), join(root, mount, file)];
  };
  const v1Cpu = (file: string) => firstExisting(v1Dir('cpu', 'cpu', file)) ?? firstExisting(v1Dir('cpu', 'cpu,cpuacct', file));
  const memLimit = firstExisting(v1Dir('memory', 'memory', 'memory.limit_in_bytes'));
  const quota = v1Cpu('cpu.cfs_quota_us');
  const period = v1Cpu('cpu.cfs_period_us');
  if (memLimit !== undefined || quota !== undefined) {
    limits.version = 1;
    const m = Number(memLimit);
    if (memLimit !== undefined && Number.isFinite(m) && m > 0 && m < V1_UNLIMITED_THRESHOLD) limits.memoryBytes = m;
    const q = Number(quota);
    const p = Number(period ?? 100000);
    if (quota !== undefined && q > 0 && p > 0) limits.cpuCores = q / p;
  }
  return limits;
}

/**
 * `service_memory_limit_bytes` and `service_cpu_limit_cores`: registered only when the cgroup sets
 * the limit (absent otherwise, so alerts fall back to host figures); re-read at scrape time.
 */
export function cgroupLimitsCollector(ctx: CollectorContext): Collector {
  const initial = readCgroupLimits(ctx.cgroupRoot, ctx.procSelfCgroup);
  if (initial.memoryBytes !== undefined) {
    const memory: ObsGauge = new ObsGauge(RESOURCE_METRICS.memoryLimitBytes, ctx, {
      collect: () => {
        const v = readCgroupLimits(ctx.cgroupRoot, ctx.procSelfCgroup).memoryBytes;
        if (v !== undefined) memory.labels().set(v);
      },
    });
  }
  if (initial.cpuCores !== undefined) {
    const cpu: ObsGauge = new ObsGauge(RESOURCE_METRICS.cpuLimitCores, ctx, {
      collect: () => {
        const v = readCgroupLimits(ctx.cgroupRoot, ctx.procSelfCgroup).cpuCores;
        if (v !== undefined) cpu.labels().set(v);
      },
    });
  }
  return { name: 'cgroup-limits' };
}
