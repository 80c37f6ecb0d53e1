import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  createObs,
  HTTP_METRICS,
  type LabelValues,
  type MetricDefinition,
  type ObsCounter,
  type ObsHistogram,
  type SERVICE_METRICS,
  type WORKER_METRICS,
} from '../src/index.js';

const ORDERS = {
  name: 'orders_total',
  type: 'counter',
  help: 'Orders placed.',
  unit: 'orders',
  labels: ['service', 'region', 'status'],
  group: 'app',
} as const satisfies MetricDefinition;

describe('instrument types', () => {
  it('derive label objects from the definition, and reject misspelled labels', async () => {
    const obs = createObs({ service: 'api', defaultMetrics: false, onWarning: () => {} });
    const orders = obs.counter(ORDERS);
    expectTypeOf(orders).toEqualTypeOf<ObsCounter<typeof ORDERS>>();
    expectTypeOf(orders.inc).parameter(0).toEqualTypeOf<{ readonly region: string | number; readonly status: string | number }>();
    orders.inc({ region: 'eu', status: 'paid' });
    // @ts-expect-error: misspelled label `regin`
    orders.inc({ regin: 'eu', status: 'paid' });
    // @ts-expect-error: a label is missing
    orders.inc({ status: 'paid' });
    expect(await obs.registry.metrics()).toContain('orders_total{region="eu",status="paid",service="api"} 1');

    expectTypeOf<LabelValues<typeof HTTP_METRICS.requestsTotal>>().toEqualTypeOf<{
      readonly method: string | number;
      readonly path: string | number;
      readonly status: string | number;
    }>();
    // `service` is filled in by the registry, never by the caller.
    expectTypeOf<keyof LabelValues<typeof SERVICE_METRICS.errorsTotal>>().toEqualTypeOf<'type'>();
    const typeOnly = (requests: ObsCounter<typeof HTTP_METRICS.requestsTotal>, tasks: ObsHistogram<typeof WORKER_METRICS.taskDuration>) => {
      requests.inc({ method: 'GET', path: '/users/:id', status: 200 });
      // @ts-expect-error: misspelled label `pth`
      requests.inc({ method: 'GET', pth: '/users/:id', status: '200' });
      // @ts-expect-error: `status` is not a label of the task duration histogram
      tasks.observe({ queue: 'emails', task: 'send', status: 'success' }, 0.2);
    };
    expectTypeOf(typeOnly).toBeFunction();
    expectTypeOf(obs.env).toBeString();
    expectTypeOf(obs.version).toBeString();
  });

  it('refuses to register a name twice with a coded error', () => {
    const obs = createObs({ service: 'api', defaultMetrics: false, onWarning: () => {} });
    void obs.http; // the HTTP metrics are registered on first use
    expect(() => obs.counter(HTTP_METRICS.requestsTotal)).toThrowError(/OBS_ERR_ALREADY_REGISTERED.*http_requests_total/);
  });
});
