// A Fastify service as the @obs/fastify README writes it; its /metrics checked by the installed obs-contract.
import Fastify from 'fastify';
import obsFastify from '@obs/fastify';
import { assert, contractCheck, report, scrape, sum } from './lib.mjs';

const app = Fastify();
await app.register(obsFastify, { service: 'release-fastify' });
app.get('/users/:id', async (req) => ({ id: req.params.id }));
await app.listen({ port: 0, host: '127.0.0.1' });
try {
  const base = `http://127.0.0.1:${app.server.address().port}`;
  for (let i = 0; i < 3; i++) await (await fetch(`${base}/users/${i}`)).text();
  const text = await scrape(`${base}/metrics`);
  const n = sum(text, 'http_requests_total', { path: '/users/:id' });
  assert(n === 3, `http_requests_total{path="/users/:id"} is ${n}, expected 3`);
  report('fastify', await contractCheck(`${base}/metrics`), ['@obs/fastify', '@obs/metrics-standard']);
} finally {
  await app.close();
}
