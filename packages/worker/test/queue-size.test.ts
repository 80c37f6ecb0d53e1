import { createObs } from '@obs/metrics-standard';
import { createWorkerMetrics, QUEUE_SIZE_FAILED_ERROR_TYPE, type QueueCounts } from '../src/index.js';
import { describe, expect, it } from 'vitest';
import { type Sample, samples, scrapeAll, sum } from './helpers.js';

function setup(queueSizeTimeoutMs = 50) {
  const warnings: Array<{ code: string; message: string }> = [];
  const obs = createObs({ service: 'queue-test', defaultMetrics: false, onWarning: (code, message) => warnings.push({ code, message }) });
  return { obs, wm: createWorkerMetrics(obs, { queueSizeTimeoutMs }), warnings };
}

type Scrape = Map<string, Sample[]>;

/** `queue/state → value` of worker_queue_size in one scrape. */
async function sizes(from: ReturnType<typeof setup>['obs'] | Scrape): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const s of await samples(from, 'worker_queue_size')) out[`${s.labels.queue}/${s.labels.state}`] = s.value;
  return out;
}

/**
 * service_errors_total{type="queue_size_failed"} read from the counter itself. A scrape serialises
 * this counter before the queue-size collect finishes, so a scrape shows the failures of the
 * scrapes before it.
 */
async function failures(obs: ReturnType<typeof setup>['obs']): Promise<number> {
  const { values } = await obs.errors.counter.metric.get();
  return values.filter((v) => v.labels.type === QUEUE_SIZE_FAILED_ERROR_TYPE).reduce((a, v) => a + v.value, 0);
}

describe('queue-size sources, sampled at scrape time', () => {
  it('one hanging and one throwing source do not blank the healthy ones', async () => {
    const { obs, wm, warnings } = setup();
    let hangingCalls = 0;
    let hang = true;
    let releaseHanging!: (c: QueueCounts) => void;
    wm.addQueueSizeSource('emails', () => ({ waiting: 3, delayed: 50 }));
    wm.addQueueSizeSource('reports', async () => ({ waiting: 1 }));
    wm.addQueueSizeSource('stuck', () => {
      hangingCalls++;
      if (!hang) return { waiting: 7 };
      return new Promise<QueueCounts>((r) => {
        releaseHanging = r;
      });
    });
    wm.addQueueSizeSource('broken', () => {
      throw new Error('ECONNREFUSED 127.0.0.1:6379');
    });

    const first = await scrapeAll(obs);
    expect(await sizes(first)).toEqual({ 'emails/waiting': 3, 'emails/delayed': 50, 'reports/waiting': 1 });
    expect(await failures(obs)).toBe(2); // counted once per failed source per scrape
    const queueWarnings = warnings.filter((w) => w.code === 'OBS_WARN_QUEUE_SIZE_FAILED');
    expect(queueWarnings).toHaveLength(2);
    expect(queueWarnings.map((w) => w.message).join('\n')).toMatch(/"stuck".*no answer within 50 ms/);

    // Second scrape: the still-hanging call is awaited again, not repeated; one warning per queue only.
    await scrapeAll(obs);
    expect(hangingCalls).toBe(1);
    expect(warnings.filter((w) => w.code === 'OBS_WARN_QUEUE_SIZE_FAILED')).toHaveLength(2);
    expect(await failures(obs)).toBe(4);

    // The backend answers again: its series come back.
    // The backend answers again: the late answer is dropped (stale), the next call is made and used.
    hang = false;
    releaseHanging({ waiting: 1 });
    await new Promise((r) => setImmediate(r));
    expect((await sizes(obs))['stuck/waiting']).toBe(7);
    expect(hangingCalls).toBe(2);
  });

  it('a source that failed has its earlier series removed, and they return when it recovers', async () => {
    const { obs, wm } = setup();
    let fail = false;
    wm.addQueueSizeSource('emails', async () => {
      if (fail) throw new Error('redis down');
      return { waiting: 2, failed: 1 };
    });
    expect(await sizes(obs)).toEqual({ 'emails/waiting': 2, 'emails/failed': 1 });
    fail = true;
    expect(await sizes(obs)).toEqual({});
    fail = false;
    expect(await sizes(obs)).toEqual({ 'emails/waiting': 2, 'emails/failed': 1 });
  });

  it('states a source stops reporting disappear; bad values are skipped', async () => {
    const { obs, wm } = setup();
    let counts: Record<string, unknown> = { waiting: 4, delayed: 2 };
    wm.addQueueSizeSource('emails', () => counts as QueueCounts);
    expect(await sizes(obs)).toEqual({ 'emails/waiting': 4, 'emails/delayed': 2 });
    counts = { waiting: 5, delayed: Number.NaN, paused: 'x' };
    expect(await sizes(obs)).toEqual({ 'emails/waiting': 5 });
  });

  it('a non-object answer counts as a failure', async () => {
    const { obs, wm } = setup();
    wm.addQueueSizeSource('emails', () => null as unknown as QueueCounts);
    const scrape = await scrapeAll(obs);
    expect(await sizes(scrape)).toEqual({});
    expect(await failures(obs)).toBe(1);
  });

  it('unregistering removes the series; one source per queue', async () => {
    const { obs, wm } = setup();
    const off = wm.addQueueSizeSource('emails', () => ({ waiting: 1 }));
    expect(() => wm.addQueueSizeSource('emails', () => ({}))).toThrow(expect.objectContaining({ code: 'OBS_ERR_INVALID_OPTION', option: 'queue' }));
    expect(await sizes(obs)).toEqual({ 'emails/waiting': 1 });
    off();
    expect(await sizes(obs)).toEqual({});
    wm.addQueueSizeSource('emails', () => ({ waiting: 9 }));
    expect(await sizes(obs)).toEqual({ 'emails/waiting': 9 });
  });

  it('the standalone server answers /metrics while a source hangs forever', async () => {
    const { obs, wm } = setup(100);
    wm.addQueueSizeSource('emails', () => ({ waiting: 5 }));
    wm.addQueueSizeSource('stuck', () => new Promise<QueueCounts>(() => {}));
    const server = await wm.serve({ host: '127.0.0.1', port: 0, cacheMs: 0 });
    try {
      await (await fetch(server.url, { signal: AbortSignal.timeout(5000) })).text();
      const res = await fetch(server.url, { signal: AbortSignal.timeout(5000) });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toMatch(/^worker_queue_size\{(?=[^}]*queue="emails")(?=[^}]*state="waiting")[^}]*\} 5$/m);
      expect(text).not.toContain('queue="stuck"');
      expect(text).toMatch(/^service_errors_total\{[^}]*type="queue_size_failed"[^}]*\} 1$/m);
    } finally {
      await wm.shutdown({ timeoutMs: 1000 });
    }
    expect(await sum(obs, 'service_up')).toBe(0);
    await expect(fetch(server.url, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
  });
});
