// @obs/express with tracing: the request's span is captured in the middleware (the finish/close
// listeners may run in another async context) for the exemplar and the request log line.
import { once } from 'node:events';
import type { Server } from 'node:http';
import { scrape } from '@obs/metrics-standard';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { activateOnRequest, captureLogger, SAMPLED, useContextManager } from '../../../test-utils/otel-context.mjs';
import { createObsExpress } from '../src/index.js';

useContextManager();

describe('@obs/express with a sampled request span', () => {
  it('the exemplar and the request line carry the span active in the middleware', async () => {
    const { lines, logger } = captureLogger();
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
    activateOnRequest(server, '/users/', SAMPLED);
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
