import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Obs } from '@obs/metrics-standard';
import express from 'express';
import { describe, expectTypeOf, it } from 'vitest';
import { createObsExpress, type ObsErrorHandler, type ObsExpress, type ObsExpressOptions, type ObsRequestHandler } from '../src/index.js';

// Compiled by `tsc --noEmit -p packages/express/tsconfig.json`; the assertions are checked there.
describe('types', () => {
  it('fits Express without casts', () => {
    const o = createObsExpress({ service: 'typed-api', defaultMetrics: false, metrics: { token: 'a-long-enough-token-123' }, ignore: ['/healthz'] });
    expectTypeOf(o).toEqualTypeOf<ObsExpress>();
    expectTypeOf(o.obs).toEqualTypeOf<Obs>();
    expectTypeOf(o.middleware).toEqualTypeOf<ObsRequestHandler>();
    expectTypeOf(o.errorHandler).toEqualTypeOf<ObsErrorHandler>();
    expectTypeOf(o.close).returns.toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(o.metricsHandler).parameters.toEqualTypeOf<[IncomingMessage, ServerResponse]>();

    const app = express();
    app.use(o.middleware);
    app.get('/metrics', o.metricsHandler);
    app.use(o.errorHandler);
    const router = express.Router();
    router.use(o.errorHandler);
    void o.obs.shutdown({ timeoutMs: 0 });
  });

  it('rejects misspelt or mistyped options', () => {
    expectTypeOf<{ obs: Obs }>().toMatchTypeOf<ObsExpressOptions>();
    expectTypeOf<{ service: string; metrics: false }>().toMatchTypeOf<ObsExpressOptions>();
    // @ts-expect-error service (or obs) is required
    expectTypeOf<{ metrics: false }>().toMatchTypeOf<ObsExpressOptions>();
    // @ts-expect-error metrics is false or an object, not true
    expectTypeOf<{ service: string; metrics: true }>().toMatchTypeOf<ObsExpressOptions>();
    // @ts-expect-error the metrics path is a string
    expectTypeOf<{ service: string; metrics: { path: number } }>().toMatchTypeOf<ObsExpressOptions>();
    // @ts-expect-error ignore lists paths
    expectTypeOf<{ service: string; ignore: RegExp[] }>().toMatchTypeOf<ObsExpressOptions>();
  });
});
