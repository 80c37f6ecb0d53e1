// End to end on a real stack (issue 6): the three examples, node_exporter, Prometheus with the
// rule packs generated for this run, Alertmanager with the generated config, a webhook sink.
// Proves what the users' acceptance tests asked: every target up, no dashboard query without data,
// and alerts that reach the webhook and resolve — with the seconds each took printed.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_FOR_SECONDS } from './obs-dashboards.e2e.config.js';
import { checkDashboard, exportersRead, LIMIT_METRICS, NOT_RUN, type QueryOutcome, type View } from './lib/dashboard-check.js';
import { type DashboardJson, timeContext } from './lib/grafana.js';
import type { WebhookAlert, WebhookPayload } from './lib/sink.js';
import { type Stack, startStack } from './lib/stack.js';
import { apiMix, goodMix, load } from './lib/traffic.js';
import { sleep, until } from './lib/until.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

let stack: Stack;
const suiteStart = Date.now();

/** Alert timings for the table printed at the end. */
interface Timing {
  alert: string;
  trigger: string;
  recovery: string;
  fired?: number;
  resolved?: number;
  /** The firing notification. */
  firing?: WebhookPayload;
}
const timings: Timing[] = [];
const outcomes: QueryOutcome[] = [];
const variableLines: string[] = [];
const notes: string[] = [];


/** True once Prometheus's rule manager holds `alertname` (pending or firing) for `service`. */
async function alertActive(alertname: string, service: string): Promise<boolean> {
  return (await stack.prometheus.api.alerts()).some((a) => a.labels.alertname === alertname && a.labels.service === service);
}

/**
 * Repeats `step` (a bounded burst of the trigger) until Prometheus holds the alert, at most
 * `maxSteps` times; then waits for the webhook. Returns seconds from the first step to the
 * notification.
 */
async function fireBy(timing: Timing, service: string, maxSteps: number, step: () => Promise<unknown>): Promise<void> {
  const start = Date.now();
  for (let i = 0; i < maxSteps && !(await alertActive(timing.alert, service)); i++) await step();
  const hit = await stack.sink.waitForAlert(timing.alert, 'firing', { after: start, timeoutMs: 30_000, labels: { service } });
  timing.fired = (hit.receivedAt - start) / 1000;
  timing.firing = hit.payload;
}

/** The firing notification went the generated route for a critical alert and carries the annotations. */
function expectCriticalNotification(timing: Timing, service: string): void {
  const p = timing.firing!;
  expect(p.receiver, `${timing.alert} routed by severity="critical"`).toBe('pager');
  expect(p.groupLabels).toEqual({ alertname: timing.alert, service });
  const alert = p.alerts.find((a) => a.labels.alertname === timing.alert)!;
  expect(alert.labels.severity).toBe('critical');
  expect(alert.annotations.summary).toContain(service);
  expect(alert.annotations.runbook_url).toMatch(/^https?:\/\/\S+\/[a-z0-9-]+$/);
}

/** Runs `step` (bounded recovery traffic) until the resolved notification arrives; seconds from the first step. */
async function resolveBy(timing: Timing, service: string, maxSteps: number, step: () => Promise<unknown>): Promise<void> {
  const start = Date.now();
  const resolved = () => stack.sink.webhooks().some((w) => w.receivedAt >= start && w.payload.alerts.some((a: WebhookAlert) => a.status === 'resolved' && a.labels.alertname === timing.alert && a.labels.service === service));
  for (let i = 0; i < maxSteps && !resolved(); i++) await step();
  const hit = await stack.sink.waitForAlert(timing.alert, 'resolved', { after: start, timeoutMs: 30_000, labels: { service } });
  timing.resolved = (hit.receivedAt - start) / 1000;
}

function dashboard(name: string): DashboardJson {
  const text = stack.generated.get(`grafana/dashboards/${name}.json`);
  if (text === undefined) throw new Error(`the generator wrote no ${name} dashboard`);
  return JSON.parse(text) as DashboardJson;
}

beforeAll(async () => {
  stack = await startStack(root);
  if (typeof stack.cgroup === 'string') notes.push(`examples run without a cgroup limit: ${stack.cgroup}`);
  else notes.push(`examples run in a cgroup limited to ${stack.cgroup.cpuCores} CPU cores and ${stack.cgroup.memoryBytes / 1024 ** 3} GiB`);
});

afterAll(async () => {
  const lines: string[] = ['', '=== end-to-end report ==='];
  lines.push(...notes.map((n) => `note: ${n}`));
  if (timings.length > 0) {
    lines.push('', `Alert timings (for: ${E2E_FOR_SECONDS}s, scrape/evaluation 1s, group_wait/group_interval 1s)`);
    lines.push(`${'alert'.padEnd(28)}${'trigger'.padEnd(44)}${'fired (s)'.padStart(10)}  ${'recovery'.padEnd(44)}${'resolved (s)'.padStart(12)}`);
    for (const t of timings) {
      lines.push(`${t.alert.padEnd(28)}${t.trigger.padEnd(44)}${(t.fired?.toFixed(1) ?? 'NOT FIRED').padStart(10)}  ${t.recovery.padEnd(44)}${(t.resolved?.toFixed(1) ?? 'NOT RESOLVED').padStart(12)}`);
    }
  }
  if (outcomes.length > 0) {
    const count = (s: QueryOutcome['status']) => outcomes.filter((o) => o.status === s).length;
    lines.push('', `Dashboard queries (view × query): ${count('data')} with data, ${count('empty') + count('error')} without, ${count('not-exercised')} not exercised`);
    lines.push('Template variables (options from label_values() → what the queries received):', ...variableLines.map((l) => `  ${l}`));
    const nan = outcomes.filter((o) => o.nanOnly);
    if (nan.length > 0) lines.push(`  of those with data, NaN only (0/0 at that instant): ${nan.map((o) => `${o.dashboard}/${o.panel} [${o.view}]`).join('; ')}`);
    const ne = new Map<string, string>();
    for (const o of outcomes.filter((x) => x.status === 'not-exercised')) ne.set(`${o.dashboard} / ${o.panel} (${o.refId})`, o.reason ?? '');
    if (ne.size > 0) {
      lines.push('Not exercised (listed, not skipped silently; their rules are promtool-tested in packages/dashboards):');
      for (const [k, v] of ne) lines.push(`  - ${k}: ${v}`);
    }
  }
  for (const name of ['containers', 'kubernetes', 'datastores']) {
    const text = stack?.generated.get(`grafana/dashboards/${name}.json`);
    if (text === undefined) continue;
    const r = exportersRead(name, JSON.parse(text) as DashboardJson);
    lines.push(`Not exercised: the ${name} dashboard (${r.panels} panels, ${r.queries} queries): it reads ${[...r.exporters].join(', ')}, which the suite does not run`);
    for (const o of r.other) lines.push(`  - reads no such exporter, still not queried (dashboard out of the suite's scope): ${o}`);
  }
  lines.push(`Total: ${((Date.now() - suiteStart) / 1000).toFixed(1)} s`);
  console.log(lines.join('\n'));
  await stack?.stop();
});

describe('end to end: examples → Prometheus → Alertmanager → webhook', () => {
  it('Prometheus loads every generated rule pack and evaluates every rule without error', async () => {
    const files = [...stack.generated.keys()].filter((p) => p.startsWith('prometheus/rules/'));
    expect(files.length).toBeGreaterThanOrEqual(7);
    const groups = await until('every rule evaluated once', 15_000, async () => {
      const g = await stack.prometheus.api.ruleGroups();
      return g.length >= files.length && g.every((gr) => gr.rules.every((r) => r.health !== 'unknown')) ? g : undefined;
    });
    const broken = groups.flatMap((g) => g.rules.filter((r) => r.health !== 'ok').map((r) => `${g.name}/${r.name}: ${r.lastError}`));
    expect(broken).toEqual([]);
    const alerting = groups.flatMap((g) => g.rules.filter((r) => r.type === 'alerting').map((r) => r.name));
    expect(alerting).toEqual(expect.arrayContaining(['ServiceDown', 'HighAPIErrorRate', 'HighWorkerTaskFailureRate']));
    notes.push(`Prometheus loaded ${groups.length} rule groups from ${files.length} generated files (${groups.reduce((n, g) => n + g.rules.length, 0)} rules, ${alerting.length} alerts), all evaluating`);
  });

  it('every scrape target is up', async () => {
    const targets = await until('every target up', 20_000, async () => {
      const t = await stack.prometheus.api.targets();
      return t.length === stack.targets.length && t.every((x) => x.health === 'up') ? t : undefined;
    }).catch(async (err) => {
      const t = await stack.prometheus.api.targets();
      throw new Error(`${(err as Error).message}\n${t.map((x) => `${x.labels.job} ${x.scrapeUrl} ${x.health} ${x.lastError}`).join('\n')}`);
    });
    expect(targets.map((t) => t.labels.instance).sort()).toEqual([...stack.targets].sort());
  });

  it('traffic on every route reaches Prometheus', async () => {
    const [fastify, express] = await Promise.all([load(stack.fastify.url, 400, 8, apiMix), load(stack.express.url, 400, 8, apiMix), stack.produce(40, 'none')]);
    for (const statuses of [fastify, express]) {
      expect(statuses[0] ?? 0).toBe(0);
      expect(Object.keys(statuses).sort()).toEqual(['200', '201', '404', '500']);
    }
    await until('the traffic in Prometheus', 15_000, async () => {
      const http = await stack.prometheus.api.query('sum by (service) (http_requests_total)');
      const tasks = await stack.prometheus.api.query('sum by (service) (worker_tasks_total)');
      const served = new Map(http.series.map((s) => [s.metric.service, Number(s.value?.[1])]));
      const done = Number(tasks.series[0]?.value?.[1] ?? 0);
      return (served.get('fastify-api') ?? 0) >= 300 && (served.get('express-api') ?? 0) >= 300 && done >= 40 ? true : undefined;
    });
  });

  it('obs-contract check passes on all three examples after traffic (exit 0)', async () => {
    // The bin's target as the package declares it (package.json `bin`), run through node: a fresh
    // `npm ci` runs before the build, so npm links no bin whose file does not exist yet.
    const bin = join(root, 'packages/metrics-standard/dist/cli.js');
    const results = await Promise.all(
      [stack.fastify, stack.express, stack.worker].map(async (ex) => {
        try {
          const { stdout } = await run(process.execPath, [bin, 'check', ex.metricsUrl]);
          return { service: ex.service, code: 0, stdout };
        } catch (err) {
          const e = err as { code?: number; stdout?: string; stderr?: string };
          return { service: ex.service, code: e.code ?? -1, stdout: `${e.stdout ?? ''}${e.stderr ?? ''}` };
        }
      }),
    );
    for (const r of results) expect(r.code, `obs-contract check ${r.service}:\n${r.stdout}`).toBe(0);
    // With traffic recorded, the bucket and path-template rules judged real series.
    for (const r of results) {
      if (r.service === stack.worker.service) expect(r.stdout).not.toMatch(/no series yet for worker_/);
      else expect(r.stdout).not.toMatch(/no series yet|no path values yet/);
    }
    notes.push(...results.map((r) => `obs-contract check ${r.service}: ${r.stdout.trim().split('\n').at(-1)}`));
  });

  it('hammering /error fires HighAPIErrorRate and failing jobs fire HighWorkerTaskFailureRate at the webhook', async () => {
    const api: Timing = { alert: 'HighAPIErrorRate', trigger: 'GET /error on express-api, 20 per 200 ms', recovery: 'good requests, 500 per step' };
    const worker: Timing = { alert: 'HighWorkerTaskFailureRate', trigger: 'produce 40 jobs (every 5th fails) per step', recovery: 'produce 100 jobs --failures none per step' };
    timings.push(api, worker);
    await Promise.all([
      fireBy(api, stack.express.service, 150, () => Promise.all([load(stack.express.url, 20, 4, () => ({ method: 'GET', path: '/error' })), sleep(200)])),
      fireBy(worker, stack.worker.service, 60, () => stack.produce(40, 'fifth')),
    ]);
    expect(api.fired).toBeGreaterThan(E2E_FOR_SECONDS);
    expect(worker.fired).toBeGreaterThan(E2E_FOR_SECONDS);
    expectCriticalNotification(api, stack.express.service);
    expectCriticalNotification(worker, stack.worker.service);
    // The Slack receivers got the same alerts (their api_url_file points at the sink).
    expect(stack.sink.received.some((r) => r.path === '/slack')).toBe(true);
  }, 90_000);

  it('every query of the Overview, Service, Worker and Host dashboards returns data', async () => {
    // A last burst, so the instant (stat/table) queries see a live system as a user opening the dashboard would.
    await Promise.all([load(stack.fastify.url, 100, 4, apiMix), load(stack.express.url, 100, 4, goodMix), stack.produce(20, 'fifth')]);
    await sleep(2000); // two scrapes, so the burst is inside every $__rate_interval window
    const now = Date.now() / 1000;
    const t = timeContext(now - 300, now, 1); // Grafana's "Last 5 minutes", datasource timeInterval 1s
    const all = (options: readonly string[]) => ({ all: true as const, options });
    const pick = (...values: string[]) => () => ({ values });
    const services = [stack.fastify.service, stack.express.service, stack.worker.service];
    const unavailable: Record<string, string> = {};
    if (typeof stack.cgroup === 'string') for (const m of LIMIT_METRICS) unavailable[m] = `the examples run without a cgroup limit here (${stack.cgroup})`;
    const views: Record<string, View[]> = {
      overview: [
        { label: 'service=All', selections: { service: all }, expect: { service: services } },
        { label: 'service=the three examples', selections: { service: pick(...services) }, expect: { service: services } },
      ],
      service: [stack.fastify, stack.express].flatMap((ex) => [
        { label: `service=${ex.service}, instance=All`, selections: { service: pick(ex.service), instance: all }, expect: { service: services, instance: [ex.instance] } },
        { label: `service=${ex.service}, instance=${ex.instance}`, selections: { service: pick(ex.service), instance: pick(ex.instance) }, expect: { service: services, instance: [ex.instance] } },
      ]),
      worker: [
        { label: 'service=All, queue=All', selections: { service: all, queue: all }, expect: { service: [stack.worker.service], queue: ['emails'] } },
        { label: 'service=worker, queue=emails', selections: { service: pick(stack.worker.service), queue: pick('emails') }, expect: { queue: ['emails'] } },
      ],
      host: [
        { label: 'instance=All', selections: { instance: all }, expect: { instance: [stack.nodeExporter.instance] } },
        { label: `instance=${stack.nodeExporter.instance}`, selections: { instance: pick(stack.nodeExporter.instance) }, expect: {} },
      ],
    };
    for (const [name, v] of Object.entries(views)) {
      const r = await checkDashboard(stack.prometheus.api, name, dashboard(name), v, t, unavailable);
      outcomes.push(...r.outcomes);
      variableLines.push(...r.variables);
    }
    const without = outcomes.filter((o) => o.status === 'empty' || o.status === 'error');
    expect(without.map((o) => `${o.dashboard} / ${o.panel} (${o.refId}) [${o.view}] ${o.status}${o.reason ? `: ${o.reason}` : ''}\n    ${o.expr}`)).toEqual([]);
    expect(outcomes.filter((o) => o.status === 'data').length).toBeGreaterThan(100);
    // The check does see "No data": the same dashboard for a service that does not exist is empty throughout.
    const none = await checkDashboard(stack.prometheus.api, 'worker', dashboard('worker'), [{ label: 'service=no-such-service', selections: { service: pick('no-such-service'), queue: pick('emails') }, expect: {} }], t, unavailable);
    expect(none.outcomes.length).toBeGreaterThan(5);
    expect(none.outcomes.filter((o) => o.status !== 'empty').map((o) => o.panel)).toEqual([]);
    // Only exporters the suite does not run (or a limit the machine cannot set) may be skipped.
    const skipped = outcomes.filter((o) => o.status === 'not-exercised');
    for (const o of skipped) expect(o.reason).toMatch(new RegExp(`${Object.values(NOT_RUN).join('|')}|cgroup limit`));
  });

  it('killing the Fastify example fires ServiceDown', async () => {
    const down: Timing = { alert: 'ServiceDown', trigger: 'SIGKILL fastify-api', recovery: 'start fastify-api again (same port)' };
    timings.push(down);
    await fireBy(down, stack.fastify.service, 1, () => stack.killFastify());
    expect(down.fired).toBeGreaterThan(E2E_FOR_SECONDS);
    expectCriticalNotification(down, stack.fastify.service);
  }, 90_000);

  it('each alert resolves after recovery (status "resolved" at the webhook)', async () => {
    const byName = (n: string) => timings.find((t) => t.alert === n)!;
    await Promise.all([
      resolveBy(byName('ServiceDown'), stack.fastify.service, 1, () => stack.restartFastify()),
      resolveBy(byName('HighAPIErrorRate'), stack.express.service, 60, () => load(stack.express.url, 500, 8, goodMix)),
      resolveBy(byName('HighWorkerTaskFailureRate'), stack.worker.service, 40, () => stack.produce(100, 'none')),
    ]);
    for (const t of timings) expect(t.resolved, t.alert).toBeGreaterThan(0);
  }, 90_000);
});
