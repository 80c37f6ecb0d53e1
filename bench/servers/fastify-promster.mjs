// Fastify 5 + @promster/fastify 15 with its defaults; /metrics from getSummary() as its docs show.
import { getContentType, getSummary, plugin as promster } from '@promster/fastify';
import Fastify from 'fastify';
import { listen, user } from './common.mjs';

const app = Fastify();
await app.register(promster);
app.get('/metrics', async (_req, reply) => {
  reply.type(getContentType());
  return getSummary();
});
app.get('/users/:id', async (req) => user(req.params.id));
await listen(app);
