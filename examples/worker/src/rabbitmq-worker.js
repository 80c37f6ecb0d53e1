// The RabbitMQ mode of this example (`npm run start:rabbitmq`): an amqplib consumer on queue `emails`
// instrumented with @obs/worker/amqplib. ack = success, reject = failure (every fifth message,
// index 4, 9, 14, …, is rejected without requeue); the queue's depth comes from the broker at
// scrape time. When the broker goes away /metrics keeps answering, and the consumer reconnects.
import { createLogger, createObs } from '@obs/metrics-standard';
import { createWorkerMetrics } from '@obs/worker';
import { instrumentAmqpChannel, instrumentAmqpQueues } from '@obs/worker/amqplib';
import amqp from 'amqplib';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.METRICS_PORT ?? 9465);
const url = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const QUEUE = process.env.RABBITMQ_QUEUE ?? 'emails';
const prefetch = Number(process.env.CONCURRENCY ?? 8);

const obs = createObs({ service: process.env.SERVICE_NAME ?? 'worker', version: '1.0.0' });
const log = createLogger(obs);
const wm = createWorkerMetrics(obs, { queueSizeTimeoutMs: Number(process.env.QUEUE_SIZE_TIMEOUT_MS ?? 2000) });

// Queue depth on a connection of its own, reopened after a broker restart.
instrumentAmqpQueues(wm, () => amqp.connect(url), [QUEUE]);

async function sendEmail(task) {
  await new Promise((resolve) => setTimeout(resolve, task.workMs ?? 2));
  if (task.index % 5 === 4) throw new Error(`mailbox of ${task.to} is full`);
}

let stopping = false;
let connection;
async function consume() {
  connection = await amqp.connect(url);
  connection.on('error', (err) => log.warn({ err: err.message }, 'connection error'));
  connection.on('close', () => {
    if (stopping) return;
    log.warn('connection closed: reconnecting');
    setTimeout(reconnect, 1000);
  });
  const channel = await connection.createChannel();
  instrumentAmqpChannel(wm, channel);
  await channel.assertQueue(QUEUE, { durable: true });
  await channel.prefetch(prefetch);
  await channel.consume(QUEUE, async (msg) => {
    if (msg === null) return;
    try {
      await sendEmail(JSON.parse(msg.content.toString()));
      channel.ack(msg);
    } catch (err) {
      log.warn({ err: err.message }, 'message rejected');
      channel.reject(msg, false);
    }
  });
  log.info({ queue: QUEUE, prefetch }, 'consuming');
}
function reconnect() {
  consume().catch((err) => {
    log.warn({ err: err.message }, 'broker unreachable: retrying');
    if (!stopping) setTimeout(reconnect, 1000);
  });
}

const server = await wm.serve({ host, port });
log.info({ url: server.url }, 'listening');
reconnect();

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, async () => {
    if (stopping) return;
    stopping = true;
    const drained = await wm.shutdown({ timeoutMs: 10_000 });
    await connection?.close().catch(() => {});
    log.info({ drained }, 'stopped');
    process.exit(drained ? 0 : 1);
  });
}
