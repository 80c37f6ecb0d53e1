// prom-client's default metrics as @obs registers them (src/default-metrics.ts, decision 0092):
// module by module from prom-client's own files, the three CPU counters made here so that
// `@opentelemetry/api` is not loaded. What a scrape shows must be what prom-client's own
// collectDefaultMetrics shows, and a prom-client release that changes the list must fail here.
import * as promClient from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PROM_CLIENT_DEFAULT_METRIC_MODULES, registerDefaultMetrics } from '../src/default-metrics.js';

/** Each `# HELP`/`# TYPE` line and each series (name and labels, no value) of a rendering. */
function shape(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => (l.startsWith('#') ? l : l.slice(0, l.lastIndexOf(' '))));
}

/** The value of an unlabelled sample. */
function value(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`no ${name} in:\n${text}`);
  return Number(line.slice(name.length + 1));
}

function burnCpu(ms: number): void {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  void x;
}

afterEach(() => {
  vi.doUnmock('../src/lazy.js');
  vi.resetModules();
});

describe('default metrics', () => {
  it("registers prom-client's modules in collectDefaultMetrics's order: the list is prom-client's metricsList", () => {
    // processCpuTotal is the one made in default-metrics.ts; the others are prom-client's files.
    expect(['processCpuTotal', ...PROM_CLIENT_DEFAULT_METRIC_MODULES]).toEqual(promClient.collectDefaultMetrics.metricsList);
  });

  it('renders the same metrics, help, types and series as prom-client collectDefaultMetrics', async () => {
    const ours = new promClient.Registry();
    registerDefaultMetrics(ours);
    const theirs = new promClient.Registry();
    promClient.collectDefaultMetrics({ register: theirs });
    const [a, b] = [await ours.metrics(), await theirs.metrics()];
    expect(shape(a)).toEqual(shape(b));
    expect(shape(a).filter((l) => l.startsWith('# TYPE process_cpu'))).toEqual([
      '# TYPE process_cpu_user_seconds_total counter',
      '# TYPE process_cpu_system_seconds_total counter',
      '# TYPE process_cpu_seconds_total counter',
    ]);
    ours.clear();
    theirs.clear();
  });

  it('counts CPU time: user + system = total, growing as the process works, never reset by a scrape', async () => {
    const registry = new promClient.Registry();
    registerDefaultMetrics(registry);
    const first = await registry.metrics();
    burnCpu(150);
    const second = await registry.metrics();
    const grew = value(second, 'process_cpu_seconds_total') - value(first, 'process_cpu_seconds_total');
    expect(grew).toBeGreaterThan(0.05);
    for (const text of [first, second]) {
      expect(value(text, 'process_cpu_user_seconds_total') + value(text, 'process_cpu_system_seconds_total')).toBeCloseTo(value(text, 'process_cpu_seconds_total'), 6);
    }
    registry.clear();
  });

  it("falls back to prom-client's collectDefaultMetrics when its files cannot be required one by one", async () => {
    // A prom-client release that moved its files or added an `exports` map: deep requires throw.
    const asked: string[] = [];
    vi.doMock('../src/lazy.js', async (original) => {
      const actual = await original<typeof import('../src/lazy.js')>();
      return {
        ...actual,
        requireHere: (id: string) => {
          asked.push(id);
          if (id.startsWith('prom-client/lib/')) throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
          return actual.requireHere(id);
        },
      };
    });
    vi.resetModules();
    const prom = await import('../src/prom.js');
    const { registerDefaultMetrics: register } = await import('../src/default-metrics.js');
    // The parts come from the package's main entry: the same classes.
    expect(prom.Registry).toBe(promClient.Registry);
    expect(prom.Histogram).toBe(promClient.Histogram);
    const ours = new promClient.Registry();
    register(ours);
    expect(asked).toContain('prom-client/lib/metrics/processStartTime');
    expect(asked.filter((id) => id === 'prom-client').length).toBeGreaterThanOrEqual(5);
    const theirs = new promClient.Registry();
    promClient.collectDefaultMetrics({ register: theirs });
    expect(shape(await ours.metrics())).toEqual(shape(await theirs.metrics()));
    ours.clear();
    theirs.clear();
  });
});

describe("prom-client's parts (src/prom.ts)", () => {
  it('are the very classes prom-client exports, so registries and metrics mix with the application’s', async () => {
    const prom = await import('../src/prom.js');
    expect(prom.Registry).toBe(promClient.Registry);
    expect(prom.Counter).toBe(promClient.Counter);
    expect(prom.Gauge).toBe(promClient.Gauge);
    expect(prom.Histogram).toBe(promClient.Histogram);
    expect(prom.loadAggregatorRegistry()).toBe(promClient.AggregatorRegistry);
    expect(prom.loadCollectDefaultMetrics()).toBe(promClient.collectDefaultMetrics);
    // A registry made by the application merges with one of ours.
    const mine = new promClient.Registry();
    new prom.Counter({ name: 'app_things_total', help: 'Things.', registers: [mine] }).inc();
    const merged = promClient.Registry.merge([mine, new prom.Registry()]);
    expect(await merged.metrics()).toContain('app_things_total 1');
  });
});
