// Fastify 5 + a minimal hand-written prom-client hook: the floor a library is measured against.
// One counter and one histogram by method, route template and status, recorded in onResponse;
// /metrics from prom-client's default registry. No runtime metrics, no in-flight gauge, no timers.
import Fastify from 'fastify';
import client from 'prom-client';
import { listen, user } from './common.mjs';

const labelNames = ['method', 'path', 'status'];
const requests = new client.Counter({ name: 'http_requests_total', help: 'Requests.', labelNames });
const duration = new client.Histogram({ name: 'http_request_duration_seconds', help: 'Latency.', labelNames });
const app = Fastify();
app.addHook('onResponse', (request, reply, done) => {
  const labels = { method: request.method, path: request.routeOptions.url ?? 'unmatched', status: reply.statusCode };
  requests.inc(labels);
  duration.observe(labels, reply.elapsedTime / 1000);
  done();
});
app.get('/metrics', async (_req, reply) => {
  reply.type(client.register.contentType);
  return client.register.metrics();
});
app.get('/users/:id', async (req) => user(req.params.id));
await listen(app);
