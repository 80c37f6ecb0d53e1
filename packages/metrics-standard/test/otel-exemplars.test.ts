// Trace exemplars on the duration histograms: shown only in OpenMetrics scrapes, for the sampled
// span active at record time (or the one an integration captured), never in Prometheus text.
import { type SpanContext, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { SAMPLED, UNSAMPLED, useContextManager, within } from '../../../test-utils/otel-context.mjs';
import { createObs, type Obs, scrape, WORKER_METRICS } from '../src/index.js';

const make = (exemplars?: boolean): Obs => createObs({ service: 'svc', version: '1.0.0', env: 'test', defaultMetrics: false, ...(exemplars === undefined ? {} : { exemplars }) });

/** The exemplar suffixes (`# {…} value ts`) of a metric's bucket lines, by `path`/`task` label. */
function exemplars(body: string, metric: string): Array<{ series: string; labels: string }> {
  return body
    .split('\n')
    .filter((l) => l.startsWith(`${metric}_bucket{`) && l.includes(' # {'))
    .map((l) => ({ series: l.slice(0, l.indexOf('}') + 1), labels: l.slice(l.indexOf(' # {') + 4, l.lastIndexOf('}')) }));
}

/** A Prometheus text body with the values (and exemplar-free suffixes) blanked: its shape. */
const shape = (body: string) => body.replace(/^([^#\s][^ ]*(?:\{[^}]*\})?) \S+$/gm, '$1 _');

useContextManager();

describe('exemplars on http_request_duration_seconds', () => {
  it('a request recorded inside a sampled span gets its trace_id and span_id, in OpenMetrics only', async () => {
    const obs = make();
    within(SAMPLED, () => obs.http.finish('GET', '/users/:id', 200, 0.042));
    const om = await scrape(obs, 'application/openmetrics-text');
    expect(exemplars(om.body, 'http_request_duration_seconds')).toEqual([
      { series: 'http_request_duration_seconds_bucket{le="0.05",service="svc",method="GET",path="/users/:id"}', labels: `trace_id="${SAMPLED.traceId}",span_id="${SAMPLED.spanId}"` },
    ]);
    const text = await scrape(obs);
    expect(text.body).not.toContain('# {');
    expect(text.body).not.toContain(SAMPLED.traceId);
  });

  it('Prometheus text is the same with exemplars on or off (modulo values)', async () => {
    const on = make(true);
    const off = make(false);
    for (const obs of [on, off]) {
      within(SAMPLED, () => obs.http.finish('GET', '/a', 200, 0.2));
      obs.http.finish('POST', '/b', 500, 1.5);
      within(UNSAMPLED, () => obs.http.abort('GET', '/a', 0.01));
    }
    const [a, b] = await Promise.all([scrape(on), scrape(off)]);
    expect(a.contentType).toBe(b.contentType);
    expect(shape(a.body)).toBe(shape(b.body));
    expect(a.body.split('\n').filter((l) => l.startsWith('http_'))).toEqual(b.body.split('\n').filter((l) => l.startsWith('http_')));
    // …while OpenMetrics differs only by the exemplar.
    const [oa, ob] = await Promise.all([scrape(on, 'application/openmetrics-text'), scrape(off, 'application/openmetrics-text')]);
    expect(exemplars(oa.body, 'http_request_duration_seconds')).toHaveLength(1);
    expect(exemplars(ob.body, 'http_request_duration_seconds')).toEqual([]);
  });

  it('no exemplar for an unsampled span, without a span, or when the caller passes null', async () => {
    const obs = make();
    within(UNSAMPLED, () => obs.http.finish('GET', '/unsampled', 200, 0.01));
    obs.http.finish('GET', '/none', 200, 0.01);
    within(SAMPLED, () => obs.http.finish('GET', '/null', 200, 0.01, null));
    const om = await scrape(obs, 'application/openmetrics-text');
    expect(om.body).toMatch(/^http_request_duration_seconds_count\{.*path="\/null"\} 1$/m);
    expect(exemplars(om.body, 'http_request_duration_seconds')).toEqual([]);
  });

  it('a span context captured earlier is used outside its async context (the integrations’ close listener)', async () => {
    const obs = make();
    const captured = within(SAMPLED, () => trace.getActiveSpan()?.spanContext());
    // Recorded later, with another sampled span active: the captured one wins.
    within({ ...SAMPLED, spanId: '1111111111111111' }, () => obs.http.finish('GET', '/later', 200, 0.3, captured));
    const [ex] = exemplars((await scrape(obs, 'application/openmetrics-text')).body, 'http_request_duration_seconds');
    expect(ex?.labels).toBe(`trace_id="${SAMPLED.traceId}",span_id="${SAMPLED.spanId}"`);
  });

  it('the OpenMetrics mirror shows the newest exemplar of a bucket at every scrape', async () => {
    const obs = make();
    within(SAMPLED, () => obs.http.finish('GET', '/x', 200, 0.02));
    const first = exemplars((await scrape(obs, 'application/openmetrics-text')).body, 'http_request_duration_seconds');
    const next: SpanContext = { ...SAMPLED, traceId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' };
    within(next, () => obs.http.finish('GET', '/x', 200, 0.02));
    const second = exemplars((await scrape(obs, 'application/openmetrics-text')).body, 'http_request_duration_seconds');
    expect(first[0]?.labels).toContain(SAMPLED.traceId);
    expect(second).toHaveLength(1);
    expect(second[0]?.labels).toContain(next.traceId);
  });

  it('rejects a non-boolean exemplars option at start-up', () => {
    expect(() => createObs({ service: 'svc', exemplars: 'yes' as unknown as boolean })).toThrow(/OBS_ERR_INVALID_OPTION.*exemplars/s);
  });
});

describe('exemplars on worker_task_duration_seconds', () => {
  it('a histogram created with exemplars: true attaches the active sampled span; others do not', async () => {
    const obs = make();
    const tasks = obs.histogram(WORKER_METRICS.taskDuration, { exemplars: true });
    within(SAMPLED, () => tasks.labels('emails', 'send').observe(2));
    const om = (await scrape(obs, 'application/openmetrics-text')).body;
    expect(exemplars(om, 'worker_task_duration_seconds')).toEqual([
      { series: 'worker_task_duration_seconds_bucket{le="2.5",service="svc",queue="emails",task="send"}', labels: `trace_id="${SAMPLED.traceId}",span_id="${SAMPLED.spanId}"` },
    ]);
    const plain = make(false).histogram(WORKER_METRICS.taskDuration, { exemplars: true });
    expect(plain.exemplars).toBe(false);
  });
});
