// A Fastify 5 service with @obs/fastify. Environment: HOST (127.0.0.1), PORT (3001),
// SERVICE_NAME (fastify-api), METRICS_TOKEN (unset: /metrics open; set: bearer token required),
// OTEL_TRACES_EXPORTER and the other OTEL_* variables (unset: no tracing; see tracing.js).
// First: tracing must be in place before node:http and fastify are loaded.
import { tracing } from './tracing.js';
import obsFastify from '@obs/fastify';
import { createLogger, createObs } from '@obs/metrics-standard';
import Fastify, { LogController } from 'fastify';

const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT || 3001);

// The obs instance first, so that the logger's lines carry service/env/version too.
const obs = createObs({ service: process.env.SERVICE_NAME || 'fastify-api', version: '1.0.0' });
// obs.shutdown() (run by app.close()) flushes the spans still buffered.
if (tracing) obs.onShutdown(() => tracing.shutdown());
// countErrors: false because @obs/fastify already counts every handler error once; Fastify also
// logs it at error level, which would count it a second time as `logged_error`.
// logRequests: @obs/fastify's one line per request (route template, status, duration) carries the
// request span's trace_id/span_id; Fastify's own request lines are turned off (its error lines
// kept), or each request would be logged twice (@obs/fastify refuses `logger: app.log` then).
class RequestLinesOff extends LogController {
  incomingRequest() {}
  requestCompleted(error, ...rest) {
    if (error) super.requestCompleted(error, ...rest);
  }
}
const app = Fastify({ loggerInstance: createLogger(obs, { countErrors: false }), logController: new RequestLinesOff() });

await app.register(obsFastify, { obs, metrics: process.env.METRICS_TOKEN ? { token: process.env.METRICS_TOKEN } : {}, logRequests: 'info', logger: app.log });

app.get('/users/:id', async (request) => ({ id: request.params.id, name: `user ${request.params.id}` }));

app.post('/orders', async (request, reply) => {
  reply.code(201);
  return { orderId: Math.floor(Math.random() * 1e9).toString(36), items: request.body ?? null };
});

app.get('/error', async () => {
  throw new Error('the handler failed on purpose');
});

app.get(
  '/slow',
  { schema: { querystring: { type: 'object', properties: { ms: { type: 'integer', minimum: 0, maximum: 60000, default: 100 } } } } },
  async (request) => {
    await new Promise((resolve) => setTimeout(resolve, request.query.ms));
    return { waitedMs: request.query.ms };
  },
);

// Not counted in the metrics: probes would drown the real traffic.
app.get('/healthz', { config: { obs: false } }, async () => ({ status: 'ok' }));

// /api/v1/items/:itemId through two prefixed plugins: the metrics record the full template.
await app.register(
  async (api) => {
    await api.register(
      async (v1) => {
        v1.get('/items/:itemId', async (request) => ({ itemId: request.params.itemId }));
      },
      { prefix: '/v1' },
    );
  },
  { prefix: '/api' },
);

await app.listen({ host, port });

// Graceful shutdown: app.close() sets service_up to 0, stops accepting, drains in-flight requests.
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, async () => {
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 10_000).unref();
    await app.close();
    clearTimeout(timer);
    process.exit(0);
  });
}
