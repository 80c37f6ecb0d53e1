// @obs/fastify with tracing: the request's span is captured in onRequest (the close listener may
// run in another async context) for the exemplar and the request log line; logRequests options.
import { createObs, scrape } from '@obs/metrics-standard';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { activateOnRequest, captureLogger, SAMPLED, useContextManager } from '../../../test-utils/otel-context.mjs';
import { obsFastify } from '../src/index.js';

useContextManager();

describe('@obs/fastify with a sampled request span', () => {
  it('the exemplar and the request line carry the span active in onRequest', async () => {
    const obs = createObs({ service: 'svc', defaultMetrics: false });
    const { lines, logger } = captureLogger();
    const app = Fastify();
    await app.register(obsFastify, { obs, logRequests: 'debug', logger });
    app.get('/users/:id', async () => ({ ok: true }));
    app.get('/plain', async () => 'ok');
    await app.listen({ host: '127.0.0.1', port: 0 });
    // What @opentelemetry/instrumentation-http does: the request's span is active around the
    // server's 'request' event, so in Fastify's hooks and handler.
    const server = app.server;
    activateOnRequest(server, '/users/', SAMPLED);
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    expect((await fetch(`${base}/users/1?x=1`)).status).toBe(200);
    expect((await fetch(`${base}/plain`)).status).toBe(200);
    await app.close();

    expect(lines).toEqual([
      { level: 'debug', msg: 'request completed', obj: expect.objectContaining({ method: 'GET', url: '/users/1', path: '/users/:id', status: 200, trace_id: SAMPLED.traceId, span_id: SAMPLED.spanId }) },
      { level: 'debug', msg: 'request completed', obj: expect.not.objectContaining({ trace_id: expect.anything() }) },
    ]);
    expect(typeof lines[0]?.obj.duration_ms).toBe('number');
    const om = (await scrape(obs, 'application/openmetrics-text')).body;
    expect(om).toContain(`path="/users/:id"} 1 # {trace_id="${SAMPLED.traceId}",span_id="${SAMPLED.spanId}"}`);
    expect(om).not.toMatch(/path="\/plain"\}.*# \{/);
  });

  it('logs nothing by default, and rejects bad logRequests / logger options', async () => {
    const obs = createObs({ service: 'svc', defaultMetrics: false });
    const { lines, logger } = captureLogger();
    const app = Fastify();
    await app.register(obsFastify, { obs, logger });
    app.get('/', async () => 'ok');
    await app.inject('/');
    await app.close();
    expect(lines).toEqual([]);
    await expect(Fastify().register(obsFastify, { service: 'svc', logRequests: 'warn' as never })).rejects.toThrow(/OBS_ERR_INVALID_OPTION.*logRequests/s);
    await expect(Fastify().register(obsFastify, { service: 'svc', logRequests: 'info', logger: {} as never })).rejects.toThrow(/OBS_ERR_INVALID_OPTION.*logger/s);
  });
});
