// A 50-route Express service on @obs/express, for the scrape-time measurement:
// GET /r<i>/items/:id answers with the status asked in ?status= (default 200).
import { createObsExpress } from '@obs/express';
import express from 'express';
import { listenHttp } from './common.mjs';

const app = express();
const o = createObsExpress({ service: 'bench-express-50' });
app.use(o.middleware);
for (let i = 0; i < 50; i++) {
  app.get(`/r${i}/items/:id`, (req, res) => {
    res.status(Number(req.query.status ?? 200)).json({ route: i, id: req.params.id });
  });
}
app.use(o.errorHandler);
await listenHttp(app);
