// `npm run produce:rabbitmq -w examples/worker -- --count N [--failures fifth|none]`: publish N
// persistent messages (type `send-email`) to queue `emails` and wait for the broker's confirms.
// --failures fifth (default): message i carries index i, so one in five is rejected; none: the
// indexes skip every fifth.
import { parseArgs } from 'node:util';
import amqp from 'amqplib';

const { values } = parseArgs({ options: { count: { type: 'string', default: '10' }, failures: { type: 'string', default: 'fifth' }, queue: { type: 'string' } } });
const count = Number(values.count);
const INDEX = { fifth: (i) => i, none: (i) => i + Math.floor(i / 4) };
const indexOf = Object.hasOwn(INDEX, values.failures) ? INDEX[values.failures] : undefined;
if (!Number.isInteger(count) || count < 0 || indexOf === undefined) {
  console.error(JSON.stringify({ level: 'error', msg: 'usage: rabbitmq-produce --count N [--failures fifth|none] [--queue name]', count: values.count, failures: values.failures }));
  process.exit(2);
}
const queue = values.queue ?? process.env.RABBITMQ_QUEUE ?? 'emails';
const connection = await amqp.connect(process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
const channel = await connection.createConfirmChannel();
await channel.assertQueue(queue, { durable: true });
for (let i = 0; i < count; i++) {
  const body = Buffer.from(JSON.stringify({ index: indexOf(i), to: `user${i}@example.com` }));
  channel.sendToQueue(queue, body, { persistent: true, type: 'send-email' });
}
await channel.waitForConfirms();
await connection.close();
console.log(JSON.stringify({ level: 'info', msg: 'published', queue, count }));
