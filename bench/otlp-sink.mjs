#!/usr/bin/env node
// The OTLP/HTTP trace sink of the benchmark, in its own process (so its CPU is not counted as a
// server's): POST /v1/traces in the http/json encoding, each body parsed and its spans counted
// per service.name; GET /count answers { spans: { <service>: n }, requests, rejected }. It keeps
// counts only (test/helpers/otlp-receiver.mjs of the core keeps every span, which at tens of
// thousands of spans a second would grow without bound). PORT and HOST from the env.
import { createServer } from 'node:http';

const spans = {};
let requests = 0;
let rejected = 0;

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/count') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ spans, requests, rejected }));
    return;
  }
  const chunks = [];
  req.on('data', (d) => chunks.push(d));
  req.on('end', () => {
    requests++;
    if (req.method !== 'POST' || req.url !== '/v1/traces' || !String(req.headers['content-type']).startsWith('application/json')) {
      rejected++;
      res.writeHead(404).end();
      return;
    }
    try {
      const payload = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const rs of payload.resourceSpans ?? []) {
        const name = rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value?.stringValue ?? '?';
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) if (/^[0-9a-f]{32}$/.test(s.traceId)) spans[name] = (spans[name] ?? 0) + 1;
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    } catch {
      rejected++;
      res.writeHead(400).end();
    }
  });
});
server.listen(Number(process.env.PORT ?? 4318), process.env.HOST ?? '127.0.0.1', () => {
  process.stdout.write(`otlp sink listening on ${process.env.HOST ?? '127.0.0.1'}:${server.address().port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
