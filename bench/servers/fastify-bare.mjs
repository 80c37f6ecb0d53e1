// Bare Fastify 5: the baseline. No metrics.
import Fastify from 'fastify';
import { listen, user } from './common.mjs';

const app = Fastify();
app.get('/users/:id', async (req) => user(req.params.id));
await listen(app);
