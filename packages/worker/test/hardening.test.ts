import { createObs } from '@obs/metrics-standard';
import { describe, expect, it } from 'vitest';
import { createWorkerMetrics } from '../src/index.js';
import { sum } from './helpers.js';

function setup() {
  const warnings: Array<{ code: string; message: string }> = [];
  const obs = createObs({ service: 'worker-hardening', defaultMetrics: false, onWarning: (code, message) => warnings.push({ code, message }) });
  return { obs, wm: createWorkerMetrics(obs), warnings };
}

describe('track and begin never throw a TypeError into the consumer', () => {
  it.each([
    ['no labels', undefined],
    ['null', null],
    ['a string', 'emails'],
    ['an empty queue', { queue: '', task: 'send' }],
    ['an object as task', { queue: 'emails', task: { id: 1 } }],
  ])('%s: the job runs, is recorded under "unknown" and warned about once', async (_label, labels) => {
    const { obs, wm, warnings } = setup();
    expect(wm.track(labels as never, () => 42)).toBe(42);
    const run = wm.begin(labels as never);
    expect(run.success()).toBe(true);
    expect(await sum(obs, 'worker_tasks_total', { status: 'success' })).toBe(2);
    const bad = warnings.filter((w) => w.code === 'OBS_WARN_RECORD_FAILED');
    expect(bad).toHaveLength(1);
    expect(bad[0]?.message).toMatch(/track\(\)\/begin\(\) expect \{ queue, task \}/);
  });

  it('numbers are accepted as label values', async () => {
    const { obs, wm, warnings } = setup();
    wm.track({ queue: 'q', task: 7 as never }, () => undefined);
    expect(await sum(obs, 'worker_tasks_total', { queue: 'q', task: '7' })).toBe(1);
    expect(warnings).toEqual([]);
  });
});

describe('serve() and the token contract', () => {
  it('a token key with an undefined value (METRICS_TOKEN unset) is refused, never served open', async () => {
    const { wm } = setup();
    await expect(wm.serve({ port: 0, token: process.env.OBS_TEST_UNSET_TOKEN })).rejects.toMatchObject({ code: 'OBS_ERR_MISSING_TOKEN' });
  });
});
