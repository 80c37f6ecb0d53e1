// The BullMQ adapter against a real redis-server on a free loopback port.
import { createObs, type Obs } from '@obs/metrics-standard';
import { type ConnectionOptions, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { instrumentBullMQQueue, instrumentBullMQWorker } from '../src/bullmq.js';
import { createWorkerMetrics } from '../src/index.js';
import { eventually, type RedisProcess, scrapeAll, startRedis, sum } from './helpers.js';

let redis: RedisProcess;
let connection: ConnectionOptions;
const cleanups: Array<() => Promise<unknown>> = [];
let n = 0;
const queueName = (base: string) => `${base}-${process.pid}-${++n}`;

beforeAll(async () => {
  redis = await startRedis();
  connection = { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null };
});
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => {});
});
afterAll(async () => {
  await redis?.stop();
});

function newObs(): Obs {
  return createObs({ service: 'bullmq-test', defaultMetrics: false, onWarning: () => {} });
}

/** Every fifth job (index 4, 9, 14, …) fails, deterministically. */
async function processor(job: { data: { index: number; ms?: number } }): Promise<string> {
  if (job.data.ms) await new Promise((r) => setTimeout(r, job.data.ms));
  else await new Promise((r) => setImmediate(r));
  if (job.data.index % 5 === 4) throw new TypeError(`job ${job.data.index} fails by design`);
  return `ok ${job.data.index}`;
}

function start(name: string, concurrency: number) {
  const queue = new Queue(name, { connection });
  const worker = new Worker(name, processor, { connection, concurrency, drainDelay: 1 });
  cleanups.push(() => queue.close(), () => worker.close());
  return { queue, worker };
}

describe('instrumentBullMQWorker', () => {
  it('500 jobs at concurrency 8: exactly 400 success, 100 failure, 500 durations, nothing left in progress', async () => {
    const obs = newObs();
    const wm = createWorkerMetrics(obs);
    const name = queueName('emails');
    const { queue, worker } = start(name, 8);
    instrumentBullMQWorker(wm, worker);
    let maxInProgress = 0;
    worker.on('active', () => {
      maxInProgress = Math.max(maxInProgress, obs.work.size);
    });
    await queue.addBulk(Array.from({ length: 500 }, (_, index) => ({ name: 'send', data: { index } })));

    await eventually(
      async () => (await sum(obs, 'worker_tasks_total', { queue: name })) >= 500,
      async () => `worker_tasks_total = ${await sum(obs, 'worker_tasks_total', { queue: name })}`,
      20_000,
    );
    // Let any stray event arrive before checking nothing is counted twice.
    await new Promise((r) => setTimeout(r, 100));
    const s = await scrapeAll(obs);
    expect(await sum(s, 'worker_tasks_total', { queue: name })).toBe(500);
    expect(await sum(s, 'worker_tasks_total', { queue: name, task: 'send', status: 'success' })).toBe(400);
    expect(await sum(s, 'worker_tasks_total', { queue: name, task: 'send', status: 'failure' })).toBe(100);
    expect(await sum(s, 'worker_task_duration_seconds_count', { queue: name, task: 'send' })).toBe(500);
    expect(await sum(s, 'worker_tasks_in_progress', { queue: name })).toBe(0);
    expect(await sum(s, 'service_errors_total', { type: 'type_error' })).toBe(100);
    expect(maxInProgress).toBeGreaterThan(1); // concurrency really was > 1
    expect(obs.work.size).toBe(0);
    // Redis's own record agrees.
    const counts = await queue.getJobCounts('completed', 'failed');
    expect(counts).toEqual({ completed: 400, failed: 100 });
  });

  it('counts each failed attempt of a retried job once and its final success once', async () => {
    const obs = newObs();
    const name = queueName('retry');
    const queue = new Queue(name, { connection });
    let calls = 0;
    const worker = new Worker(
      name,
      async () => {
        calls++;
        if (calls < 3) throw new Error('transient');
        return 'done';
      },
      { connection, drainDelay: 1 },
    );
    cleanups.push(() => queue.close(), () => worker.close());
    instrumentBullMQWorker(obs, worker); // an Obs works too: its WorkerMetrics is created once
    await queue.add('charge', {}, { attempts: 3 });
    await eventually(
      async () => (await sum(obs, 'worker_tasks_total', { queue: name })) >= 3,
      async () => `worker_tasks_total = ${await sum(obs, 'worker_tasks_total', { queue: name })}`,
    );
    const s = await scrapeAll(obs);
    expect(await sum(s, 'worker_tasks_total', { queue: name, task: 'charge', status: 'failure' })).toBe(2);
    expect(await sum(s, 'worker_tasks_total', { queue: name, task: 'charge', status: 'success' })).toBe(1);
    expect(createWorkerMetrics(obs).obs).toBe(obs);
  });

  it('shutdown() closes the worker after its active jobs finish and they are all counted', async () => {
    const obs = newObs();
    const wm = createWorkerMetrics(obs);
    const name = queueName('drain');
    const queue = new Queue(name, { connection });
    const worker = new Worker(name, processor, { connection, concurrency: 4, drainDelay: 1 });
    cleanups.push(() => queue.close());
    instrumentBullMQWorker(wm, worker);
    await queue.addBulk(Array.from({ length: 4 }, (_, index) => ({ name: 'slow', data: { index, ms: 300 } })));
    await eventually(
      () => obs.work.size === 4,
      () => `in progress: ${obs.work.size}`,
    );
    expect(await wm.shutdown({ timeoutMs: 5000 })).toBe(true);
    expect(worker.closing).toBeTruthy();
    const s = await scrapeAll(obs);
    expect(await sum(s, 'service_up')).toBe(0);
    expect(await sum(s, 'worker_tasks_total', { queue: name })).toBe(4);
    expect(await sum(s, 'worker_tasks_total', { queue: name, status: 'failure' })).toBe(0); // index 0..3: all succeed
    expect(await sum(s, 'worker_tasks_in_progress', { queue: name })).toBe(0);
  });

  it('a repeated outcome event for the same job object counts nothing', async () => {
    const obs = newObs();
    const name = queueName('dupes');
    const { queue, worker } = start(name, 2);
    instrumentBullMQWorker(obs, worker);
    const seen: unknown[] = [];
    worker.on('completed', (job) => seen.push(job));
    await queue.add('send', { index: 0 });
    await eventually(
      () => seen.length === 1,
      () => `completed events: ${seen.length}`,
    );
    worker.emit('completed', seen[0] as never, 'again', 'active');
    worker.emit('failed', seen[0] as never, new Error('late'), 'active');
    const s = await scrapeAll(obs);
    expect(await sum(s, 'worker_tasks_total', { queue: name })).toBe(1);
    expect(await sum(s, 'worker_tasks_in_progress', { queue: name })).toBe(0);
  });
});

describe('BullMQ error events', () => {
  it('are counted every time and warned once, with the message', async () => {
    const warnings: Array<{ code: string; message: string }> = [];
    const obs = createObs({ service: 'bullmq-test', defaultMetrics: false, onWarning: (code, message) => warnings.push({ code, message }) });
    const name = queueName('errors');
    const { worker } = start(name, 1);
    instrumentBullMQWorker(obs, worker);
    worker.emit('error', Object.assign(new Error('READONLY You can\'t write against a read only replica.'), { code: 'EREADONLY' }));
    worker.emit('error', Object.assign(new Error('second'), { code: 'EREADONLY' }));
    const s = await scrapeAll(obs);
    expect(await sum(s, 'service_errors_total', { type: 'ereadonly' })).toBe(2);
    const told = warnings.filter((w) => w.code === 'OBS_WARN_QUEUE_ERROR');
    expect(told).toHaveLength(1);
    expect(told[0]?.message).toContain('READONLY You can');
  });
});

describe('instrumentBullMQQueue', () => {
  it('50 delayed jobs → worker_queue_size{state="delayed"} = 50, as Redis counts them', async () => {
    const obs = newObs();
    const wm = createWorkerMetrics(obs);
    const name = queueName('later');
    const queue = new Queue(name, { connection });
    cleanups.push(() => queue.close());
    instrumentBullMQQueue(wm, queue);
    await queue.addBulk(Array.from({ length: 50 }, (_, index) => ({ name: 'remind', data: { index }, opts: { delay: 60_000 } })));
    await queue.add('now', { index: 0 });

    const s = await scrapeAll(obs);
    const delayed = await sum(s, 'worker_queue_size', { queue: name, state: 'delayed' });
    expect(delayed).toBe(50);
    expect(await sum(s, 'worker_queue_size', { queue: name, state: 'waiting' })).toBe(1);
    expect(await sum(s, 'worker_queue_size', { queue: name, state: 'failed' })).toBe(0);
    const client = new Redis(redis.url);
    try {
      expect(await client.zcard(`bull:${name}:delayed`)).toBe(delayed);
      expect(await client.llen(`bull:${name}:wait`)).toBe(1);
    } finally {
      client.disconnect();
    }
    expect((await queue.getJobCounts('delayed')).delayed).toBe(delayed);
  });

  it('rejects a second source for the same queue name and bad options, with coded errors', () => {
    const obs = newObs();
    const queue = { name: 'q', getJobCounts: async () => ({}) };
    instrumentBullMQQueue(obs, queue);
    expect(() => instrumentBullMQQueue(obs, queue)).toThrow(expect.objectContaining({ code: 'OBS_ERR_INVALID_OPTION', option: 'queue' }));
    expect(() => instrumentBullMQQueue(obs, queue, { queue: 'other', states: [] })).toThrow(expect.objectContaining({ option: 'states' }));
    expect(() => instrumentBullMQQueue(obs, queue, { interval: 5 } as never)).toThrow(expect.objectContaining({ option: 'interval' }));
  });
});
