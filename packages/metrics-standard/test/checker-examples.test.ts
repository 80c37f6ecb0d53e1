// checkContract against the other runnable examples (built packages, child processes): the
// Fastify and Express APIs, and the BullMQ worker on a real redis-server.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkContract } from '../src/index.js';
import { freePort, startProcess, startRedis, waitForHttp } from '../../../scripts/lib/procs.mjs';
import { buildPackages } from '../../../test-utils/build.mjs';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 180_000 });

const root = fileURLToPath(new URL('../../..', import.meta.url));
const example = (name: string) => join(root, 'examples', name);
type Proc = { stop(): Promise<unknown> };
const procs: Proc[] = [];
const urls: Record<string, string> = {};

beforeAll(async () => {
  buildPackages('@obs/fastify', '@obs/express', '@obs/worker');
  const redis = await startRedis();
  procs.push(redis);
  for (const name of ['fastify-api', 'express-api']) {
    const port = await freePort();
    procs.push(startProcess('node', ['src/server.js'], { cwd: example(name), env: { PORT: String(port), HOST: '127.0.0.1', METRICS_TOKEN: '' } }));
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/metrics`);
    for (const path of ['/users/1', '/users/2', '/no/such/route/42', '/error']) await (await fetch(`${base}${path}`)).arrayBuffer();
    urls[name] = `${base}/metrics`;
  }
  const metricsPort = await freePort();
  procs.push(startProcess('node', ['src/worker.js'], { cwd: example('worker'), env: { REDIS_URL: redis.url, METRICS_PORT: String(metricsPort), HOST: '127.0.0.1' } }));
  urls.worker = `http://127.0.0.1:${metricsPort}/metrics`;
  await waitForHttp(urls.worker);
  execFileSync('node', ['src/produce.js', '--count', '10'], { cwd: example('worker'), env: { ...process.env, REDIS_URL: redis.url } });
  // Wait until the ten jobs are done, read from the worker's own metrics.
  const deadline = Date.now() + 20_000;
  for (;;) {
    const text = await (await fetch(urls.worker)).text();
    const done = [...text.matchAll(/^worker_tasks_total\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
    if (done >= 10) break;
    if (Date.now() > deadline) throw new Error(`the worker finished ${done} of 10 jobs`);
    await new Promise((r) => setTimeout(r, 200));
  }
});

afterAll(async () => {
  for (const p of procs.reverse()) await p.stop();
});

describe('obs-contract passes on every example', () => {
  it.each([
    ['fastify-api', ['service', 'http']],
    ['express-api', ['service', 'http']],
    // A worker never touches obs.http, so it exposes no http_* series and is judged as a worker only.
    ['worker', ['service', 'worker']],
  ])('%s speaks the contract', async (name, groups) => {
    const r = await checkContract(urls[name] as string, { profile: name === 'worker' ? 'worker' : 'http' });
    expect(r.rules.filter((x) => !x.ok)).toEqual([]);
    expect(r.groups).toEqual(groups);
    if (name === 'worker') expect(r.rules.find((x) => x.id === 'histogram-buckets')?.message).toMatch(/^1 histogram series has/);
  });
});
