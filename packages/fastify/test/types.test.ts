// Type-level tests: checked by `tsc --noEmit -p packages/fastify/tsconfig.json` (the typecheck
// task); the runtime part registers the same options so each line is also exercised.
import { createObs, type Obs } from '@obs/metrics-standard';
import Fastify from 'fastify';
import { describe, expect, expectTypeOf, it } from 'vitest';
import obsFastify, { type ObsFastifyOptions, type ObsMetricsServer } from '../src/index.js';

describe('types', () => {
  it('types fastify.obs, fastify.obsMetricsServer and the route config key through declaration merging', async () => {
    const app = Fastify();
    await app.register(obsFastify, { service: 'typed-api', defaultMetrics: false, metrics: { path: '/m' }, ignore: ['/ready'] });
    app.get('/healthz', { config: { obs: false } }, async () => 'ok');
    await app.ready();
    expectTypeOf(app.obs).toEqualTypeOf<Obs>();
    expectTypeOf(app.obsMetricsServer).toEqualTypeOf<ObsMetricsServer | null>();
    expectTypeOf(app.obs.http.finish).parameter(1).toEqualTypeOf<string>();
    expect(app.obs.service).toBe('typed-api');
    await app.close();
  });

  it('accepts either an obs instance or the core options, and rejects bad options at compile time', () => {
    const obs = createObs({ service: 'typed-api', defaultMetrics: false });
    expectTypeOf({ obs }).toExtend<ObsFastifyOptions>();
    expectTypeOf({ service: 'x', metrics: false as const }).toExtend<ObsFastifyOptions>();
    expectTypeOf({ obs, service: 'x' }).not.toExtend<ObsFastifyOptions>();
    expectTypeOf({ metrics: false as const }).not.toExtend<ObsFastifyOptions>();

    // Never called: these lines only have to fail to compile.
    const compileOnly = () => {
      const app = Fastify();
      // @ts-expect-error: `service` is required when no `obs` is given
      app.register(obsFastify, { metrics: false });
      // @ts-expect-error: an obs instance and core options together
      app.register(obsFastify, { obs, service: 'other' });
      // @ts-expect-error: `metrics` is an options object or false, not true
      app.register(obsFastify, { service: 'x', metrics: true });
      // @ts-expect-error: a misspelled protection option
      app.register(obsFastify, { service: 'x', metrics: { tokn: 'x' } });
      // @ts-expect-error: the route opt-out is a boolean
      app.get('/x', { config: { obs: 'no' } }, async () => 'x');
    };
    expect(typeof compileOnly).toBe('function');
  });
});
