// Bare Express 5: the baseline. No metrics.
import express from 'express';
import { listenHttp, user } from './common.mjs';

const app = express();
app.get('/users/:id', (req, res) => res.json(user(req.params.id)));
await listenHttp(app);
