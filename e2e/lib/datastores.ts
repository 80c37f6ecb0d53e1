// The datastores suite's stack, on 127.0.0.1 with free ports: PostgreSQL 15 + postgres_exporter,
// redis-server + redis_exporter, RabbitMQ 3.10 with its Prometheus plugin (and an epmd of its own),
// Prometheus with the GENERATED datastore scrape jobs and rule packs, Alertmanager with the
// generated config, and the webhook sink. Each server can be stopped and started again on the
// same port and data (the exporters keep running). Every process is stopped by PID.
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { datastoreScrapeJobs, type ResolvedConfig, } from '@obs/dashboards';
import pg from 'pg';
import { tool } from '../../scripts/lib/tools.mjs';
import { datastoresE2eConfig } from '../datastores.e2e.config.js';
import type { PrometheusApi } from './prometheus-api.js';
import { freePort, type Proc, startProcess, startRedis } from './procs.js';
import { createRunDir, generateAndStartAlertmanager, startPrometheus } from './run-dir.js';
import { type Sink, startSink } from './sink.js';

const run = promisify(execFile);
const HOST = '127.0.0.1';

/** A server the suite stops and starts again (same port, same data). */
export interface Restartable {
  proc: Proc;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface Postgres extends Restartable {
  port: number;
  /** A connection string for the superuser `postgres` (trust auth on loopback). */
  url: string;
  maxConnections: number;
}

export interface RabbitMQ extends Restartable {
  amqpPort: number;
  prometheusPort: number;
  nodename: string;
  /** amqp:// URL of a vhost (default `/`). */
  url(vhost?: string): string;
  /** Runs rabbitmqctl against this node; resolves with its stdout. */
  ctl(...args: string[]): Promise<string>;
}

export interface RedisServer extends Restartable {
  port: number;
  /** redis://127.0.0.1:<port> */
  url: string;
}

export interface Exporter {
  instance: string;
  proc: Proc;
}

export interface DatastoreStack {
  dir: string;
  sink: Sink;
  postgres: Postgres;
  redis: RedisServer;
  rabbitmq: RabbitMQ;
  postgresExporter: Exporter;
  redisExporter: Exporter;
  prometheus: { url: string; instance: string; proc: Proc; api: PrometheusApi };
  alertmanager: { url: string; instance: string; proc: Proc };
  config: ResolvedConfig;
  generated: Map<string, string>;
  /** Adds a scrape target to the `obs-services` job (the adapter's example) and reloads Prometheus. */
  addServiceTarget(instance: string): Promise<void>;
  logTo(name: string): (line: string) => void;
  logTail(name: string, lines?: number): string;
  /** Registers a process the stack stops at the end. */
  track(p: Proc): Proc;
  stop(): Promise<void>;
}

/** Polls `probe` until it resolves true; fails with `what` and the log tail. */
async function waitUntil(what: string, probe: () => Promise<boolean>, tail: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} not ready within ${timeoutMs} ms (${last}); its log:\n${tail()}`);
}

const httpOk = async (url: string) => {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.status === 200;
};

/** The uid/gid PostgreSQL runs as: it refuses root, so as root the `postgres` user (else `nobody`). */
function unprivileged(): { uid?: number; gid?: number } {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  for (const user of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
      return { uid, gid };
    } catch {}
  }
  throw new Error('running as root, and neither a postgres nor a nobody user exists to run PostgreSQL as');
}

async function startPostgres(dir: string, log: (line: string) => void, tail: () => string, track: (p: Proc) => Proc): Promise<Postgres> {
  const port = await freePort();
  const maxConnections = 20;
  const home = join(dir, 'postgres');
  mkdirSync(home);
  const ids = unprivileged();
  if (ids.uid !== undefined) chownSync(home, ids.uid, ids.gid!);
  const data = join(home, 'data');
  if (ids.uid !== undefined) {
    // A cache below a folder only root may enter (/root/…) cannot be run by the server's user.
    try {
      await run(tool('postgres'), ['--version'], ids);
    } catch (err) {
      throw new Error(`PostgreSQL refuses to run as root, and uid ${ids.uid} cannot run ${tool('postgres')} (${(err as Error).message.split('\n')[0]}): let that user read the tools cache (OBS_TOOLS_CACHE) or run the suite as a non-root user.`);
    }
  }
  await run(tool('initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], { ...ids, cwd: home });
  const url = `postgresql://postgres@${HOST}:${port}/postgres`;
  const args = ['-D', data, '-p', String(port), '-k', home, '-c', `listen_addresses=${HOST}`, '-c', `max_connections=${maxConnections}`, '-c', 'fsync=off'];
  const pgReady = async () => {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await c.connect();
      await c.query('select 1');
      return true;
    } finally {
      await c.end().catch(() => {});
    }
  };
  const server: Postgres = {
    port,
    url,
    maxConnections,
    proc: undefined as unknown as Proc,
    async start() {
      server.proc = track(startProcess(tool('postgres'), args, { ...ids, cwd: home, log }));
      await waitUntil('postgres', pgReady, tail);
    },
    // SIGINT: PostgreSQL's fast shutdown (disconnects clients, like `pg_ctl stop -m fast`).
    async stop() {
      await server.proc.stop('SIGINT', 10_000);
    },
  };
  await server.start();
  return server;
}

async function startRabbitMQ(dir: string, log: (line: string) => void, tail: () => string, track: (p: Proc) => Proc): Promise<RabbitMQ> {
  const [amqpPort, distPort, epmdPort, prometheusPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const home = join(dir, 'rabbitmq');
  mkdirSync(home);
  const nodename = `obs-e2e-${process.pid}@localhost`;
  const conf = join(home, 'rabbitmq.conf');
  writeFileSync(
    conf,
    [`listeners.tcp.1 = ${HOST}:${amqpPort}`, `prometheus.tcp.ip = ${HOST}`, `prometheus.tcp.port = ${prometheusPort}`, 'loopback_users = none', 'log.console = true', 'log.file = false', ''].join('\n'),
  );
  writeFileSync(join(home, 'rabbitmq-env.conf'), '');
  // Everything the broker and its CLI tools read or write lives in the run's folder: the Erlang
  // cookie ($HOME), the database, the plugin list; epmd is ours, on a port of its own.
  const env: Record<string, string> = {
    HOME: home,
    ERL_EPMD_PORT: String(epmdPort),
    RABBITMQ_NODENAME: nodename,
    RABBITMQ_NODE_IP_ADDRESS: HOST,
    RABBITMQ_NODE_PORT: String(amqpPort),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(home, 'mnesia'),
    RABBITMQ_LOG_BASE: join(home, 'log'),
    RABBITMQ_LOGS: '-',
    RABBITMQ_ENABLED_PLUGINS_FILE: join(home, 'enabled_plugins'),
    RABBITMQ_CONFIG_FILE: conf,
    RABBITMQ_ADVANCED_CONFIG_FILE: join(home, 'advanced.config'),
    RABBITMQ_CONF_ENV_FILE: join(home, 'rabbitmq-env.conf'),
    RABBITMQ_PID_FILE: join(home, 'rabbitmq.pid'),
  };
  const server = tool('rabbitmq-server');
  const sbin = dirname(server);
  const ctlEnv = { ...process.env, ...env };
  const ctl = async (...args: string[]) => (await run(join(sbin, 'rabbitmqctl'), ['-n', nodename, ...args], { env: ctlEnv, timeout: 60_000 })).stdout;
  track(startProcess(tool('epmd'), ['-port', String(epmdPort), '-address', HOST], { log }));
  await run(join(sbin, 'rabbitmq-plugins'), ['--offline', 'enable', 'rabbitmq_prometheus'], { env: ctlEnv, timeout: 60_000 });
  const broker: RabbitMQ = {
    amqpPort,
    prometheusPort,
    nodename,
    url: (vhost = '/') => `amqp://guest:guest@${HOST}:${amqpPort}/${encodeURIComponent(vhost)}`,
    ctl,
    proc: undefined as unknown as Proc,
    async start() {
      broker.proc = track(startProcess(server, [], { env, cwd: home, log }));
      await waitUntil('rabbitmq', () => httpOk(`http://${HOST}:${prometheusPort}/metrics`), tail, 90_000);
      await ctl('await_startup');
    },
    async stop() {
      await broker.proc.stop('SIGTERM', 30_000);
    },
  };
  await broker.start();
  return broker;
}

/**
 * Starts the stack. On any failure it stops what it started before rethrowing.
 *
 * @example
 * const stack = await startDatastoreStack();
 * try { await stack.prometheus.api.targets(); } finally { await stack.stop(); }
 */
export async function startDatastoreStack(): Promise<DatastoreStack> {
  const runDir = createRunDir('obs-e2e-datastores-');
  const { dir, logTo, logTail, track, procs, release } = runDir;
  // PostgreSQL runs unprivileged below this folder.
  chmodSync(dir, 0o755);
  let sink: Sink | undefined;
  const stop = async () => {
    // The broker first: it may still talk to epmd while it stops.
    const rest = [...procs];
    await Promise.all(rest.filter((p) => p.pid !== epmdPid).map((p) => p.stop('SIGTERM', 30_000)));
    await Promise.all(rest.map((p) => p.stop('SIGTERM', 5000)));
    release();
    await sink?.close();
    if (!process.env.OBS_E2E_KEEP) rmSync(dir, { recursive: true, force: true });
  };
  let epmdPid = -1;

  try {
    sink = await startSink();
    const [postgres, rabbitmq, redisFirst] = await Promise.all([
      startPostgres(dir, logTo('postgres'), () => logTail('postgres'), track),
      startRabbitMQ(dir, logTo('rabbitmq'), () => logTail('rabbitmq', 60), (p) => {
        if (epmdPid === -1) epmdPid = p.pid;
        return track(p);
      }),
      startRedis({ log: logTo('redis') }),
    ]);
    track(redisFirst);
    const redis: RedisServer = {
      port: redisFirst.port,
      url: redisFirst.url,
      proc: redisFirst,
      async stop() {
        await redis.proc.stop('SIGTERM', 5000);
      },
      async start() {
        redis.proc = track(await startRedis({ log: logTo('redis'), port: redis.port }));
      },
    };

    const [pgxPort, rdxPort, promPort, amPort] = await Promise.all(Array.from({ length: 4 }, () => freePort()));
    const postgresExporter: Exporter = {
      instance: `${HOST}:${pgxPort}`,
      proc: track(
        startProcess(tool('postgres-exporter'), [`--web.listen-address=${HOST}:${pgxPort}`], {
          env: { DATA_SOURCE_NAME: `${postgres.url}?sslmode=disable` },
          log: logTo('postgres-exporter'),
        }),
      ),
    };
    const redisExporter: Exporter = {
      instance: `${HOST}:${rdxPort}`,
      proc: track(startProcess(tool('redis-exporter'), ['-redis.addr', redis.url, '-web.listen-address', `${HOST}:${rdxPort}`], { log: logTo('redis-exporter') })),
    };

    const { config, generated, gen, alertmanager } = await generateAndStartAlertmanager(runDir, sink, datastoresE2eConfig, amPort!);
    const amUrl = alertmanager.url;

    const promUrl = `http://${HOST}:${promPort}`;
    const services: string[] = [];
    // JSON is YAML. The datastore jobs are the generated ones (datastoreScrapeJobs, as in the
    // generated prometheus.yml), pointed at this run's exporters and broker.
    const writePromConfig = () =>
      writeFileSync(
        join(dir, 'prometheus.yml'),
        JSON.stringify(
          {
            global: { scrape_interval: config.scrapeInterval, scrape_timeout: config.scrapeInterval, evaluation_interval: config.evaluationInterval },
            rule_files: [join(gen, 'prometheus/rules/*.yml')],
            alerting: { alertmanagers: [{ static_configs: [{ targets: [`${HOST}:${amPort}`] }] }] },
            scrape_configs: [
              { job_name: 'obs-services', metrics_path: '/metrics', static_configs: [{ targets: services }] },
              ...datastoreScrapeJobs({ postgres: [postgresExporter.instance], redis: [redisExporter.instance], rabbitmq: [`${HOST}:${rabbitmq.prometheusPort}`] }),
            ],
          },
          null,
          2,
        ),
      );
    writePromConfig();
    const prometheus = startPrometheus(runDir, promPort!, ['--web.enable-lifecycle']);
    await Promise.all([
      waitUntil('postgres-exporter', () => httpOk(`http://${postgresExporter.instance}/metrics`), () => logTail('postgres-exporter')),
      waitUntil('redis-exporter', () => httpOk(`http://${redisExporter.instance}/metrics`), () => logTail('redis-exporter')),
      waitUntil('alertmanager', () => httpOk(`${amUrl}/-/ready`), () => logTail('alertmanager')),
      waitUntil('prometheus', () => httpOk(`${promUrl}/-/ready`), () => logTail('prometheus')),
    ]);

    return {
      dir,
      sink,
      postgres,
      redis,
      rabbitmq,
      postgresExporter,
      redisExporter,
      prometheus,
      alertmanager,
      config,
      generated,
      async addServiceTarget(instance) {
        services.push(instance);
        writePromConfig();
        const res = await fetch(`${promUrl}/-/reload`, { method: 'POST' });
        if (res.status !== 200) throw new Error(`Prometheus reload: HTTP ${res.status} ${await res.text()}`);
      },
      logTo,
      logTail,
      track,
      stop,
    };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}
