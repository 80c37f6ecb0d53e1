// Alerts in the failures they exist for (issue 13), on the real stack of lib/stack.ts: a service
// whose configuration makes it exit at boot (it never serves /metrics) pages ServiceDown; three
// worker replicas reporting one shared queue fire WorkerQueueSizeHigh once at 600 waiting jobs and
// stay quiet at 300 (threshold lowered to 500 in the e2e config); a healthy service's error-ratio
// panels read 0, not "No data". The fire/resolve seconds are printed in a table at the end.
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_FOR_SECONDS, E2E_QUEUE_THRESHOLD } from './obs-dashboards.e2e.config.js';
import { type DashboardJson, interpolate, panelQueries, timeContext } from './lib/grafana.js';
import type { Redis } from './lib/procs.js';
import { type Example, type Stack, startStack } from './lib/stack.js';
import { goodMix, load } from './lib/traffic.js';
import { sleep, until } from './lib/until.js';

const root = fileURLToPath(new URL('..', import.meta.url));

let stack: Stack;
const suiteStart = Date.now();
interface Row {
  alert: string;
  trigger: string;
  recovery: string;
  fired?: number;
  resolved?: number;
}
const rows: Row[] = [];
/** The checkout-boot service once its config is fixed (healthy, for the error-ratio check). */
let healthy: Example | undefined;
const notes: string[] = [];


/** Alerts the rule manager holds (pending or firing) for `alertname` and `service`. */
async function active(alertname: string, service: string) {
  return (await stack.prometheus.api.alerts()).filter((a) => a.labels.alertname === alertname && a.labels.service === service);
}

/** Seconds from `start` to the notification of `alertname` with `status` for `service`. */
async function notified(alertname: string, status: 'firing' | 'resolved', service: string, start: number): Promise<{ seconds: number; alerts: number }> {
  const hit = await stack.sink.waitForAlert(alertname, status, { after: start, timeoutMs: 45_000, labels: { service } });
  const alerts = hit.payload.alerts.filter((a) => a.labels.alertname === alertname && a.labels.service === service && a.status === status).length;
  return { seconds: (hit.receivedAt - start) / 1000, alerts };
}

function dashboard(name: string): DashboardJson {
  return JSON.parse(stack.generated.get(`grafana/dashboards/${name}.json`) as string) as DashboardJson;
}

beforeAll(async () => {
  stack = await startStack(root);
});

afterAll(async () => {
  const lines = ['', '=== alert scenarios (issue 13) ===', ...notes.map((n) => `note: ${n}`)];
  lines.push(`Alert timings (for: ${E2E_FOR_SECONDS}s, scrape/evaluation 1s, group_wait/group_interval 1s)`);
  lines.push(`${'alert'.padEnd(22)}${'trigger'.padEnd(58)}${'fired (s)'.padStart(10)}  ${'recovery'.padEnd(44)}${'resolved (s)'.padStart(12)}`);
  for (const r of rows) {
    lines.push(`${r.alert.padEnd(22)}${r.trigger.padEnd(58)}${(r.fired?.toFixed(1) ?? 'NOT FIRED').padStart(10)}  ${r.recovery.padEnd(44)}${(r.resolved?.toFixed(1) ?? 'NOT RESOLVED').padStart(12)}`);
  }
  lines.push(`Total: ${((Date.now() - suiteStart) / 1000).toFixed(1)} s`);
  console.log(lines.join('\n'));
  await stack?.stop();
});

describe('alerts in their real failures (real Prometheus, Alertmanager, webhook)', () => {
  it('a service whose config makes it exit at boot pages ServiceDown from its `service` target label, and resolves once it serves', async () => {
    const row: Row = { alert: 'ServiceDown', trigger: 'checkout-boot exits at boot (invalid SERVICE_NAME)', recovery: 'start it with a valid config (same port)' };
    rows.push(row);
    const service = 'checkout-boot';
    // The deploy's configuration is wrong: createObs rejects the name and the process exits.
    const broken = await stack.startExample('checkout-boot', service, 'fastify-api', { SERVICE_NAME: 'Checkout API' });
    const exit = await broken.proc.exited;
    expect(exit.code).not.toBe(0);
    expect(stack.logTail('checkout-boot')).toMatch(/OBS_ERR_INVALID_SERVICE_NAME/);
    const start = Date.now();
    stack.setDiscoveredTargets('boot', [{ instance: broken.instance, service }]);
    // The only series such a target ever has: up == 0, with the service from the scrape config.
    await until('up{service="checkout-boot"} == 0', 20_000, async () => ((await stack.prometheus.api.query(`up{service="${service}"} == 0`)).series.length === 1 ? true : undefined));
    expect((await stack.prometheus.api.query(`service_up{service="${service}"}`)).series).toEqual([]);
    const fired = await notified('ServiceDown', 'firing', service, start);
    row.fired = fired.seconds;
    expect(fired.seconds).toBeGreaterThan(E2E_FOR_SECONDS);

    const restart = Date.now();
    const fixed = await stack.startExample('checkout-boot-fixed', service, 'fastify-api', { SERVICE_NAME: service }, broken.port);
    await until('checkout-boot serving', 20_000, async () => ((await fetch(`${fixed.url}/healthz`)).ok ? true : undefined));
    healthy = fixed;
    row.resolved = (await notified('ServiceDown', 'resolved', service, restart)).seconds;
  }, 90_000);

  it('three replicas on one queue: 300 waiting jobs stay quiet, 600 fire WorkerQueueSizeHigh once', async () => {
    const row: Row = { alert: 'WorkerQueueSizeHigh', trigger: '3 replicas, 1 queue: 300 waiting (quiet), then 600', recovery: 'drain the waiting jobs' };
    rows.push(row);
    const service = 'mailer';
    const redis: Redis = await stack.startRedis('redis-mailer');
    const replicas = await Promise.all(
      [1, 2, 3].map((i) => stack.startExample(`mailer-${i}`, service, 'worker', { REDIS_URL: redis.url, CONCURRENCY: '1', QUEUE_SIZE_TIMEOUT_MS: '500' })),
    );
    stack.setDiscoveredTargets('mailer', replicas.map((r) => ({ instance: r.instance, service })));
    const queue = new Queue('emails', { connection: { host: '127.0.0.1', port: redis.port } });
    try {
      // Jobs that take ten minutes: each replica holds one, the rest wait.
      const add = (n: number, from: number) =>
        queue.addBulk(Array.from({ length: n }, (_, i) => ({ name: 'send-welcome', data: { index: (from + i) * 5, to: `user${from + i}@example.com`, workMs: 600_000 } })));
      const reported = (waiting: number) =>
        until(`3 replicas reporting ${waiting} waiting jobs`, 30_000, async () => {
          const r = await stack.prometheus.api.query(`worker_queue_size{service="${service}", state="waiting"}`);
          return r.series.length === 3 && r.series.every((s) => Number(s.value?.[1]) === waiting) ? r : undefined;
        });

      await add(300, 0);
      await reported(297);
      const summed = Number((await stack.prometheus.api.query(`sum(worker_queue_size{service="${service}", state="waiting"})`)).series[0]?.value?.[1]);
      expect(summed).toBeGreaterThan(E2E_QUEUE_THRESHOLD); // what the old `sum` rule saw: 891
      // Quiet for `for` and then some: never pending, never notified.
      const quietFrom = Date.now();
      while (Date.now() - quietFrom < (E2E_FOR_SECONDS + 5) * 1000) {
        expect(await active('WorkerQueueSizeHigh', service)).toEqual([]);
        await sleep(500);
      }
      expect(stack.sink.webhooks().some((w) => w.payload.alerts.some((a) => a.labels.alertname === 'WorkerQueueSizeHigh'))).toBe(false);
      notes.push(`WorkerQueueSizeHigh quiet at 297 waiting jobs reported by 3 replicas (their sum, ${summed}, is above ${E2E_QUEUE_THRESHOLD}) for ${E2E_FOR_SECONDS + 5} s`);

      const start = Date.now();
      await add(300, 300);
      await reported(597);
      const fired = await notified('WorkerQueueSizeHigh', 'firing', service, start);
      row.fired = fired.seconds;
      expect(fired.alerts).toBe(1);
      const firing = (await active('WorkerQueueSizeHigh', service)).filter((a) => a.state === 'firing');
      expect(firing.map((a) => [a.labels.queue, a.labels.instance])).toEqual([['emails', undefined]]);

      const drain = Date.now();
      await queue.drain();
      row.resolved = (await notified('WorkerQueueSizeHigh', 'resolved', service, drain)).seconds;
    } finally {
      await queue.close();
      await Promise.all(replicas.map((r) => r.proc.stop('SIGKILL')));
    }
  }, 120_000);

  it("a healthy service's error-ratio panels return 0, not No data", async () => {
    const service = 'checkout-boot';
    expect(healthy, 'the ServiceDown scenario leaves checkout-boot running').toBeDefined();
    const statuses = await load((healthy as Example).url, 200, 4, goodMix);
    expect(Object.keys(statuses).filter((s) => s === '0' || s.startsWith('5'))).toEqual([]);
    // A healthy service keeps serving: good requests go on through the queries below, so every
    // $__rate_interval window (4 s here) holds an increase whatever the machine's timing.
    let serving = true;
    const background = (async () => {
      while (serving) {
        const more = await load((healthy as Example).url, 20, 2, goodMix);
        expect(Object.keys(more).filter((s) => s === '0' || s.startsWith('5'))).toEqual([]);
        await sleep(200);
      }
    })();
    try {
      await sleep(3000); // three scrapes, so the traffic is inside every $__rate_interval window
      const now = Date.now() / 1000;
      const t = timeContext(now - 300, now, 1);
      const vars = (name: string) => ({ service, instance: '.+' })[name];
      const panels = [
        ...panelQueries('service', dashboard('service')).filter((q) => q.panel === 'Error ratio'),
        ...panelQueries('overview', dashboard('overview')).filter((q) => /error ratio/i.test(q.panel)),
      ];
      expect(panels.length).toBeGreaterThanOrEqual(2);
      for (const q of panels) {
        const expr = interpolate(q.expr, vars, t);
        const r = await stack.prometheus.api.query(expr, now);
        const values = r.series.filter((s) => s.metric.service === undefined || s.metric.service === service).map((s) => Number(s.value?.[1]));
        expect(values, `${q.dashboard} / ${q.panel}: ${expr}`).toEqual([0]);
      }
      // The plain ratio those panels used before: nothing to divide, "No data".
      const bad = await stack.prometheus.api.query(`sum(rate(http_requests_total{service="${service}", status=~"5.."}[${t.rateInterval}s]))`, now);
      expect(bad.series).toEqual([]);
      notes.push(`error-ratio panels of healthy ${service}: ${panels.map((q) => `${q.dashboard}/${q.panel}`).join(', ')} → 0 (the plain 5xx/all ratio: no data)`);
    } finally {
      serving = false;
      await background;
    }
  });
});
