// A traced job, as users run it: the example worker as a child process (built packages) on a real
// redis-server, with OTEL_TRACES_EXPORTER=otlp and BullMQ's telemetry (bullmq-otel): the job's
// span reaches a local OTLP/HTTP receiver, and the worker_task_duration_seconds exemplar and the
// job's log line carry its trace id.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exemplarsOf, startOtlpReceiver } from '../../../packages/metrics-standard/test/helpers/otlp-receiver.mjs';
import { freePort, startProcess, startRedis, waitForHttp } from '../../../scripts/lib/procs.mjs';

const dir = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

let redis;
let receiver;
let worker;
let metricsUrl;
const logs = [];

beforeAll(async () => {
  [redis, receiver] = await Promise.all([startRedis(), startOtlpReceiver()]);
  const port = await freePort();
  worker = startProcess('node', ['src/worker.js'], {
    cwd: dir,
    env: {
      REDIS_URL: redis.url,
      METRICS_PORT: String(port),
      HOST: '127.0.0.1',
      SERVICE_NAME: 'traced-worker',
      ...receiver.env,
    },
    log: (line) => logs.push(line),
  });
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  await waitForHttp(metricsUrl, { timeoutMs: 15_000 });
});

afterAll(async () => {
  await worker?.stop();
  await redis?.stop();
  await receiver?.close();
});

describe('examples/worker with OTEL_TRACES_EXPORTER=otlp', () => {
  it('a job span is exported; the duration exemplar and the job log line carry its trace id', async () => {
    // One job, index 0: it succeeds.
    await run('node', ['src/produce.js', '--count', '1'], { cwd: dir, env: { ...process.env, REDIS_URL: redis.url } });
    const span = await receiver.waitFor((s) => s.kind === 5 && s.name.startsWith('process'));
    expect(span.resource).toMatchObject({ 'service.name': 'traced-worker', 'service.version': '1.0.0' });

    const body = await (await fetch(metricsUrl, { headers: { accept: 'application/openmetrics-text' } })).text();
    const exemplars = exemplarsOf(body, 'worker_task_duration_seconds').filter((e) => e.labels.queue === 'emails');
    expect(exemplars).toHaveLength(1);
    expect(exemplars[0]).toMatchObject({ traceId: span.traceId, spanId: span.spanId });

    const text = await (await fetch(metricsUrl)).text();
    expect(text).toMatch(/^worker_task_duration_seconds_count\{.*queue="emails".*\} 1$/m);
    expect(text).not.toContain('trace_id');

    const line = logs.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).find((l) => l.msg === 'job processed');
    expect(line).toMatchObject({ service: 'traced-worker', trace_id: span.traceId, span_id: span.spanId });
  });
});
