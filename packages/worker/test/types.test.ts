import { createObs } from '@obs/metrics-standard';
import { describe, expectTypeOf, it } from 'vitest';
import { instrumentBullMQWorker } from '../src/bullmq.js';
import { createWorkerMetrics, type TaskRun } from '../src/index.js';

describe('types', () => {
  const wm = createWorkerMetrics(createObs({ service: 'types', defaultMetrics: false }));

  it('wrap keeps the handler signature: sync stays sync, async stays a promise', () => {
    const sync = wm.wrap((a: number, b: string) => `${a}${b}`, { queue: 'q', task: 't' });
    expectTypeOf(sync).toEqualTypeOf<(a: number, b: string) => string>();
    const asyncFn = wm.wrap(async (job: { id: number }) => job.id, { queue: 'q', task: (job) => String(job.id) });
    expectTypeOf(asyncFn).toEqualTypeOf<(job: { id: number }) => Promise<number>>();
    expectTypeOf(wm.track({ queue: 'q', task: 't' }, () => 42)).toEqualTypeOf<number>();
    expectTypeOf(wm.begin({ queue: 'q', task: 't' })).toEqualTypeOf<TaskRun>();
  });

  it('rejects misspelled options at compile time (and at run time)', () => {
    const calls = [
      // @ts-expect-error `queue` is required
      () => wm.wrap(() => 1, { task: 't' }),
      // @ts-expect-error the task function receives the handler's arguments
      () => wm.wrap((n: number) => n, { queue: 'q', task: (s: { x: string }) => s.x }),
      // @ts-expect-error unknown option
      () => createWorkerMetrics({ service: 'x' }, { queueSizeTimeout: 5 }),
    ];
    expectTypeOf(calls).toBeArray();
  });

  it('the BullMQ adapter takes a Worker and types the task function by its job', () => {
    type W = import('bullmq').Worker<{ to: string }, void, 'send'>;
    expectTypeOf(instrumentBullMQWorker<{ to: string }, void, 'send'>).parameter(1).toEqualTypeOf<W>();
    expectTypeOf<Parameters<typeof instrumentBullMQWorker<{ to: string }, void, 'send'>>[2]>().toMatchTypeOf<
      { task?: (job: import('bullmq').Job<{ to: string }, void, 'send'>) => string } | undefined
    >();
  });
});
