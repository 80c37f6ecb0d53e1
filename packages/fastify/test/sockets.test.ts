// Real sockets: concurrency, aborted clients, the token over HTTP, the separate metrics port and
// the close sequence. Counts only, never timings.
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { UNMATCHED_PATH } from '@obs/metrics-standard';
import autocannon from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import obsFastify from '../src/index.js';
import { samples, total } from './helpers.js';

const TOKEN = 'socket-test-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };

async function exampleApp(options: Parameters<typeof obsFastify>[1]): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(obsFastify, options);
  app.get('/users/:id', async (req) => ({ id: (req.params as { id: string }).id }));
  app.get('/healthz', { config: { obs: false } }, async () => ({ ok: true }));
  app.get('/error', async () => {
    throw new Error('boom');
  });
  const slow = async (req: { query: unknown }) => {
    await sleep(Number((req.query as { ms?: string }).ms ?? 100));
    return { slow: true };
  };
  app.get('/slow', slow);
  app.post('/slow', slow);
  await app.register(
    async (api) => {
      await api.register(async (v1) => v1.get('/items/:itemId', async () => ({ ok: true })), { prefix: '/v1' });
    },
    { prefix: '/api' },
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  return app;
}

/**
 * Send exactly `amount` GET requests over `connections` concurrent keep-alive connections with
 * autocannon, the path of request i being `path(i)`. Returns the count of each status class.
 */
async function load(base: string, amount: number, connections: number, path: (i: number) => string) {
  let i = 0;
  const result = await autocannon({
    url: base,
    amount,
    connections,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: path(i++) }) }],
  });
  return { total: result.requests.total, errors: result.errors, timeouts: result.timeouts, ok: result['2xx'], notFound: result['4xx'], non2xx: result.non2xx };
}

/** Run `count` requests with at most `concurrency` in flight; returns the status codes seen. */
async function pool(count: number, concurrency: number, request: (i: number) => Promise<Response>): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const res = await request(next++);
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return statuses;
}

/** Send a raw request and drop the connection after `afterMs`, before the response. */
function abandon(port: number, raw: string, afterMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(raw);
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, afterMs);
    });
    socket.on('data', () => reject(new Error('the response arrived before the client left')));
    socket.on('error', reject);
  });
}

describe('through a real socket', () => {
  let app: FastifyInstance;
  let base: string;
  const scrape = async () => (await fetch(`${base}/metrics`, { headers: auth })).text();

  beforeAll(async () => {
    app = await exampleApp({ service: 'socket-api', defaultMetrics: false, metrics: { token: TOKEN, cacheMs: 0 } });
    const { port } = app.server.address() as { port: number };
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await app.close();
  });

  it('counts N requests to /users/<id> under 50 concurrent connections exactly N times', async () => {
    const N = 1000;
    const run = await load(base, N, 50, (i) => `/users/${i}`);
    expect(run).toMatchObject({ total: N, ok: N, errors: 0, timeouts: 0 });
    const text = await scrape();
    expect(total(text, 'http_requests_total', { path: '/users/:id' })).toBe(N);
    expect(total(text, 'http_requests_total', { path: '/users/:id', status: '200', method: 'GET' })).toBe(N);
    expect(total(text, 'http_request_duration_seconds_count', { path: '/users/:id' })).toBe(N);
    expect(app.obs.http.inFlightCount).toBe(0);
  });

  it('records the full template of a route in a prefixed plugin inside a prefixed plugin', async () => {
    await pool(10, 5, (i) => fetch(`${base}/api/v1/items/item-${i}`));
    const text = await scrape();
    expect(total(text, 'http_requests_total', { path: '/api/v1/items/:itemId', status: '200' })).toBe(10);
    expect(samples(text, 'http_requests_total').filter((s) => s.labels.path?.startsWith('/api/v1/items/item-'))).toEqual([]);
  });

  it('puts 5 000 distinct unmatched URLs under exactly one path value', async () => {
    const before = new Set(samples(await scrape(), 'http_requests_total').map((s) => s.labels.path));
    const run = await load(base, 5000, 50, (i) => `/random/${i}/${(i * 7919).toString(36)}?x=${i}`);
    expect(run).toMatchObject({ total: 5000, notFound: 5000, errors: 0 });
    const text = await scrape();
    const after = new Set(samples(text, 'http_requests_total').map((s) => s.labels.path));
    expect([...after].filter((p) => !before.has(p))).toEqual([UNMATCHED_PATH]);
    expect(total(text, 'http_requests_total', { path: UNMATCHED_PATH, status: '404' })).toBe(5000);
  });

  it('never counts /healthz', async () => {
    await pool(20, 5, () => fetch(`${base}/healthz`));
    const text = await scrape();
    expect(text).not.toContain('/healthz');
  });

  it('adds exactly one to service_errors_total per /error request', async () => {
    const before = total(await scrape(), 'service_errors_total');
    for (let i = 1; i <= 3; i++) {
      expect((await fetch(`${base}/error`)).status).toBe(500);
      expect(total(await scrape(), 'service_errors_total') - before).toBe(i);
    }
  });

  it('counts a client that disconnects during /slow once, as 499, for GET and for POST with a body', async () => {
    const { port } = app.server.address() as { port: number };
    await abandon(port, 'GET /slow?ms=300 HTTP/1.1\r\nHost: x\r\n\r\n', 60);
    await abandon(port, 'POST /slow?ms=300 HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}', 60);
    // Wait until both handlers have finished, so a late second count would be visible.
    await sleep(400);
    const text = await scrape();
    expect(total(text, 'http_requests_total', { path: '/slow', method: 'GET' })).toBe(1);
    expect(total(text, 'http_requests_total', { path: '/slow', method: 'GET', status: '499' })).toBe(1);
    expect(total(text, 'http_requests_total', { path: '/slow', method: 'POST', status: '499' })).toBe(1);
    expect(total(text, 'http_requests_total', { path: '/slow' })).toBe(2);
    expect(total(text, 'http_request_duration_seconds_count', { path: '/slow' })).toBe(2);
    expect(app.obs.http.inFlightCount).toBe(0);
  });

  it('answers /metrics with 401 without or with a wrong token, 200 with the right one', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer not-the-right-token-at-all' } })).status).toBe(401);
    const ok = await fetch(`${base}/metrics`, { headers: auth });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('service_up{service="socket-api"} 1');
  });
});

describe('closing the app', () => {
  it('scrapes service_up 0 on the metrics port while a request drains, then closes that port', async () => {
    const app = await exampleApp({ service: 'closing-api', defaultMetrics: false, metrics: false, metricsServer: { host: '127.0.0.1', port: 0, token: TOKEN } });
    const server = app.obsMetricsServer;
    expect(server).not.toBeNull();
    const metricsUrl = server?.url as string;
    const { port } = app.server.address() as { port: number };
    expect(total(await (await fetch(metricsUrl, { headers: auth })).text(), 'service_up')).toBe(1);
    expect((await fetch(metricsUrl)).status).toBe(401);

    const inFlight = fetch(`http://127.0.0.1:${port}/slow?ms=1000`, { headers: { connection: 'close' } });
    for (let i = 0; i < 200 && app.obs.http.inFlightCount === 0; i++) await sleep(10);
    expect(app.obs.http.inFlightCount).toBe(1);
    const closed = app.close();
    // Wait for Fastify to stop the listener (preClose has run by then); the request still drains.
    for (let i = 0; i < 200 && app.server.listening; i++) await sleep(10);
    expect(app.server.listening).toBe(false);
    const during = await (await fetch(metricsUrl, { headers: { ...auth, connection: 'close' } })).text();
    expect(total(during, 'service_up')).toBe(0);
    expect(total(during, 'http_requests_in_flight')).toBe(1);

    expect((await inFlight).status).toBe(200);
    await closed;
    expect(total(await app.obs.registry.metrics(), 'http_requests_total', { path: '/slow', status: '200' })).toBe(1);
    await expect(fetch(metricsUrl)).rejects.toThrow();
  });
});
