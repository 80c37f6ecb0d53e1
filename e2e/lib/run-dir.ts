// What every end-to-end stack needs around its processes: a temporary folder, one log file per
// process (whose tail is shown when it fails to start), the set of started processes (killed by
// PID if the test process exits without stopping them), and the generated files + Alertmanager.
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate, type ObsDashboardsConfig, type ResolvedConfig, resolveConfig, writeOutput } from '@obs/dashboards';
import { tool } from '../../scripts/lib/tools.mjs';
import { PrometheusApi } from './prometheus-api.js';
import { type Proc, startProcess } from './procs.js';
import type { Sink } from './sink.js';

export interface RunDir {
  dir: string;
  /** A line logger into <dir>/logs/<name>.log (lines printed after the folder is gone are dropped). */
  logTo(name: string): (line: string) => void;
  /** Last lines of a process's log. */
  logTail(name: string, lines?: number): string;
  /** Registers a started process; returns it. */
  track(p: Proc): Proc;
  procs: Set<Proc>;
  /** Removes the exit hook (call once every process is stopped). */
  release(): void;
}

/**
 * Creates the folder and installs the exit hook.
 *
 * @example
 * const run = createRunDir('obs-e2e-');
 * run.track(startProcess(tool('prometheus'), args, { log: run.logTo('prometheus') }));
 */
export function createRunDir(prefix: string): RunDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const logs = join(dir, 'logs');
  mkdirSync(logs);
  const procs = new Set<Proc>();
  // If the test process dies without running afterAll, the children (own process groups) go too.
  const killAll = () => {
    for (const p of procs) {
      try {
        process.kill(-p.pid, 'SIGKILL');
      } catch {}
    }
  };
  process.once('exit', killAll);
  return {
    dir,
    procs,
    logTo: (name) => (line) => {
      try {
        appendFileSync(join(logs, `${name}.log`), `${line}\n`);
      } catch {}
    },
    logTail: (name, lines = 30) => {
      try {
        return readFileSync(join(logs, `${name}.log`), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '(no output)';
      }
    },
    track: (p) => {
      procs.add(p);
      return p;
    },
    release: () => process.removeListener('exit', killAll),
  };
}

/** The generated files of a run and the Alertmanager started on them. */
export interface GeneratedAlerting {
  config: ResolvedConfig;
  generated: Map<string, string>;
  /** Where the files were written (`prometheus/rules/*.yml`, `alertmanager/alertmanager.yml`, …). */
  gen: string;
  alertmanager: { url: string; instance: string; proc: Proc };
}

/**
 * Generates every artifact for the run's config, as a user would with `obs-dashboards generate`
 * (the Slack receivers' `api_url_file` pointed at the sink), and starts Alertmanager on `port`
 * with the generated config.
 *
 * @example
 * const { config, gen, alertmanager } = await generateAndStartAlertmanager(run, sink, e2eConfig, await freePort());
 */
export async function generateAndStartAlertmanager(
  run: RunDir,
  sink: Sink,
  makeConfig: (opts: { webhookUrl: string; slackUrlFile: string }) => ObsDashboardsConfig,
  port: number,
): Promise<GeneratedAlerting> {
  const slackUrlFile = join(run.dir, 'slack-api-url');
  writeFileSync(slackUrlFile, sink.slackUrl);
  const config = resolveConfig(makeConfig({ webhookUrl: sink.webhookUrl, slackUrlFile }));
  const generated = generate(config);
  const gen = join(run.dir, 'generated');
  await writeOutput(gen, generated);
  const url = `http://127.0.0.1:${port}`;
  const proc = run.track(
    startProcess(
      tool('alertmanager'),
      [
        `--config.file=${join(gen, 'alertmanager/alertmanager.yml')}`,
        `--storage.path=${join(run.dir, 'alertmanager')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
        `--web.external-url=${url}/`,
      ],
      { log: run.logTo('alertmanager') },
    ),
  );
  return { config, generated, gen, alertmanager: { url, instance: `127.0.0.1:${port}`, proc } };
}

/**
 * Starts Prometheus on `port` with `<dir>/prometheus.yml` (written by the caller) and its data in
 * `<dir>/prometheus`; `extraArgs` e.g. `--web.enable-lifecycle` for reloads.
 *
 * @example
 * const prometheus = startPrometheus(run, await freePort());
 */
export function startPrometheus(run: RunDir, port: number, extraArgs: readonly string[] = []): { url: string; instance: string; api: PrometheusApi; proc: Proc } {
  const url = `http://127.0.0.1:${port}`;
  const proc = run.track(
    startProcess(
      tool('prometheus'),
      [
        `--config.file=${join(run.dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(run.dir, 'prometheus')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--web.external-url=${url}/`,
        ...extraArgs,
      ],
      { log: run.logTo('prometheus') },
    ),
  );
  return { url, instance: `127.0.0.1:${port}`, api: new PrometheusApi(url), proc };
}
