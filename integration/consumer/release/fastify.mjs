// A Fastify service as the @obs/fastify README writes it; its /metrics checked by the installed obs-contract.
import Fastify from 'fastify';
import obsFastify from '@obs/fastify';
import { checkUsersService } from './lib.mjs';

const app = Fastify();
await app.register(obsFastify, { service: 'release-fastify' });
app.get('/users/:id', async (req) => ({ id: req.params.id }));
await app.listen({ port: 0, host: '127.0.0.1' });
try {
  const base = `http://127.0.0.1:${app.server.address().port}`;
  await checkUsersService('fastify', base, ['@obs/fastify', '@obs/metrics-standard']);
} finally {
  await app.close();
}
