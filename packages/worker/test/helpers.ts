import type { Obs } from '@obs/metrics-standard';

export interface Sample {
  labels: Record<string, string | number>;
  value: number;
}

/** The samples of one exposed series name (e.g. `worker_task_duration_seconds_count`), read through a real scrape of the registry. */
export async function samples(obs: Obs, name: string): Promise<Sample[]> {
  const metrics = await obs.registry.getMetricsAsJSON();
  const out: Sample[] = [];
  for (const m of metrics) {
    for (const v of m.values as Array<{ labels: Record<string, string | number>; value: number; metricName?: string }>) {
      if ((v.metricName ?? m.name) === name) out.push({ labels: v.labels, value: v.value });
    }
  }
  return out;
}

/** Sum of the samples of `name` whose labels include `match`. */
export async function sum(obs: Obs, name: string, match: Record<string, string> = {}): Promise<number> {
  return (await samples(obs, name)).filter((s) => Object.entries(match).every(([k, v]) => String(s.labels[k]) === v)).reduce((a, s) => a + s.value, 0);
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
