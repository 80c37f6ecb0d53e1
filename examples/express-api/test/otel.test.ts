// Traces, exemplars and logs tied together, as users run it: the example as a child process (built
// packages) exporting spans over OTLP/HTTP (http/json) to a local receiver; the exemplar on
// http_request_duration_seconds and the request's log line carry the received span's trace id.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JS helpers without declarations
import { exemplarsOf, startOtlpReceiver } from '../../../packages/metrics-standard/test/helpers/otlp-receiver.mjs';
import { freePort, startProcess, waitForHttp } from '../../../scripts/lib/procs.mjs';
import { buildPackages } from '../../../test-utils/build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

interface Span {
  traceId: string;
  spanId: string;
  kind: number;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
}

describe('examples/express-api with OTEL_TRACES_EXPORTER=otlp', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let proc: { stop(): Promise<unknown> };
  let base: string;
  const logs: string[] = [];

  beforeAll(async () => {
    buildPackages('@obs/express...');
    receiver = await startOtlpReceiver();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    proc = startProcess(process.execPath, ['src/server.js'], {
      cwd: join(root, 'examples/express-api'),
      env: {
        HOST: '127.0.0.1',
        PORT: String(port),
        SERVICE_NAME: 'traced-express',
        NODE_ENV: 'staging',
        ...receiver.env,
      },
      log: (line: string) => logs.push(line),
    });
    await waitForHttp(`${base}/healthz`, { timeoutMs: 20_000 });
  });
  afterAll(async () => {
    await proc?.stop();
    await receiver?.close();
  });

  it('exports the request span; the OpenMetrics exemplar and the log line carry its trace id', async () => {
    expect((await fetch(`${base}/users/9`)).status).toBe(200);
    const span: Span = await receiver.waitFor((s: Span) => s.kind === 2 && Object.values(s.attributes).includes('/users/9'));
    expect(span.resource).toMatchObject({ 'service.name': 'traced-express', 'service.version': '1.0.0', 'deployment.environment.name': 'staging' });

    const body = await (await fetch(`${base}/metrics`, { headers: { accept: 'application/openmetrics-text' } })).text();
    const exemplars = exemplarsOf(body, 'http_request_duration_seconds').filter((e: { labels: Record<string, string> }) => e.labels.path === '/users/:id');
    expect(exemplars).toHaveLength(1);
    expect(exemplars[0]).toMatchObject({ traceId: span.traceId, spanId: span.spanId });

    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/^http_request_duration_seconds_bucket\{.*path="\/users\/:id".*\} \d+$/m);
    expect(text).not.toContain('trace_id');

    const line = logs.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).find((l) => l.msg === 'request completed' && l.url === '/users/9');
    expect(line).toMatchObject({ service: 'traced-express', env: 'staging', path: '/users/:id', status: 200, trace_id: span.traceId, span_id: span.spanId });
  });

  it('an unsampled request (the caller sent traceparent flags 00) is counted without an exemplar', async () => {
    // A parent-based sampler follows the caller's decision: flags 00 → the request is not sampled.
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';
    expect((await fetch(`${base}/api/v1/items/5`, { headers: { traceparent } })).status).toBe(200);
    const body = await (await fetch(`${base}/metrics`, { headers: { accept: 'application/openmetrics-text' } })).text();
    expect(body).toMatch(/^http_request_duration_seconds_count\{.*path="\/api\/v1\/items\/:itemId".*\} 1$/m);
    expect(exemplarsOf(body, 'http_request_duration_seconds').filter((e: { labels: Record<string, string> }) => e.labels.path === '/api/v1/items/:itemId')).toEqual([]);
  });
});
