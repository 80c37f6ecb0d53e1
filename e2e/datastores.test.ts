// The datastores suite: PostgreSQL 15 + postgres_exporter, Redis + redis_exporter and RabbitMQ 3.10
// with its Prometheus plugin, scraped by a real Prometheus through the GENERATED datastore scrape
// jobs, with the generated rule packs and Alertmanager config. It proves: the exporter definitions
// match what these versions emit; every Datastores panel and variable query returns data (the
// per-queue panels one series per vhost/queue); the datastore alerts fire at the webhook and
// resolve; and the @obs/worker amqplib adapter counts exactly on the real broker.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createObs, EXPORTERS, type MetricDefinition, RABBITMQ_CHECKED, RABBITMQ_ENDPOINTS, POSTGRES_EXPORTER_CHECKED, REDIS_EXPORTER_CHECKED } from '@obs/metrics-standard';
import { createWorkerMetrics } from '@obs/worker';
import { instrumentAmqpQueues } from '@obs/worker/amqplib';
import amqp from 'amqplib';
import { Redis as IORedis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExposition } from '../packages/metrics-standard/src/checker/exposition.js';
import { E2E_FOR_SECONDS } from './obs-dashboards.e2e.config.js';
import { checkDashboard, NOT_RUN, type QueryOutcome } from './lib/dashboard-check.js';
import { type DatastoreStack, startDatastoreStack } from './lib/datastores.js';
import { type DashboardJson, timeContext } from './lib/grafana.js';
import { freePort, startProcess } from './lib/procs.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const suiteStart = Date.now();

let stack: DatastoreStack;
const notes: string[] = [];
const panelLines: string[] = [];
const timings: { alert: string; trigger: string; fired?: number; resolved?: number }[] = [];

/** Text of one scrape. */
async function scrape(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  expect(res.status, url).toBe(200);
  return res.text();
}

/** The value of the one sample of `name` with `labels` in a Prometheus text scrape, or undefined. */
function sampleValue(text: string, name: string, labels: Record<string, string>): number | undefined {
  // By sample name: the parser files `_total`, `_count`, … samples under their family's base name.
  for (const fam of parseExposition(text, 'prometheus').families.values()) {
    const s = fam.samples.find((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
    if (s) return s.value;
  }
  return undefined;
}

/** Waits for `status` of `alert` (with `labels`) at the webhook, from `start`; seconds from `start`. */
async function notified(alert: string, status: 'firing' | 'resolved', start: number, labels: Record<string, string>): Promise<number> {
  const hit = await stack.sink.waitForAlert(alert, status, { after: start, timeoutMs: 60_000, labels });
  return (hit.receivedAt - start) / 1000;
}

const rabbitInstance = () => `127.0.0.1:${stack.rabbitmq.prometheusPort}`;

beforeAll(async () => {
  stack = await startDatastoreStack();
  notes.push(`stack up in ${((Date.now() - suiteStart) / 1000).toFixed(1)} s`);
}, 180_000);

afterAll(async () => {
  const lines = ['', '=== datastores report ===', ...notes.map((n) => `note: ${n}`)];
  lines.push(`checked against: ${[POSTGRES_EXPORTER_CHECKED, REDIS_EXPORTER_CHECKED, RABBITMQ_CHECKED].map((c) => `${c.exporter} ${c.version} (${c.server})`).join('; ')}`);
  if (panelLines.length) lines.push('Datastores dashboard (query → series returned):', ...panelLines.map((l) => `  ${l}`));
  if (timings.length) {
    lines.push(`Alert timings (for: ${E2E_FOR_SECONDS}s, scrape/evaluation 1s, group_wait/group_interval 1s), seconds from the trigger / from the recovery command (a restart includes the server's start-up):`);
    for (const t of timings) lines.push(`  ${t.alert.padEnd(36)}${t.trigger.padEnd(40)} fired ${t.fired?.toFixed(1) ?? 'NOT FIRED'}  resolved ${t.resolved?.toFixed(1) ?? 'NOT RESOLVED'}`);
  }
  lines.push(`Total: ${((Date.now() - suiteStart) / 1000).toFixed(1)} s`);
  console.log(lines.join('\n'));
  await stack?.stop();
}, 120_000);

describe('datastores on real servers', () => {
  let exampleMetrics = '';
  let live: Awaited<ReturnType<typeof amqp.connect>> | undefined;
  const exampleService = 'rabbitmq-worker';

  it('the exporters emit the defined metrics with the defined labels and types', async () => {
    // A Redis with a memory limit, as in production (the memory panel draws it).
    const limit = new IORedis(stack.redis.url);
    await limit.config('SET', 'maxmemory', String(64 * 1024 * 1024));
    limit.disconnect();
    const texts = {
      postgresExporter: [await scrape(`http://${stack.postgresExporter.instance}/metrics`)],
      redisExporter: [await scrape(`http://${stack.redisExporter.instance}/metrics`)],
    };
    // Give the broker objects to label: a queue per vhost, and a channel.
    await stack.rabbitmq.ctl('add_vhost', 'shop');
    await stack.rabbitmq.ctl('set_permissions', '-p', 'shop', 'guest', '.*', '.*', '.*');
    for (const vhost of ['/', 'shop']) {
      const c = await amqp.connect(stack.rabbitmq.url(vhost));
      const ch = await c.createChannel();
      await ch.assertQueue('orders', { durable: true });
      for (let i = 0; i < 6; i++) ch.sendToQueue('orders', Buffer.from(`order ${i}`), { persistent: true });
      // Two deliveries with manual ack and one with auto-ack, so both "delivered" counters move.
      for (let i = 0; i < 2; i++) {
        const m = await ch.get('orders', { noAck: false });
        if (m) ch.ack(m);
      }
      await ch.get('orders', { noAck: true });
      await ch.close();
      await c.close();
    }
    // A channel that stays open, publishing through the default exchange and acking what it gets:
    // the per-object endpoint lists channel counters only for open channels.
    live = await amqp.connect(stack.rabbitmq.url());
    const liveCh = await live.createChannel();
    await liveCh.assertQueue('orders', { durable: true });
    liveCh.sendToQueue('orders', Buffer.from('live'), { persistent: true });
    const got = await liveCh.get('orders', { noAck: false });
    if (got) liveCh.ack(got);
    await liveCh.get('orders', { noAck: true });
    // A consumer that stays (the example worker).
    const port = await freePort();
    const worker = stack.track(
      startProcess('node', ['src/rabbitmq-worker.js'], {
        cwd: `${root}/examples/worker`,
        env: { HOST: '127.0.0.1', METRICS_PORT: String(port), RABBITMQ_URL: stack.rabbitmq.url(), SERVICE_NAME: exampleService, QUEUE_SIZE_TIMEOUT_MS: '500' },
        log: stack.logTo('rabbitmq-worker'),
      }),
    );
    exampleMetrics = `http://127.0.0.1:${port}/metrics`;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !(await fetch(exampleMetrics).then((r) => r.ok, () => false))) await sleep(200);
    expect(worker.child.exitCode, stack.logTail('rabbitmq-worker')).toBeNull();
    await stack.addServiceTarget(`127.0.0.1:${port}`);
    await sleep(6000); // the plugin's metrics are collected every 5 s
    const base = `http://${rabbitInstance()}`;
    const rabbit = { perObject: await scrape(base + RABBITMQ_ENDPOINTS.perObject), aggregated: await scrape(base + RABBITMQ_ENDPOINTS.aggregated) };

    const problems: string[] = [];
    const compare = (defs: Record<string, MetricDefinition>, textOf: (d: MetricDefinition) => string) => {
      for (const d of Object.values(defs)) {
        const fam = parseExposition(textOf(d), 'prometheus').families.get(d.name);
        if (!fam) {
          if (!d.optional) problems.push(`${d.name}: not emitted`);
          continue;
        }
        if (fam.samples.length === 0) {
          problems.push(`${d.name}: declared but no samples`);
          continue;
        }
        if (fam.type !== d.type) problems.push(`${d.name}: type ${fam.type}, defined ${d.type}`);
        const seen = new Set(fam.samples.flatMap((s) => Object.keys(s.labels)));
        const defined = new Set(d.labels);
        const extra = [...seen].filter((l) => !defined.has(l));
        const missing = [...defined].filter((l) => !seen.has(l));
        if (extra.length) problems.push(`${d.name}: emits labels ${extra.join(', ')} not defined`);
        if (missing.length) problems.push(`${d.name}: defined labels ${missing.join(', ')} not emitted`);
      }
    };
    compare(EXPORTERS.postgresExporter, () => texts.postgresExporter[0]!);
    compare(EXPORTERS.redisExporter, () => texts.redisExporter[0]!);
    compare(EXPORTERS.rabbitmq, (d) => ((RABBITMQ_ENDPOINTS.aggregatedOnly as readonly string[]).includes(d.name) ? rabbit.aggregated : rabbit.perObject));
    expect(problems).toEqual([]);
    // What the generated jobs rely on: the per-object endpoint labels queues, the aggregated one does not.
    expect(sampleValue(rabbit.perObject, 'rabbitmq_queue_messages_ready', { vhost: 'shop', queue: 'orders' })).toBe(3);
    expect(sampleValue(rabbit.perObject, 'rabbitmq_queue_messages_ready', { vhost: '/', queue: 'orders' })).toBe(2);
    expect(parseExposition(rabbit.aggregated, 'prometheus').families.get('rabbitmq_queue_messages_ready')?.samples[0]?.labels).toEqual({});
    const version = parseExposition(rabbit.perObject, 'prometheus').families.get('rabbitmq_build_info')?.samples[0]?.labels.rabbitmq_version;
    expect(version).toBe(RABBITMQ_CHECKED.version);
    notes.push(`RabbitMQ ${version}; exporters: ${texts.postgresExporter[0]!.match(/postgres_exporter_build_info\{[^}]*version="([^"]+)"/)?.[1] ?? '?'} / ${texts.redisExporter[0]!.match(/redis_exporter_build_info\{[^}]*version="([^"]+)"/)?.[1] ?? '?'}`);
  }, 120_000);

  it('@obs/worker/amqplib: 500 messages, every 5th rejected → exactly 400 success / 100 failure', async () => {
    await run('node', ['src/rabbitmq-produce.js', '--count', '500', '--failures', 'fifth'], { cwd: `${root}/examples/worker`, env: { ...process.env, RABBITMQ_URL: stack.rabbitmq.url() } });
    const total = (text: string, status: string) => sampleValue(text, 'worker_tasks_total', { queue: 'emails', task: 'send-email', status }) ?? 0;
    let text = '';
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      text = await scrape(exampleMetrics);
      if (total(text, 'success') + total(text, 'failure') >= 500) break;
      await sleep(250);
    }
    await sleep(500);
    text = await scrape(exampleMetrics);
    expect({ success: total(text, 'success'), failure: total(text, 'failure') }).toEqual({ success: 400, failure: 100 });
    expect(sampleValue(text, 'worker_task_duration_seconds_count', { queue: 'emails', task: 'send-email' })).toBe(500);
    expect(sampleValue(text, 'worker_tasks_in_progress', { queue: 'emails' })).toBe(0);
    expect(sampleValue(text, 'worker_queue_size', { queue: 'emails', state: 'waiting' })).toBe(0);
    notes.push(`amqplib adapter (examples/worker RabbitMQ mode): success=${total(text, 'success')} failure=${total(text, 'failure')}`);
  }, 90_000);

  // In-process: an idle queue whose depth the adapter reads from the broker at scrape time.
  let depth: { url: string; shutdown: () => Promise<boolean> } | undefined;
  const backlog = 37;
  const listQueues = async () => {
    const out = await stack.rabbitmq.ctl('list_queues', '-p', '/', '--quiet', '--no-table-headers', 'name', 'messages_ready');
    return Object.fromEntries(out.trim().split('\n').map((l) => l.trim().split(/\s+/)).map(([n, v]) => [n, Number(v)]));
  };

  it('@obs/worker/amqplib: queue depth equals what rabbitmqctl list_queues says', async () => {
    const c = await amqp.connect(stack.rabbitmq.url());
    const ch = await c.createConfirmChannel();
    await ch.assertQueue('backlog', { durable: true });
    for (let i = 0; i < backlog; i++) ch.sendToQueue('backlog', Buffer.from(String(i)), { persistent: true });
    await ch.waitForConfirms();
    await c.close();
    const wm = createWorkerMetrics(createObs({ service: 'depth-check' }), { queueSizeTimeoutMs: 1000 });
    instrumentAmqpQueues(wm, () => amqp.connect(stack.rabbitmq.url()), ['backlog', 'orders']);
    const server = await wm.serve({ host: '127.0.0.1', port: 0 });
    depth = { url: server.url, shutdown: () => wm.shutdown({ timeoutMs: 5000 }) };
    const text = await scrape(depth.url);
    const listed = await listQueues();
    expect(listed.backlog).toBe(backlog);
    expect(sampleValue(text, 'worker_queue_size', { queue: 'backlog', state: 'waiting' })).toBe(listed.backlog);
    expect(sampleValue(text, 'worker_queue_size', { queue: 'orders', state: 'waiting' })).toBe(listed.orders);
    notes.push(`amqplib adapter depth: backlog=${sampleValue(text, 'worker_queue_size', { queue: 'backlog', state: 'waiting' })} (rabbitmqctl: ${listed.backlog}), orders=${listed.orders}`);
  }, 60_000);

  it('every Datastores panel and variable query returns data; the per-queue panels one series per vhost/queue', async () => {
    // Some load on each: transactions and cache reads on PostgreSQL, hits and misses on Redis.
    const client = new pg.Client({ connectionString: stack.postgres.url });
    await client.connect();
    await client.query('create table if not exists t (id int)');
    for (let i = 0; i < 20; i++) await client.query('insert into t values ($1)', [i]);
    await client.query('begin');
    await client.query('insert into t values (0)');
    await client.query('rollback');
    await client.end();
    const redis = new IORedis(stack.redis.url);
    await redis.set('k', 'v');
    for (let i = 0; i < 20; i++) await redis.get(i % 2 ? 'k' : 'missing');
    redis.disconnect();
    await sleep(4000);
    const now = Date.now() / 1000;
    const t = timeContext(now - 300, now, 1);
    const json = JSON.parse(stack.generated.get('grafana/dashboards/datastores.json')!) as DashboardJson;
    const all = (options: readonly string[]) => ({ all: true as const, options });
    const { postgresExporter, redisExporter, rabbitmq, ...notRun } = NOT_RUN;
    const r = await checkDashboard(
      stack.prometheus.api,
      'datastores',
      json,
      [
        {
          label: 'All',
          selections: { postgres: all, redis: all, rabbitmq: all },
          expect: { postgres: [stack.postgresExporter.instance], redis: [stack.redisExporter.instance], rabbitmq: [rabbitInstance()] },
        },
      ],
      t,
      {},
      notRun,
    );
    panelLines.push(...r.variables);
    for (const o of r.outcomes) panelLines.push(`${o.panel} (${o.refId}): ${o.status}${o.series !== undefined ? `, ${o.series} series` : ''}${o.reason ? ` ${o.reason}` : ''}`);
    const bad = r.outcomes.filter((o: QueryOutcome) => o.status !== 'data');
    expect(bad.map((o) => `${o.panel} (${o.refId}) ${o.status} ${o.reason ?? ''}\n    ${o.expr}`)).toEqual([]);
    const perQueue = r.outcomes.filter((o) => o.panel === 'RabbitMQ messages');
    expect(perQueue.length).toBe(2);
    // Queues: orders in / and in shop, emails and backlog in /.
    const series = await stack.prometheus.api.query(perQueue[0]!.expr.replace(/\$__\w+/g, '1m'));
    const keys = series.series.map((s) => `${s.metric.vhost}/${s.metric.queue}`).sort();
    expect(keys).toEqual(['//backlog', '//emails', '//orders', 'shop/orders']);
    for (const o of perQueue) expect(o.series).toBe(4);
  }, 60_000);

  it('the connection-pool and Redis memory alerts fire at the webhook and resolve', async () => {
    // > 80 % of max_connections held open (the exporter holds one more).
    const held: pg.Client[] = [];
    const hold = Math.ceil(stack.postgres.maxConnections * 0.85);
    const pgStart = Date.now();
    for (let i = 0; i < hold; i++) {
      const c = new pg.Client({ connectionString: stack.postgres.url });
      await c.connect();
      held.push(c);
    }
    // Redis: maxmemory 8 MiB, filled until it refuses writes (noeviction).
    const redis = new IORedis(stack.redis.url, { maxRetriesPerRequest: 1 });
    await redis.config('SET', 'maxmemory', String(8 * 1024 * 1024));
    await redis.config('SET', 'maxmemory-policy', 'noeviction');
    const redisStart = Date.now();
    const chunk = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 200; i++) {
      try {
        await redis.set(`fill:${i}`, chunk);
      } catch {
        break;
      }
    }
    const pool = { alert: 'HighPostgreSQLConnectionPoolUsage', trigger: `hold ${hold}/${stack.postgres.maxConnections} connections` } as (typeof timings)[number];
    const mem = { alert: 'HighRedisMemoryUsage', trigger: 'maxmemory 8 MiB filled' } as (typeof timings)[number];
    timings.push(pool, mem);
    [pool.fired, mem.fired] = await Promise.all([
      notified(pool.alert, 'firing', pgStart, { instance: stack.postgresExporter.instance }),
      notified(mem.alert, 'firing', redisStart, { instance: stack.redisExporter.instance }),
    ]);
    const release = Date.now();
    await Promise.all(held.map((c) => c.end()));
    await redis.flushall();
    redis.disconnect();
    [pool.resolved, mem.resolved] = await Promise.all([
      notified(pool.alert, 'resolved', release, { instance: stack.postgresExporter.instance }),
      notified(mem.alert, 'resolved', release, { instance: stack.redisExporter.instance }),
    ]);
    expect(pool.fired).toBeGreaterThan(E2E_FOR_SECONDS);
    expect(mem.fired).toBeGreaterThan(E2E_FOR_SECONDS);
  }, 150_000);

  it('PostgreSQLDown, RedisDown and RabbitMQDown fire when the servers stop (exporters up) and resolve when they are back; /metrics of the adapter answers throughout', async () => {
    const pgDown = { alert: 'PostgreSQLDown', trigger: 'SIGINT postgres (exporter up)' } as (typeof timings)[number];
    const redisDown = { alert: 'RedisDown', trigger: 'SIGTERM redis-server (exporter up)' } as (typeof timings)[number];
    const rabbitDown = { alert: 'RabbitMQDown', trigger: 'SIGTERM rabbitmq-server' } as (typeof timings)[number];
    timings.push(pgDown, redisDown, rabbitDown);
    const downs: { t: (typeof timings)[number]; labels: Record<string, string> }[] = [
      { t: pgDown, labels: { instance: stack.postgresExporter.instance } },
      { t: redisDown, labels: { instance: stack.redisExporter.instance } },
      { t: rabbitDown, labels: { instance: rabbitInstance(), job: 'rabbitmq' } },
    ];
    const all = (status: 'firing' | 'resolved', from: number) => Promise.all(downs.map((d) => notified(d.t.alert, status, from, d.labels)));
    await live?.close().catch(() => {});
    const start = Date.now();
    await Promise.all([stack.postgres.stop(), stack.redis.stop(), stack.rabbitmq.stop()]);
    [pgDown.fired, redisDown.fired, rabbitDown.fired] = await all('firing', start);
    // The broker is away: the adapter's /metrics still answers, without the depth series.
    expect(sampleValue(await scrape(depth!.url), 'worker_queue_size', { queue: 'backlog', state: 'waiting' })).toBeUndefined();
    // The failure of a scrape's check is counted in that scrape's collection: the next one shows it.
    const away = await scrape(depth!.url);
    expect(sampleValue(away, 'worker_queue_size', { queue: 'backlog', state: 'waiting' })).toBeUndefined();
    expect(sampleValue(away, 'service_errors_total', { type: 'queue_size_failed' }), away.split('\n').filter((l) => l.startsWith('service_errors')).join('\n')).toBeGreaterThan(0);
    const exampleAway = await scrape(exampleMetrics);
    expect(sampleValue(exampleAway, 'worker_tasks_total', { queue: 'emails', task: 'send-email', status: 'success' })).toBe(400);

    const back = Date.now();
    await Promise.all([stack.postgres.start(), stack.redis.start(), stack.rabbitmq.start()]);
    [pgDown.resolved, redisDown.resolved, rabbitDown.resolved] = await all('resolved', back);
    for (const t of [pgDown, redisDown, rabbitDown]) expect(t.fired, t.alert).toBeGreaterThan(E2E_FOR_SECONDS);
    // The broker is back: the depth returns (durable queue, persistent messages).
    const deadline = Date.now() + 30_000;
    let value: number | undefined;
    while (Date.now() < deadline && value === undefined) {
      value = sampleValue(await scrape(depth!.url), 'worker_queue_size', { queue: 'backlog', state: 'waiting' });
      if (value === undefined) await sleep(500);
    }
    expect(value).toBe(backlog);
    expect((await listQueues()).backlog).toBe(backlog);
    await depth!.shutdown();
  }, 180_000);
});
