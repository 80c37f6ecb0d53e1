// startTracing: the OpenTelemetry Node SDK configured from the OTEL_* variables, with the metrics'
// identity, exporting over OTLP/HTTP (http/json) to a local receiver; obs.shutdown() flushes.
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createObs } from '../src/index.js';
// In-process tests import the subpath from source (the `@obs/metrics-standard` alias maps the main entry only).
import { startTracing } from '../src/tracing/index.js';
// @ts-expect-error: plain JS helper without declarations
import { startOtlpReceiver } from './helpers/otlp-receiver.mjs';

let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
const saved = { ...process.env };

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  Object.assign(process.env, {
    ...receiver.env,
    // A long batch delay: the span can only arrive through the flush at shutdown.
    OTEL_BSP_SCHEDULE_DELAY: '60000',
    OTEL_TRACES_SAMPLER: 'always_on',
  });
});
afterAll(async () => {
  process.env = saved;
  await receiver?.close();
});

describe('startTracing', () => {
  it('rejects bad input with coded errors naming the option', () => {
    expect(() => startTracing(null as never)).toThrow(/OBS_ERR_INVALID_OPTION/);
    expect(() => startTracing({ service: '' })).toThrow(/OBS_ERR_INVALID_SERVICE_NAME/);
    expect(() => startTracing({ service: 'a', version: 3 as never })).toThrow(/OBS_ERR_INVALID_OPTION.*version/s);
    expect(() => startTracing({ service: 'a' }, { exporter: 'x' } as never)).toThrow(/OBS_ERR_INVALID_OPTION.*exporter.*known: instrumentations/s);
    expect(() => startTracing({ service: 'a' }, { instrumentations: {} as never })).toThrow(/OBS_ERR_INVALID_OPTION.*instrumentations/s);
  });

  it('exports spans with the service identity; obs.shutdown() flushes them; no metrics are sent over OTLP', async () => {
    const obs = createObs({ service: 'checkout-api', version: '2.3.4', env: 'staging', defaultMetrics: false });
    const tracing = startTracing(obs, { resourceAttributes: { 'service.namespace': 'shop' } });
    const span = trace.getTracer('test').startSpan('charge card');
    const { traceId, spanId } = span.spanContext();
    span.end();
    expect(receiver.spans).toEqual([]); // still buffered (60 s batch delay)

    await obs.shutdown({ timeoutMs: 1000 });
    const got = await receiver.waitFor((s: { spanId: string }) => s.spanId === spanId, 5000);
    expect(got).toMatchObject({ traceId, name: 'charge card' });
    expect(got.resource).toMatchObject({
      'service.name': 'checkout-api',
      'service.version': '2.3.4',
      'deployment.environment.name': 'staging',
      'service.namespace': 'shop',
    });
    expect(receiver.requests.every((r: { url: string; contentType: string }) => r.url === '/v1/traces' && r.contentType === 'application/json')).toBe(true);
    await tracing.shutdown(); // idempotent
  });
});
