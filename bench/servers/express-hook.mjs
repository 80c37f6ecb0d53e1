// Express 5 + a minimal hand-written prom-client middleware: the floor a library is measured
// against. One counter and one histogram by method, route template (the mount path + req.route.path,
// one level deep) and status, recorded on `finish`; /metrics from prom-client's default registry.
// No runtime metrics, no in-flight gauge, no aborts, no timers.
import express from 'express';
import client from 'prom-client';
import { listenHttp, user } from './common.mjs';

const labelNames = ['method', 'path', 'status'];
const requests = new client.Counter({ name: 'http_requests_total', help: 'Requests.', labelNames });
const duration = new client.Histogram({ name: 'http_request_duration_seconds', help: 'Latency.', labelNames });
const app = express();
app.use((req, res, next) => {
  const start = performance.now();
  res.on('finish', () => {
    const path = req.route ? req.baseUrl + req.route.path : 'unmatched';
    const labels = { method: req.method, path, status: res.statusCode };
    requests.inc(labels);
    duration.observe(labels, (performance.now() - start) / 1000);
  });
  next();
});
app.get('/metrics', async (_req, res) => {
  res.set('Content-Type', client.register.contentType);
  res.end(await client.register.metrics());
});
app.get('/users/:id', (req, res) => res.json(user(req.params.id)));
await listenHttp(app);
