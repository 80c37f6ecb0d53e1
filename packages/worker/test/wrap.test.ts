import { createObs, type Obs } from '@obs/metrics-standard';
import { createWorkerMetrics } from '../src/index.js';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../../../test-utils/errors.mjs';
import { samples, sum } from './helpers.js';

function setup() {
  const warnings: string[] = [];
  const obs = createObs({ service: 'wrap-test', defaultMetrics: false, onWarning: (code) => warnings.push(code) });
  return { obs, wm: createWorkerMetrics(obs), warnings };
}

const total = (obs: Obs, status: string, task = 'send') => sum(obs, 'worker_tasks_total', { queue: 'emails', task, status });

describe('wrap: the handler passes through unchanged', () => {
  it('a sync handler stays sync and returns the very same value', async () => {
    const { obs, wm } = setup();
    const value = { id: 1 };
    const wrapped = wm.wrap((a: number, b: number) => (a + b === 3 ? value : null), { queue: 'emails', task: 'send' });
    const out = wrapped(1, 2);
    expect(out).toBe(value); // not a promise: same object, synchronously
    expect(await total(obs, 'success')).toBe(1);
    expect(await sum(obs, 'worker_task_duration_seconds_count', { queue: 'emails', task: 'send' })).toBe(1);
    expect(await sum(obs, 'worker_tasks_in_progress', { queue: 'emails' })).toBe(0);
  });

  it('a sync throw is rethrown as the identical object, counted as failure with its type', async () => {
    const { obs, wm } = setup();
    const boom = Object.assign(new Error('smtp down'), { code: 'ESMTPDOWN' });
    const wrapped = wm.wrap(() => {
      throw boom;
    }, { queue: 'emails', task: 'send' });
    expect(errorOf(() => wrapped())).toBe(boom);
    expect(await total(obs, 'failure')).toBe(1);
    expect(await total(obs, 'success')).toBe(0);
    expect(await sum(obs, 'service_errors_total', { type: 'esmtpdown' })).toBe(1);
  });

  it('an async handler returns the same promise object; in progress while it runs', async () => {
    const { obs, wm } = setup();
    let release!: (v: string) => void;
    const p = new Promise<string>((r) => {
      release = r;
    });
    const wrapped = wm.wrap(() => p, { queue: 'emails', task: 'send' });
    const out = wrapped();
    expect(out).toBe(p);
    expect(await sum(obs, 'worker_tasks_in_progress', { queue: 'emails' })).toBe(1);
    expect(obs.work.size).toBe(1);
    release('sent');
    expect(await out).toBe('sent');
    // Our outcome handler was attached before the caller's await, so it has already run.
    expect(await total(obs, 'success')).toBe(1);
    expect(await sum(obs, 'worker_tasks_in_progress', { queue: 'emails' })).toBe(0);
    expect(obs.work.size).toBe(0);
  });

  it('an async rejection reaches the caller as the identical error and counts one failure', async () => {
    const { obs, wm } = setup();
    class MailError extends Error {
      override name = 'MailError';
    }
    const err = new MailError('bounced');
    const wrapped = wm.wrap(async (_job: { to: string }) => {
      throw err;
    }, { queue: 'emails', task: 'send' });
    await expect(wrapped({ to: 'x' })).rejects.toBe(err);
    expect(await total(obs, 'failure')).toBe(1);
    expect(await sum(obs, 'service_errors_total', { type: 'mail_error' })).toBe(1);
  });

  it('keeps `this`, takes the task from the arguments, and counts each call exactly once', async () => {
    const { obs, wm } = setup();
    const handler = {
      prefix: 'hi ',
      run(this: { prefix: string }, msg: { type: string; to: string }) {
        return this.prefix + msg.to;
      },
    };
    const wrapped = wm.wrap(handler.run, { queue: 'emails', task: (msg) => msg.type });
    const bound = { prefix: 'hello ', run: wrapped };
    expect(bound.run({ type: 'welcome', to: 'ann' })).toBe('hello ann');
    for (let i = 0; i < 9; i++) bound.run({ type: i % 3 === 0 ? 'reset' : 'welcome', to: 'bob' });
    expect(await total(obs, 'success', 'welcome')).toBe(7);
    expect(await total(obs, 'success', 'reset')).toBe(3);
    expect(await sum(obs, 'worker_tasks_total')).toBe(10);
  });

  it('adopts a non-native thenable once (a lazy query does not run twice)', async () => {
    const { obs, wm } = setup();
    let runs = 0;
    // A lazy thenable (like a query builder) does its work each time `then` is called.
    const lazy: PromiseLike<number> = Object.defineProperty({}, 'then', {
      value: (resolve: (v: number) => void) => {
        runs++;
        resolve(42);
      },
    }) as PromiseLike<number>;
    const wrapped = wm.wrap(() => lazy, { queue: 'emails', task: 'send' });
    expect(await wrapped()).toBe(42);
    expect(runs).toBe(1);
    expect(await total(obs, 'success')).toBe(1);
  });

  it('track() runs a function now as one task; begin() ends exactly once', async () => {
    const { obs, wm } = setup();
    expect(wm.track({ queue: 'emails', task: 'send' }, () => 'ok')).toBe('ok');
    const run = wm.begin({ queue: 'emails', task: 'send' });
    expect(run.success()).toBe(true);
    expect(run.failure(new Error('late'))).toBe(false);
    expect(run.success()).toBe(false);
    const abandoned = wm.begin({ queue: 'emails', task: 'send' });
    expect(abandoned.abandon()).toBe(true);
    expect(await total(obs, 'success')).toBe(2);
    expect(await total(obs, 'failure')).toBe(0);
    expect(await sum(obs, 'worker_tasks_in_progress')).toBe(0);
    expect(obs.work.size).toBe(0);
  });

  it('uses obs.buckets.worker for the duration histogram', async () => {
    const obs = createObs({ service: 'wrap-test', defaultMetrics: false, buckets: { worker: [1, 60, 3600] } });
    const wm = createWorkerMetrics(obs);
    wm.track({ queue: 'q', task: 't' }, () => undefined);
    const les = (await samples(obs, 'worker_task_duration_seconds_bucket')).map((s) => String(s.labels.le));
    expect(les).toEqual(['1', '60', '3600', '+Inf']);
  });

  it('one instance per obs; bad options are coded start-up errors naming the option', () => {
    const { obs, wm } = setup();
    expect(createWorkerMetrics(obs)).toBe(wm);
    expect(() => createWorkerMetrics(createObs({ service: 'x', defaultMetrics: false }), { queueSizeTimeoutMs: -5 })).toThrow(
      expect.objectContaining({ code: 'OBS_ERR_INVALID_OPTION', option: 'queueSizeTimeoutMs' }),
    );
    expect(() => createWorkerMetrics(createObs({ service: 'x', defaultMetrics: false }), { timeout: 5 } as never)).toThrow(
      expect.objectContaining({ code: 'OBS_ERR_INVALID_OPTION', option: 'timeout' }),
    );
    expect(() => wm.wrap(() => 1, { queue: '', task: 'a' })).toThrow(expect.objectContaining({ code: 'OBS_ERR_INVALID_OPTION', option: 'queue' }));
    expect(() => createWorkerMetrics({ service: 'Bad Name' })).toThrow(expect.objectContaining({ code: 'OBS_ERR_INVALID_SERVICE_NAME' }));
  });

  it('createWorkerMetrics(options) creates its own obs', async () => {
    const wm = createWorkerMetrics({ service: 'standalone-worker', defaultMetrics: false });
    expect(wm.obs.service).toBe('standalone-worker');
    wm.track({ queue: 'q', task: 't' }, () => 1);
    expect(await sum(wm.obs, 'worker_tasks_total', { service: 'standalone-worker' })).toBe(1);
  });
});

describe('shutdown drains in-progress tasks', () => {
  it('service_up goes to 0 at once, waits for the running task, closes consumers, resolves true', async () => {
    const { obs, wm } = setup();
    const order: string[] = [];
    wm.onClose(() => {
      order.push('close');
    });
    let release!: () => void;
    const task = wm.wrap(
      () =>
        new Promise<void>((r) => {
          release = r;
        }),
      { queue: 'emails', task: 'send' },
    );
    const running = task().then(() => order.push('task done'));
    const done = wm.shutdown({ timeoutMs: 5000 });
    expect(await sum(obs, 'service_up')).toBe(0);
    expect(await sum(obs, 'worker_tasks_in_progress')).toBe(1);
    release();
    await running;
    expect(await done).toBe(true);
    expect(order).toEqual(['close', 'task done']);
    expect(await total(obs, 'success')).toBe(1);
    expect(wm.shutdown()).toBe(done);
  });

  it('resolves false when a task outlives the timeout', async () => {
    const { wm } = setup();
    wm.begin({ queue: 'emails', task: 'stuck' });
    expect(await wm.shutdown({ timeoutMs: 20 })).toBe(false);
  });
});
