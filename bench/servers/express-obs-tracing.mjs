// @obs/express (as express-obs.mjs) with OpenTelemetry tracing: HTTP instrumentation, always-on
// sampling, OTLP http/json export to the runner's sink; exemplars on (the default).
import { service } from './tracing-setup.mjs'; // first: before express loads node:http
import { createObsExpress } from '@obs/express';
import express from 'express';
import { listenHttp, user } from './common.mjs';

const app = express();
const o = createObsExpress({ service });
app.use(o.middleware);
app.get('/users/:id', (req, res) => res.json(user(req.params.id)));
app.use(o.errorHandler);
await listenHttp(app);
