// A cgroup with a CPU quota and a memory limit for the examples, so that they report
// service_cpu_limit_cores and service_memory_limit_bytes as they do in a container, and the
// "against limit" panels have data. cgroup v1 (cpu + memory controllers) or v2 (unified);
// needs write access to /sys/fs/cgroup (root, as in CI). When that is not possible the suite says
// so and lists the limit queries as not exercised, with the reason.
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A created cgroup: the `cgroup.procs` files a process writes its PID to, and the limits set. */
export interface Cgroup {
  procsFiles: string[];
  cpuCores: number;
  memoryBytes: number;
  /** Removes the cgroup directories (the processes in them must have exited). */
  remove(): void;
}

const ROOT = '/sys/fs/cgroup';

/**
 * Creates `name` below this process's own cgroup with the given limits, or returns the reason it
 * could not.
 *
 * @example
 * const cg = createCgroup('obs-e2e-123', { cpuCores: 2, memoryBytes: 2 ** 31 });
 * if (typeof cg !== 'string') spawn('sh', ['-c', `echo $$ > ${cg.procsFiles[0]} && exec node app.js`]);
 */
export function createCgroup(name: string, limits: { cpuCores: number; memoryBytes: number }): Cgroup | string {
  let own: string;
  try {
    own = readFileSync('/proc/self/cgroup', 'utf8');
  } catch (err) {
    return `cannot read /proc/self/cgroup: ${(err as Error).message}`;
  }
  const v1 = new Map<string, string>();
  let v2: string | undefined;
  for (const line of own.trim().split('\n')) {
    const [id, controllers, path] = line.split(':');
    if (path === undefined) continue;
    if (id === '0' && controllers === '') v2 = path;
    else for (const c of (controllers ?? '').split(',')) v1.set(c, path);
  }
  const created: string[] = [];
  const remove = () => {
    for (const dir of created.reverse()) {
      try {
        rmdirSync(dir);
      } catch {}
    }
  };
  const make = (dir: string, files: Record<string, string>) => {
    mkdirSync(dir);
    created.push(dir);
    for (const [file, value] of Object.entries(files)) writeFileSync(join(dir, file), value);
    return join(dir, 'cgroup.procs');
  };
  const period = 100_000;
  const quota = String(Math.round(limits.cpuCores * period));
  try {
    if (v1.has('cpu') && v1.has('memory')) {
      const cpuMount = ['cpu', 'cpu,cpuacct'].map((m) => join(ROOT, m)).find((m) => exists(join(m, 'cpu.cfs_quota_us')));
      if (!cpuMount) return 'cgroup v1 without a cpu controller mount';
      const procsFiles = [
        make(join(cpuMount, v1.get('cpu')!, name), { 'cpu.cfs_period_us': String(period), 'cpu.cfs_quota_us': quota }),
        make(join(ROOT, 'memory', v1.get('memory')!, name), { 'memory.limit_in_bytes': String(limits.memoryBytes) }),
      ];
      return { procsFiles, ...limits, remove };
    }
    if (v2 !== undefined) {
      const procsFiles = [make(join(ROOT, v2, name), { 'cpu.max': `${quota} ${period}`, 'memory.max': String(limits.memoryBytes) })];
      return { procsFiles, ...limits, remove };
    }
    return 'no cgroup v1 cpu/memory controllers and no cgroup v2 path in /proc/self/cgroup';
  } catch (err) {
    remove();
    return `cannot create a cgroup with limits (${(err as Error).message.split('\n')[0]})`;
  }
}

function exists(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}
