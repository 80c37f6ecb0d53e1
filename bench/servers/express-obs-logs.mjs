// @obs/express (as express-obs.mjs) with one JSON log line per request (`logRequests: 'info'`),
// written by pino's asynchronous destination (SonicBoom) to /dev/null: the cost of building and
// writing each line, without a pipe reader or a disk in the measurement.
import { createObsExpress } from '@obs/express';
import { createLogger, createObs } from '@obs/metrics-standard';
import express from 'express';
import { listenHttp, user } from './common.mjs';

const obs = createObs({ service: 'bench-express' });
const logger = createLogger(obs, { destination: process.env.BENCH_LOG_FILE ?? '/dev/null' });
const app = express();
const o = createObsExpress({ obs, logRequests: 'info', logger });
app.use(o.middleware);
app.get('/users/:id', (req, res) => res.json(user(req.params.id)));
app.use(o.errorHandler);
await listenHttp(app);
