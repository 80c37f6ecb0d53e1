// @obs/fastify (as fastify-obs.mjs) with one JSON log line per request (`logRequests: 'info'`),
// written by pino's asynchronous destination (SonicBoom) to /dev/null: the cost of building and
// writing each line, without a pipe reader or a disk in the measurement.
import obsFastify from '@obs/fastify';
import { createLogger, createObs } from '@obs/metrics-standard';
import Fastify from 'fastify';
import { listen, user } from './common.mjs';

const obs = createObs({ service: 'bench-fastify' });
const logger = createLogger(obs, { destination: process.env.BENCH_LOG_FILE ?? '/dev/null' });
const app = Fastify();
await app.register(obsFastify, { obs, logRequests: 'info', logger });
app.get('/users/:id', async (req) => user(req.params.id));
await listen(app);
