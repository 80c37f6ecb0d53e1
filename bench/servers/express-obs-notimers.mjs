// @obs/express (as express-obs.mjs) without prom-client's runtime metrics (`defaultMetrics: false`):
// no event-loop-delay monitor, so bench/instructions.mjs can tell how much of @obs's figure is
// work driven by wall-clock timers rather than by requests.
import { createObsExpress } from '@obs/express';
import express from 'express';
import { listenHttp, user } from './common.mjs';

const app = express();
const o = createObsExpress({ service: 'bench-express', defaultMetrics: false });
app.use(o.middleware);
app.get('/users/:id', (req, res) => res.json(user(req.params.id)));
app.use(o.errorHandler);
await listenHttp(app);
