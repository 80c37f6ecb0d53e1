// Traces, exemplars and logs tied together, as users run it: the example as a child process (built
// packages) exporting spans over OTLP/HTTP (http/json) to a local receiver; the exemplar on
// http_request_duration_seconds and the request's log line carry the received span's trace id.
// Also: without tracing, importing @obs/metrics-standard and @obs/fastify loads no OpenTelemetry SDK module.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JS helpers without declarations
import { exemplarsOf, startOtlpReceiver } from '../../../packages/metrics-standard/test/helpers/otlp-receiver.mjs';
import { freePort, startProcess, waitForHttp } from '../../../scripts/lib/procs.mjs';
import { buildPackages } from '../../../test-utils/build.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../..');
const run = promisify(execFile);

interface Span {
  traceId: string;
  spanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
}

beforeAll(() => {
  buildPackages('@obs/fastify...');
});

describe('examples/fastify-api with OTEL_TRACES_EXPORTER=otlp', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let proc: { stop(): Promise<unknown> };
  let base: string;
  const logs: string[] = [];

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    proc = startProcess(process.execPath, ['src/server.js'], {
      cwd: join(root, 'examples/fastify-api'),
      env: {
        HOST: '127.0.0.1',
        PORT: String(port),
        SERVICE_NAME: 'traced-fastify',
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
    expect((await fetch(`${base}/users/7`)).status).toBe(200);
    const span: Span = await receiver.waitFor((s: Span) => s.kind === 2 && Object.values(s.attributes).includes('/users/7'));
    expect(span.resource).toMatchObject({ 'service.name': 'traced-fastify', 'service.version': '1.0.0' });

    const om = await fetch(`${base}/metrics`, { headers: { accept: 'application/openmetrics-text; version=1.0.0' } });
    expect(om.headers.get('content-type')).toContain('application/openmetrics-text');
    const exemplars = exemplarsOf(await om.text(), 'http_request_duration_seconds').filter((e: { labels: Record<string, string> }) => e.labels.path === '/users/:id');
    expect(exemplars).toHaveLength(1);
    expect(exemplars[0]).toMatchObject({ traceId: span.traceId, spanId: span.spanId });
    expect(receiver.spans.map((s: Span) => s.traceId)).toContain(exemplars[0].traceId);

    // Prometheus text (the default) shows no exemplar.
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/^http_request_duration_seconds_bucket\{.*path="\/users\/:id".*\} \d+$/m);
    expect(text).not.toContain('trace_id');

    const line = logs.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).find((l) => l.msg === 'request completed' && l.url === '/users/7');
    expect(line).toMatchObject({ service: 'traced-fastify', path: '/users/:id', status: 200, trace_id: span.traceId, span_id: span.spanId });
  });
});

describe('without tracing', () => {
  it('importing @obs/metrics-standard and @obs/fastify loads no @opentelemetry/sdk-* module (ESM and CJS)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'obs-load-'));
    try {
      const loaded = join(dir, 'loaded.txt');
      writeFileSync(loaded, '');
      // A resolve hook records every ES module URL; require.cache lists the CommonJS ones.
      writeFileSync(
        join(dir, 'hooks.mjs'),
        `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(loaded)}, r.url + '\\n'); return r; }\n`,
      );
      writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(join(dir, 'hooks.mjs'))}, import.meta.url);\n`);
      const script = (extra: string) =>
        `await import('@obs/metrics-standard'); await import('@obs/fastify'); ${extra}
         const { createRequire } = await import('node:module');
         const require = createRequire(process.cwd() + '/');
         require('@obs/metrics-standard'); require('@obs/fastify');
         console.log(JSON.stringify(Object.keys(require.cache)));`;
      const loadedBy = async (extra: string) => {
        writeFileSync(loaded, '');
        const { stdout } = await run(process.execPath, ['--import', join(dir, 'register.mjs'), '--input-type=module', '-e', script(extra)], { cwd: join(root, 'examples/fastify-api') });
        return [...readFileSync(loaded, 'utf8').split('\n'), ...(JSON.parse(stdout) as string[])].filter((u) => u !== '');
      };
      const sdk = (urls: string[]) => urls.filter((u) => /@opentelemetry[\\/]sdk-/.test(u));

      const plain = await loadedBy('');
      expect(plain.some((u) => /metrics-standard[\\/]dist[\\/]index\.c?js$/.test(u))).toBe(true);
      expect(plain.some((u) => /fastify[\\/]dist[\\/]index\.c?js$/.test(u))).toBe(true);
      expect(sdk(plain)).toEqual([]);
      // The tracing entry point alone loads no SDK either: startTracing() does.
      expect(sdk(await loadedBy("await import('@obs/metrics-standard/tracing');"))).toEqual([]);
      // The control: starting tracing loads the SDK, so the checks above can fail.
      expect(sdk(await loadedBy("const { startTracing } = await import('@obs/metrics-standard/tracing'); await startTracing({ service: 'load-check' }).shutdown();")).length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
