import { inspect } from 'node:util';
import { createObs, type ObsWarningCode } from '@obs/metrics-standard';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import obsFastify from '../src/index.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

function newApp(): FastifyInstance {
  const app = Fastify();
  apps.push(app);
  return app;
}

describe('secrets in misused options are never printed', () => {
  it.each([
    ['token as a core option (wrong place)', { service: 'api', token: 'hunter2-secret' }],
    ['a misspelt metrics key', { service: 'api', metrics: { tokn: 'hunter2-secret' } }],
    ['a token of the wrong type', { service: 'api', metrics: { token: ['hunter2-secret'] } }],
    ['a too short token', { service: 'api', metrics: { token: 'hunter2-secret' } }],
  ])('%s', async (_label, options) => {
    const err = await newApp()
      .register(obsFastify, options as never)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(Error);
    expect(`${(err as Error).message}\n${(err as Error).stack}\n${inspect(err)}`).not.toContain('hunter2');
  });
});

describe('the token contract of @obs/fastify', () => {
  it('metrics.token present but undefined (METRICS_TOKEN unset) fails registration with OBS_ERR_MISSING_TOKEN', async () => {
    await expect(newApp().register(obsFastify, { service: 'api', metrics: { token: process.env.OBS_TEST_UNSET_TOKEN } })).rejects.toMatchObject({ code: 'OBS_ERR_MISSING_TOKEN' });
    await expect(newApp().register(obsFastify, { service: 'api', metrics: false, metricsServer: { port: 0, token: undefined } })).rejects.toMatchObject({ code: 'OBS_ERR_MISSING_TOKEN' });
  });

  it('an open /metrics route on the application port warns once, with a code', async () => {
    for (const [metrics, expected] of [
      [undefined, 1],
      [{ open: true }, 0],
      [{ token: 't'.repeat(20) }, 0],
    ] as const) {
      const codes: string[] = [];
      const app = newApp();
      await app.register(obsFastify, { service: 'api', defaultMetrics: false, onWarning: (c: ObsWarningCode) => codes.push(c), ...(metrics ? { metrics } : {}) });
      await app.ready();
      expect(codes.filter((c) => c === 'OBS_WARN_METRICS_UNPROTECTED'), JSON.stringify(metrics)).toHaveLength(expected);
    }
  });
});

describe('the /metrics route', () => {
  it('answers a failed scrape with a plain 500 and one coded warning, no error text to the client', async () => {
    const warnings: Array<{ code: string; message: string }> = [];
    const obs = createObs({ service: 'api', defaultMetrics: false, onWarning: (code, message) => warnings.push({ code, message }) });
    obs.registry.registerMetric({
      name: 'broken_metric',
      help: 'fails',
      get: () => Promise.reject(new Error('db password=hunter2 in a stack')),
    } as never);
    const app = newApp();
    await app.register(obsFastify, { obs, metrics: { open: true } });
    for (let i = 0; i < 2; i++) {
      const res = await app.inject('/metrics');
      expect(res.statusCode).toBe(500);
      expect(res.body).toBe('metrics collection failed\n');
    }
    expect(warnings.map((w) => w.code)).toEqual(['OBS_WARN_COLLECT_FAILED']);
    expect(warnings[0]?.message).toContain('db password');
  });

  it('answers 503 past maxConcurrentScrapes', async () => {
    const obs = createObs({ service: 'api', defaultMetrics: false, onWarning: () => {} });
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    obs.gauge({ name: 'slow_metric', type: 'gauge', help: 'slow', unit: '', labels: ['service'] } as never, { collect: () => gate });
    const app = newApp();
    await app.register(obsFastify, { obs, metrics: { open: true, maxConcurrentScrapes: 2 } });
    const pending = [app.inject('/metrics'), app.inject('/metrics')];
    await new Promise((r) => setTimeout(r, 50));
    const third = await app.inject('/metrics');
    expect(third.statusCode).toBe(503);
    expect(third.headers['retry-after']).toBe('1');
    release();
    expect((await Promise.all(pending)).map((r) => r.statusCode)).toEqual([200, 200]);
  });
});

describe('request logs', () => {
  function capture() {
    const lines: Array<Record<string, unknown>> = [];
    const logger = { info: (obj: object) => lines.push(obj as Record<string, unknown>), debug: (obj: object) => lines.push(obj as Record<string, unknown>) };
    return { lines, logger };
  }

  it('drop the query string by default, keep it with logQueryString: true', async () => {
    for (const [keep, url] of [
      [undefined, '/reset'],
      [true, '/reset?token=abc&email=a@b.c'],
    ] as const) {
      const { lines, logger } = capture();
      const app = newApp();
      await app.register(obsFastify, { service: 'api', defaultMetrics: false, metrics: false, logRequests: 'info', logger, ...(keep ? { logQueryString: keep } : {}) });
      app.get('/reset', async () => 'ok');
      expect((await app.inject('/reset?token=abc&email=a@b.c')).statusCode).toBe(200);
      await new Promise((r) => setImmediate(r));
      expect(lines.map((l) => l.url)).toEqual([url]);
    }
  });
});
