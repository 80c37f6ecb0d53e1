// @obs/fastify (as fastify-obs.mjs) without prom-client's runtime metrics (`defaultMetrics: false`):
// no event-loop-delay monitor, so bench/instructions.mjs can tell how much of @obs's figure is
// work driven by wall-clock timers rather than by requests.
import obsFastify from '@obs/fastify';
import Fastify from 'fastify';
import { listen, user } from './common.mjs';

const app = Fastify();
await app.register(obsFastify, { service: 'bench-fastify', defaultMetrics: false });
app.get('/users/:id', async (req) => user(req.params.id));
await listen(app);
