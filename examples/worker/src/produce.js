// `npm run produce -w examples/worker -- --count N [--delay-ms D]`: enqueue N jobs on `emails`.
// Job i carries data.index = i; the worker fails every fifth one (index 4, 9, 14, …).
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { QUEUE, redisConnection } from './redis.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10' },
    'delay-ms': { type: 'string', default: '0' },
  },
});
const count = Number(values.count);
const delay = Number(values['delay-ms']);
if (!Number.isInteger(count) || count < 0 || !Number.isInteger(delay) || delay < 0) {
  console.error(JSON.stringify({ level: 'error', msg: 'usage: produce --count N [--delay-ms D] (non-negative integers)', count: values.count, delayMs: values['delay-ms'] }));
  process.exit(2);
}

const queue = new Queue(QUEUE, { connection: redisConnection() });
const jobs = Array.from({ length: count }, (_, index) => ({
  name: 'send-welcome',
  data: { index, to: `user${index}@example.com` },
  opts: delay > 0 ? { delay } : {},
}));
for (let i = 0; i < jobs.length; i += 1000) await queue.addBulk(jobs.slice(i, i + 1000));
console.log(JSON.stringify({ msg: 'produced', queue: QUEUE, count, delayMs: delay, failing: jobs.filter((j) => j.data.index % 5 === 4).length }));
await queue.close();
