// An Express service as the @obs/express README writes it; its /metrics checked by the installed obs-contract.
import express from 'express';
import { createObsExpress } from '@obs/express';
import { checkUsersService } from './lib.mjs';

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
  await checkUsersService('express', base, ['@obs/express', '@obs/metrics-standard']);
} finally {
  await o.close(server);
}
