import { createServer, request as httpRequest, type Server } from 'node:http';
import { HTTP_METRICS, ObsError, SERVICE_METRICS, UNMATCHED_PATH } from '@obs/metrics-standard';
import express5 from 'express';
import express4 from 'express4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createObsExpress, type ObsExpress } from '../src/index.js';
import { errorOf } from '../../../test-utils/errors.mjs';
import { client, labelValues, listen, parseMetrics, pool, type Sample, stripRawPaths, sum } from './helpers.js';

type Express = typeof express5;

const REQUESTS = HTTP_METRICS.requestsTotal.name;
const DURATION_COUNT = `${HTTP_METRICS.requestDuration.name}_count`;
const IN_FLIGHT = HTTP_METRICS.requestsInFlight.name;
const ERRORS = SERVICE_METRICS.errorsTotal.name;
const UP = SERVICE_METRICS.up.name;
const TOKEN = 'test-token-0123456789abcdef';

/** The app under test: the routes of the examples plus nested, parameterised and sub-app mounts. */
function buildApp(express: Express, o: ObsExpress) {
  const app = express();
  let slowDone: () => void = () => {};
  const slowFinished = () => new Promise<void>((resolve) => (slowDone = resolve));
  app.use(o.middleware);
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/readyz/:probe', o.skip, (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/users/:id', (req, res) => {
    res.json({ id: req.params.id });
  });
  app.post('/orders', (_req, res) => {
    res.status(201).json({ created: true });
  });
  app.get('/error', () => {
    throw new Error('boom');
  });
  app.get('/slow', (req, res) => {
    setTimeout(() => {
      res.json({ slept: true });
      slowDone();
    }, Number(req.query.ms ?? 0));
  });
  app.get(['/alpha/:a', '/beta/:b'], (_req, res) => {
    res.send('multi');
  });

  const api = express.Router();
  const v1 = express.Router();
  v1.get('/items/:itemId', (req, res) => {
    res.json({ itemId: req.params.itemId });
  });
  v1.get('/', (_req, res) => {
    res.send('v1 index');
  });
  v1.get('/boom', () => {
    const err = new TypeError('nested');
    throw err;
  });
  api.use('/v1', v1);
  api.use(o.errorHandler); // a router-level errorHandler too: the same error must count once
  app.use('/api', api);

  const posts = express.Router({ mergeParams: true });
  posts.get('/:postId', (_req, res) => {
    res.send('post');
  });
  app.use('/users/:uid/posts', posts);

  const teams = express.Router();
  teams.get('/members/:member', (_req, res) => {
    res.send('member');
  });
  const orgs = express.Router();
  orgs.use('/teams/:team', teams);
  app.use('/orgs/:org', orgs);

  const admin = express();
  admin.get('/stats/:key', (_req, res) => {
    res.send('stats');
  });
  app.use('/admin', admin);

  app.use(o.errorHandler);
  app.use((_err: unknown, _req: express5.Request, res: express5.Response, _next: express5.NextFunction) => {
    res.status(500).json({ error: 'handled by app' });
  });
  return { app, slowFinished };
}

async function scrape(base: string, headers: Record<string, string> = {}): Promise<Sample[]> {
  const res = await fetch(`${base}/metrics`, { headers });
  expect(res.status).toBe(200);
  return parseMetrics(await res.text());
}

describe.each([
  ['Express 4', express4 as unknown as Express],
  ['Express 5', express5],
])('%s', (_label, express) => {
  let o: ObsExpress;
  let server: Server;
  let base: string;
  let slowFinished: () => Promise<void>;

  beforeAll(async () => {
    // cacheMs: 0: these tests scrape right after their requests and need a fresh render each time.
    o = createObsExpress({ service: 'express-test', defaultMetrics: false, ignore: ['/healthz'], metrics: { cacheMs: 0 } });
    const built = buildApp(express, o);
    slowFinished = built.slowFinished;
    server = createServer(built.app);
    base = await listen(server);
  });
  afterAll(async () => {
    await o.close(server, { timeoutMs: 1000 });
  });

  it('counts N requests to /users/<id> under 50 connections exactly N times, under the template', async () => {
    const N = 1000;
    const c = client(50);
    const statuses = new Map<number, number>();
    await pool(N, 50, async (i) => {
      const status = await c.get(`${base}/users/${i * 7919}`);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    });
    c.close();
    expect(statuses).toEqual(new Map([[200, N]]));
    const m = await scrape(base);
    expect(sum(m, REQUESTS, { path: '/users/:id' })).toBe(N);
    expect(sum(m, REQUESTS, { path: '/users/:id', method: 'GET', status: '200' })).toBe(N);
    expect(sum(m, DURATION_COUNT, { path: '/users/:id' })).toBe(N);
    expect(sum(m, IN_FLIGHT)).toBe(0);
    for (const path of labelValues(m, REQUESTS, 'path')) expect(path).not.toMatch(/\/users\/\d/);
  });

  it('gives nested routers, parameterised mounts and sub-apps their full template', async () => {
    const hits: Array<[string, string, string?]> = [
      ['/api/v1/items/42', '/api/v1/items/:itemId'],
      ['/api/v1/items/abc-9', '/api/v1/items/:itemId'],
      ['/API/V1/items/7', '/api/v1/items/:itemId'],
      ['/api/v1', '/api/v1'],
      ['/users/17/posts/3', '/users/:uid/posts/:postId'],
      ['/users/18/posts/4', '/users/:uid/posts/:postId'],
      ['/USERS/19/Posts/5', '/users/:uid/posts/:postId'],
      ['/orgs/acme/teams/red/members/ann', '/orgs/:org/teams/:team/members/:member'],
      ['/orgs/beta/teams/blue/members/bob', '/orgs/:org/teams/:team/members/:member'],
      ['/admin/stats/cpu', '/admin/stats/:key'],
      ['/alpha/1', '/alpha/:a'],
      ['/beta/2', '/beta/:b'],
    ];
    for (const [url] of hits) {
      const res = await fetch(`${base}${url}`);
      expect(res.status, url).toBe(200);
      await res.arrayBuffer();
    }
    const created = await fetch(`${base}/orders`, { method: 'POST' });
    expect(created.status).toBe(201);
    const m = await scrape(base);
    const expected = new Map<string, number>();
    for (const [, template] of hits) expected.set(template, (expected.get(template) ?? 0) + 1);
    for (const [template, count] of expected) expect(sum(m, REQUESTS, { path: template, status: '200' }), template).toBe(count);
    expect(sum(m, REQUESTS, { path: '/orders', method: 'POST', status: '201' })).toBe(1);
    const paths = labelValues(m, REQUESTS, 'path');
    for (const raw of ['acme', 'red', '/users/17', '/admin/stats/cpu', '/API', 'USERS', 'Posts']) expect([...paths].some((p) => p.includes(raw)), raw).toBe(false);
  });

  it('puts 5 000 distinct unmatched URLs under one unmatched path value', async () => {
    const before = await scrape(base);
    const unmatchedBefore = sum(before, REQUESTS, { path: UNMATCHED_PATH });
    const pathsBefore = labelValues(before, REQUESTS, 'path');
    const shapes = [
      (i: number) => `/nope/${i}`,
      (i: number) => `/api/v1/items/${i}/extra`, // enters two routers, matches nothing
      (i: number) => `/users/${i}/posts/${i}/x`,
      (i: number) => `/word-${i.toString(36)}?q=${i}`,
      (i: number) => `/api/v${i}`,
    ];
    const c = client(50);
    let notFound = 0;
    await pool(5000, 50, async (i) => {
      if ((await c.get(`${base}${(shapes[i % shapes.length] as (i: number) => string)(i)}`)) === 404) notFound++;
    });
    c.close();
    expect(notFound).toBe(5000);
    const del = await fetch(`${base}/users/5`, { method: 'DELETE' }); // the path matches a route, the method does not
    expect(del.status).toBe(404);
    const m = await scrape(base);
    expect(sum(m, REQUESTS, { path: UNMATCHED_PATH }) - unmatchedBefore).toBe(5001);
    expect(labelValues(m, REQUESTS, 'path')).toEqual(new Set([...pathsBefore, UNMATCHED_PATH]));
    expect(sum(m, DURATION_COUNT, { path: UNMATCHED_PATH }) - unmatchedBefore).toBe(5001);
  });

  it('counts a request once when the middleware is mounted on the app and again on a router', async () => {
    const twice = createObsExpress({ service: 'express-twice', defaultMetrics: false });
    const app = express();
    app.use(twice.middleware);
    const router = express.Router();
    router.use(twice.middleware);
    router.get('/things/:id', (_req, res) => {
      res.json({ ok: true });
    });
    app.use('/r', router);
    const srv = createServer(app);
    const url = await listen(srv);
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${url}/r/things/${i}`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    const m = await scrape(url);
    expect(sum(m, REQUESTS, { path: '/r/things/:id' })).toBe(3);
    expect(sum(m, DURATION_COUNT, { path: '/r/things/:id' })).toBe(3);
    expect(sum(m, IN_FLIGHT)).toBe(0);
    await twice.close(srv, { timeoutMs: 1000 });
  });

  it('leaves a route marked with skip out of the metrics, and its request out of in-flight', async () => {
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${base}/readyz/p${i}`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    const m = await scrape(base);
    const paths = labelValues(m, REQUESTS, 'path');
    expect(paths.has('/readyz/:probe')).toBe(false);
    expect([...paths].some((p) => p.startsWith('/readyz'))).toBe(false);
    expect(sum(m, IN_FLIGHT)).toBe(0);
    expect(o.obs.work.size).toBe(0);
  });

  it('never counts an ignored route, nor /metrics itself', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${base}/healthz`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    await scrape(base);
    const m = await scrape(base);
    const paths = labelValues(m, REQUESTS, 'path');
    expect(paths.has('/healthz')).toBe(false);
    expect(paths.has('/metrics')).toBe(false);
  });

  it('adds exactly one error per failing request and lets the app answer it', async () => {
    const before = sum(await scrape(base), ERRORS);
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${base}/error`);
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: 'handled by app' });
    }
    // Thrown in a nested router, passing the router's and the app's errorHandler: still one.
    const nested = await fetch(`${base}/api/v1/boom`);
    expect(nested.status).toBe(500);
    expect(await nested.json()).toEqual({ error: 'handled by app' });
    const m = await scrape(base);
    expect(sum(m, ERRORS) - before).toBe(4);
    expect(sum(m, ERRORS, { type: 'error' })).toBe(3);
    expect(sum(m, ERRORS, { type: 'type_error' })).toBe(1);
    expect(sum(m, REQUESTS, { path: '/error', status: '500' })).toBe(3);
    expect(sum(m, REQUESTS, { path: '/api/v1/boom', status: '500' })).toBe(1);
  });

  it('counts a client that disconnects during /slow once, as 499', async () => {
    const finished = slowFinished();
    await new Promise<void>((resolve) => {
      const req = httpRequest(`${base}/slow?ms=300`);
      req.on('error', () => resolve());
      req.end();
      // Abort once the server has the request in flight.
      const poll = setInterval(async () => {
        const m = await scrape(base);
        if (sum(m, IN_FLIGHT) >= 1) {
          clearInterval(poll);
          req.destroy();
        }
      }, 20);
    });
    await finished; // the handler has written its (unread) response: a late 'finish' must not count again
    await new Promise((r) => setTimeout(r, 50));
    const m = await scrape(base);
    expect(sum(m, REQUESTS, { path: '/slow' })).toBe(1);
    expect(sum(m, REQUESTS, { path: '/slow', status: '499' })).toBe(1);
    expect(sum(m, DURATION_COUNT, { path: '/slow' })).toBe(1);
    expect(sum(m, IN_FLIGHT)).toBe(0);
  });
});

describe.each([
  ['Express 4', express4 as unknown as Express],
  ['Express 5', express5],
])('%s: metrics protection and shutdown', (_label, express) => {
  it('answers /metrics 401 without or with a wrong token, 200 with the right one', async () => {
    const o = createObsExpress({ service: 'express-test', defaultMetrics: false, metrics: { token: TOKEN } });
    const { app } = buildApp(express, o);
    const server = createServer(app);
    const base = await listen(server);
    try {
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
      const m = await scrape(base, { authorization: `Bearer ${TOKEN}` });
      expect(sum(m, UP)).toBe(1);
      expect(labelValues(m, REQUESTS, 'path').size).toBe(0); // refused scrapes are not counted either
    } finally {
      await o.close(server);
    }
  });

  it('serves the metrics on a custom path, or not at all, and as a mountable handler', async () => {
    const custom = createObsExpress({ service: 'express-test', defaultMetrics: false, metrics: { path: '/internal/metrics' } });
    const off = createObsExpress({ obs: custom.obs, metrics: false });
    const app = express();
    app.use(off.middleware);
    app.get('/prom', off.metricsHandler);
    const server = createServer(app);
    const base = await listen(server);
    const c = createServer(buildApp(express, custom).app);
    const cBase = await listen(c);
    try {
      expect((await fetch(`${base}/metrics`)).status).toBe(404);
      expect((await fetch(`${base}/prom`)).status).toBe(200);
      const res = await fetch(`${cBase}/internal/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(UP);
    } finally {
      await off.close(server);
      await custom.close(c);
    }
  });

  it('sets service_up to 0 before the listener closes, and drains in-flight requests', async () => {
    const o = createObsExpress({ service: 'express-test', defaultMetrics: false });
    const { app, slowFinished } = buildApp(express, o);
    const server = createServer(app);
    const base = await listen(server);
    const finished = slowFinished();
    const slow = fetch(`${base}/slow?ms=200`);
    await expect.poll(async () => sum(await scrape(base), IN_FLIGHT)).toBe(1);
    let closed = false;
    const closing = o.close(server, { timeoutMs: 5000 }).then((drained) => {
      closed = true;
      return drained;
    });
    // Shutting down: the listener still answers, and reports service_up 0.
    const during = await scrape(base);
    expect(closed).toBe(false);
    expect(server.listening).toBe(true);
    expect(sum(during, UP)).toBe(0);
    expect((await slow).status).toBe(200);
    await finished;
    expect(await closing).toBe(true);
    expect(server.listening).toBe(false);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});

describe('start-up validation', () => {
  it.each([
    [{ service: 'Bad Name' }, 'OBS_ERR_INVALID_SERVICE_NAME', 'service'],
    [{ service: 'ok', metrics: { path: 'metrics' } }, 'OBS_ERR_INVALID_OPTION', 'metrics.path'],
    [{ service: 'ok', metrics: { tokn: 'x' } }, 'OBS_ERR_INVALID_OPTION', 'metrics.tokn'],
    [{ service: 'ok', metrics: { token: 'short' } }, 'OBS_ERR_INVALID_TOKEN', 'metrics.token'],
    [{ service: 'ok', metrics: { allow: ['10.0.0.0/33'] } }, 'OBS_ERR_INVALID_CIDR', 'metrics.allow[0]'],
    [{ service: 'ok', metrics: true }, 'OBS_ERR_INVALID_OPTION', 'metrics'],
    [{ service: 'ok', ignore: '/healthz' }, 'OBS_ERR_INVALID_OPTION', 'ignore'],
    [{ service: 'ok', ignore: ['/users/:id'] }, 'OBS_ERR_INVALID_OPTION', 'ignore[0]'],
    [{ obs: {} }, 'OBS_ERR_INVALID_OPTION', 'obs'],
    [{ service: 'ok', ignor: [] }, 'OBS_ERR_INVALID_OPTION', 'ignor'],
  ])('rejects %j with %s naming %s', (options, code, option) => {
    const err = errorOf(() => createObsExpress(options as never), ObsError);
    expect(err.code).toBe(code);
    expect(err.option).toBe(option);
  });

  it("a misspelt option names the nearest of Express's own options and lists them, before any createObs", () => {
    const warnings: string[] = [];
    const err = errorOf(() => createObsExpress({ service: 'ok', ignor: ['/healthz'], onWarning: (c: string) => warnings.push(c) } as never), ObsError);
    expect(err.message).toContain('did you mean `ignore`?');
    for (const key of ['ignore', 'metrics', 'logRequests', 'logger', 'obs', 'service', 'env', 'exemplars']) expect(err.message).toContain(key);
    expect(errorOf(() => createObsExpress({ service: 'ok', metrics: { tokn: TOKEN } } as never), ObsError).message).toContain('did you mean `metrics.token`?');
    // With an `obs`, the leftover key is named too (never passed on).
    const o = createObsExpress({ service: 'ok', defaultMetrics: false });
    const withObs = errorOf(() => createObsExpress({ obs: o.obs, logRequest: 'info' } as never), ObsError);
    expect(withObs.option).toBe('logRequest');
    expect(withObs.message).toContain('did you mean `logRequests`?');
    void o.obs.shutdown({ timeoutMs: 0 });
  });

  it('rejects an obs together with options that would create another', () => {
    const o = createObsExpress({ service: 'ok', defaultMetrics: false });
    expect(() => createObsExpress({ obs: o.obs, service: 'other' } as never)).toThrow(/OBS_ERR_INVALID_OPTION.*`service`/);
    void o.obs.shutdown({ timeoutMs: 0 });
  });
});

describe('Express 5 on router 2.0–2.2 (layers without rawPath)', () => {
  it('still gives parameterised and nested mounts their templates', async () => {
    const o = createObsExpress({ service: 'express-test', defaultMetrics: false });
    const { app } = buildApp(express5, o);
    stripRawPaths((app as unknown as { router: never }).router);
    const server = createServer(app);
    const base = await listen(server);
    try {
      for (const url of ['/users/17/posts/3', '/users/a%20b/posts/4', '/orgs/acme/teams/red/members/ann', '/api/v1/items/5']) {
        const res = await fetch(`${base}${url}`);
        expect(res.status, url).toBe(200);
        await res.arrayBuffer();
      }
      const m = await scrape(base);
      expect(sum(m, REQUESTS, { path: '/users/:uid/posts/:postId' })).toBe(2);
      expect(sum(m, REQUESTS, { path: '/orgs/:org/teams/:team/members/:member' })).toBe(1);
      expect(sum(m, REQUESTS, { path: '/api/v1/items/:itemId' })).toBe(1);
    } finally {
      await o.close(server);
    }
  });
});
