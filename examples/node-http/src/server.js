// A plain node:http service using only the core: the smallest complete user of the contract.
import { createServer } from 'node:http';
import { createMetricsHandler, createObs, UNMATCHED_PATH } from '@obs/metrics-standard';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 3000);
const obs = createObs({ service: process.env.SERVICE_NAME ?? 'node-http', version: '1.0.0' });
const http = obs.http; // registers the HTTP metrics at start-up, before the first request
// Prometheus text or OpenMetrics by content negotiation; a bearer token when METRICS_TOKEN is set.
const metrics = createMetricsHandler(obs, process.env.METRICS_TOKEN ? { token: process.env.METRICS_TOKEN } : {});

// A tiny router: the route template is what the metrics record, never the raw URL.
const routes = [
  { method: 'GET', template: '/users/:id', match: /^\/users\/[^/]+$/, handle: (_req, res) => send(res, 200, { ok: true }) },
  { method: 'POST', template: '/orders', match: /^\/orders$/, handle: (_req, res) => send(res, 201, { created: true }) },
  {
    method: 'GET',
    template: '/error',
    match: /^\/error$/,
    handle: () => {
      throw new Error('boom');
    },
  },
];

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/metrics') {
    metrics(req, res);
    return;
  }
  const started = performance.now();
  http.start();
  const route = routes.find((r) => r.method === req.method && r.match.test(url.pathname));
  let done = false;
  const finish = (aborted) => {
    if (done) return;
    done = true;
    const seconds = (performance.now() - started) / 1000;
    const path = route ? route.template : UNMATCHED_PATH;
    if (aborted) http.abort(req.method, path, seconds);
    else http.finish(req.method, path, res.statusCode, seconds);
  };
  res.on('finish', () => finish(false));
  res.on('close', () => finish(!res.writableFinished));
  try {
    if (route) route.handle(req, res);
    else send(res, 404, { error: 'not found' });
  } catch (err) {
    obs.errors.record(err);
    send(res, 500, { error: 'internal' });
  }
});

server.listen(port, host, () => {
  const { port: actual } = server.address();
  console.log(JSON.stringify({ msg: 'listening', service: obs.service, url: `http://${host}:${actual}` }));
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, async () => {
    await obs.shutdown({ timeoutMs: 5000 });
    server.close(() => process.exit(0));
  });
}
