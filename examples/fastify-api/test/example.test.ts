// Starts the example as users do (`npm start -w examples/fastify-api`, built packages from dist/)
// and checks every route against what /metrics reports.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type Proc, startProcess, waitForHttp } from '../../../scripts/lib/procs.mjs';
import { buildPackages } from '../../../test-utils/build.mjs';
import { sum } from '../../../test-utils/prom-text.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const TOKEN = 'example-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('examples/fastify-api', () => {
  let proc: Proc;
  let base: string;
  const logs: string[] = [];
  const scrape = async () => (await fetch(`${base}/metrics`, { headers: auth })).text();

  beforeAll(async () => {
    buildPackages('@obs/fastify...');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    proc = startProcess('npm', ['start', '--silent', '-w', 'examples/fastify-api'], {
      cwd: root,
      env: { HOST: '127.0.0.1', PORT: String(port), SERVICE_NAME: 'fastify-example', METRICS_TOKEN: TOKEN },
      log: (line: string) => logs.push(line),
    });
    await waitForHttp(`${base}/healthz`, { timeoutMs: 20_000 });
  });
  afterAll(async () => {
    await proc?.stop();
  });

  it('serves every route', async () => {
    const users = await fetch(`${base}/users/42`);
    expect(users.status).toBe(200);
    expect(await users.json()).toMatchObject({ id: '42' });
    const order = await fetch(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sku":"a-1"}' });
    expect(order.status).toBe(201);
    expect((await fetch(`${base}/api/v1/items/7`)).status).toBe(200);
    expect((await fetch(`${base}/error`)).status).toBe(500);
    const slow = await fetch(`${base}/slow?ms=30`);
    expect(await slow.json()).toEqual({ waitedMs: 30 });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/no/such/page`)).status).toBe(404);
  });

  it('reports them on /metrics under their templates, with the token required', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong-wrong-wrong-wrong' } })).status).toBe(401);
    const text = await scrape();
    const svc = { service: 'fastify-example' };
    expect(sum(text, 'http_requests_total', { ...svc, path: '/users/:id', status: '200' })).toBe(1);
    expect(sum(text, 'http_requests_total', { ...svc, method: 'POST', path: '/orders', status: '201' })).toBe(1);
    expect(sum(text, 'http_requests_total', { ...svc, path: '/api/v1/items/:itemId', status: '200' })).toBe(1);
    expect(sum(text, 'http_requests_total', { ...svc, path: '/error', status: '500' })).toBe(1);
    expect(sum(text, 'http_requests_total', { ...svc, path: '/slow', status: '200' })).toBe(1);
    expect(sum(text, 'http_requests_total', { ...svc, path: '<unmatched>', status: '404' })).toBe(1);
    expect(sum(text, 'service_errors_total', svc)).toBe(1);
    expect(sum(text, 'service_up', svc)).toBe(1);
    expect(text).not.toContain('/healthz');
    expect(text).not.toContain('path="/metrics"');
  });

  it('logs JSON lines carrying the service name', () => {
    const lines = logs.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.service === 'fastify-example')).toBe(true);
    expect(lines.some((l) => l.level === 50 && l.req?.url === '/error')).toBe(true);
  });

  it('drains an in-flight request on SIGTERM and exits', async () => {
    const inFlight = fetch(`${base}/slow?ms=600`);
    // Wait until the server has the request in flight (the /metrics route itself is not counted).
    for (let i = 0; i < 100 && sum(await scrape(), 'http_requests_in_flight') === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const exited = proc.stop('SIGTERM', 8000);
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ waitedMs: 600 });
    await exited;
    expect(logs.some((l) => l.includes('"msg":"shutting down"'))).toBe(true);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});
