import type { Obs } from '@obs/metrics-standard';

export interface Sample {
  labels: Record<string, string | number>;
  value: number;
}

/** Every sample of one real scrape of the registry, by exposed series name (e.g. `worker_task_duration_seconds_count`). */
export async function scrapeAll(obs: Obs): Promise<Map<string, Sample[]>> {
  const metrics = await obs.registry.getMetricsAsJSON();
  const out = new Map<string, Sample[]>();
  for (const m of metrics) {
    for (const v of m.values as Array<{ labels: Record<string, string | number>; value: number; metricName?: string }>) {
      const name = v.metricName ?? m.name;
      out.set(name, [...(out.get(name) ?? []), { labels: v.labels, value: v.value }]);
    }
  }
  return out;
}

/** The samples of one series name from a scrape (or from a fresh scrape of `obs`). */
export async function samples(from: Obs | Map<string, Sample[]>, name: string): Promise<Sample[]> {
  const all = from instanceof Map ? from : await scrapeAll(from);
  return all.get(name) ?? [];
}

/** Sum of the samples of `name` whose labels include `match`. */
export async function sum(from: Obs | Map<string, Sample[]>, name: string, match: Record<string, string> = {}): Promise<number> {
  return (await samples(from, name)).filter((s) => Object.entries(match).every(([k, v]) => String(s.labels[k]) === v)).reduce((a, s) => a + s.value, 0);
}

/** Poll `check` until it returns true, or throw with `describe()` after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean> | boolean, describe: () => Promise<string> | string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${await describe()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A real redis-server on a free loopback port (scripts/lib/procs.mjs). */
export { type Redis as RedisProcess, startRedis } from '../../../scripts/lib/procs.mjs';
