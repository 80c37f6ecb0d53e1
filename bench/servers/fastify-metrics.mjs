// Fastify 5 + fastify-metrics 13 with its defaults (route histogram + summary, default metrics,
// /metrics endpoint registered by the plugin).
import Fastify from 'fastify';
import metricsPlugin from 'fastify-metrics';
import { listen, user } from './common.mjs';

const app = Fastify();
await app.register(metricsPlugin, { endpoint: '/metrics' });
app.get('/users/:id', async (req) => user(req.params.id));
await listen(app);
