// The example worker as users run it: a child process on the built packages, a real redis-server,
// jobs produced with `src/produce.js`, metrics read over HTTP from its /metrics server.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startProcess, startRedis, waitForHttp } from '../../../scripts/lib/procs.mjs';
import { parseMetrics, select, sum as total } from '../../../test-utils/prom-text.mjs';

const dir = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const QUEUE_SIZE_TIMEOUT_MS = 1000;

let redis;
let worker;
let metricsUrl;
const logs = [];

async function scrape(timeoutMs = QUEUE_SIZE_TIMEOUT_MS + 3000) {
  const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(timeoutMs) });
  expect(res.status).toBe(200);
  return parseMetrics(await res.text());
}

function has(samples, name, match) {
  return select(samples, name, match).length > 0;
}

async function until(check, what, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await scrape();
    if (check(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; worker log tail:\n${logs.slice(-10).join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function produce(...args) {
  return run('node', ['src/produce.js', ...args], { cwd: dir, env: { ...process.env, REDIS_URL: redis.url } });
}

beforeAll(async () => {
  redis = await startRedis();
  const port = await freePort();
  worker = startProcess('node', ['src/worker.js'], {
    cwd: dir,
    env: { REDIS_URL: redis.url, METRICS_PORT: String(port), HOST: '127.0.0.1', CONCURRENCY: '8', QUEUE_SIZE_TIMEOUT_MS: String(QUEUE_SIZE_TIMEOUT_MS) },
    log: (line) => logs.push(line),
  });
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  await waitForHttp(metricsUrl, { timeoutMs: 15_000 });
});

afterAll(async () => {
  await worker?.stop();
  await redis?.stop();
});

describe('examples/worker (BullMQ on a real redis-server)', () => {
  it('500 jobs → exactly 400 success and 100 failure, 500 durations, nothing left in progress', async () => {
    const { stdout } = await produce('--count', '500');
    expect(JSON.parse(stdout)).toMatchObject({ count: 500, failing: 100 });
    await until((s) => total(s, 'worker_tasks_total', { queue: 'emails' }) >= 500, '500 tasks');
    await new Promise((r) => setTimeout(r, 200)); // a double count would show up by now
    const s = await scrape();
    expect(total(s, 'worker_tasks_total', { service: 'worker', queue: 'emails' })).toBe(500);
    expect(total(s, 'worker_tasks_total', { queue: 'emails', task: 'send-welcome', status: 'success' })).toBe(400);
    expect(total(s, 'worker_tasks_total', { queue: 'emails', task: 'send-welcome', status: 'failure' })).toBe(100);
    expect(total(s, 'worker_task_duration_seconds_count', { queue: 'emails' })).toBe(500);
    expect(total(s, 'worker_tasks_in_progress', { queue: 'emails' })).toBe(0);
    expect(total(s, 'worker_queue_size', { queue: 'emails', state: 'completed' })).toBe(400);
    expect(total(s, 'worker_queue_size', { queue: 'emails', state: 'failed' })).toBe(100);
    // JSON logs on stdout, one per failed job.
    const failed = logs.map((l) => JSON.parse(l)).filter((l) => l.msg === 'job failed');
    expect(failed).toHaveLength(100);
    expect(failed[0]).toMatchObject({ service: 'worker', level: 40 });
  });

  it('50 delayed jobs → worker_queue_size{state="delayed"} = 50, as Redis counts them', async () => {
    await produce('--count', '50', '--delay-ms', '600000');
    const s = await until((x) => total(x, 'worker_queue_size', { queue: 'emails', state: 'delayed' }) === 50, '50 delayed');
    const queue = new Queue('emails', { connection: { host: '127.0.0.1', port: redis.port } });
    try {
      expect((await queue.getJobCounts('delayed')).delayed).toBe(50);
      expect(await (await queue.client).zcard('bull:emails:delayed')).toBe(50);
    } finally {
      await queue.close();
    }
    expect(total(s, 'worker_queue_size', { queue: 'emails', state: 'waiting' })).toBe(0);
  });

  it('Redis stopped → /metrics still answers, the worker lives, the failure shows; Redis back → sizes return', async () => {
    const port = redis.port;
    await redis.stop();

    // Answers within the queue-size timeout plus a margin (the fetch aborts otherwise).
    const during = await scrape(QUEUE_SIZE_TIMEOUT_MS + 2000);
    expect(has(during, 'worker_queue_size', { queue: 'emails' })).toBe(false);
    expect(total(during, 'service_up')).toBe(1);
    expect(total(during, 'worker_tasks_total', { queue: 'emails' })).toBe(500); // counters survive the outage
    await until((s) => total(s, 'service_errors_total', { type: 'queue_size_failed' }) >= 1, 'queue_size_failed counted');
    await new Promise((r) => setTimeout(r, 1500)); // reconnect attempts fail meanwhile
    expect(worker.child.exitCode).toBe(null);
    expect(worker.child.signalCode).toBe(null);
    expect(logs.some((l) => l.includes('OBS_WARN_QUEUE_SIZE_FAILED'))).toBe(true);

    redis = await startRedis({ port }); // a fresh, empty Redis on the same port
    await until((s) => has(s, 'worker_queue_size', { queue: 'emails', state: 'delayed' }), 'queue sizes back');
    await produce('--count', '10', '--delay-ms', '600000');
    await until((s) => total(s, 'worker_queue_size', { queue: 'emails', state: 'delayed' }) === 10, '10 delayed after restart');
    // The worker reconnected too: new jobs are processed and counted.
    await produce('--count', '5');
    const after = await until((s) => total(s, 'worker_tasks_total', { queue: 'emails' }) >= 505, '5 more tasks after restart');
    expect(total(after, 'worker_tasks_total', { queue: 'emails', status: 'success' })).toBe(404);
    expect(total(after, 'worker_tasks_total', { queue: 'emails', status: 'failure' })).toBe(101);
  });

  it('SIGTERM → drains and exits 0', async () => {
    const exited = worker.exited;
    process.kill(worker.pid, 'SIGTERM');
    const { code } = await Promise.race([exited, once(worker.child, 'exit').then(([c]) => ({ code: c }))]);
    expect(code).toBe(0);
    expect(logs.map((l) => (l.startsWith('{') ? JSON.parse(l) : {})).find((l) => l.msg === 'stopped')).toMatchObject({ drained: true });
  });
});
