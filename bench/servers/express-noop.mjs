// Express 5 with one middleware that does nothing but call next(): a reference for what Express
// itself charges for any app.use() layer, which every middleware-based library pays.
import express from 'express';
import { listenHttp, user } from './common.mjs';

const app = express();
app.use((_req, _res, next) => next());
app.get('/users/:id', (req, res) => res.json(user(req.params.id)));
await listenHttp(app);
