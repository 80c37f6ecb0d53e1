// @obs/fastify (as fastify-obs.mjs) with OpenTelemetry tracing: HTTP instrumentation, always-on
// sampling, OTLP http/json export to the runner's sink; exemplars on (the default).
import { service } from './tracing-setup.mjs'; // first: before fastify loads node:http
import obsFastify from '@obs/fastify';
import Fastify from 'fastify';
import { listen, user } from './common.mjs';

const app = Fastify();
await app.register(obsFastify, { service });
app.get('/users/:id', async (req) => user(req.params.id));
await listen(app);
