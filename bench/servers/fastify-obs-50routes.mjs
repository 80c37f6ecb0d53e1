// A 50-route Fastify service on @obs/fastify, for the scrape-time measurement:
// GET /r<i>/items/:id answers with the status asked in ?status= (default 200).
import obsFastify from '@obs/fastify';
import Fastify from 'fastify';
import { listen } from './common.mjs';

const app = Fastify();
await app.register(obsFastify, { service: 'bench-fastify-50' });
for (let i = 0; i < 50; i++) {
  app.get(`/r${i}/items/:id`, async (req, reply) => {
    reply.code(Number(req.query.status ?? 200));
    return { route: i, id: req.params.id };
  });
}
await listen(app);
