import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { checkContract, createObs, type CheckResult, ObsError, type Obs, scrape, ScrapeError, startMetricsServer } from '../src/index.js';
import { rawPathReason } from '../src/checker/index.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/checker/${name}`, import.meta.url), 'utf8');
const failed = (r: CheckResult) => r.rules.filter((x) => !x.ok).map((x) => x.id);
const rule = (r: CheckResult, id: string) => {
  const found = r.rules.find((x) => x.id === id);
  if (found === undefined) throw new Error(`no rule ${id}`);
  return found;
};

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function newObs(options: Parameters<typeof createObs>[0]): Obs {
  const obs = createObs({ defaultMetrics: false, ...options });
  cleanups.push(() => obs.shutdown({ timeoutMs: 100 }));
  return obs;
}

describe('checkContract on exposition fixtures', () => {
  it('passes a conforming exposition from another language (text format), service + http + worker groups', async () => {
    const r = await checkContract({ text: fixture('conforming.prom') });
    expect(failed(r)).toEqual([]);
    expect(r).toMatchObject({ url: null, ok: true, profile: 'auto', groups: ['service', 'http', 'worker'], format: 'prometheus' });
    expect(rule(r, 'metric-labels').message).toContain('constant labels allowed: region');
  });

  it('passes the same service in OpenMetrics (counters named without _total, # UNIT, # EOF)', async () => {
    const r = await checkContract({ text: fixture('conforming.om.txt'), contentType: 'application/openmetrics-text; version=1.0.0' });
    expect(failed(r)).toEqual([]);
    expect(r.format).toBe('openmetrics');
  });

  // Each broken fixture fails exactly the rule it targets, and names the offender.
  it.each([
    ['missing-metric.prom', 'required-metrics', 'http_requests_in_flight (gauge, http group)'],
    ['wrong-type.prom', 'metric-types', 'service_up: counter, the contract says gauge'],
    ['wrong-unit.prom', 'metric-units', 'http_request_duration_milliseconds: expose it as http_request_duration_seconds (unit: seconds)'],
    ['missing-service-label.prom', 'service-label', 'http_requests_total{region="eu-west-1",method="POST",path="/orders",status="201"}'],
    ['bad-service-value.prom', 'service-value', '"Checkout API"'],
    ['wrong-labels.prom', 'metric-labels', 'missing status; unexpected code'],
    ['missing-1s-bucket.prom', 'histogram-buckets', 'no le="1" bucket'],
    ['missing-60s-task-bucket.prom', 'histogram-buckets', 'worker_task_duration_seconds{service="checkout-api",region="eu-west-1",queue="emails",task="send-welcome"}: no le="60" bucket'],
    ['raw-paths.prom', 'path-templates', '"/users/123" (numeric id)'],
    ['bad-method.prom', 'http-method', 'http_requests_total: "PURGE"'],
    ['bad-status.prom', 'http-status', 'http_requests_total: "2xx"'],
    ['bad-task-status.prom', 'task-status', 'worker_tasks_total: "error"'],
    ['malformed.prom', 'exposition', 'service_up{service="checkout-api",region="eu-west-1"} one'],
  ])('%s fails %s only', async (file, id, example) => {
    const r = await checkContract({ text: fixture(file) });
    expect(r.ok).toBe(false);
    expect(failed(r)).toEqual([id]);
    expect(rule(r, id).examples.some((e) => e.includes(example))).toBe(true);
  });

  it('names every kind of raw URL in path: id, UUID, hash, query string', async () => {
    const r = await checkContract({ text: fixture('raw-paths.prom') });
    expect(rule(r, 'path-templates').examples).toEqual([
      '"/users/123" (numeric id)',
      '"/orders/550e8400-e29b-41d4-a716-446655440000" (UUID)',
      '"/blobs/9f86d081884c7d659a2feaa0c55ad015" (hex hash)',
      '"/search?q=shoes" (query string)',
    ]);
  });

  it('fails cardinality only when a metric has more label sets than --max-series', async () => {
    const text = fixture('over-budget.prom'); // 12 templated routes on http_requests_total
    expect(failed(await checkContract({ text }))).toEqual([]);
    expect(failed(await checkContract({ text }, { maxSeries: 12 }))).toEqual([]);
    const r = await checkContract({ text }, { maxSeries: 10 });
    expect(failed(r)).toEqual(['cardinality']);
    expect(rule(r, 'cardinality').examples).toEqual(['http_requests_total: 12 label sets']);
  });

  it('requires a group named by --profile even when none of its metrics is exposed', async () => {
    const httpOnly = fixture('conforming.prom')
      .split('\n')
      .filter((l) => !l.includes('worker_'))
      .join('\n');
    const auto = await checkContract({ text: httpOnly });
    expect(auto.groups).toEqual(['service', 'http']);
    expect(auto.ok).toBe(true);
    const worker = await checkContract({ text: httpOnly }, { profile: 'worker' });
    expect(worker.groups).toEqual(['service', 'http', 'worker']);
    expect(failed(worker)).toEqual(['required-metrics']);
    expect(rule(worker, 'required-metrics').examples).toHaveLength(4);
  });

  it('fails service-value when one endpoint reports two services', async () => {
    const text = fixture('conforming.prom').replace('service_up{service="checkout-api"', 'service_up{service="billing"');
    const r = await checkContract({ text });
    expect(failed(r)).toEqual(['service-value']);
    expect(rule(r, 'service-value').message).toContain('2 service values');
  });

  it('fails metric-units on an OpenMetrics # UNIT other than the definition', async () => {
    const text = fixture('conforming.om.txt').replace('# UNIT http_request_duration_seconds seconds', '# UNIT http_request_duration_seconds milliseconds');
    const r = await checkContract({ text });
    expect(failed(r)).toEqual(['metric-units']);
  });

  it('rejects bad options with a coded error naming the option', async () => {
    await expect(checkContract({ text: '' }, { profile: 'api' as never })).rejects.toMatchObject({ code: 'OBS_ERR_INVALID_OPTION', option: 'profile' });
    await expect(checkContract({ text: '' }, { maxSeries: 0 })).rejects.toMatchObject({ code: 'OBS_ERR_INVALID_OPTION', option: 'maxSeries' });
    await expect(checkContract({ text: '' }, { tokn: 'x' } as never)).rejects.toMatchObject({ code: 'OBS_ERR_INVALID_OPTION', option: 'tokn' });
    await expect(checkContract('ftp://example.org/metrics')).rejects.toMatchObject({ code: 'OBS_ERR_INVALID_OPTION', option: 'url' });
  });
});

describe('rawPathReason', () => {
  it.each([['/users/:id'], ['/users/:id?'], ['/files/{name}'], ['/files/{name}.{ext}'], ['/static/*'], ['/*splat'], ['<unmatched>'], ['/'], ['/api/v1/orders'], ['/health']])(
    'accepts the template %s',
    (path) => expect(rawPathReason(path)).toBeUndefined(),
  );
  it.each([
    ['/users/42', 'numeric id'],
    ['/u/6fa459ea-ee8a-3ca4-894e-db77e160355e', 'UUID'],
    ['/commits/0123456789abcdef0123', 'hex hash'],
    ['/search?q=1', 'query string'],
    ['/files/my%20file', 'percent-encoding'],
    [`/t/${'x'.repeat(65)}`, 'segment longer than 64 characters'],
    ['https://example.org/x', 'absolute URL'],
  ])('flags %s (%s)', (path, reason) => expect(rawPathReason(path)).toBe(reason));
});

describe('checkContract against a live createObs endpoint', () => {
  async function serve(obs: Obs, token?: string) {
    const server = await startMetricsServer(obs, token === undefined ? { port: 0 } : { port: 0, token });
    cleanups.push(() => server.close());
    return server;
  }

  function traffic(obs: Obs) {
    for (const [method, path, status] of [
      ['GET', '/users/:id', 200],
      ['POST', '/orders', 201],
      ['GET', '<unmatched>', 404],
      ['PURGE', '/cache', 204],
    ] as const) {
      obs.http.start();
      obs.http.finish(method, path, status, 0.012);
    }
    obs.errors.record(new TypeError('x'));
  }

  it('passes what createObs serves, scraped over HTTP like Prometheus (OpenMetrics)', async () => {
    const obs = newObs({ service: 'checkout-api', constLabels: { region: 'eu-west-1' } });
    traffic(obs);
    const { url } = await serve(obs);
    const r = await checkContract(url);
    expect(failed(r)).toEqual([]);
    expect(r).toMatchObject({ url, ok: true, groups: ['service', 'http'], format: 'openmetrics' });
  });

  it('passes the text format from scrape(obs), as a service checks itself in a unit test', async () => {
    const obs = newObs({ service: 'checkout-api' });
    traffic(obs);
    const { body, contentType } = await scrape(obs);
    const r = await checkContract({ text: body, contentType });
    expect(r.format).toBe('prometheus');
    expect(failed(r)).toEqual([]);
  });

  it('fails cardinality once the SDK cap collapsed values into <overflow>', async () => {
    const obs = newObs({ service: 'checkout-api', maxSeriesPerMetric: 3, onWarning: () => {} });
    for (let i = 0; i < 6; i++) obs.http.finish('GET', `/route-${i}`, 200, 0.01);
    const r = await checkContract(await scrape(obs).then(({ body, contentType }) => ({ text: body, contentType })));
    expect(failed(r)).toEqual(['cardinality']);
    expect(rule(r, 'cardinality').examples.join('\n')).toContain('"<overflow>"');
  });

  it('sends --token as a bearer header; without it the 401 is a ScrapeError naming the status', async () => {
    const token = 'checker-test-token-0123456789';
    const obs = newObs({ service: 'checkout-api' });
    traffic(obs);
    const { url } = await serve(obs, token);
    const err = await checkContract(url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScrapeError);
    expect(err).toBeInstanceOf(ObsError);
    expect(err).toMatchObject({ code: 'OBS_ERR_SCRAPE_FAILED', status: 401 });
    expect((err as Error).message).toContain('HTTP 401');
    expect((await checkContract(url, { token })).ok).toBe(true);
    await expect(checkContract(url, { token: 'wrong-token-0123456789' })).rejects.toMatchObject({ status: 401 });
  });

  it('rejects an unreachable URL with OBS_ERR_SCRAPE_FAILED', async () => {
    const obs = newObs({ service: 'checkout-api' });
    const server = await serve(obs);
    await server.close();
    await expect(checkContract(server.url, { timeoutMs: 2000 })).rejects.toMatchObject({ code: 'OBS_ERR_SCRAPE_FAILED', message: expect.stringContaining('ECONNREFUSED') });
  });
});
