import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { HTTP_METRICS, SERVICE_METRICS, UNMATCHED_PATH } from '@obs/metrics-standard';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type Proc, startProcess, waitForHttp } from '../../../scripts/lib/procs.mjs';
import { buildPackages } from '../../../test-utils/build.mjs';
import { sum } from '../../../test-utils/prom-text.mjs';

const dir = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'example-token-0123456789';
const REQUESTS = HTTP_METRICS.requestsTotal.name;

describe('examples/express-api (child process, built packages)', () => {
  let proc: Proc;
  let base: string;
  const lines: string[] = [];
  const auth = { authorization: `Bearer ${TOKEN}` };
  const metrics = async () => {
    const res = await fetch(`${base}/metrics`, { headers: auth });
    expect(res.status).toBe(200);
    return res.text();
  };

  beforeAll(async () => {
    buildPackages('@obs/express...');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    proc = startProcess('node', ['src/server.js'], {
      cwd: dir,
      env: { PORT: String(port), HOST: '127.0.0.1', SERVICE_NAME: 'express-api-test', METRICS_TOKEN: TOKEN },
      log: (line: string) => lines.push(line),
    });
    await waitForHttp(`${base}/healthz`);
  });
  afterAll(async () => {
    await proc?.stop();
  });

  it('serves every route with the documented status', async () => {
    const expectations: Array<[string, string, number]> = [
      ['GET', '/users/1', 200],
      ['GET', '/users/2', 200],
      ['POST', '/orders', 201],
      ['GET', '/api/v1/items/9', 200],
      ['GET', '/error', 500],
      ['GET', '/slow?ms=20', 200],
      ['GET', '/healthz', 200],
      ['GET', '/no/such/route', 404],
    ];
    for (const [method, url, status] of expectations) {
      const res = await fetch(`${base}${url}`, {
        method,
        ...(method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: '{"items":["a"]}' } : {}),
      });
      expect(res.status, `${method} ${url}`).toBe(status);
      await res.arrayBuffer();
    }
  });

  it('puts the contract on /metrics under route templates, behind the token', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong-token-0000000000' } })).status).toBe(401);
    const text = await metrics();
    expect(sum(text, REQUESTS, { path: '/users/:id', status: '200' })).toBe(2);
    expect(sum(text, REQUESTS, { method: 'POST', path: '/orders', status: '201' })).toBe(1);
    expect(sum(text, REQUESTS, { path: '/api/v1/items/:itemId', status: '200' })).toBe(1);
    expect(sum(text, REQUESTS, { path: '/error', status: '500' })).toBe(1);
    expect(sum(text, REQUESTS, { path: '/slow', status: '200' })).toBe(1);
    expect(sum(text, REQUESTS, { path: UNMATCHED_PATH, status: '404' })).toBe(1);
    expect(text).not.toContain('path="/healthz"');
    expect(text).not.toContain('path="/metrics"');
    expect(sum(text, SERVICE_METRICS.errorsTotal.name)).toBe(1);
    expect(sum(text, SERVICE_METRICS.up.name, { service: 'express-api-test' })).toBe(1);
    expect(text).toContain(`${SERVICE_METRICS.info.name}{`);
  });

  it('counts a client that goes away during /slow once, as 499', async () => {
    await new Promise<void>((resolve) => {
      const req = httpRequest(`${base}/slow?ms=400`);
      req.on('error', () => resolve());
      req.end();
      setTimeout(() => req.destroy(), 100);
    });
    await expect.poll(async () => sum(await metrics(), REQUESTS, { path: '/slow', status: '499' }), { timeout: 5000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 400)); // past the handler's own reply: still counted once
    const text = await metrics();
    expect(sum(text, REQUESTS, { path: '/slow' })).toBe(2);
  });

  it('logs JSON lines and shuts down gracefully on SIGTERM', async () => {
    const records = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.some((r) => r.msg === 'listening' && r.service === 'express-api-test')).toBe(true);
    expect(records.some((r) => r.msg === 'request failed' && r.level === 50)).toBe(true);
    const { code } = await proc.stop('SIGTERM');
    expect(code).toBe(0);
    expect(lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  });
});
