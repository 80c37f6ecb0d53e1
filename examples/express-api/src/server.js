// An Express 5 API with @obs/express: the same routes as examples/fastify-api.
// Environment: HOST (127.0.0.1), PORT (3002), SERVICE_NAME (express-api), METRICS_TOKEN (unset: open /metrics),
// OTEL_TRACES_EXPORTER and the other OTEL_* variables (unset: no tracing; see tracing.js).
// First: tracing must be in place before node:http and express are loaded.
import { tracing } from './tracing.js';
import { createObsExpress } from '@obs/express';
import { createLogger } from '@obs/metrics-standard';
import express from 'express';

const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT || 3002);
const token = process.env.METRICS_TOKEN || undefined;

// 1. Instrument: /metrics on this port (bearer token when METRICS_TOKEN is set); /healthz not counted.
const o = createObsExpress({
  service: process.env.SERVICE_NAME || 'express-api',
  version: '1.0.0',
  ignore: ['/healthz'],
  metrics: { path: '/metrics', ...(token ? { token } : {}) },
  // One JSON line per request on stdout, with the request span's trace_id/span_id when tracing is on.
  logRequests: 'info',
});
// o.close() → obs.shutdown() flushes the spans still buffered.
if (tracing) o.obs.onShutdown(() => tracing.shutdown());
// Errors are counted by o.errorHandler; logging them must not count them a second time.
const log = createLogger(o.obs, { countErrors: false });

const app = express();
app.disable('x-powered-by');
app.use(o.middleware); // 2. first middleware

app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});

app.get('/users/:id', (req, res) => {
  res.json({ id: req.params.id, name: `user ${req.params.id}` });
});

app.post('/orders', express.json(), (req, res) => {
  res.status(201).json({ id: Date.now().toString(36), items: req.body?.items ?? [] });
});

app.get('/error', () => {
  throw new Error('this route always fails');
});

app.get('/slow', async (req, res) => {
  const ms = Math.min(Math.max(Number(req.query.ms) || 0, 0), 30_000);
  await new Promise((resolve) => setTimeout(resolve, ms));
  res.json({ sleptMs: ms });
});

// GET /api/v1/items/:itemId, mounted through nested routers: /api, then /v1.
const v1 = express.Router();
v1.get('/items/:itemId', (req, res) => {
  res.json({ itemId: req.params.itemId });
});
const api = express.Router();
api.use('/v1', v1);
app.use('/api', api);

app.use((_req, res) => {
  res.status(404).json({ error: 'not found' });
});
app.use(o.errorHandler); // 3. after the routes: counts the error, passes it on
app.use((err, req, res, _next) => {
  log.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
  res.status(500).json({ error: 'internal error' });
});

const server = app.listen(port, host, () => {
  const { port: actual } = server.address();
  log.info({ url: `http://${host}:${actual}`, metricsProtected: Boolean(token) }, 'listening');
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, async () => {
    log.info({ signal }, 'shutting down');
    // service_up → 0 at once, in-flight requests drain, then the listener closes.
    const drained = await o.close(server, { timeoutMs: 5000 });
    log.info({ drained }, 'stopped');
    process.exit(0);
  });
}
