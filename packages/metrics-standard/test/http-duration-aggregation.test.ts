// http_request_duration_seconds keeps exemplar-less observations in plain numbers and adds them into
// prom-client when it is collected (ADR 0091). What every reader sees must be exactly what a plain
// prom-client Histogram given the same observations shows: compared here as rendered text.
import { Histogram, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLED, UNSAMPLED, useContextManager, within } from '../../../test-utils/otel-context.mjs';
import { createObs, type Obs, scrape } from '../src/index.js';

const NAME = 'http_request_duration_seconds';
const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];
const PATHS = ['/users/:id', '/orders', '/health', '/a/very/long/route/:with/:params', '/'];

useContextManager();

/** mulberry32: a small seeded generator, so a failing sequence can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A duration: exactly on a bound, between bounds, zero, or beyond the last bound. */
function value(next: () => number, buckets: readonly number[]): number {
  const r = next();
  const last = buckets[buckets.length - 1] as number;
  if (r < 0.3) return buckets[Math.floor(next() * buckets.length)] as number;
  if (r < 0.35) return 0;
  if (r < 0.45) return last + next() * last * 3;
  return next() * last * 1.2;
}

interface Step {
  method: string;
  path: string;
  seconds: number;
  sampled: boolean;
}

function steps(seed: number, count: number, buckets: readonly number[], sampledShare = 0): Step[] {
  const next = rng(seed);
  return Array.from({ length: count }, () => ({
    method: METHODS[Math.floor(next() * METHODS.length)] as string,
    path: PATHS[Math.floor(next() * PATHS.length)] as string,
    seconds: value(next, buckets),
    sampled: next() < sampledShare,
  }));
}

/** A plain prom-client histogram shaped like `obs`'s, in a registry with the same default labels. */
function reference(obs: Obs, openMetrics = false): { registry: Registry; histogram: Histogram<string> } {
  const registry = new Registry();
  if (openMetrics) registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE as never);
  registry.setDefaultLabels({ ...obs.defaultLabels });
  const histogram = new Histogram({
    name: NAME,
    help: obs.http.duration.definition.help,
    labelNames: [...obs.http.duration.labelNames],
    buckets: [...obs.http.duration.buckets],
    registers: [registry],
    ...(openMetrics ? { enableExemplars: true } : {}),
  });
  return { registry, histogram };
}

const make = (opts: Record<string, unknown> = {}): Obs => createObs({ service: 'svc', version: '1.0.0', env: 'test', defaultMetrics: false, ...opts });
const text = (registry: Registry) => registry.getSingleMetricAsString(NAME);

describe('http_request_duration_seconds aggregated per series', () => {
  it('the installed prom-client takes the fast path: no prom-client write per request, all of it at collection', async () => {
    const obs = make();
    const ref = reference(obs);
    expect(obs.http.duration.aggregating).toBe(true);
    const hashMap = () => Object.values((obs.http.duration.metric as unknown as { hashMap: Record<string, { count: number }> }).hashMap);
    for (let i = 0; i < 5; i++) {
      obs.http.finish('GET', '/fast', 200, 0.1 * i);
      ref.histogram.labels('GET', '/fast').observe(0.1 * i);
    }
    // prom-client's observe would have counted each request in its entry at once.
    expect(hashMap().reduce((n, e) => n + e.count, 0)).toBe(0);
    await obs.http.duration.metric.get();
    expect(hashMap().reduce((n, e) => n + e.count, 0)).toBe(5);
    expect(await text(obs.registry)).toBe(await text(ref.registry));
  });

  it.each([
    ['registry.metrics()', (obs: Obs) => obs.registry.metrics()],
    ['registry.getMetricsAsJSON() (cluster aggregation)', async (obs: Obs) => JSON.stringify(await obs.registry.getMetricsAsJSON())],
    ['the Prometheus text scrape', async (obs: Obs) => (await scrape(obs)).body],
    ['the OpenMetrics scrape (its mirror registry)', async (obs: Obs) => (await scrape(obs, 'application/openmetrics-text')).body],
  ])('%s adds what is pending before it reads', async (_, read) => {
    for (const exemplars of [false, true]) {
      const obs = make({ exemplars });
      expect(await read(obs)).not.toMatch(/"?http_request_duration_seconds_count"?.*"?GET"?/);
      obs.http.finish('GET', '/read', 200, 0.3);
      obs.http.finish('GET', '/read', 200, 7);
      const body = await read(obs);
      if (body.startsWith('[')) {
        const metric = (JSON.parse(body) as Array<{ name: string; values: Array<{ metricName: string; value: number }> }>).find((m) => m.name === NAME);
        expect(metric?.values.find((v) => v.metricName === `${NAME}_count`)?.value).toBe(2);
        expect(metric?.values.find((v) => v.metricName === `${NAME}_sum`)?.value).toBe(7.3);
      } else {
        expect(body).toMatch(/http_request_duration_seconds_count\{[^}]*path="\/read"\} 2\n/);
        expect(body).toMatch(/http_request_duration_seconds_sum\{[^}]*path="\/read"\} 7.3\n/);
      }
    }
  });

  it.each([1, 2, 3, 4])('random sequence %i: the same text as plain prom-client, with scrapes in between', async (seed) => {
    const obs = make();
    const ref = reference(obs);
    const next = rng(seed * 7919);
    for (const s of steps(seed, 600, obs.http.duration.buckets)) {
      obs.http.finish(s.method, s.path, 200, s.seconds);
      ref.histogram.labels(s.method, s.path).observe(s.seconds);
      if (next() < 0.02) expect(await text(obs.registry)).toBe(await text(ref.registry));
    }
    expect(await obs.registry.metrics()).toContain(await text(ref.registry));
    expect(await text(obs.registry)).toBe(await text(ref.registry));
    // A JSON reader (cluster aggregation) sees the same numbers.
    const json = async (h: Histogram<string>) => (await h.get()).values.map(({ labels, value, metricName }) => ({ labels, value, metricName }));
    expect(await json(obs.http.duration.metric)).toEqual(await json(ref.histogram));
  });

  it('exactly-on-bound and beyond-the-last-bound values land where prom-client puts them', async () => {
    const obs = make();
    const ref = reference(obs);
    for (const v of [0.1, 1, ...obs.http.duration.buckets, 1e6, 0]) {
      obs.http.finish('GET', '/edge', 200, v);
      ref.histogram.labels('GET', '/edge').observe(v);
    }
    expect(await text(obs.registry)).toBe(await text(ref.registry));
  });

  it('after registry.resetMetrics(), with observations pending at the reset', async () => {
    const obs = make();
    const ref = reference(obs);
    const next = rng(42);
    for (const s of steps(5, 800, obs.http.duration.buckets)) {
      obs.http.finish(s.method, s.path, 200, s.seconds);
      ref.histogram.labels(s.method, s.path).observe(s.seconds);
      const r = next();
      if (r < 0.01) {
        obs.registry.resetMetrics();
        ref.registry.resetMetrics();
      } else if (r < 0.03) {
        expect(await text(obs.registry)).toBe(await text(ref.registry));
      }
    }
    expect(await text(obs.registry)).toBe(await text(ref.registry));
    obs.registry.resetMetrics();
    ref.registry.resetMetrics();
    expect(await text(obs.registry)).toBe(await text(ref.registry));
  });

  it('with exemplars: Prometheus text as plain prom-client, OpenMetrics with the sampled exemplars', async () => {
    const obs = make({ exemplars: true });
    const plain = reference(obs);
    const om = reference(obs, true);
    const next = rng(99);
    for (const s of steps(6, 500, obs.http.duration.buckets, 0.2)) {
      const spanContext = s.sampled ? { ...SAMPLED, spanId: Math.floor(next() * 0xffffffff).toString(16).padStart(16, '0') } : UNSAMPLED;
      within(spanContext, () => obs.http.finish(s.method, s.path, 200, s.seconds));
      plain.histogram.labels(s.method, s.path).observe(s.seconds);
      om.histogram.observe({ labels: { method: s.method, path: s.path }, value: s.seconds, ...(s.sampled ? { exemplarLabels: { trace_id: spanContext.traceId, span_id: spanContext.spanId } } : {}) });
      if (next() < 0.02) expect(await text(obs.registry)).toBe(await text(plain.registry));
    }
    // Exemplar timestamps are the time of the observation: left out of the comparison.
    const lines = (body: string) =>
      body
        .split('\n')
        .filter((l) => l.startsWith(NAME))
        .map((l) => l.replace(/( # \{[^}]*\} \S+) \S+$/, '$1'));
    const got = lines((await scrape(obs, 'application/openmetrics-text')).body);
    const want = lines(await om.registry.metrics());
    expect(got.filter((l) => l.includes(' # {')).length).toBeGreaterThan(5);
    expect(got).toEqual(want);
    expect(await text(obs.registry)).toBe(await text(plain.registry));
  });

  it('past the series cap, the overflow series totals exactly too', async () => {
    const obs = make({ maxSeriesPerMetric: 4 });
    const ref = reference(obs);
    const admitted: string[] = [];
    const next = rng(3);
    for (const s of steps(11, 700, obs.http.duration.buckets)) {
      obs.http.finish(s.method, s.path, 200, s.seconds);
      const key = `${s.method} ${s.path}`;
      if (!admitted.includes(key) && admitted.length < 4) admitted.push(key);
      if (admitted.includes(key)) ref.histogram.labels(s.method, s.path).observe(s.seconds);
      else ref.histogram.labels('<overflow>', '<overflow>').observe(s.seconds);
      if (next() < 0.02) expect(await text(obs.registry)).toBe(await text(ref.registry));
    }
    expect(await text(obs.registry)).toContain('method="<overflow>",path="<overflow>"');
    expect(await text(obs.registry)).toBe(await text(ref.registry));
  });

  it('a value that is not finite warns once and records nothing, as before', async () => {
    const warnings: string[] = [];
    const obs = make({ onWarning: (code: string) => warnings.push(code) });
    const ref = reference(obs);
    obs.http.finish('GET', '/x', 200, 0.2);
    ref.histogram.labels('GET', '/x').observe(0.2);
    obs.http.finish('GET', '/x', 200, Number.NaN);
    obs.http.finish('GET', '/x', 200, Number.POSITIVE_INFINITY);
    expect(warnings).toEqual(['OBS_WARN_RECORD_FAILED']);
    expect(await text(obs.registry)).toBe(await text(ref.registry));
  });

  describe('a prom-client without the expected internals', () => {
    const proto = Histogram.prototype as unknown as { zero: unknown };
    const zero = proto.zero;
    afterEach(() => {
      proto.zero = zero;
    });

    it('falls back to prom-client per observation, with the same result', async () => {
      proto.zero = undefined;
      const obs = make();
      obs.http.start(); // built on first use
      obs.http.cancel();
      proto.zero = zero;
      expect(obs.http.duration.aggregating).toBe(false);
      const ref = reference(obs);
      for (const s of steps(8, 200, obs.http.duration.buckets)) {
        obs.http.finish(s.method, s.path, 200, s.seconds);
        ref.histogram.labels(s.method, s.path).observe(s.seconds);
      }
      const entries = Object.values((obs.http.duration.metric as unknown as { hashMap: Record<string, { count: number }> }).hashMap);
      expect(entries.reduce((n, e) => n + e.count, 0)).toBe(200);
      expect(await text(obs.registry)).toBe(await text(ref.registry));
    });
  });
});
