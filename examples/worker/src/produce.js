// `npm run produce -w examples/worker -- --count N [--delay-ms D] [--failures fifth|none]`:
// enqueue N jobs on `emails`. The worker fails a job whose data.index is 4, 9, 14, … (every fifth).
// --failures fifth (default): job i carries index i, so one job in five fails; none: the indexes
// skip every fifth, so all succeed (recovery after a failure burst, as the end-to-end suite does).
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { QUEUE, redisConnection } from './redis.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10' },
    'delay-ms': { type: 'string', default: '0' },
    failures: { type: 'string', default: 'fifth' },
  },
});
const count = Number(values.count);
const delay = Number(values['delay-ms']);
const INDEX = { fifth: (i) => i, none: (i) => i + Math.floor(i / 4) };
const indexOf = Object.hasOwn(INDEX, values.failures) ? INDEX[values.failures] : undefined;
if (!Number.isInteger(count) || count < 0 || !Number.isInteger(delay) || delay < 0 || indexOf === undefined) {
  console.error(
    JSON.stringify({
      level: 'error',
      msg: 'usage: produce --count N [--delay-ms D] [--failures fifth|none] (non-negative integers)',
      count: values.count,
      delayMs: values['delay-ms'],
      failures: values.failures,
    }),
  );
  process.exit(2);
}

const queue = new Queue(QUEUE, { connection: redisConnection() });
const jobs = Array.from({ length: count }, (_, i) => indexOf(i)).map((index) => ({
  name: 'send-welcome',
  data: { index, to: `user${index}@example.com` },
  opts: delay > 0 ? { delay } : {},
}));
for (let i = 0; i < jobs.length; i += 1000) await queue.addBulk(jobs.slice(i, i + 1000));
console.log(JSON.stringify({ msg: 'produced', queue: QUEUE, count, delayMs: delay, failing: jobs.filter((j) => j.data.index % 5 === 4).length }));
await queue.close();
