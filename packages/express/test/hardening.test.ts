import { createServer } from 'node:http';
import { HTTP_METRICS, ObsError, UNMATCHED_PATH } from '@obs/metrics-standard';
import express5 from 'express';
import express4 from 'express4';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../../../test-utils/errors.mjs';
import { createObsExpress, type ObsExpress } from '../src/index.js';
import { client, labelValues, listen, parseMetrics, stripRawPaths } from './helpers.js';

type Express = typeof express5;
type App = ReturnType<Express>;
const REQUESTS = HTTP_METRICS.requestsTotal.name;

/** Serve `app`, send every URL once (keep-alive), and return the `path` values recorded. */
async function pathsAfter(o: ObsExpress, app: App, urls: readonly string[]): Promise<string[]> {
  const server = createServer(app);
  const base = await listen(server);
  const c = client(4);
  try {
    for (const url of urls) await c.get(`${base}${url}`);
    const text = await (await fetch(`${base}/metrics`)).text();
    return [...labelValues(parseMetrics(text), REQUESTS, "path")].sort();
  } finally {
    c.close();
    await o.close(server);
  }
}

function handler(_req: unknown, res: { send(body: string): void }) {
  res.send('ok');
}

/** URLs carrying a marker (`zq…`) wherever the registration lets the URL choose text. */
const urls = (make: (i: number) => string, n = 40) => Array.from({ length: n }, (_, i) => make(i));

describe.each([
  ['Express 4', express4 as unknown as Express, false],
  ['Express 5 (router 2.3)', express5, false],
  ['Express 5 on router 2.0–2.2', express5, true],
])('%s: no URL text in the path label', (label, express, strip) => {
  const make = (build: (app: App, router: () => ReturnType<Express['Router']>) => void) => {
    const o = createObsExpress({ service: 'hardening', defaultMetrics: false, metrics: { open: true, cacheMs: 0 } });
    const app = express();
    app.use(o.middleware);
    build(app, () => express.Router());
    if (strip) stripRawPaths((app as unknown as { router: never }).router);
    return { o, app };
  };

  it('a RegExp mount gives one template (the pattern, or the route itself), never the matched text', async () => {
    const { o, app } = make((app, router) => {
      const r = router();
      r.get('/users/:id', handler);
      app.use(/^\/v\d+/, r);
    });
    const paths = await pathsAfter(o, app, urls((i) => `/v${1000 + i}/users/${i}`));
    expect(paths).toHaveLength(1);
    expect(paths[0]).toMatch(/\/users\/:id$/);
    expect(paths[0]).not.toMatch(/v10\d\d/);
  });

  it('case variants of a mount share the registered spelling', async () => {
    const { o, app } = make((app, router) => {
      const r = router();
      r.get('/items/:id', handler);
      app.use('/Api/:tenant', r);
    });
    const variants = ['Api', 'API', 'api', 'aPI', 'ApI'];
    const paths = await pathsAfter(o, app, urls((i) => `/${variants[i % variants.length]}/zq${i}/items/${i}`));
    expect(paths).toHaveLength(1);
    expect(paths[0]?.toLowerCase()).toBe('/api/:tenant/items/:id');
  });

  it('arrays of mount paths give one template per registered path', async () => {
    const { o, app } = make((app, router) => {
      const r = router();
      r.get('/x', handler);
      app.use(['/alpha/:a', '/beta'], r);
    });
    const paths = await pathsAfter(o, app, [...urls((i) => `/alpha/zq${i}/x`), ...urls((i) => `/BETA/x?zq=${i}`)]);
    expect(paths.map((p) => p.toLowerCase())).toEqual(['/alpha/:a/x', '/beta/x']);
  });

  it('a parameter inside a segment stays a parameter', async () => {
    const { o, app } = make((app, router) => {
      const r = router();
      r.get('/doc', handler);
      app.use(express === (express4 as unknown) ? '/v:version(\\d+)' : '/v:version', r);
    });
    const paths = await pathsAfter(o, app, urls((i) => `/v${100 + i}/doc`));
    expect(paths).toEqual(['/v:version/doc']);
  });

  it('unmatched URLs and a flood of distinct ones add no series', async () => {
    const { o, app } = make((app, router) => {
      const r = router();
      r.get('/users/:id', handler);
      app.use(/^\/v\d+/, r);
    });
    const paths = await pathsAfter(o, app, urls((i) => (i % 2 ? `/zq${i}/nothing` : `/v${i}/zq${i}`), 200));
    expect(paths).toEqual([UNMATCHED_PATH]);
    void label;
  });
});

describe('Express 4 only: custom parameter patterns in mounts', () => {
  it('keep the parameter name and the registered literal text', async () => {
    const o = createObsExpress({ service: 'hardening', defaultMetrics: false, metrics: { open: true, cacheMs: 0 } });
    const app = express4();
    app.use(o.middleware);
    const r = express4.Router();
    r.get('/orders/:id', handler);
    app.use('/Shop/:shop(\\w+)/API', r);
    const paths = await pathsAfter(o, app as unknown as App, urls((i) => `/${i % 2 ? 'SHOP' : 'shop'}/zq${i}/${i % 3 ? 'api' : 'Api'}/orders/${i}`));
    expect(paths).toEqual(['/Shop/:shop/API/orders/:id']);
  });
});

describe('the token contract in @obs/express', () => {
  it('metrics.token present but undefined (an unset variable) fails at start-up', () => {
    const err = errorOf(() => createObsExpress({ service: 'api', metrics: { token: process.env.OBS_TEST_UNSET_TOKEN } }), ObsError);
    expect(err.code).toBe('OBS_ERR_MISSING_TOKEN');
  });

  it('an open /metrics on the application port warns once, with a code; open: true or a token does not', () => {
    for (const [metrics, expected] of [
      [undefined, 1],
      [{ open: true }, 0],
      [{ token: 't'.repeat(20) }, 0],
      [false, 0],
    ] as const) {
      const codes: string[] = [];
      const o = createObsExpress({ service: 'api', defaultMetrics: false, onWarning: (code) => codes.push(code), ...(metrics === undefined ? {} : { metrics }) });
      expect(codes.filter((c) => c === 'OBS_WARN_METRICS_UNPROTECTED'), JSON.stringify(metrics)).toHaveLength(expected);
      void o.close();
    }
  });

  it('a secret passed under a wrong key is never printed', () => {
    const err = errorOf(() => createObsExpress({ service: 'api', metricsToken: 'hunter2-secret' } as never), ObsError);
    expect(`${err.message}${err.stack}`).not.toContain('hunter2');
  });
});
