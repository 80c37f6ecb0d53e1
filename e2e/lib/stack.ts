// The whole stack of the end-to-end suite, on 127.0.0.1 with free ports: the three examples
// (Fastify API, Express API, BullMQ worker on a real redis-server), node_exporter, Prometheus
// loading the rule packs generated for this run, Alertmanager with the generated config, and the
// webhook sink. Every process runs in its own process group and is stopped by PID; each one's
// output goes to <tmp>/logs/<name>.log, whose tail is shown when it fails to start.
import { execFile } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ResolvedConfig } from '@obs/dashboards';
import { e2eConfig } from '../obs-dashboards.e2e.config.js';
import { type Cgroup, createCgroup } from './cgroup.js';
import type { PrometheusApi } from './prometheus-api.js';
import { freePort, type Proc, type Redis, startProcess, startRedis } from './procs.js';
import { tool } from '../../scripts/lib/tools.mjs';
import { createRunDir, generateAndStartAlertmanager, startPrometheus } from './run-dir.js';
import { type Sink, startSink } from './sink.js';

const run = promisify(execFile);

/** A started example service. */
export interface Example {
  /** The `service` label it reports. */
  service: string;
  port: number;
  /** Base URL of the API (for the worker: of its /metrics server). */
  url: string;
  metricsUrl: string;
  /** The scrape target, `127.0.0.1:<port>`, = the `instance` label. */
  instance: string;
  proc: Proc;
}

/** Everything the suite talks to. */
export interface Stack {
  dir: string;
  startedAt: number;
  sink: Sink;
  /** The limits cgroup, or why there is none. */
  cgroup: Cgroup | string;
  redis: Redis;
  fastify: Example;
  express: Example;
  worker: Example;
  nodeExporter: { instance: string; proc: Proc };
  prometheus: { url: string; instance: string; proc: Proc; api: PrometheusApi };
  alertmanager: { url: string; instance: string; proc: Proc };
  /** The resolved generator config and the files generated from it for this run. */
  config: ResolvedConfig;
  generated: Map<string, string>;
  /** Every scrape target Prometheus is configured with. */
  targets: string[];
  /** SIGKILLs the Fastify example (a crash: no graceful shutdown). */
  killFastify(): Promise<void>;
  /** Starts the Fastify example again on the same port and waits until it answers. */
  restartFastify(): Promise<void>;
  /**
   * Starts one more example process (tracked, stopped with the stack) on a free port; it is not
   * waited for (it may be meant to crash at boot) and is not a scrape target until
   * {@link Stack.setDiscoveredTargets} lists it.
   */
  startExample(name: string, service: string, kind: 'fastify-api' | 'worker', env?: Record<string, string>, port?: number): Promise<Example>;
  /** Starts one more redis-server (tracked, stopped with the stack). */
  startRedis(name: string): Promise<Redis>;
  /**
   * Writes the file-discovered @obs targets of `group` (`targets/<group>.json`, read by the
   * `obs-services-discovered` job as the generated prometheus.yml does): each with its `service`
   * target label.
   */
  setDiscoveredTargets(group: string, targets: ReadonlyArray<{ instance: string; service: string }>): void;
  /** Runs the worker example's producer (`src/produce.js`). */
  produce(count: number, failures: 'fifth' | 'none'): Promise<void>;
  /** Last lines of a process's log. */
  logTail(name: string, lines?: number): string;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

/** Polls `url` until it answers 200, failing early (with its log) when `proc` exits. */
async function waitOk(name: string, url: string, proc: Proc, tail: (name: string) => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void proc.exited.then(() => {
    exited = true;
  });
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${name} exited during start-up; its log:\n${tail(name)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} not ready at ${url} within ${timeoutMs} ms (${last}); its log:\n${tail(name)}`);
}

/**
 * Starts the stack. On any failure it stops what it started before rethrowing.
 *
 * @example
 * const stack = await startStack(rootDir);
 * try { await stack.prometheus.api.targets(); } finally { await stack.stop(); }
 */
export async function startStack(root: string): Promise<Stack> {
  const startedAt = Date.now();
  const runDir = createRunDir('obs-e2e-');
  const { dir, logTo, logTail, track, procs, release } = runDir;
  let sink: Sink | undefined;
  let cgroup: Cgroup | string = 'not created';
  const stop = async () => {
    await Promise.all([...procs].map((p) => p.stop('SIGTERM', 5000)));
    release();
    await sink?.close();
    if (typeof cgroup !== 'string') cgroup.remove();
    if (!process.env.OBS_E2E_KEEP) rmSync(dir, { recursive: true, force: true });
  };

  try {
    sink = await startSink();
    cgroup = createCgroup(`obs-e2e-${process.pid}`, { cpuCores: 2, memoryBytes: 2 * 1024 ** 3 });
    const inCgroup = (cmd: string, args: string[]): [string, string[]] => {
      if (typeof cgroup === 'string') return [cmd, args];
      const join = cgroup.procsFiles.map((f) => `echo $$ > '${f}'`).join(' && ');
      return ['sh', ['-c', `${join} && exec "$@"`, 'sh', cmd, ...args]];
    };
    const redis = await startRedis({ log: logTo('redis') });
    track(redis);
    const [fastifyPort, expressPort, workerPort, nodePort, promPort, amPort] = await Promise.all(Array.from({ length: 6 }, () => freePort()));
    const example = (name: string, service: string, port: number, cwd: string, script: string, env: Record<string, string>, urlPath = ''): Example => {
      const [cmd, args] = inCgroup('node', [script]);
      const proc = track(startProcess(cmd, args, { cwd: join(root, cwd), env: { HOST, SERVICE_NAME: service, NODE_ENV: 'e2e', ...env }, log: logTo(name) }));
      const base = `http://${HOST}:${port}`;
      return { service, port, url: base + urlPath, metricsUrl: `${base}/metrics`, instance: `${HOST}:${port}`, proc };
    };
    const fastifyEnv = { PORT: String(fastifyPort) };
    const fastify = example('fastify-api', 'fastify-api', fastifyPort!, 'examples/fastify-api', 'src/server.js', fastifyEnv);
    const express = example('express-api', 'express-api', expressPort!, 'examples/express-api', 'src/server.js', { PORT: String(expressPort) });
    const worker = example('worker', 'worker', workerPort!, 'examples/worker', 'src/worker.js', {
      METRICS_PORT: String(workerPort),
      REDIS_URL: redis.url,
      QUEUE_SIZE_TIMEOUT_MS: '500',
    });
    const nodeExporter = {
      instance: `${HOST}:${nodePort}`,
      proc: track(
        startProcess(
          tool('node-exporter'),
          [`--web.listen-address=${HOST}:${nodePort}`, '--no-collector.systemd'],
          { log: logTo('node-exporter') },
        ),
      ),
    };

    // Generate every artifact for this run's config, as a user would with `obs-dashboards generate`.
    const { config, generated, gen, alertmanager } = await generateAndStartAlertmanager(runDir, sink, e2eConfig, amPort!);
    const amUrl = alertmanager.url;

    const promUrl = `http://${HOST}:${promPort}`;
    const targets = [fastify.instance, express.instance, worker.instance, nodeExporter.instance, `${HOST}:${promPort}`, alertmanager.instance];
    // Every @obs target carries its `service` as a target label (as the generated prometheus.yml
    // does), so ServiceDown sees `up{service="…"} == 0` even for a service that never served
    // /metrics; honor_labels keeps the series' own labels as the service reports them.
    const service = (ex: Example) => ({ targets: [ex.instance], labels: { service: ex.service } });
    const discovered = join(dir, 'targets');
    mkdirSync(discovered);
    // JSON is YAML: the scrape config of this run (job names as in the generated prometheus.yml),
    // the generated rule packs, and the Alertmanager above.
    const promConfig = {
      global: { scrape_interval: config.scrapeInterval, scrape_timeout: config.scrapeInterval, evaluation_interval: config.evaluationInterval },
      rule_files: [join(gen, 'prometheus/rules/*.yml')],
      alerting: { alertmanagers: [{ static_configs: [{ targets: [alertmanager.instance] }] }] },
      scrape_configs: [
        { job_name: 'prometheus', static_configs: [{ targets: [`${HOST}:${promPort}`] }] },
        { job_name: 'alertmanager', static_configs: [{ targets: [alertmanager.instance] }] },
        { job_name: 'obs-services', metrics_path: '/metrics', honor_labels: true, static_configs: [fastify, express, worker].map(service) },
        { job_name: 'obs-services-discovered', metrics_path: '/metrics', honor_labels: true, file_sd_configs: [{ files: [join(discovered, '*.json')], refresh_interval: '1s' }] },
        { job_name: 'node', static_configs: [{ targets: [nodeExporter.instance] }] },
      ],
    };
    writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(promConfig, null, 2));
    const prometheus = startPrometheus(runDir, promPort!);

    await Promise.all([
      waitOk('fastify-api', `${fastify.url}/healthz`, fastify.proc, logTail),
      waitOk('express-api', `${express.url}/healthz`, express.proc, logTail),
      waitOk('worker', worker.metricsUrl, worker.proc, logTail),
      waitOk('node-exporter', `http://${nodeExporter.instance}/metrics`, nodeExporter.proc, logTail),
      waitOk('alertmanager', `${amUrl}/-/ready`, alertmanager.proc, logTail),
      waitOk('prometheus', `${promUrl}/-/ready`, prometheus.proc, logTail),
    ]);

    const stack: Stack = {
      dir,
      startedAt,
      sink,
      cgroup,
      redis,
      fastify,
      express,
      worker,
      nodeExporter,
      prometheus,
      alertmanager,
      config,
      generated,
      targets,
      async killFastify() {
        await stack.fastify.proc.stop('SIGKILL');
      },
      async restartFastify() {
        procs.delete(stack.fastify.proc);
        stack.fastify = example('fastify-api', 'fastify-api', fastifyPort!, 'examples/fastify-api', 'src/server.js', fastifyEnv);
        await waitOk('fastify-api', `${stack.fastify.url}/healthz`, stack.fastify.proc, logTail);
      },
      async startExample(name, service, kind, env = {}, fixedPort) {
        const port = fixedPort ?? (await freePort());
        const [cwd, script, portEnv] = kind === 'worker' ? ['examples/worker', 'src/worker.js', 'METRICS_PORT'] : ['examples/fastify-api', 'src/server.js', 'PORT'];
        return example(name, service, port, cwd, script, { [portEnv]: String(port), ...env });
      },
      async startRedis(name) {
        const r = await startRedis({ log: logTo(name) });
        track(r);
        return r;
      },
      setDiscoveredTargets(group, list) {
        const file = join(discovered, `${group}.json`);
        writeFileSync(`${file}.tmp`, JSON.stringify(list.map((t) => ({ targets: [t.instance], labels: { service: t.service } }))));
        renameSync(`${file}.tmp`, file);
      },
      async produce(count, failures) {
        await run('node', ['src/produce.js', '--count', String(count), '--failures', failures], {
          cwd: join(root, 'examples/worker'),
          env: { ...process.env, REDIS_URL: redis.url },
        });
      },
      logTail,
      stop,
    };
    return stack;
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}
