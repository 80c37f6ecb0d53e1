import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { errorOf } from '../../../test-utils/errors.mjs';
import {
  createClusterMetricsHandler,
  createMetricsHandler,
  createObs,
  describeReceived,
  errorTypeOf,
  MAX_LABEL_VALUE_LENGTH,
  type MetricsServer,
  type Obs,
  ObsError,
  type ObsWarningCode,
  redactSecrets,
  startClusterMetricsServer,
  startMetricsServer,
} from '../src/index.js';

const SECRET = 'hunter2-secret';
const LONG_KEY = 'a3f9c0d1e2b4a5c6d7e8f90123456789';
const running: Array<MetricsServer | Obs> = [];

afterEach(async () => {
  for (const r of running.splice(0)) {
    if ('registry' in r) await r.shutdown({ timeoutMs: 0 });
    else await r.close();
  }
});

function makeObs(warnings: Array<{ code: string; message: string }> = []) {
  const obs = createObs({ service: 'api', defaultMetrics: false, onWarning: (code: ObsWarningCode, message: string) => warnings.push({ code, message }) });
  running.push(obs);
  return obs;
}

/** Everything a crash log would show of an error: its message, its stack and util.inspect of the object. */
function printed(err: unknown): string {
  return `${String((err as Error).message)}\n${String((err as Error).stack)}\n${inspect(err, { depth: 5 })}`;
}

describe('secrets are never echoed in start-up errors', () => {
  it.each([
    ['an unknown option named token', { service: 'api', token: SECRET }],
    ['a misspelt option holding a secret', { service: 'api', tokn: SECRET }],
    ['an unknown option holding a URL with credentials', { service: 'api', redisUrl: 'redis://admin:hunter2-secret@cache:6379' }],
    ['an unknown option holding a Slack webhook', { service: 'api', slack: 'https://hooks.slack.com/services/T000/B000/hunter2-secret' }],
  ])('%s', (_label, options) => {
    const err = errorOf(() => createObs(options as never), ObsError);
    expect(err.code).toBe('OBS_ERR_INVALID_OPTION');
    expect(printed(err)).not.toContain('hunter2');
    expect(err.message).toMatch(/received a string of \d+ characters \(hidden\)/);
  });

  it('a token of the wrong type or length is described by its type only', () => {
    for (const token of [1234567890123456, 'short-hunter2', ` ${SECRET}-with a space`]) {
      const err = errorOf(() => createMetricsHandler(makeObs(), { token: token as never }), ObsError);
      expect(err.code).toBe('OBS_ERR_INVALID_TOKEN');
      expect(printed(err)).not.toMatch(/hunter2|1234567890123456/);
    }
  });

  it('shows short plain values, truncates long ones and hides secret-looking ones', () => {
    expect(describeReceived('/metrics', 'path')).toBe('"/metrics"');
    expect(describeReceived(42, 'port')).toBe('42');
    expect(describeReceived([0.1, 1, 5], 'buckets.http')).toBe('[0.1,1,5]');
    expect(describeReceived('x'.repeat(500), 'path')).toBe(`"${'x'.repeat(32)}"… (a string of 500 characters)`);
    expect(describeReceived(LONG_KEY, 'env')).toBe('a string of 32 characters (hidden)');
    expect(describeReceived('postgres://u:p@db/x', 'env')).toBe('a string of 19 characters (hidden)');
    expect(describeReceived('checkout-api-v2-eu-west-1', 'service')).toBe('"checkout-api-v2-eu-west-1"');
    expect(describeReceived({ a: SECRET }, 'constLabels')).toBe('an object');
    expect(describeReceived(SECRET, 'metrics.password')).toBe('a string of 14 characters (hidden)');
  });

  it('masks credentials in warning texts', () => {
    expect(redactSecrets('connect redis://:pw-hunter2@cache:6379 failed; Bearer abc.def')).toBe('connect redis://***@cache:6379 failed; Bearer ***');
  });
});

describe('no accidental open /metrics', () => {
  it('a token key whose value is undefined or empty is a coded start-up error, never "open"', async () => {
    for (const token of [undefined, '', null]) {
      const err = errorOf(() => createMetricsHandler(makeObs(), { token: token as never }), ObsError);
      expect(err.code).toBe('OBS_ERR_MISSING_TOKEN');
      expect(err.message).toMatch(/environment variable/);
      await expect(startMetricsServer(makeObs(), { port: 0, token: token as never })).rejects.toMatchObject({ code: 'OBS_ERR_MISSING_TOKEN' });
    }
  });

  it('the cluster endpoint follows the same contract', async () => {
    expect(errorOf(() => createClusterMetricsHandler({ token: undefined }), ObsError).code).toBe('OBS_ERR_MISSING_TOKEN');
    await expect(startClusterMetricsServer({ port: 0, token: '' })).rejects.toMatchObject({ code: 'OBS_ERR_MISSING_TOKEN' });
  });

  it('open: true is explicit, and cannot be combined with a token or an allowlist', () => {
    expect(() => createMetricsHandler(makeObs(), { open: true })).not.toThrow();
    expect(errorOf(() => createMetricsHandler(makeObs(), { open: true, token: 'x'.repeat(20) }), ObsError).option).toBe('open');
    expect(errorOf(() => createMetricsHandler(makeObs(), { open: true, allow: ['10.0.0.0/8'] }), ObsError).option).toBe('open');
  });

  it('warns once when an open server binds beyond loopback; not on loopback, not with open: true or a token', async () => {
    const cases: Array<[Parameters<typeof startMetricsServer>[1], number]> = [
      [{ host: '0.0.0.0', port: 0 }, 1],
      [{ host: '127.0.0.1', port: 0 }, 0],
      [{ host: '0.0.0.0', port: 0, open: true }, 0],
      [{ host: '0.0.0.0', port: 0, token: 'x'.repeat(20) }, 0],
    ];
    for (const [options, expected] of cases) {
      const warnings: Array<{ code: string; message: string }> = [];
      const server = await startMetricsServer(makeObs(warnings), options);
      running.push(server);
      await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
      expect(warnings.filter((w) => w.code === 'OBS_WARN_METRICS_UNPROTECTED'), JSON.stringify(options)).toHaveLength(expected);
    }
  });
});

describe('bounded work per scrape', () => {
  /** An obs with a gauge whose collect callback counts how often the registry was rendered. */
  function counted(warnings: Array<{ code: string; message: string }> = []) {
    const obs = makeObs(warnings);
    const calls = { n: 0 };
    obs.gauge(
      { name: 'test_collect_calls', type: 'gauge', help: 'collect calls', unit: '', labels: ['service'] } as never,
      {
        collect: async () => {
          calls.n++;
          await new Promise((r) => setTimeout(r, 20));
        },
      },
    );
    return { obs, calls };
  }

  it('200 concurrent scrapes share renders (cacheMs: 1000) and past the cap get 503', async () => {
    const warnings: Array<{ code: string; message: string }> = [];
    const { obs, calls } = counted(warnings);
    const server = await startMetricsServer(obs, { port: 0, cacheMs: 1000, maxConcurrentScrapes: 50, maxConnections: 1000 });
    running.push(server);
    const statuses = await Promise.all(Array.from({ length: 200 }, () => fetch(server.url).then(async (r) => {
          await r.text();
          return r.status;
        })));
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    // One render per format per second at most: a loaded machine may take a few seconds.
    expect(calls.n).toBeLessThanOrEqual(5);
    if (statuses.includes(503)) expect(warnings.map((w) => w.code)).toContain('OBS_WARN_SCRAPE_REJECTED');
  });

  it('cacheMs: 0 renders afresh after each render, and a shutdown is never hidden by the cache', async () => {
    const { obs, calls } = counted();
    const server = await startMetricsServer(obs, { port: 0, cacheMs: 0 });
    await (await fetch(server.url)).text();
    await (await fetch(server.url)).text();
    expect(calls.n).toBe(2);
    const cached = counted();
    const server2 = await startMetricsServer(cached.obs, { port: 0, cacheMs: 60_000 });
    expect(await (await fetch(server2.url)).text()).toMatch(/^service_up\{[^}]*\} 1$/m);
    // A request still in flight keeps the server answering during the drain.
    cached.obs.work.begin();
    const shutdown = cached.obs.shutdown({ timeoutMs: 10_000 });
    expect(await (await fetch(server2.url)).text()).toMatch(/^service_up\{[^}]*\} 0$/m);
    cached.obs.work.end();
    await shutdown;
    await server.close();
  });

  it('rejects bad limits and timeouts at start-up', async () => {
    await expect(startMetricsServer(makeObs(), { port: 0, maxConcurrentScrapes: 0 })).rejects.toMatchObject({ option: 'maxConcurrentScrapes' });
    await expect(startMetricsServer(makeObs(), { port: 0, cacheMs: -1 })).rejects.toMatchObject({ option: 'cacheMs' });
    await expect(startMetricsServer(makeObs(), { port: 0, headersTimeoutMs: 5000, requestTimeoutMs: 1000 })).rejects.toMatchObject({ option: 'requestTimeoutMs' });
  });
});

describe('collectors without synchronous file reads per scrape', () => {
  it('service_memory_usage_bytes comes from the cached /proc handle and agrees with the RSS', async () => {
    const obs = makeObs();
    for (let i = 0; i < 3; i++) {
      const text = await obs.registry.metrics();
      const value = Number(/^service_memory_usage_bytes\{[^}]*\} (\d+)$/m.exec(text)?.[1]);
      const rss = process.memoryUsage.rss();
      expect(value).toBeGreaterThan(rss / 2);
      expect(value).toBeLessThan(rss * 2);
    }
  });
});

describe('bounded label values', () => {
  it('a 40 000-character error code is normalised quickly into a short type', () => {
    const code = `E${'A'.repeat(40_000)}b`;
    const started = performance.now();
    for (let i = 0; i < 20; i++) errorTypeOf({ code });
    // Before: about a second per call (quadratic regex backtracking); now microseconds. 20 calls in
    // under a second holds on any machine only with the bound.
    expect(performance.now() - started).toBeLessThan(1000);
    expect(errorTypeOf({ code }).length).toBeLessThanOrEqual(48);
    // Bounded by construction: only the first 96 characters are looked at.
    expect(errorTypeOf({ code })).toBe(errorTypeOf({ code: code.slice(0, 96) }));
    expect(errorTypeOf({ code: `${'x'.repeat(96)}${'ZZ'.repeat(20_000)}` })).toBe(errorTypeOf({ code: 'x'.repeat(96) }));
  });

  it('label values are cut to the cap', async () => {
    const obs = makeObs();
    obs.http.finish('GET', `/${'p'.repeat(5000)}`, 200, 0.01);
    const text = await obs.registry.metrics();
    const path = /path="([^"]*)"/.exec(text)?.[1] ?? '';
    expect(path.length).toBe(MAX_LABEL_VALUE_LENGTH);
    expect(path.endsWith('...')).toBe(true);
  });
});
