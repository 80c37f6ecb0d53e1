// Express 5 + @promster/express 14 with its defaults; /metrics from getSummary() as its docs show.
import { createMiddleware, getContentType, getSummary } from '@promster/express';
import express from 'express';
import { listenHttp, user } from './common.mjs';

const app = express();
app.use(createMiddleware({ app }));
app.get('/metrics', async (_req, res) => {
  res.setHeader('Content-Type', getContentType());
  res.end(await getSummary());
});
app.get('/users/:id', (req, res) => res.json(user(req.params.id)));
await listenHttp(app);
