import { createObs, type ObsError, UNMATCHED_PATH } from '@obs/metrics-standard';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import obsFastify from '../src/index.js';
import { metricsOf, samples, total } from './helpers.js';

const TOKEN = 'a-test-token-of-32-characters-ok';
const apps: FastifyInstance[] = [];

async function build(options: Parameters<typeof obsFastify>[1] = { service: 'test-api', defaultMetrics: false }) {
  const app = Fastify();
  apps.push(app);
  await app.register(obsFastify, options);
  app.get('/users/:id', async (req) => ({ id: (req.params as { id: string }).id }));
  app.get('/healthz', { config: { obs: false } }, async () => 'ok');
  app.get('/ready', async () => 'ok');
  app.get('/error', async () => {
    throw new Error('boom');
  });
  app.post('/orders', { schema: { body: { type: 'object', required: ['sku'], properties: { sku: { type: 'string' } } } } }, async (_req, reply) => reply.code(201).send({ ok: true }));
  await app.register(
    async (api) => {
      await api.register(
        async (v1) => {
          v1.get('/items/:itemId', async () => ({ ok: true }));
        },
        { prefix: '/v1' },
      );
    },
    { prefix: '/api' },
  );
  await app.ready();
  return app;
}

async function registerError(options: unknown): Promise<ObsError> {
  const app = Fastify();
  apps.push(app);
  try {
    await app.register(obsFastify, options as never);
    await app.ready();
  } catch (err) {
    return err as ObsError;
  }
  throw new Error('registration succeeded');
}

afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

describe('route templates', () => {
  it('labels requests with the route template, prefixes of encapsulated plugins included', async () => {
    const app = await build();
    for (const id of ['1', '22', 'abc']) expect((await app.inject(`/users/${id}`)).statusCode).toBe(200);
    expect((await app.inject('/api/v1/items/42')).statusCode).toBe(200);
    const text = await metricsOf(app.obs);
    expect(total(text, 'http_requests_total', { path: '/users/:id', method: 'GET', status: '200' })).toBe(3);
    expect(total(text, 'http_requests_total', { path: '/api/v1/items/:itemId' })).toBe(1);
    expect(total(text, 'http_request_duration_seconds_count', { path: '/users/:id' })).toBe(3);
    expect(samples(text, 'http_requests_total').some((s) => s.labels.path?.includes('abc'))).toBe(false);
  });

  it('puts every request that matched no route under the one unmatched value', async () => {
    const app = await build();
    for (let i = 0; i < 50; i++) expect((await app.inject(`/no/such/${i}?q=${i}`)).statusCode).toBe(404);
    await app.inject({ method: 'DELETE', url: '/users/1' });
    const text = await metricsOf(app.obs);
    const paths = new Set(samples(text, 'http_requests_total').map((s) => s.labels.path));
    expect([...paths]).toEqual([UNMATCHED_PATH]);
    expect(total(text, 'http_requests_total', { path: UNMATCHED_PATH, status: '404', method: 'GET' })).toBe(50);
    expect(total(text, 'http_requests_total', { path: UNMATCHED_PATH, method: 'DELETE' })).toBe(1);
  });

  it('normalises non-standard methods to OTHER', async () => {
    const app = await build();
    await app.inject({ method: 'PROPFIND', url: '/users/1' });
    expect(total(await metricsOf(app.obs), 'http_requests_total', { method: 'OTHER', path: UNMATCHED_PATH })).toBe(1);
  });
});

describe('opt-out and ignore list', () => {
  it('never counts a route with config.obs === false, nor /metrics itself', async () => {
    const app = await build();
    await app.inject('/healthz');
    await app.inject('/metrics');
    await app.inject('/users/1');
    const paths = samples(await metricsOf(app.obs), 'http_requests_total').map((s) => s.labels.path);
    expect(paths).toEqual(['/users/:id']);
  });

  it('skips templates and unmatched URL paths on the global ignore list', async () => {
    const app = await build({ service: 'test-api', defaultMetrics: false, ignore: ['/ready', '/favicon.ico'] });
    await app.inject('/ready');
    await app.inject('/favicon.ico?v=2');
    await app.inject('/users/7');
    await app.inject('/other');
    const paths = samples(await metricsOf(app.obs), 'http_requests_total').map((s) => s.labels.path).sort();
    expect(paths).toEqual(['/users/:id', UNMATCHED_PATH].sort());
  });
});

describe('errors', () => {
  it('counts each handler error that ends as a 5xx once in service_errors_total', async () => {
    const app = await build();
    for (let i = 0; i < 3; i++) expect((await app.inject('/error')).statusCode).toBe(500);
    const text = await metricsOf(app.obs);
    expect(total(text, 'service_errors_total')).toBe(3);
    expect(total(text, 'service_errors_total', { type: 'error' })).toBe(3);
    expect(total(text, 'http_requests_total', { path: '/error', status: '500' })).toBe(3);
  });

  it('does not count client errors (validation 400) as service errors', async () => {
    const app = await build();
    const res = await app.inject({ method: 'POST', url: '/orders', payload: { nope: 1 } });
    expect(res.statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/orders', payload: { sku: 'x' } })).statusCode).toBe(201);
    const text = await metricsOf(app.obs);
    expect(total(text, 'service_errors_total')).toBe(0);
    expect(total(text, 'http_requests_total', { path: '/orders', status: '400' })).toBe(1);
    expect(total(text, 'http_requests_total', { path: '/orders', status: '201' })).toBe(1);
  });

  it('still counts a 5xx error on an opted-out route, without counting the request', async () => {
    const app = Fastify();
    apps.push(app);
    await app.register(obsFastify, { service: 'test-api', defaultMetrics: false });
    app.get('/probe', { config: { obs: false } }, async () => {
      throw Object.assign(new Error('db down'), { code: 'ECONNREFUSED' });
    });
    expect((await app.inject('/probe')).statusCode).toBe(500);
    const text = await metricsOf(app.obs);
    expect(total(text, 'service_errors_total', { type: 'econnrefused' })).toBe(1);
    expect(total(text, 'http_requests_total')).toBe(0);
  });

  it('never throws into the host when recording fails: the request is served and one warning is emitted', async () => {
    const warnings: string[] = [];
    const obs = createObs({ service: 'test-api', defaultMetrics: false, onWarning: (code) => warnings.push(code) });
    obs.http.start = () => {
      throw new Error('recorder broken');
    };
    const app = await build({ obs, metrics: { open: true } });
    for (let i = 0; i < 3; i++) expect((await app.inject('/users/1')).statusCode).toBe(200);
    expect(warnings).toEqual(['OBS_WARN_RECORD_FAILED']);
  });
});

describe('the /metrics route', () => {
  it('serves the contract on /metrics with a custom path', async () => {
    const app = await build({ service: 'test-api', defaultMetrics: false, metrics: { path: '/internal/metrics' } });
    await app.inject('/users/1');
    const res = await app.inject('/internal/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(total(res.body, 'service_up', { service: 'test-api' })).toBe(1);
    expect(total(res.body, 'http_requests_total', { path: '/users/:id' })).toBe(1);
    expect((await app.inject('/metrics')).statusCode).toBe(404);
  });

  it('answers 401 without or with a wrong bearer token and 200 with the right one', async () => {
    const app = await build({ service: 'test-api', defaultMetrics: false, metrics: { token: TOKEN } });
    const none = await app.inject('/metrics');
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong-token-wrong-token' } })).statusCode).toBe(401);
    const ok = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('service_up{service="test-api"} 1');
  });

  it('answers 403 to a peer outside the allowlist', async () => {
    const app = await build({ service: 'test-api', defaultMetrics: false, metrics: { allow: ['10.0.0.0/8'] } });
    expect((await app.inject({ url: '/metrics', remoteAddress: '192.168.1.2' })).statusCode).toBe(403);
    expect((await app.inject({ url: '/metrics', remoteAddress: '10.1.2.3' })).statusCode).toBe(200);
  });

  it('registers no route with metrics: false', async () => {
    const app = await build({ service: 'test-api', defaultMetrics: false, metrics: false });
    expect((await app.inject('/metrics')).statusCode).toBe(404);
  });
});

describe('decorator and lifecycle', () => {
  it('decorates fastify.obs with the instance passed in', async () => {
    const obs = createObs({ service: 'given-api', defaultMetrics: false });
    const app = await build({ obs });
    expect(app.obs).toBe(obs);
    await app.inject('/users/1');
    expect(total(await metricsOf(obs), 'http_requests_total', { service: 'given-api' })).toBe(1);
  });

  it('sets service_up to 0 in preClose, while the app is still listening', async () => {
    const app = Fastify();
    apps.push(app);
    await app.register(obsFastify, { service: 'test-api', defaultMetrics: false });
    let seen: { up: number; listening: boolean } | undefined;
    // Registered after the plugin's preClose, so it runs after it and before the listener closes.
    app.addHook('preClose', async () => {
      seen = { up: total(await metricsOf(app.obs), 'service_up'), listening: app.server.listening };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    expect(total(await metricsOf(app.obs), 'service_up')).toBe(1);
    await app.close();
    expect(seen).toEqual({ up: 0, listening: true });
    expect(app.obs.shuttingDown).toBe(true);
  });
});

describe('option validation at registration', () => {
  it.each([
    [{}, 'OBS_ERR_INVALID_SERVICE_NAME', 'service'],
    [{ service: 'Bad Name' }, 'OBS_ERR_INVALID_SERVICE_NAME', 'service'],
    [{ service: 'ok', metric: { path: '/m' } }, 'OBS_ERR_INVALID_OPTION', 'metric'],
    [{ obs: createObs({ service: 'x', defaultMetrics: false }), service: 'y' }, 'OBS_ERR_INVALID_OPTION', 'service'],
    [{ obs: { not: 'obs' } }, 'OBS_ERR_INVALID_OPTION', 'obs'],
    [{ service: 'ok', metrics: true }, 'OBS_ERR_INVALID_OPTION', 'metrics'],
    [{ service: 'ok', metrics: { path: 'metrics' } }, 'OBS_ERR_INVALID_OPTION', 'metrics.path'],
    [{ service: 'ok', metrics: { tokn: 'x' } }, 'OBS_ERR_INVALID_OPTION', 'metrics.tokn'],
    [{ service: 'ok', metrics: { token: 'short' } }, 'OBS_ERR_INVALID_TOKEN', 'metrics.token'],
    [{ service: 'ok', metrics: { allow: ['not-an-ip'] } }, 'OBS_ERR_INVALID_CIDR', 'metrics.allow[0]'],
    [{ service: 'ok', metricsServer: { token: 'short' } }, 'OBS_ERR_INVALID_TOKEN', 'metricsServer.token'],
    [{ service: 'ok', shutdownDelayMs: 1.5 }, 'OBS_ERR_INVALID_OPTION', 'shutdownDelayMs'],
    [{ service: 'ok', metricsServer: { port: 70_000 } }, 'OBS_ERR_INVALID_OPTION', 'metricsServer.port'],
    [{ service: 'ok', ignore: '/healthz' }, 'OBS_ERR_INVALID_OPTION', 'ignore'],
    [{ service: 'ok', ignore: ['healthz'] }, 'OBS_ERR_INVALID_OPTION', 'ignore[0]'],
    [{ service: 'ok', shutdownTimeoutMs: -1 }, 'OBS_ERR_INVALID_OPTION', 'shutdownTimeoutMs'],
  ])('%j → %s on %s', async (options, code, option) => {
    const err = await registerError(options);
    expect(err.code).toBe(code);
    expect(err.option).toBe(option);
    expect(err.message).toContain(code);
  });

  it("a misspelt option names the plugin's own nearest option and lists the plugin's keys, not only the core's", async () => {
    const err = await registerError({ service: 'ok', ignor: ['/healthz'] });
    expect(err.code).toBe('OBS_ERR_INVALID_OPTION');
    expect(err.option).toBe('ignor');
    expect(err.message).toContain('did you mean `ignore`?');
    for (const key of ['ignore', 'metrics', 'metricsServer', 'logRequests', 'logger', 'obs', 'shutdownTimeoutMs', 'service', 'env']) {
      expect(err.message).toContain(key);
    }
    expect((await registerError({ service: 'ok', metrics: { tokn: 'a-test-token-of-32-characters-ok' } })).message).toContain('did you mean `metrics.token`?');
    expect((await registerError({ service: 'ok', Service: 'x' })).message).toContain('did you mean `service`?');
  });
});

describe('logRequests with logger: app.log', () => {
  function appWithLog(extra: Record<string, unknown> = {}) {
    const lines: Array<{ msg: string; url?: string; req?: { url: string } }> = [];
    const stream = { write: (line: string) => lines.push(JSON.parse(line)) };
    const app = Fastify({ logger: { level: 'info', stream }, ...extra });
    apps.push(app);
    return { app, lines };
  }

  it("is refused while Fastify logs each request itself (each request would be logged twice), naming the fix", async () => {
    const { app } = appWithLog();
    const err = await app.register(obsFastify, { service: 'log-api', defaultMetrics: false, logRequests: 'info', logger: app.log }).ready().then(
      () => undefined,
      (e: ObsError) => e,
    );
    expect(err?.code).toBe('OBS_ERR_INVALID_OPTION');
    expect(err?.option).toBe('logger');
    expect(err?.message).toContain('logController');
  });

  it("accepts a LogController subclass of the user's (Fastify's error lines kept, request lines dropped)", async () => {
    class RequestLinesOff extends LogController {
      override incomingRequest() {}
      override requestCompleted(error: unknown, ...rest: unknown[]) {
        if (error) (super.requestCompleted as (...a: unknown[]) => void)(error, ...rest);
      }
    }
    const { app } = appWithLog({ logController: new RequestLinesOff() });
    await expect(app.register(obsFastify, { service: 'log-api', defaultMetrics: false, logRequests: 'info', logger: app.log }).ready()).resolves.toBeDefined();
  });

  it('with Fastify\'s request lines disabled (its LogController), each request is logged once', async () => {
    const { app, lines } = appWithLog({ logController: new LogController({ disableRequestLogging: true }) });
    await app.register(obsFastify, { service: 'log-api', defaultMetrics: false, logRequests: 'info', logger: app.log });
    app.get('/users/:id', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    await fetch(`http://127.0.0.1:${(app.server.address() as { port: number }).port}/users/7`);
    await app.close();
    const about = lines.filter((l) => l.url === '/users/7' || l.req?.url === '/users/7');
    expect(about.map((l) => l.msg)).toEqual(['request completed']);
  });
});

describe('shutdownDelayMs: the metrics route answers while the app closes', () => {
  async function closing(options: Record<string, unknown>) {
    const app = Fastify();
    apps.push(app);
    await app.register(obsFastify, { service: 'drain-api', defaultMetrics: false, ...options } as never);
    app.get('/users/:id', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const closed = app.close();
    // A scrape that arrives after close() began (as Prometheus's would after SIGTERM).
    await new Promise((r) => setTimeout(r, 50));
    const scrape = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } }).then(
      async (res) => ({ status: res.status, body: await res.text() }),
      (err: Error) => ({ status: 0, body: String(err.cause ?? err) }),
    );
    const other = await fetch(`${base}/users/1`).then(
      (res) => res.status,
      () => 0,
    );
    await closed;
    return { scrape, other };
  }

  it('with shutdownDelayMs, a scrape after app.close() began sees service_up 0; other routes get 503', async () => {
    const { scrape, other } = await closing({ shutdownDelayMs: 1000, metrics: { token: TOKEN } });
    expect(scrape.status).toBe(200);
    expect(total(scrape.body, 'service_up', { service: 'drain-api' })).toBe(0);
    expect(other).toBe(503);
  });

  it('the window keeps the route protection (no token → 401)', async () => {
    const app = Fastify();
    apps.push(app);
    await app.register(obsFastify, { service: 'drain-api', defaultMetrics: false, shutdownDelayMs: 1000, metrics: { token: TOKEN } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const closed = app.close();
    const res = await fetch(`http://127.0.0.1:${(app.server.address() as { port: number }).port}/metrics`);
    expect(res.status).toBe(401);
    await closed;
  });

  it('without it (the default), the listener stops at once, as Fastify does: the scrape cannot connect', async () => {
    const { scrape } = await closing({});
    expect(scrape.status).toBe(0);
  });
});
