import { Writable } from 'node:stream';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createObs, LOGGED_ERROR_TYPE, logRequest, SERVICE_METRICS } from '../src/index.js';

function sink() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { lines, stream };
}

const makeObs = () => createObs({ service: 'checkout-api', env: 'staging', version: '2.3.4', defaultMetrics: false, onWarning: () => {} });

async function loggedErrors(obs: ReturnType<typeof makeObs>): Promise<number> {
  const metric = await obs.registry.getSingleMetric(SERVICE_METRICS.errorsTotal.name)?.get();
  return metric?.values.find((v) => v.labels.type === LOGGED_ERROR_TYPE)?.value ?? 0;
}

describe('createLogger', () => {
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(manager.enable());
  });
  afterAll(() => {
    context.disable();
  });

  it('writes service, env and version on every line, no trace fields outside a span', () => {
    const { lines, stream } = sink();
    const log = createLogger(makeObs(), { destination: stream });
    log.info('hello');
    log.child({ component: 'db' }).warn('slow');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatchObject({ service: 'checkout-api', env: 'staging', version: '2.3.4' });
      expect(line).not.toHaveProperty('trace_id');
    }
    expect(lines[1]).toMatchObject({ component: 'db', msg: 'slow' });
  });

  it('adds trace_id, span_id and trace_flags of the active span, across awaits', async () => {
    const { lines, stream } = sink();
    const log = createLogger(makeObs(), { destination: stream });
    const spanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };
    const span = trace.wrapSpanContext(spanContext);
    await context.with(trace.setSpan(context.active(), span), async () => {
      await new Promise((r) => setTimeout(r, 1));
      log.info('inside');
    });
    log.info('outside');
    expect(lines[0]).toMatchObject({ trace_id: spanContext.traceId, span_id: spanContext.spanId, trace_flags: '01', msg: 'inside' });
    expect(lines[1]).not.toHaveProperty('trace_id');
  });

  it('counts error and fatal lines into service_errors_total{type="logged_error"} unless disabled', async () => {
    const obs = makeObs();
    const { lines, stream } = sink();
    const log = createLogger(obs, { destination: stream, level: 'info' });
    log.info('fine');
    log.warn('hmm');
    log.error(new Error('db down'), 'query failed');
    log.fatal('dying');
    log.debug('not written, not counted');
    expect(lines).toHaveLength(4);
    expect(await loggedErrors(obs)).toBe(2);
    const quiet = makeObs();
    createLogger(quiet, { destination: sink().stream, countErrors: false }).error('x');
    expect(await loggedErrors(quiet)).toBe(0);
    // Lines filtered out by the level are not counted.
    const silent = makeObs();
    createLogger(silent, { destination: sink().stream, level: 'silent' }).error('x');
    expect(await loggedErrors(silent)).toBe(0);
  });

  it('keeps a user mixin and rejects bad options at start-up', () => {
    const { lines, stream } = sink();
    createLogger(makeObs(), { destination: stream, mixin: () => ({ region: 'eu' }) }).info('x');
    expect(lines[0]).toMatchObject({ region: 'eu', service: 'checkout-api' });
    expect(() => createLogger(makeObs(), { countErrors: 'yes' as never })).toThrowError(/OBS_ERR_INVALID_OPTION.*countErrors/);
    expect(() => createLogger(makeObs(), { destination: 42 as never })).toThrowError(/OBS_ERR_INVALID_OPTION.*destination/);
  });
});

describe('logRequest', () => {
  const capture = () => {
    const lines: Array<{ level: string; obj: Record<string, unknown>; msg: string }> = [];
    const logger = {
      info: (obj: object, msg: string) => lines.push({ level: 'info', obj: obj as Record<string, unknown>, msg }),
      debug: (obj: object, msg: string) => lines.push({ level: 'debug', obj: obj as Record<string, unknown>, msg }),
    };
    return { lines, logger };
  };

  it('writes one line per request with the template, status, duration and the span ids', () => {
    const { lines, logger } = capture();
    logRequest(logger, 'info', { method: 'GET', url: '/users/7?x=1', path: '/users/:id', status: 200, aborted: false, seconds: 0.0123456, span: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) } });
    expect(lines).toEqual([
      { level: 'info', msg: 'request completed', obj: { method: 'GET', url: '/users/7', path: '/users/:id', status: 200, duration_ms: 12.346, trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16) } },
    ]);
  });

  it('drops the query string (tokens, e-mail addresses) unless keepQuery is set', () => {
    const { lines, logger } = capture();
    const fields = { method: 'GET', url: '/reset?token=abc', path: '/reset', status: 200, aborted: false, seconds: 0, span: null };
    logRequest(logger, 'info', fields);
    logRequest(logger, 'info', fields, { keepQuery: true });
    expect(lines.map((l) => l.obj.url)).toEqual(['/reset', '/reset?token=abc']);
  });

  it('logs an aborted request as 499 whatever status was set, and no trace ids without a span', () => {
    const { lines, logger } = capture();
    logRequest(logger, 'debug', { method: 'POST', url: '/orders', path: '/orders', status: 200, aborted: true, seconds: 1, span: null });
    expect(lines).toEqual([{ level: 'debug', msg: 'request aborted', obj: { method: 'POST', url: '/orders', path: '/orders', status: 499, duration_ms: 1000 } }]);
  });
});
