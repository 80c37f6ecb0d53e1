// @obs/express with tracing: the request's span is captured in the middleware (the finish/close
// listeners may run in another async context) for the exemplar and the request log line.
import { once } from 'node:events';
import type { Server } from 'node:http';
import { AsyncHooksContextManager } from '@opentelemetry/context-async-hooks';
import { context, type SpanContext, TraceFlags, trace } from '@opentelemetry/api';
import { scrape } from '@obs/metrics-standard';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createObsExpress } from '../src/index.js';

const SAMPLED: SpanContext = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED };
const manager = new AsyncHooksContextManager();
beforeAll(() => {
  context.setGlobalContextManager(manager.enable());
});
afterAll(() => {
  manager.disable();
  context.disable();
});

describe('@obs/express with a sampled request span', () => {
  it('the exemplar and the request line carry the span active in the middleware', async () => {
    const lines: Array<{ level: string; obj: Record<string, unknown>; msg: string }> = [];
    const logger = {
      info: (obj: object, msg: string) => lines.push({ level: 'info', obj: obj as Record<string, unknown>, msg }),
      debug: (obj: object, msg: string) => lines.push({ level: 'debug', obj: obj as Record<string, unknown>, msg }),
    };
    const o = createObsExpress({ service: 'svc', defaultMetrics: false, logRequests: 'info', logger });
    const app = express();
    app.use(o.middleware);
    app.get('/users/:id', (_req, res) => {
      res.json({ ok: true });
    });
    app.get('/plain', (_req, res) => {
      res.send('ok');
    });
    const server: Server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    // What @opentelemetry/instrumentation-http does: the span is active around the 'request' event.
    const emit = server.emit;
    server.emit = function (this: Server, event: string, ...args: unknown[]) {
      if (event !== 'request' || !(args[0] as { url?: string }).url?.startsWith('/users/')) return Reflect.apply(emit, this, [event, ...args]);
      return context.with(trace.setSpan(context.active(), trace.wrapSpanContext(SAMPLED)), () => Reflect.apply(emit, this, [event, ...args]));
    } as Server['emit'];
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    expect((await fetch(`${base}/users/3`)).status).toBe(200);
    expect((await fetch(`${base}/plain`)).status).toBe(200);
    await o.close(server, { timeoutMs: 1000 });

    expect(lines).toEqual([
      { level: 'info', msg: 'request completed', obj: expect.objectContaining({ method: 'GET', url: '/users/3', path: '/users/:id', status: 200, trace_id: SAMPLED.traceId, span_id: SAMPLED.spanId }) },
      { level: 'info', msg: 'request completed', obj: expect.not.objectContaining({ trace_id: expect.anything() }) },
    ]);
    const om = (await scrape(o.obs, 'application/openmetrics-text')).body;
    expect(om).toContain(`path="/users/:id"} 1 # {trace_id="${SAMPLED.traceId}",span_id="${SAMPLED.spanId}"}`);
    expect(om).not.toMatch(/path="\/plain"\}.*# \{/);
  });

  it('rejects bad logRequests / logger options at start-up', () => {
    expect(() => createObsExpress({ service: 'svc', logRequests: true as never })).toThrow(/OBS_ERR_INVALID_OPTION.*logRequests/s);
    expect(() => createObsExpress({ service: 'svc', logRequests: 'info', logger: { info() {} } as never })).toThrow(/OBS_ERR_INVALID_OPTION.*logger/s);
  });
});
