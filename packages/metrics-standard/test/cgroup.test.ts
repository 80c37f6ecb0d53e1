import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createObs, readCgroupLimits, RESOURCE_METRICS } from '../src/index.js';

const fixture = (name: string) => ({
  cgroupRoot: fileURLToPath(new URL(`./fixtures/cgroup/${name}/fs`, import.meta.url)),
  procSelfCgroup: fileURLToPath(new URL(`./fixtures/cgroup/${name}/self-cgroup`, import.meta.url)),
});

async function exposition(name: string): Promise<string> {
  const obs = createObs({ service: 'api', defaultMetrics: false, onWarning: () => {}, ...fixture(name) });
  return obs.registry.metrics();
}

describe('cgroup limits', () => {
  it('reads cgroup v2 memory.max and cpu.max of the own cgroup', async () => {
    const { cgroupRoot, procSelfCgroup } = fixture('v2');
    expect(readCgroupLimits(cgroupRoot, procSelfCgroup)).toEqual({ version: 2, memoryBytes: 536870912, cpuCores: 1.5 });
    const text = await exposition('v2');
    expect(text).toContain(`${RESOURCE_METRICS.memoryLimitBytes.name}{service="api"} 536870912`);
    expect(text).toContain(`${RESOURCE_METRICS.cpuLimitCores.name}{service="api"} 1.5`);
  });

  it('reads cgroup v1 memory.limit_in_bytes and the CFS quota under cpu,cpuacct', async () => {
    const { cgroupRoot, procSelfCgroup } = fixture('v1');
    expect(readCgroupLimits(cgroupRoot, procSelfCgroup)).toEqual({ version: 1, memoryBytes: 268435456, cpuCores: 0.5 });
    const text = await exposition('v1');
    expect(text).toContain(`${RESOURCE_METRICS.memoryLimitBytes.name}{service="api"} 268435456`);
    expect(text).toContain(`${RESOURCE_METRICS.cpuLimitCores.name}{service="api"} 0.5`);
  });

  it.each(['none-v2', 'none-v1'])('leaves the limit series absent when %s sets no limit', async (name) => {
    const { cgroupRoot, procSelfCgroup } = fixture(name);
    const limits = readCgroupLimits(cgroupRoot, procSelfCgroup);
    expect(limits.memoryBytes).toBeUndefined();
    expect(limits.cpuCores).toBeUndefined();
    const text = await exposition(name);
    expect(text).not.toContain(RESOURCE_METRICS.memoryLimitBytes.name);
    expect(text).not.toContain(RESOURCE_METRICS.cpuLimitCores.name);
    // Usage is still reported.
    expect(text).toMatch(new RegExp(`^${RESOURCE_METRICS.memoryUsageBytes.name}\\{service="api"\\} \\d+`, 'm'));
  });

  it('reports nothing when there is no cgroup filesystem at all', () => {
    expect(readCgroupLimits('/nonexistent/cgroup', '/nonexistent/self')).toEqual({});
  });
});
