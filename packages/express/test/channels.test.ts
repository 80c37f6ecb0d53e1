// Requests that the middleware sees after node:http's start channel has announced another one (an
// asynchronous middleware before it), connections that close before @obs runs, pipelined requests
// and a middleware mounted twice across an asynchronous gap: every request counted exactly once.
import { once } from 'node:events';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect } from 'node:net';
import { HTTP_METRICS } from '@obs/metrics-standard';
import express5 from 'express';
import express4 from 'express4';
import { describe, expect, it } from 'vitest';
import { createObsExpress, type ObsExpress } from '../src/index.js';
import { client, listen, parseMetrics, pool, type Sample, sum } from './helpers.js';

type Express = typeof express5;
type Next = (err?: unknown) => void;

const REQUESTS = HTTP_METRICS.requestsTotal.name;
const DURATION_COUNT = `${HTTP_METRICS.requestDuration.name}_count`;
const IN_FLIGHT = HTTP_METRICS.requestsInFlight.name;

async function scrape(base: string): Promise<Sample[]> {
  return parseMetrics(await (await fetch(`${base}/metrics`)).text());
}

/** An asynchronous middleware: hands on after `ms`, so other requests start in between. */
const gap =
  (ms: (i: number) => number) =>
  (_req: unknown, _res: unknown, next: Next): void => {
    setTimeout(next, ms(Math.floor(Math.random() * 1000)));
  };

async function withServer(app: (req: never, res: never) => void, o: ObsExpress, body: (base: string, server: Server) => Promise<void>) {
  const server = createServer(app as never);
  const base = await listen(server);
  try {
    await body(base, server);
  } finally {
    await o.close(server, { timeoutMs: 1000 });
    server.closeAllConnections();
  }
}

describe.each([
  ['Express 4', express4 as unknown as Express],
  ['Express 5', express5],
])('%s: requests the start channel did not announce last', (_label, express) => {
  it('counts 600 requests delayed by an asynchronous middleware before @obs exactly, under their templates', async () => {
    const o = createObsExpress({ service: 'gap-test', defaultMetrics: false });
    const app = express();
    app.use(gap((r) => r % 7)); // 0–6 ms: most requests reach @obs after others have started
    app.use(o.middleware);
    app.get('/users/:id', (req, res) => {
      res.json({ id: req.params.id });
    });
    app.post('/orders', (_req, res) => {
      res.status(201).json({ ok: true });
    });
    await withServer(app, o, async (base) => {
      const c = client(25);
      await pool(600, 25, async (i) => {
        const status = await c.get(i % 3 === 0 ? `${base}/orders` : `${base}/users/${i}`, i % 3 === 0 ? 'POST' : 'GET');
        expect(status).toBe(i % 3 === 0 ? 201 : 200);
      });
      c.close();
      const m = await scrape(base);
      expect(sum(m, REQUESTS, { path: '/users/:id', method: 'GET', status: '200' })).toBe(400);
      expect(sum(m, REQUESTS, { path: '/orders', method: 'POST', status: '201' })).toBe(200);
      expect(sum(m, DURATION_COUNT)).toBe(600);
      expect(sum(m, REQUESTS, { status: '499' })).toBe(0);
      expect(sum(m, IN_FLIGHT)).toBe(0);
    });
  });

  it('counts a client that left while an asynchronous middleware ran, before @obs, once as 499 and not in flight', async () => {
    const o = createObsExpress({ service: 'gone-test', defaultMetrics: false });
    const app = express();
    let reached: () => void = () => {};
    const reachedObs = new Promise<void>((resolve) => (reached = resolve));
    // Waits for the client to go away, then hands the request on: @obs sees a closed connection.
    app.use((req, _res, next) => {
      if (!req.url?.startsWith('/users')) return next();
      req.socket.once('close', () => setTimeout(next, 20));
    });
    app.use(o.middleware);
    app.use((_req, _res, next) => {
      reached();
      next();
    });
    app.get('/users/:id', (req, res) => {
      res.json({ id: req.params.id });
    });
    await withServer(app, o, async (base) => {
      const req = httpRequest(`${base}/users/7`);
      req.on('error', () => {});
      req.end();
      setTimeout(() => req.destroy(), 100);
      await reachedObs;
      await new Promise((r) => setTimeout(r, 50));
      const m = await scrape(base);
      expect(sum(m, REQUESTS, { path: '/users/:id' })).toBe(0);
      expect(sum(m, REQUESTS, { status: '499' })).toBe(1);
      expect(sum(m, DURATION_COUNT)).toBe(1);
      expect(sum(m, IN_FLIGHT)).toBe(0);
    });
  });

  it('counts a request once when the middleware is mounted on the app and, after an asynchronous middleware, on a router', async () => {
    const o = createObsExpress({ service: 'twice-gap', defaultMetrics: false });
    const app = express();
    app.use(o.middleware);
    app.use(gap((r) => r % 5));
    const router = express.Router();
    router.use(o.middleware);
    router.get('/things/:id', (_req, res) => {
      res.json({ ok: true });
    });
    app.use('/r', router);
    await withServer(app, o, async (base) => {
      const c = client(10);
      await pool(200, 10, async (i) => {
        expect(await c.get(`${base}/r/things/${i}`)).toBe(200);
      });
      c.close();
      const m = await scrape(base);
      expect(sum(m, REQUESTS, { path: '/r/things/:id' })).toBe(200);
      expect(sum(m, DURATION_COUNT, { path: '/r/things/:id' })).toBe(200);
      expect(sum(m, IN_FLIGHT)).toBe(0);
    });
  });

  it('counts pipelined requests on one connection each once, with their own status and template', async () => {
    const o = createObsExpress({ service: 'pipeline-test', defaultMetrics: false });
    const app = express();
    app.use(o.middleware);
    app.get('/users/:id', (req, res) => {
      // The first answers last: node:http holds the second response until the first is sent.
      setTimeout(() => res.json({ id: req.params.id }), req.params.id === '1' ? 60 : 0);
    });
    app.get('/missing', (_req, res) => {
      res.status(404).json({});
    });
    await withServer(app, o, async (base, server) => {
      const { port } = server.address() as { port: number };
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      let received = '';
      socket.on('data', (d) => {
        received += d.toString('latin1');
      });
      socket.write('GET /users/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /missing HTTP/1.1\r\nHost: x\r\n\r\nGET /users/2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      await once(socket, 'close');
      expect(received.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 404', 'HTTP/1.1 200']);
      const m = await scrape(base);
      expect(sum(m, REQUESTS, { path: '/users/:id', status: '200' })).toBe(2);
      expect(sum(m, REQUESTS, { path: '/missing', status: '404' })).toBe(1);
      expect(sum(m, REQUESTS, { status: '499' })).toBe(0);
      expect(sum(m, IN_FLIGHT)).toBe(0);
    });
  });
});
