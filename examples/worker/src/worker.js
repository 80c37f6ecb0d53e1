// A BullMQ worker on queue `emails`, instrumented with @obs/worker: task counts, durations, tasks in
// progress and queue sizes on its own /metrics server; JSON logs on stdout; graceful shutdown;
// traces when OTEL_TRACES_EXPORTER is set (see tracing.js).
import { telemetry, tracing } from './tracing.js';
import { createLogger, createObs } from '@obs/metrics-standard';
import { createWorkerMetrics } from '@obs/worker';
import { instrumentBullMQQueue, instrumentBullMQWorker } from '@obs/worker/bullmq';
import { Queue, Worker } from 'bullmq';
import { QUEUE, redisConnection } from './redis.js';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.METRICS_PORT ?? 9465);
const concurrency = Number(process.env.CONCURRENCY ?? 8);

const obs = createObs({ service: process.env.SERVICE_NAME ?? 'worker', version: '1.0.0' });
const log = createLogger(obs);
// wm.shutdown() → obs.shutdown() flushes the spans still buffered.
if (tracing) obs.onShutdown(() => tracing.shutdown());
const wm = createWorkerMetrics(obs, { queueSizeTimeoutMs: Number(process.env.QUEUE_SIZE_TIMEOUT_MS ?? 2000) });

// The job handler: sends an "email" (a short wait); every fifth job (data.index 4, 9, 14, …) fails.
async function sendEmail(job) {
  await new Promise((resolve) => setTimeout(resolve, job.data.workMs ?? 5));
  if (job.data.index % 5 === 4) throw new Error(`mailbox of ${job.data.to} is full`);
  // Runs inside BullMQ's job span when tracing is on: the line carries its trace_id/span_id.
  log.info({ job: job.id, task: job.name }, 'job processed');
  return { sent: true };
}

// The worker waits for Redis when it is away (maxRetriesPerRequest: null, as BullMQ requires);
// the queue used only for counting fails fast instead, so a scrape never queues up commands.
const worker = new Worker(QUEUE, sendEmail, { connection: redisConnection({ maxRetriesPerRequest: null }), concurrency, ...(telemetry ? { telemetry } : {}) });
const counts = new Queue(QUEUE, { connection: redisConnection({ enableOfflineQueue: false, maxRetriesPerRequest: 1 }) });
instrumentBullMQWorker(wm, worker);
instrumentBullMQQueue(wm, counts);

worker.on('failed', (job, err) => log.warn({ job: job?.id, task: job?.name, err: err.message }, 'job failed'));
worker.on('error', (err) => log.warn({ err: err.message }, 'worker error'));
counts.on('error', (err) => log.warn({ err: err.message }, 'queue error'));

const server = await wm.serve({ host, port });
log.info({ url: server.url, queue: QUEUE, concurrency }, 'listening');

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, async () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing active jobs');
    const drained = await wm.shutdown({ timeoutMs: 10_000 });
    await counts.close().catch(() => {});
    log.info({ drained }, 'stopped');
    process.exit(drained ? 0 : 1);
  });
}
