// An Express service as the @obs/express README writes it; its /metrics checked by the installed obs-contract.
import express from 'express';
import { createObsExpress } from '@obs/express';
import { assert, contractCheck, report, scrape, sum } from './lib.mjs';

const app = express();
const o = createObsExpress({ service: 'release-express' });
app.use(o.middleware);
app.get('/users/:id', (req, res) => res.json({ id: req.params.id }));
app.use(o.errorHandler);
const server = await new Promise((resolve) => {
  const s = app.listen(0, '127.0.0.1', () => resolve(s));
});
try {
  const base = `http://127.0.0.1:${server.address().port}`;
  for (let i = 0; i < 3; i++) await (await fetch(`${base}/users/${i}`)).text();
  const text = await scrape(`${base}/metrics`);
  const n = sum(text, 'http_requests_total', { path: '/users/:id' });
  assert(n === 3, `http_requests_total{path="/users/:id"} is ${n}, expected 3`);
  report('express', await contractCheck(`${base}/metrics`), ['@obs/express', '@obs/metrics-standard']);
} finally {
  await o.close(server);
}
