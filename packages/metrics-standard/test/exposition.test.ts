import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { errorOf } from '../../../test-utils/errors.mjs';
import {
  createMetricsHandler,
  createObs,
  createScrapeGuard,
  HTTP_METRICS,
  type ObsWarningCode,
  OPENMETRICS_CONTENT_TYPE,
  PROMETHEUS_CONTENT_TYPE,
  type ProtectionOptions,
  SERVICE_METRICS,
  scrape,
  startMetricsServer,
} from '../src/index.js';

const TOKEN = 'a-very-secret-token-123';
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function makeObs(warnings: string[] = []) {
  return createObs({ service: 'api', defaultMetrics: false, onWarning: (code: ObsWarningCode) => warnings.push(code) });
}

/** Serve the handler on a real socket bound to `host`; resolves the port. */
async function serve(handler: ReturnType<typeof createMetricsHandler>, host: string): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, host, r));
  return (server.address() as AddressInfo).port;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, opts: { host?: string; headers?: Record<string, string>; method?: string; path?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: opts.host ?? '127.0.0.1', port, path: opts.path ?? '/metrics', method: opts.method ?? 'GET', headers: opts.headers, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('bearer token', () => {
  it('answers 401 with WWW-Authenticate without or with a wrong token, 200 with the right one', async () => {
    const port = await serve(createMetricsHandler(makeObs(), { token: TOKEN }), '127.0.0.1');
    const none = await get(port);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(none.body).not.toContain('service_up');
    const wrong = await get(port, { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    const basic = await get(port, { headers: { authorization: `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}` } });
    expect(basic.status).toBe(401);
    const right = await get(port, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(right.status).toBe(200);
    expect(right.body).toContain(`${SERVICE_METRICS.up.name}{service="api"} 1`);
  });

  it('rejects unusable tokens at start-up without echoing them', () => {
    expect(() => createScrapeGuard({ token: 'short' })).toThrowError(/OBS_ERR_INVALID_TOKEN.*`token`/);
    expect(() => createScrapeGuard({ token: 'has a space in the middle!' })).toThrowError(/OBS_ERR_INVALID_TOKEN/);
    expect(errorOf(() => createScrapeGuard({ token: 'hunter2' }), Error).message).not.toContain('hunter2');
    expect(() => createScrapeGuard({ token: TOKEN, tokens: [] } as ProtectionOptions)).toThrowError(/OBS_ERR_INVALID_OPTION.*tokens/);
  });
});

describe('IP allowlist', () => {
  it('accepts and rejects IPv4 peers by CIDR and single address', async () => {
    const allowed = await serve(createMetricsHandler(makeObs(), { allow: ['127.0.0.0/8'] }), '127.0.0.1');
    expect((await get(allowed)).status).toBe(200);
    const single = await serve(createMetricsHandler(makeObs(), { allow: ['127.0.0.1'] }), '127.0.0.1');
    expect((await get(single)).status).toBe(200);
    const other = await serve(createMetricsHandler(makeObs(), { allow: ['10.0.0.0/8', '192.168.1.7'] }), '127.0.0.1');
    const denied = await get(other);
    expect(denied.status).toBe(403);
    expect(denied.body).not.toContain('service_up');
  });

  it('accepts and rejects IPv6 peers', async () => {
    const allowed = await serve(createMetricsHandler(makeObs(), { allow: ['::1/128'] }), '::1');
    expect((await get(allowed, { host: '::1' })).status).toBe(200);
    const other = await serve(createMetricsHandler(makeObs(), { allow: ['fd00::/8', '127.0.0.1'] }), '::1');
    expect((await get(other, { host: '::1' })).status).toBe(403);
  });

  it('matches v4-mapped peers of a dual-stack listener against IPv4 entries', async () => {
    const allowed = await serve(createMetricsHandler(makeObs(), { allow: ['127.0.0.1/32'] }), '::');
    // The server sees ::ffff:127.0.0.1 for this IPv4 client.
    expect((await get(allowed, { host: '127.0.0.1' })).status).toBe(200);
    const denied = await serve(createMetricsHandler(makeObs(), { allow: ['10.0.0.0/8'] }), '::');
    expect((await get(denied, { host: '127.0.0.1' })).status).toBe(403);
  });

  it('uses X-Forwarded-For only when proxy hops are trusted, counting from the right', async () => {
    const xff = { 'x-forwarded-for': '10.1.2.3, 192.168.0.9' };
    const untrusted = await serve(createMetricsHandler(makeObs(), { allow: ['10.0.0.0/8'] }), '127.0.0.1');
    expect((await get(untrusted, { headers: xff })).status).toBe(403);
    const oneHop = await serve(createMetricsHandler(makeObs(), { allow: ['192.168.0.0/16'], trustProxyHops: 1 }), '127.0.0.1');
    expect((await get(oneHop, { headers: xff })).status).toBe(200);
    const twoHops = await serve(createMetricsHandler(makeObs(), { allow: ['10.0.0.0/8'], trustProxyHops: 2 }), '127.0.0.1');
    expect((await get(twoHops, { headers: xff })).status).toBe(200);
    expect((await get(oneHop, { headers: { 'x-forwarded-for': '10.1.2.3' } })).status).toBe(403);
  });

  it('checks the allowlist before the token, and rejects bad entries at start-up naming the entry', async () => {
    const port = await serve(createMetricsHandler(makeObs(), { allow: ['10.0.0.0/8'], token: TOKEN }), '127.0.0.1');
    expect((await get(port, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(403);
    expect(() => createScrapeGuard({ allow: ['10.0.0.0/33'] })).toThrowError(/OBS_ERR_INVALID_CIDR.*allow\[0\]/);
    expect(() => createScrapeGuard({ allow: ['::1', 'localhost'] })).toThrowError(/OBS_ERR_INVALID_CIDR.*allow\[1\].*"localhost"/);
    expect(() => createScrapeGuard({ allow: [] })).toThrowError(/OBS_ERR_INVALID_CIDR/);
    expect(() => createScrapeGuard({ trustProxyHops: -1 })).toThrowError(/OBS_ERR_INVALID_OPTION.*trustProxyHops/);
  });
});

describe('content negotiation', () => {
  it('serves OpenMetrics with # EOF when asked, Prometheus text otherwise, without disturbing each other', async () => {
    const obs = makeObs();
    obs.http.start();
    obs.http.finish('GET', '/users/:id', 200, 0.02);
    const accept = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
    const [om, text] = await Promise.all([scrape(obs, accept), scrape(obs)]);
    expect(om.contentType).toBe(OPENMETRICS_CONTENT_TYPE);
    expect(om.body.endsWith('# EOF\n')).toBe(true);
    expect(om.body).toContain('# TYPE http_requests counter');
    expect(om.body).toContain('http_requests_total{method="GET",path="/users/:id",status="200",service="api"} 1');
    expect(text.contentType).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(text.body).not.toContain('# EOF');
    // The shared metric objects keep their names: a text scrape after an OpenMetrics one is unchanged.
    const after = await scrape(obs, 'text/plain');
    expect(after.body).toContain(`# TYPE ${HTTP_METRICS.requestsTotal.name} counter`);
    expect(after.body).toContain('http_requests_total{method="GET",path="/users/:id",status="200",service="api"} 1');
    expect(after.body).not.toContain('# TYPE http_requests counter');
    // A metric registered after the first OpenMetrics scrape appears in the next one.
    obs.counter({ name: 'orders_total', type: 'counter', help: 'Orders.', unit: 'orders', labels: ['service'], group: 'app' }).inc({});
    expect((await scrape(obs, accept)).body).toContain('orders_total{service="api"} 1');
  });

  it('answers HEAD without a body and 405 for other methods', async () => {
    const port = await serve(createMetricsHandler(makeObs()), '127.0.0.1');
    const head = await get(port, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    const post = await get(port, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });
});

describe('failing collectors', () => {
  it('keeps the scrape alive when an instrument collect callback throws or rejects, warning once', async () => {
    const warnings: string[] = [];
    const obs = makeObs(warnings);
    const def = { name: 'flaky_value', type: 'gauge', help: 'Flaky.', unit: 'items', labels: ['service'], group: 'app' } as const;
    obs.gauge(def, {
      collect: () => {
        throw new Error('source down');
      },
    });
    const asyncDef = { ...def, name: 'flaky_async_value' } as const;
    obs.gauge(asyncDef, { collect: () => Promise.reject(new Error('timeout')) });
    const port = await serve(createMetricsHandler(obs), '127.0.0.1');
    const first = await get(port);
    const second = await get(port);
    expect(first.status).toBe(200);
    expect(second.body).toContain(`${SERVICE_METRICS.up.name}{service="api"} 1`);
    expect(warnings.filter((w) => w === 'OBS_WARN_COLLECT_FAILED')).toHaveLength(2);
  });

  it('answers 500 with a short text and one warning when a raw registry metric fails', async () => {
    const warnings: string[] = [];
    const obs = makeObs(warnings);
    obs.registry.registerMetric({
      name: 'raw_broken',
      help: 'x',
      get: () => Promise.reject(new Error('broken')),
    } as never);
    const port = await serve(createMetricsHandler(obs), '127.0.0.1');
    expect((await get(port)).status).toBe(500);
    const again = await get(port);
    expect(again.status).toBe(500);
    expect(again.body).toBe('metrics collection failed\n');
    expect(warnings).toEqual(['OBS_WARN_COLLECT_FAILED']);
  });
});

describe('startMetricsServer', () => {
  it('serves its path only, keeps answering while shutdown drains, then closes', async () => {
    const obs = makeObs();
    const metrics = await startMetricsServer(obs, { port: 0, token: TOKEN });
    expect(metrics.url).toBe(`http://127.0.0.1:${metrics.port}/metrics`);
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await get(metrics.port, { path: '/other', headers: auth })).status).toBe(404);
    obs.http.start();
    const done = obs.shutdown({ timeoutMs: 5000 });
    const draining = await get(metrics.port, { headers: auth });
    expect(draining.body).toContain(`${SERVICE_METRICS.up.name}{service="api"} 0`);
    obs.http.finish('GET', '/x', 200, 0.01);
    await done;
    await expect(get(metrics.port, { headers: auth })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('rejects bad options at start-up', async () => {
    await expect(startMetricsServer(makeObs(), { port: 70000 })).rejects.toThrowError(/OBS_ERR_INVALID_OPTION.*port/);
    await expect(startMetricsServer(makeObs(), { path: 'metrics' })).rejects.toThrowError(/OBS_ERR_INVALID_OPTION.*path/);
  });
});
