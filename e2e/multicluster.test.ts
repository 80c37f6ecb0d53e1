// Many clusters, one store, the same dashboards and alerts (issue 15), on real components from
// Debian: two "clusters", each running its own copies of the Fastify API (as `checkout-api`) and the
// BullMQ worker (on its own redis-server). East is scraped by a Prometheus in agent mode, west by
// vmagent, both from the generated multi-cluster configs (prometheus-agent.yml, vmagent.yml) with
// cluster=east|west; both remote-write into one VictoriaMetrics. vmalert evaluates the generated rule
// packs (multiCluster on) against it, writes the recorded series back and notifies the real
// Alertmanager (generated config), whose webhook goes to the sink. The suite then:
// - runs every Overview/Service/Worker panel query through VictoriaMetrics' Prometheus API for
//   cluster=east, cluster=west and All, and compares what each cluster shows with what it was sent;
// - injects errors in east's checkout-api: HighAPIErrorRate reaches the webhook with cluster="east",
//   and nothing fires for west;
// - stops east's agent: ClusterMissing{cluster="east"} reaches the webhook.
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { generate, resolveConfig, writeOutput } from '@obs/dashboards';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tool } from '../scripts/lib/tools.mjs';
import { checkDashboard, LIMIT_METRICS, NOT_RUN, type QueryOutcome, type View } from './lib/dashboard-check.js';
import { type DashboardJson, timeContext } from './lib/grafana.js';
import { PrometheusApi } from './lib/prometheus-api.js';
import { freePort, type Proc, type Redis, startProcess, startRedis } from './lib/procs.js';
import { type Sink, startSink, type WebhookAlert } from './lib/sink.js';
import { until } from './lib/until.js';
import { apiMix, load, type Route } from './lib/traffic.js';

const run = promisify(execFile);
const HOST = '127.0.0.1';
const ROOT = join(import.meta.dirname, '..');
const SERVICE = 'checkout-api';
const WORKER = 'worker';
const MISSING_AFTER_S = 20;
/** Requests each cluster's checkout-api is sent before the checks (east gets more). */
const SENT = { east: 600, west: 200 } as const;
/** Tasks each cluster's worker is given. */
const TASKS = { east: 60, west: 30 } as const;
type Name = keyof typeof SENT;

interface Cluster {
  name: Name;
  api: { url: string; instance: string; proc: Proc };
  worker: { instance: string; proc: Proc };
  node: { instance: string; proc: Proc };
  redis: Redis;
  agent: Proc;
  agentKind: string;
  sent: number;
}

let dir: string;
let sink: Sink;
let vm: PrometheusApi;
let amUrl: string;
let generated: Map<string, string>;
const procs: Proc[] = [];
const clusters = {} as Record<Name, Cluster>;
const notes: string[] = [];

const logTo = (name: string) => (line: string) => {
  try {
    appendFileSync(join(dir, 'logs', `${name}.log`), `${line}\n`);
  } catch {}
};
const logTail = (name: string) => {
  try {
    return readFileSync(join(dir, 'logs', `${name}.log`), 'utf8').trimEnd().split('\n').slice(-20).join('\n');
  } catch {
    return '(no output)';
  }
};
function start(name: string, cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Proc {
  const p = startProcess(cmd, args, { ...opts, log: logTo(name) });
  procs.push(p);
  return p;
}
async function waitOk(name: string, url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`${name} not ready at ${url} (${last}); its log:\n${logTail(name)}`);
}

/** The multi-cluster config of this run: one cluster's view (`name` only changes the agent configs). */
function config(name: Name, webhookUrl: string, remoteWriteUrl: string) {
  return resolveConfig({
    scrapeInterval: '1s',
    evaluationInterval: '1s',
    multiCluster: { label: 'cluster', name, remoteWriteUrl, missingAfter: `${MISSING_AFTER_S}s` },
    alerts: { HighAPIErrorRate: { for: '5s' }, HighWorkerTaskFailureRate: { for: '5s' }, ClusterMissing: { for: '5s' } },
    alertmanager: { webhook: { url: webhookUrl }, groupWait: '1s', groupInterval: '1s', repeatInterval: '1h' },
  });
}

async function startCluster(name: Name, vmWrite: string, webhookUrl: string): Promise<Cluster> {
  const redis = await startRedis({ log: logTo(`${name}-redis`) });
  procs.push(redis);
  const [apiPort, workerPort, agentPort, nodePort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const node = { instance: `${HOST}:${nodePort}`, proc: start(`${name}-node-exporter`, tool('node-exporter'), [`--web.listen-address=${HOST}:${nodePort}`, '--no-collector.systemd']) };
  const env = { HOST, NODE_ENV: 'e2e' };
  const apiProc = start(`${name}-api`, 'node', ['src/server.js'], { cwd: join(ROOT, 'examples/fastify-api'), env: { ...env, SERVICE_NAME: SERVICE, PORT: String(apiPort) } });
  const workerProc = start(`${name}-worker`, 'node', ['src/worker.js'], {
    cwd: join(ROOT, 'examples/worker'),
    env: { ...env, SERVICE_NAME: WORKER, METRICS_PORT: String(workerPort), REDIS_URL: redis.url, QUEUE_SIZE_TIMEOUT_MS: '500' },
  });
  const api = { url: `http://${HOST}:${apiPort}`, instance: `${HOST}:${apiPort}`, proc: apiProc };
  const worker = { instance: `${HOST}:${workerPort}`, proc: workerProc };
  // This cluster's generated agent configs, with the scrape jobs pointed at its own examples.
  const files = generate(config(name, webhookUrl, vmWrite));
  const scrape = [
    { job_name: 'obs-services', metrics_path: '/metrics', static_configs: [{ targets: [api.instance, worker.instance] }] },
    { job_name: 'node', static_configs: [{ targets: [node.instance] }] },
    { job_name: 'agent', static_configs: [{ targets: [`${HOST}:${agentPort}`] }] },
  ];
  let agent: Proc;
  let agentKind: string;
  if (name === 'east') {
    const doc = parse(files.get('prometheus/prometheus-agent.yml') as string) as Record<string, unknown>;
    expect(doc.global).toMatchObject({ external_labels: { cluster: 'east' } });
    expect(doc.remote_write).toEqual([{ url: vmWrite }]);
    writeFileSync(join(dir, 'east-agent.yml'), JSON.stringify({ ...doc, scrape_configs: scrape }));
    agent = start('east-agent', tool('prometheus'), [
      '--enable-feature=agent',
      `--config.file=${join(dir, 'east-agent.yml')}`,
      `--storage.agent.path=${join(dir, 'east-agent')}`,
      `--web.listen-address=${HOST}:${agentPort}`,
    ]);
    agentKind = 'Prometheus 2.42 --enable-feature=agent (generated prometheus-agent.yml)';
  } else {
    const text = files.get('vmagent/vmagent.yml') as string;
    // The flags are the ones the generated file's header documents.
    const flags = /vmagent (-promscrape\.config=\S+ -remoteWrite\.url=\S+ -remoteWrite\.label=\S+)/.exec(text)?.[1]?.split(' ') ?? [];
    expect(flags).toEqual(['-promscrape.config=vmagent.yml', `-remoteWrite.url=${vmWrite}`, '-remoteWrite.label=cluster=west']);
    writeFileSync(join(dir, 'vmagent.yml'), JSON.stringify({ ...(parse(text) as object), scrape_configs: scrape }));
    agent = start('west-agent', tool('vmagent'), [
      ...flags.map((f) => (f.startsWith('-promscrape.config=') ? `-promscrape.config=${join(dir, 'vmagent.yml')}` : f)),
      `-remoteWrite.tmpDataPath=${join(dir, 'west-agent')}`,
      '-remoteWrite.flushInterval=1s',
      `-httpListenAddr=${HOST}:${agentPort}`,
    ]);
    agentKind = 'vmagent 1.79 (generated vmagent.yml and its documented flags)';
  }
  await Promise.all([
    waitOk(`${name}-api`, `${api.url}/healthz`),
    waitOk(`${name}-worker`, `http://${worker.instance}/metrics`),
    waitOk(`${name}-node-exporter`, `http://${node.instance}/metrics`),
    waitOk(`${name}-agent`, name === 'east' ? `http://${HOST}:${agentPort}/-/ready` : `http://${HOST}:${agentPort}/health`),
  ]);
  return { name, api, worker, node, redis, agent, agentKind, sent: 0 };
}

/** Sends `total` requests of the example mix (2.5 % of them 500s, below the 5 % alert) and counts them as sent. */
async function send(c: Cluster, total: number, concurrency: number, mix: (i: number) => Route = apiMixWithoutHealth): Promise<void> {
  const statuses = await load(c.api.url, total, concurrency, mix);
  expect(statuses[0] ?? 0).toBe(0);
  c.sent += Object.values(statuses).reduce((a, b) => a + b, 0);
}
/** The examples' mix without /healthz (not counted by the API: obs is off on that route). */
function apiMixWithoutHealth(i: number): Route {
  const r = apiMix(i);
  return r.path === '/healthz' ? { method: 'GET', path: `/users/${i}` } : r;
}
/**
 * Tasks at a steady pace: `count` jobs on the cluster's `emails` queue (the producer example's
 * format, one in five failing), job i delayed by i × `everyMs`, so the worker runs them one by one
 * over the next minutes, whatever the load of this machine.
 */
async function schedule(c: Cluster, count: number, everyMs: number): Promise<void> {
  const url = new URL(c.redis.url);
  const queue = new Queue('emails', { connection: { host: url.hostname, port: Number(url.port) } });
  try {
    await queue.addBulk(Array.from({ length: count }, (_, index) => ({ name: 'send-welcome', data: { index, to: `user${index}@example.com` }, opts: { delay: index * everyMs } })));
  } finally {
    await queue.close();
  }
}
/** HTTP traffic in the background until `stop()`: `concurrency` per cluster, so east sends more than west. */
function background(concurrency: Record<Name, number>) {
  let running = true;
  const loops = Object.values(clusters).flatMap((c) => [
    (async () => {
      while (running) await send(c, 20 * concurrency[c.name], concurrency[c.name]);
    })(),
  ]);
  return async () => {
    running = false;
    await Promise.all(loops);
  };
}

/** Enqueues `count` tasks on the cluster's worker (one in five fails with 'fifth'). */
async function produce(c: Cluster, count: number, failures: 'fifth' | 'none') {
  await run('node', ['src/produce.js', '--count', String(count), '--failures', failures], { cwd: join(ROOT, 'examples/worker'), env: { ...process.env, REDIS_URL: c.redis.url } });
}
/** `count` tasks in six batches half a second apart, so the counters rise across scrapes (a series first seen at its final value has no rate). */
async function produceSpread(c: Cluster, count: number) {
  for (let b = 0; b < 6; b++) {
    await produce(c, count / 6, 'fifth');
    await sleep(500);
  }
}

const scalar = async (expr: string) => {
  const { series } = await vm.query(expr);
  return series.length === 0 ? undefined : Number(series[0]?.value?.[1]);
};
let lastAnswer: unknown;
const byCluster = async (expr: string) => {
  const { series } = await vm.query(expr);
  lastAnswer = series;
  const out: Record<string, number> = { east: Number.NaN, west: Number.NaN };
  for (const one of series) out[one.metric.cluster ?? '(none)'] = Number(one.value?.[1]);
  return out as Record<string, number> & Record<Name, number>;
};
/** Polls VictoriaMetrics (`byCluster`) until `ok` holds for the per-cluster values; the error names the last answer. */
const untilByCluster = (what: string, expr: string, ok: (r: Record<Name, number>) => boolean) =>
  until(
    what,
    30_000,
    async () => {
      const r = await byCluster(expr);
      return ok(r) ? r : undefined;
    },
    250,
    () => `last answer ${JSON.stringify(lastAnswer)}`,
  );
/** Until the central store counts for each cluster exactly the requests sent to it. */
const untilCountedAsSent = (what: string) =>
  untilByCluster(what, `sum by (cluster) (http_requests_total{service="${SERVICE}"})`, (r) => r.east === clusters.east.sent && r.west === clusters.west.sent);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'obs-multicluster-'));
  mkdirSync(join(dir, 'logs'));
  sink = await startSink();
  const [vmPort, alertPort, amPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const vmUrl = `http://${HOST}:${vmPort}`;
  const vmWrite = `${vmUrl}/api/v1/write`;
  amUrl = `http://${HOST}:${amPort}`;
  // The central side: the generated rules and Alertmanager config (the same for every cluster).
  generated = generate(config('east', sink.webhookUrl, vmWrite));
  const gen = join(dir, 'generated');
  await writeOutput(gen, generated);
  start('victoria-metrics', tool('victoria-metrics'), [
    `-storageDataPath=${join(dir, 'vm')}`,
    `-httpListenAddr=${HOST}:${vmPort}`,
    '-retentionPeriod=1d',
    '-search.disableCache',
    // Answer with what arrived up to now (the default hides the last 30 s from queries).
    '-search.latencyOffset=1s',
  ]);
  start('alertmanager', tool('alertmanager'), [
    `--config.file=${join(gen, 'alertmanager/alertmanager.yml')}`,
    `--storage.path=${join(dir, 'alertmanager')}`,
    `--web.listen-address=${HOST}:${amPort}`,
    '--cluster.listen-address=',
    `--web.external-url=${amUrl}/`,
  ]);
  await Promise.all([waitOk('victoria-metrics', `${vmUrl}/health`), waitOk('alertmanager', `${amUrl}/-/ready`)]);
  vm = new PrometheusApi(vmUrl);
  start('vmalert', tool('vmalert'), [
    `-rule=${join(gen, 'prometheus/rules/*.yml')}`,
    `-datasource.url=${vmUrl}`,
    `-remoteWrite.url=${vmUrl}`,
    '-remoteWrite.flushInterval=1s',
    `-notifier.url=${amUrl}`,
    '-evaluationInterval=1s',
    `-httpListenAddr=${HOST}:${alertPort}`,
  ]);
  await waitOk('vmalert', `http://${HOST}:${alertPort}/health`);
  const [east, west] = await Promise.all([startCluster('east', vmWrite, sink.webhookUrl), startCluster('west', vmWrite, sink.webhookUrl)]);
  clusters.east = east;
  clusters.west = west;
  notes.push(`east: ${east.agentKind}; west: ${west.agentKind}; both → VictoriaMetrics 1.79 ← vmalert 1.79 → Alertmanager`);
}, 120_000);

afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop('SIGTERM', 5000)));
  await sink?.close();
  console.log(`\nmulti-cluster scenario:\n  ${notes.join('\n  ')}`);
  if (!process.env.OBS_E2E_KEEP) rmSync(dir, { recursive: true, force: true });
});

describe('two clusters remote-writing into one VictoriaMetrics, rules in vmalert', () => {
  it('the central store counts each cluster\'s requests as sent, and the recorded series keep the cluster', async () => {
    // A warm-up over every route first, so each counter series exists (and is scraped) before the
    // burst: a series whose first sample is already its final value shows no rate.
    await Promise.all(Object.values(clusters).map((c) => send(c, 40, 1)));
    // ...and stored centrally: a Prometheus agent's remote write starts shipping only once its WAL
    // watcher runs, seconds after the first scrapes, and a burst inside that gap would arrive as the
    // series' first sample (no rate). Wait until the store holds the warm-up of both clusters.
    await untilCountedAsSent('the warm-up in VictoriaMetrics');
    await sleep(1500);
    await Promise.all(Object.values(clusters).map((c) => send(c, SENT[c.name] - 40, 4)));
    await Promise.all(Object.values(clusters).map((c) => produceSpread(c, TASKS[c.name])));
    const seen = await untilCountedAsSent('request counts per cluster in VictoriaMetrics');
    notes.push(`requests sent → seen centrally: east ${clusters.east.sent} → ${seen.east}, west ${clusters.west.sent} → ${seen.west}`);
    // The recorded series vmalert writes back keep the cluster (one per cluster, not one in total).
    const recorded = await untilByCluster('recorded request rate per cluster', `service:http_requests:rate5m{service="${SERVICE}"}`, (r) => r.east > 0 && r.west > 0);
    notes.push(`service:http_requests:rate5m written back by vmalert: east ${recorded.east.toFixed(3)}/s, west ${recorded.west.toFixed(3)}/s`);
    expect(Object.keys(recorded).sort()).toEqual(['east', 'west']);
    expect(recorded.east).toBeGreaterThan(recorded.west);
  }, 90_000);

  it("errors in east's checkout-api: HighAPIErrorRate reaches the webhook with cluster=\"east\", nothing for west", async () => {
    const after = Date.now();
    await Promise.all([
      send(clusters.east, 300, 4, (i) => (i % 2 === 0 ? { method: 'GET', path: '/error' } : { method: 'GET', path: `/users/${i}` })),
      send(clusters.west, 100, 4, (i) => ({ method: 'GET', path: `/users/${i}` })),
    ]);
    const hit = await sink.waitForAlert('HighAPIErrorRate', 'firing', { after, timeoutMs: 60_000, labels: { cluster: 'east', service: SERVICE } });
    const alert = hit.payload.alerts.find((a) => a.labels.alertname === 'HighAPIErrorRate') as WebhookAlert;
    notes.push(`HighAPIErrorRate at the webhook ${((hit.receivedAt - after) / 1000).toFixed(1)} s after the errors: labels ${JSON.stringify(alert.labels)}; groupLabels ${JSON.stringify(hit.payload.groupLabels)}; summary "${alert.annotations.summary}"`);
    expect(alert.labels).toMatchObject({ alertname: 'HighAPIErrorRate', cluster: 'east', service: SERVICE, severity: 'critical' });
    expect(hit.payload.groupLabels).toMatchObject({ cluster: 'east' });
    expect(alert.annotations.summary).toMatch(/^\[east\] /);
    // Both workers fail one task in five: HighWorkerTaskFailureRate fires once per cluster.
    const failing = await Promise.all((['east', 'west'] as const).map((c) => sink.waitForAlert('HighWorkerTaskFailureRate', 'firing', { after: 0, timeoutMs: 60_000, labels: { cluster: c } }))).catch(async (err) => {
      const debug = await Promise.all(['sum by (cluster, status, queue) (worker_tasks_total)', 'service_queue:worker_tasks:rate5m', 'service_queue:worker_tasks_failures:rate5m', 'ALERTS'].map(async (q) => `${q}: ${JSON.stringify((await vm.query(q)).series)}`));
      throw new Error(`${(err as Error).message}\n${debug.join('\n')}`);
    });
    expect(failing).toHaveLength(2);
    await sleep(3000);
    const westApi = sink.webhooks().flatMap((w) => w.payload.alerts).filter((a) => a.labels.alertname === 'HighAPIErrorRate' && a.labels.cluster !== 'east');
    expect(westApi.map((a) => JSON.stringify(a.labels))).toEqual([]);
    const clustersSeen = [...new Set(sink.webhooks().flatMap((w) => w.payload.alerts.map((a) => `${a.labels.alertname}{cluster="${a.labels.cluster}"}`)))].sort();
    notes.push(`alerts at the webhook: ${clustersSeen.join(', ')}`);
  }, 120_000);

  it('every Overview/Service/Worker panel query answers through VictoriaMetrics for cluster=east, west and All, and east and west differ as sent', async () => {
    // Live traffic while the dashboards are read (instant stat queries read the last seconds;
    // VictoriaMetrics drops NaN results where Prometheus returns them): east three times west.
    await Promise.all([schedule(clusters.east, 400, 250), schedule(clusters.west, 200, 500)]);
    const stop = background({ east: 3, west: 1 });
    try {
      await sleep(8000);
      // The view ends 5 s ago: remote write delivers in batches (the agent's batch_send_deadline is
      // 5 s), so the last seconds are not complete centrally yet, and the stat panels' 4 s rate
      // windows would be empty (VictoriaMetrics' own -search.latencyOffset defaults to 30 s for this).
      const now = Date.now() / 1000 - 5;
      const t = timeContext(now - 300, now, 1);
      const all = (options: readonly string[]) => ({ all: true as const, options });
      const pick = (...values: string[]) => () => ({ values });
      const clusterViews: [string, (o: readonly string[]) => { all: true; options: readonly string[] } | { values: string[] }][] = [
        ['cluster=east', pick('east')],
        ['cluster=west', pick('west')],
        ['cluster=All', all],
      ];
      const views: Record<string, View[]> = {
        overview: clusterViews.map(([label, cluster]) => ({ label, selections: { cluster, service: all }, expect: { cluster: ['east', 'west'], service: [SERVICE, WORKER] } })),
        service: clusterViews.map(([label, cluster]) => ({ label: `${label}, service=${SERVICE}`, selections: { cluster, service: pick(SERVICE), instance: all }, expect: { cluster: ['east', 'west'] } })),
        worker: clusterViews.map(([label, cluster]) => ({ label: `${label}, service=All`, selections: { cluster, service: all, queue: all }, expect: { cluster: ['east', 'west'], queue: ['emails'] } })),
      };
      const unavailable = Object.fromEntries(LIMIT_METRICS.map((m) => [m, 'the multi-cluster scenario runs the examples without a cgroup limit']));
      const outcomes: QueryOutcome[] = [];
      const json = (name: string) => JSON.parse(generated.get(`grafana/dashboards/${name}.json`) as string) as DashboardJson;
      for (const [name, v] of Object.entries(views)) outcomes.push(...(await checkDashboard(vm, name, json(name), v, t, unavailable)).outcomes);
      const without = outcomes.filter((o) => o.status === 'empty' || o.status === 'error');
      expect(without.map((o) => `${o.dashboard} / ${o.panel} (${o.refId}) [${o.view}] ${o.status}${o.reason ? `: ${o.reason}` : ''}\n    ${o.expr}`)).toEqual([]);
      for (const o of outcomes.filter((x) => x.status === 'not-exercised')) expect(o.reason).toMatch(new RegExp(`${Object.values(NOT_RUN).join('|')}|cgroup limit`));
      const data = outcomes.filter((o) => o.status === 'data');
      expect(data.length).toBeGreaterThan(150);
      notes.push(`panel queries through VictoriaMetrics (3 dashboards × cluster=east|west|All): ${data.length} answered with data, ${outcomes.length - data.length} not exercised (cgroup limits), 0 empty`);
      // The same panel per cluster view: the Service dashboard's request rate, over the whole run.
      const panel = outcomes.find((o) => o.dashboard === 'service' && o.view.startsWith('cluster=east') && !o.instant && /http_requests_total/.test(o.expr) && !/status/.test(o.expr));
      expect(panel).toBeDefined();
      const rate = async (value: string) => {
        const expr = panel!.expr.replaceAll('cluster=~"east"', `cluster=~"${value}"`).replace(/\[\d+s\]/g, '[10m]');
        return Number((await vm.query(`sum(${expr})`)).series[0]?.value?.[1] ?? 0);
      };
      const [east, west, both] = [await rate('east'), await rate('west'), await rate('.+')];
      const sent = { east: clusters.east.sent, west: clusters.west.sent };
      notes.push(`Service "${panel!.panel}" (10m window) east ${east.toFixed(3)}/s, west ${west.toFixed(3)}/s, All ${both.toFixed(3)}/s; ratio ${(east / west).toFixed(2)} vs sent ${sent.east}/${sent.west} = ${(sent.east / sent.west).toFixed(2)}`);
      expect(east / west).toBeGreaterThan((sent.east / sent.west) * 0.8);
      expect(east / west).toBeLessThan((sent.east / sent.west) * 1.25);
      expect(both).toBeCloseTo(east + west, 3);
    } finally {
      await stop();
    }
    const seen = await untilCountedAsSent('final request counts per cluster');
    notes.push(`all requests sent → seen centrally at the end: east ${clusters.east.sent} → ${seen.east}, west ${clusters.west.sent} → ${seen.west}`);
  }, 150_000);

  it("stopping east's agent: ClusterMissing{cluster=\"east\"} reaches the webhook", async () => {
    const after = Date.now();
    await clusters.east.agent.stop('SIGTERM', 10_000);
    const hit = await sink.waitForAlert('ClusterMissing', 'firing', { after, timeoutMs: (MISSING_AFTER_S + 60) * 1000, labels: { cluster: 'east' } });
    const alert = hit.payload.alerts.find((a) => a.labels.alertname === 'ClusterMissing') as WebhookAlert;
    notes.push(`ClusterMissing at the webhook ${((hit.receivedAt - after) / 1000).toFixed(1)} s after east's agent stopped (missingAfter ${MISSING_AFTER_S}s, for 5s): labels ${JSON.stringify(alert.labels)}`);
    expect(alert.labels).toMatchObject({ alertname: 'ClusterMissing', cluster: 'east', severity: 'critical' });
    // West keeps reporting: no ClusterMissing for it, and its series still arrive.
    expect(sink.webhooks().flatMap((w) => w.payload.alerts).filter((a) => a.labels.alertname === 'ClusterMissing' && a.labels.cluster !== 'east')).toEqual([]);
    expect(await scalar('count(up{cluster="west"} == 1)')).toBeGreaterThan(0);
  }, 120_000);
});
