import { RESOURCE_METRICS } from '../definitions/service.js';
import { ObsGauge } from '../instruments/instrument.js';
import type { Collector, CollectorContext } from './types.js';

// Built-ins through process.getBuiltinModule, not `import`: see src/lazy.ts.
const { readFileSync } = process.getBuiltinModule('node:fs');
const { readFile } = process.getBuiltinModule('node:fs/promises');
const { join } = process.getBuiltinModule('node:path');

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

/** The scrape-time read: asynchronous, so a slow cgroup filesystem never blocks the event loop. */
async function readAsync(path: string | undefined): Promise<string | undefined> {
  if (path === undefined) return undefined;
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

type Reader = (path: string | undefined) => string | undefined;
const readSync: Reader = (path) => (path === undefined ? undefined : read(path));

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
    if (read(c) !== undefined) return c;
  }
  return undefined;
}

/**
 * Where this process's limits are written. The cgroup of a process does not move, so this is
 * resolved once; only the values are read again at each scrape.
 */
interface CgroupFiles {
  version?: 1 | 2;
  /** v2 `memory.max` or v1 `memory.limit_in_bytes`. */
  memory?: string;
  /** v2 `cpu.max` ("quota period") or v1 `cpu.cfs_quota_us`. */
  cpuQuota?: string;
  /** v1 `cpu.cfs_period_us` (v2 keeps the period in `cpu.max`). */
  cpuPeriod?: string;
}

function locateCgroupFiles(root: string, procSelfCgroup: string): CgroupFiles {
  const { v2, v1 } = cgroupPaths(procSelfCgroup);
  const v2Dirs = [...(v2 && v2 !== '/' ? [join(root, v2)] : []), root];
  const memMax = firstExisting(v2Dirs.map((d) => join(d, 'memory.max')));
  const cpuMax = firstExisting(v2Dirs.map((d) => join(d, 'cpu.max')));
  if (memMax !== undefined || cpuMax !== undefined) return { version: 2, memory: memMax, cpuQuota: cpuMax };
  // The controller's mount directory (`cpu` is often only mounted as `cpu,cpuacct`), then the
  // process's own cgroup below it, then the mount root (what a container sees of its own cgroup).
  const v1Dir = (controller: string, mount: string, file: string) => {
    const own = v1.get(controller);
    return [...(own && own !== '/' ? [join(root, mount, own, file)] : []), join(root, mount, file)];
  };
  const v1Cpu = (file: string) => firstExisting(v1Dir('cpu', 'cpu', file)) ?? firstExisting(v1Dir('cpu', 'cpu,cpuacct', file));
  const memory = firstExisting(v1Dir('memory', 'memory', 'memory.limit_in_bytes'));
  const cpuQuota = v1Cpu('cpu.cfs_quota_us');
  if (memory === undefined && cpuQuota === undefined) return {};
  return { version: 1, memory, cpuQuota, cpuPeriod: v1Cpu('cpu.cfs_period_us') };
}

/** The memory limit in bytes; "max" (v2) or v1's huge sentinel mean no limit. */
function readMemoryLimit(files: CgroupFiles): number | undefined {
  return parseMemoryLimit(files, readSync(files.memory));
}

function parseMemoryLimit(files: CgroupFiles, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === 'max') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) return undefined;
  return files.version === 1 && n >= V1_UNLIMITED_THRESHOLD ? undefined : n;
}

/** The CPU quota in cores (quota / period); "max" (v2) or -1 (v1) mean no quota. */
function readCpuLimit(files: CgroupFiles): number | undefined {
  return parseCpuLimit(files, readSync(files.cpuQuota), files.version === 1 ? readSync(files.cpuPeriod) : undefined);
}

function parseCpuLimit(files: CgroupFiles, raw: string | undefined, period: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const [quota, inlinePeriod] = files.version === 2 ? raw.split(/\s+/) : [raw, period];
  const q = Number(quota);
  const p = Number(inlinePeriod ?? 100000);
  return quota !== 'max' && q > 0 && p > 0 ? q / p : undefined;
}

/**
 * Reads the memory limit and CPU quota from cgroup v2 (`memory.max`, `cpu.max`) or v1
 * (`memory/memory.limit_in_bytes`, `cpu/cpu.cfs_quota_us` + `cpu.cfs_period_us`) files.
 * "max", -1 or v1's huge sentinel mean "no limit" and leave the field undefined.
 */
export function readCgroupLimits(root = '/sys/fs/cgroup', procSelfCgroup = '/proc/self/cgroup'): CgroupLimits {
  const files = locateCgroupFiles(root, procSelfCgroup);
  const limits: CgroupLimits = {};
  if (files.version === undefined) return limits;
  limits.version = files.version;
  const memoryBytes = readMemoryLimit(files);
  if (memoryBytes !== undefined) limits.memoryBytes = memoryBytes;
  const cpuCores = readCpuLimit(files);
  if (cpuCores !== undefined) limits.cpuCores = cpuCores;
  return limits;
}

/**
 * `service_memory_limit_bytes` and `service_cpu_limit_cores`: registered only when the cgroup sets
 * the limit (absent otherwise, so alerts fall back to host figures). The files are located once, at
 * start-up; at scrape time each gauge re-reads only its own file(s), asynchronously (no synchronous
 * file I/O per scrape).
 */
export function cgroupLimitsCollector(ctx: CollectorContext): Collector {
  const files = locateCgroupFiles(ctx.cgroupRoot, ctx.procSelfCgroup);
  if (readMemoryLimit(files) !== undefined) {
    const memory: ObsGauge = new ObsGauge(RESOURCE_METRICS.memoryLimitBytes, ctx, {
      collect: async () => {
        const v = parseMemoryLimit(files, await readAsync(files.memory));
        if (v !== undefined) memory.labels().set(v);
      },
    });
  }
  if (readCpuLimit(files) !== undefined) {
    const cpu: ObsGauge = new ObsGauge(RESOURCE_METRICS.cpuLimitCores, ctx, {
      collect: async () => {
        const [quota, period] = await Promise.all([readAsync(files.cpuQuota), files.version === 1 ? readAsync(files.cpuPeriod) : undefined]);
        const v = parseCpuLimit(files, quota, period);
        if (v !== undefined) cpu.labels().set(v);
      },
    });
  }
  return { name: 'cgroup-limits' };
}
