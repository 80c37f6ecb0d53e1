// Express 5 + @obs/express: the setup from its README; /metrics served by the middleware.
import { createObsExpress } from '@obs/express';
import express from 'express';
import { listenHttp, user } from './common.mjs';

const app = express();
const o = createObsExpress({ service: 'bench-express' });
app.use(o.middleware);
app.get('/users/:id', (req, res) => res.json(user(req.params.id)));
app.use(o.errorHandler);
await listenHttp(app);
