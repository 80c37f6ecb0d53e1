// A minimal OTLP/HTTP trace receiver for tests: a node:http server on 127.0.0.1 that accepts
// POST /v1/traces in the http/json encoding (OTEL_EXPORTER_OTLP_PROTOCOL=http/json) and keeps the
// spans, each with its resource's attributes. Shared by the tracing tests of the core and the examples.
import { once } from 'node:events';
import { createServer } from 'node:http';

/** An OTLP AnyValue in JSON → a plain value. */
function plain(v) {
  if (v == null) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return v.doubleValue;
  if ('boolValue' in v) return v.boolValue;
  return JSON.stringify(v);
}

const attrs = (list) => Object.fromEntries((list ?? []).map((a) => [a.key, plain(a.value)]));

/**
 * Start the receiver. Returns `{ endpoint, env, spans, requests, waitFor(pred, timeoutMs), close() }`;
 * `env` holds the OTEL_* variables that point an SDK at it (http/json, 100 ms batches); `spans` holds `{ traceId, spanId, parentSpanId, name, kind, attributes, resource }` (ids in hex).
 */
export async function startOtlpReceiver() {
  const spans = [];
  const requests = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, contentType: req.headers['content-type'] });
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      try {
        const payload = JSON.parse(body);
        for (const rs of payload.resourceSpans ?? []) {
          const resource = attrs(rs.resource?.attributes);
          for (const ss of rs.scopeSpans ?? []) {
            for (const s of ss.spans ?? []) {
              spans.push({ traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId, name: s.name, kind: s.kind, attributes: attrs(s.attributes), resource });
            }
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    env: { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '100' },
    spans,
    requests,
    /** Resolves with the first span matching `pred`, polling until `timeoutMs`. */
    async waitFor(pred, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = spans.find(pred);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no matching span within ${timeoutMs} ms; received: ${JSON.stringify(spans.map((s) => s.name))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The exemplars of `metric`'s bucket lines in an OpenMetrics body: `{ labels, traceId, spanId, value }`. */
export function exemplarsOf(body, metric) {
  const out = [];
  for (const line of body.split('\n')) {
    if (!line.startsWith(`${metric}_bucket{`)) continue;
    const m = line.match(/^\S+\{(.*?)\} \S+ # \{(.*?)\} (\S+)/);
    if (!m) continue;
    const ex = Object.fromEntries([...m[2].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    const labels = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    out.push({ labels, traceId: ex.trace_id, spanId: ex.span_id, value: Number(m[3]) });
  }
  return out;
}
