// Fastify 5 + @obs/fastify: the two lines from its README; /metrics served by the plugin.
import obsFastify from '@obs/fastify';
import Fastify from 'fastify';
import { listen, user } from './common.mjs';

const app = Fastify();
await app.register(obsFastify, { service: 'bench-fastify' });
app.get('/users/:id', async (req) => user(req.params.id));
await listen(app);
