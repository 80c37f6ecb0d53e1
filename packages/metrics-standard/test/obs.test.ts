import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../../../test-utils/errors.mjs';
import { createObs, HTTP_METRICS, ObsError, SERVICE_METRICS, UNMATCHED_PATH } from '../src/index.js';

const quiet = { onWarning: () => {} };

function sampleValue(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const body = line.slice(name.length + 1, line.lastIndexOf('}'));
    const pairs = Object.fromEntries([...body.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => pairs[k] === v)) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('createObs', () => {
  it('rejects a service name that is not a label-safe slug, naming the option', () => {
    const e = errorOf(() => createObs({ service: 'My Service' }), ObsError);
    expect(e.code).toBe('OBS_ERR_INVALID_SERVICE_NAME');
    expect(e.option).toBe('service');
    expect(e.message).toContain('"My Service"');
  });

  it('rejects unknown options and buckets that drop the 1 s bound the alerts need', () => {
    expect(() => createObs({ service: 'api', maxSeries: 10 } as never)).toThrowError(/OBS_ERR_INVALID_OPTION.*maxSeries/);
    expect(() => createObs({ service: 'api', buckets: { http: [0.1, 0.5, 2] } })).toThrowError(/OBS_ERR_INVALID_BUCKETS.*buckets\.http/);
  });

  it('names the nearest known option of a misspelt or shortened one, and none when nothing is close', () => {
    expect(errorOf(() => createObs({ service: 'api', maxSeries: 10 } as never), ObsError).message).toContain('did you mean `maxSeriesPerMetric`?');
    expect(errorOf(() => createObs({ servce: 'api' } as never), ObsError).message).toContain('did you mean `service`?');
    expect(errorOf(() => createObs({ service: 'api', buckets: { htp: [1] } } as never), ObsError).message).toContain('did you mean `buckets.http`?');
    const far = errorOf(() => createObs({ service: 'api', colour: 'red' } as never), ObsError);
    expect(far.option).toBe('colour');
    expect(far.message).not.toContain('did you mean');
    expect(far.message).toContain('known: service, env');
  });

  it('reports the version of this package on service_info{sdk}, not the contract version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    const obs = createObs({ service: 'api', defaultMetrics: false, ...quiet });
    expect(sampleValue(await obs.registry.metrics(), SERVICE_METRICS.info.name, { sdk: `obs-node/${version}` })).toBe(1);
  });

  it('counts every request exactly across scrapes, and past the series cap, with counts added at collect time', async () => {
    const obs = createObs({ service: 'svc', defaultMetrics: false, maxSeriesPerMetric: 2, ...quiet });
    const name = HTTP_METRICS.requestsTotal.name;
    const finish = (path: string, status: number, n: number) => {
      for (let i = 0; i < n; i++) {
        obs.http.start();
        obs.http.finish('GET', path, status, 0.01);
      }
    };
    finish('/a', 200, 3);
    let text = await obs.registry.metrics();
    expect(sampleValue(text, name, { path: '/a', status: '200' })).toBe(3);
    finish('/a', 200, 2);
    finish('/a', 500, 1);
    // The same counts through prom-client's own API (collect runs there too), then a scrape.
    const viaGet = await obs.http.requests.metric.get();
    expect(viaGet.values.find((v) => v.labels.path === '/a' && v.labels.status === '200')?.value).toBe(5);
    text = await obs.registry.metrics();
    expect(sampleValue(text, name, { path: '/a', status: '200' })).toBe(5);
    expect(sampleValue(text, name, { path: '/a', status: '500' })).toBe(1);
    // Past the cap (2 series): further label sets go to the overflow series, every request counted.
    finish('/b', 200, 4);
    finish('/c', 200, 3);
    text = await obs.registry.metrics();
    expect(sampleValue(text, name, { path: '<overflow>' })).toBe(7);
    expect(sampleValue(text, name, { path: '/a', status: '200' })).toBe(5);
    expect(obs.http.inFlightCount).toBe(0);
  });

  it('keeps two instances in one process apart (private registries)', async () => {
    const a = createObs({ service: 'svc-a', defaultMetrics: false, ...quiet });
    const b = createObs({ service: 'svc-b', defaultMetrics: false, ...quiet });
    a.http.start();
    a.http.finish('GET', '/a', 200, 0.01);
    const textB = await b.registry.metrics();
    expect(sampleValue(textB, HTTP_METRICS.requestsTotal.name, { path: '/a' })).toBeUndefined();
    const textA = await a.registry.metrics();
    expect(sampleValue(textA, HTTP_METRICS.requestsTotal.name, { service: 'svc-a', path: '/a', method: 'GET', status: '200' })).toBe(1);
  });

  it('normalises methods and records aborted requests once as 499', async () => {
    const obs = createObs({ service: 'api', defaultMetrics: false, ...quiet });
    obs.http.start();
    obs.http.finish('get', '/x', 200, 0.01);
    obs.http.start();
    obs.http.finish('PURGE', UNMATCHED_PATH, 404, 0.01);
    obs.http.start();
    obs.http.abort('GET', '/slow', 0.5);
    const text = await obs.registry.metrics();
    expect(sampleValue(text, HTTP_METRICS.requestsTotal.name, { method: 'GET', path: '/x', status: '200' })).toBe(1);
    expect(sampleValue(text, HTTP_METRICS.requestsTotal.name, { method: 'OTHER', path: UNMATCHED_PATH, status: '404' })).toBe(1);
    expect(sampleValue(text, HTTP_METRICS.requestsTotal.name, { method: 'GET', path: '/slow', status: '499' })).toBe(1);
    expect(sampleValue(text, HTTP_METRICS.requestsInFlight.name, { service: 'api' })).toBe(0);
  });

  it('sets service_up to 0 when shutdown begins and waits for in-flight work', async () => {
    const obs = createObs({ service: 'api', defaultMetrics: false, ...quiet });
    expect(sampleValue(await obs.registry.metrics(), SERVICE_METRICS.up.name, { service: 'api' })).toBe(1);
    obs.http.start();
    const done = obs.shutdown({ timeoutMs: 5000 });
    expect(sampleValue(await obs.registry.metrics(), SERVICE_METRICS.up.name, { service: 'api' })).toBe(0);
    let settled = false;
    void done.then(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    obs.http.finish('GET', '/x', 200, 0.01);
    await expect(done).resolves.toBe(true);
  });

  it('registers the HTTP metrics only for services that use obs.http (a worker is not an API)', async () => {
    const worker = createObs({ service: 'worker', defaultMetrics: false, ...quiet });
    expect(await worker.registry.metrics()).not.toMatch(/^http_/m);
    const api = createObs({ service: 'api', defaultMetrics: false, ...quiet });
    void api.http; // what the integrations do at start-up
    const text = await api.registry.metrics();
    expect(text).toContain(`# TYPE ${HTTP_METRICS.requestsTotal.name} counter`);
    expect(sampleValue(text, HTTP_METRICS.requestsInFlight.name, { service: 'api' })).toBe(0);
  });
});
