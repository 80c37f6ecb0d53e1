// A BullMQ worker as the @obs/worker README writes it, on the Redis at $REDIS_URL; its metrics
// server checked by the installed obs-contract.
import { createObs } from '@obs/metrics-standard';
import { createWorkerMetrics } from '@obs/worker';
import { instrumentBullMQQueue, instrumentBullMQWorker } from '@obs/worker/bullmq';
import { Queue, Worker } from 'bullmq';
import { assert, contractCheck, report, scrape, sum } from './lib.mjs';

const redis = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const connection = { host: redis.hostname, port: Number(redis.port), maxRetriesPerRequest: null };
const prefix = `release-${process.pid}`; // one Redis serves every run: keep their keys apart
const wm = createWorkerMetrics(createObs({ service: 'release-worker' }));

const worker = new Worker(
  'emails',
  async (job) => {
    if (job.data.fail) throw new Error('bounce');
    return job.data.n;
  },
  { connection, prefix, concurrency: 2 },
);
instrumentBullMQWorker(wm, worker);
const queue = new Queue('emails', { connection: { ...connection, enableOfflineQueue: false }, prefix });
instrumentBullMQQueue(wm, queue);
const server = await wm.serve({ host: '127.0.0.1', port: 0 });
try {
  await queue.waitUntilReady();
  for (let n = 0; n < 3; n++) await queue.add('send', { n, fail: n === 2 }, { removeOnComplete: true, removeOnFail: true });
  const deadline = Date.now() + 30_000;
  let text = await scrape(server.url);
  while (sum(text, 'worker_tasks_total', { queue: 'emails' }) < 3) {
    assert(Date.now() < deadline, `3 jobs not counted within 30 s:\n${text.split('\n').filter((l) => l.startsWith('worker_')).join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
    text = await scrape(server.url);
  }
  const failed = sum(text, 'worker_tasks_total', { queue: 'emails', status: 'failure' });
  assert(failed === 1, `worker_tasks_total{status="failure"} is ${failed}, expected 1`);
  report('worker', await contractCheck(server.url), ['@obs/worker', '@obs/metrics-standard']);
} finally {
  await worker.close();
  await queue.close();
  await wm.shutdown({ timeoutMs: 2000 });
}
