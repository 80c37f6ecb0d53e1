// Express 5 + express-prom-bundle 8, with method and path labels (includePath is what gives a
// per-route series; its default, false, has no path label at all). /metrics from the bundle.
import express from 'express';
import promBundle from 'express-prom-bundle';
import { listenHttp, user } from './common.mjs';

const app = express();
app.use(promBundle({ includeMethod: true, includePath: true, includeStatusCode: true }));
app.get('/users/:id', (req, res) => res.json(user(req.params.id)));
await listenHttp(app);
