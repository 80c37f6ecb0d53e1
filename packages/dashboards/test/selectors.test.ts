// Selectors select something: the README's example adds the label it selects on to every target,
// a selector on a label nothing produces is reported (OBS_WARN_SELECTOR_LABEL); the CLI finds the
// config in the current folder, says so, and reports a missing or broken config in one coded line.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_METRICS_PORT } from '@obs/metrics-standard';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generate, type ObsDashboardsConfig, resolveConfig, runCli, selectorWarnings } from '../src/index.js';

const cliJs = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const readme = fileURLToPath(new URL('../README.md', import.meta.url));

async function run(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { cwd, stdout: (l) => out.push(l), stderr: (l) => err.push(l) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

function bin(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliJs, ...args], { cwd, timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }));
  });
}

interface ScrapeJob {
  job_name: string;
  static_configs?: { targets: string[]; labels?: Record<string, string> }[];
  relabel_configs?: { target_label: string; replacement: string }[];
}

/** The labels a selector family's matchers require (`=` and `=~` only). */
const required = (selector: string) => [...selector.matchAll(/([a-zA-Z_]\w*)\s*(=~|=)(?!=)/g)].map((m) => m[1] as string);

describe('selectors and the labels that exist', () => {
  it("the README's example config: every label its service selector uses is added to every scraped @obs target", async () => {
    // The config block of the README, as a user copies it (the docs test also runs it through the CLI).
    const block = /```ts\n\/\/ obs-dashboards\.config\.ts\n([\s\S]*?)```/.exec(await readFile(readme, 'utf8'))?.[1];
    expect(block, 'README has the obs-dashboards.config.ts example').toBeDefined();
    const literal = /defineConfig\(([\s\S]*)\);\s*$/.exec(block as string)?.[1] as string;
    const config = new Function(`return (${literal});`)() as ObsDashboardsConfig;
    const resolved = resolveConfig(config);
    expect(resolved.selectors.service).not.toBe('');
    expect(selectorWarnings(resolved)).toEqual([]);

    const prom = parse(generate(resolved).get('prometheus/prometheus.yml') as string) as { scrape_configs: ScrapeJob[] };
    const staticJob = prom.scrape_configs.find((j) => j.job_name === 'obs-services') as ScrapeJob;
    const discovered = prom.scrape_configs.find((j) => j.job_name === 'obs-services-discovered') as ScrapeJob;
    for (const label of required(resolved.selectors.service)) {
      for (const sc of staticJob.static_configs ?? []) expect(sc.labels?.[label], `obs-services target label ${label}`).toBeDefined();
      expect(discovered.relabel_configs?.map((r) => r.target_label)).toContain(label);
    }
    const monitors = generate(resolved).get('kubernetes/servicemonitors.yaml') as string;
    for (const label of required(resolved.selectors.service)) expect(monitors).toContain(`targetLabel: ${label}`);
  });

  it('a selector on a label nothing produces warns (env is only on service_info, never on every series)', () => {
    const warnings = selectorWarnings(resolveConfig({ selectors: { service: 'env="prod"', host: 'datacenter=~"eu.*"' } }));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^OBS_WARN_SELECTOR_LABEL: selectors\.service selects on `env`/);
    expect(warnings[1]).toMatch(/^OBS_WARN_SELECTOR_LABEL: selectors\.host selects on `datacenter`/);
    // Labels that exist, negative matchers, target labels and declared ones do not.
    const quiet = resolveConfig({
      selectors: { service: 'job="api", region="eu", env!="dev"', host: 'instance=~"db.*", cluster="a"' },
      targetLabels: { cluster: 'a' },
      knownLabels: ['region'],
    });
    expect(selectorWarnings(quiet)).toEqual([]);
  });

  it('a target label that would clash with a contract label is a coded config error', () => {
    expect(() => resolveConfig({ targetLabels: { env: 'prod' } })).toThrow(/OBS_ERR_INVALID_CONFIG.*targetLabels\.env.*clash/s);
    expect(() => resolveConfig({ targetLabels: { 'bad-name': 'x' } })).toThrow(/OBS_ERR_INVALID_CONFIG.*targetLabels\.bad-name/s);
  });

  it('the CLI prints the warning and still generates', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'obs-sel-'));
    await writeFile(join(dir, 'c.json'), JSON.stringify({ selectors: { service: 'env="prod"' } }));
    const res = await run(['generate', '--config', 'c.json'], dir);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('OBS_WARN_SELECTOR_LABEL');
  });
});

describe('ports', () => {
  it("the example prometheus.yml scrapes the worker on @obs/worker's default metrics port", () => {
    const prom = parse(generate(resolveConfig()).get('prometheus/prometheus.yml') as string) as { scrape_configs: ScrapeJob[] };
    const targets = (prom.scrape_configs.find((j) => j.job_name === 'obs-services')?.static_configs ?? []).flatMap((c) => c.targets);
    expect(targets).toContain(`billing-worker:${DEFAULT_METRICS_PORT}`);
  });
});

describe('obs-dashboards and its config file', () => {
  it('picks up obs-dashboards.config.* in the current folder without --config, and says so', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'obs-cwd-'));
    const none = await run(['generate'], dir);
    expect(none.stdout).toContain('built-in defaults');
    await writeFile(join(dir, 'obs-dashboards.config.json'), JSON.stringify({ scrapeInterval: '30s' }));
    const found = await run(['generate'], dir);
    expect(found.code).toBe(0);
    expect(found.stdout).toContain('using obs-dashboards.config.json (found in the current folder)');
    expect(await readFile(join(dir, 'dashboards/grafana/provisioning/datasources/prometheus.yml'), 'utf8')).toContain('timeInterval: 30s');
  });

  it("check's hint repeats the flags it was given", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'obs-hint-'));
    await writeFile(join(dir, 'my.json'), JSON.stringify({ scrapeInterval: '30s' }));
    const res = await run(['check', '--config', 'my.json', '--out', 'mon'], dir);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('run `obs-dashboards generate --config my.json --out mon`');
  });

  it.each([
    ['a missing .ts file', 'missing.config.ts', undefined, /no such file/],
    ['a .ts file that does not compile', 'broken.config.ts', 'export default {', /could not load/],
  ])('%s: one coded line, exit 2, no esbuild report', async (_name, file, content, detail) => {
    const dir = await mkdtemp(join(tmpdir(), 'obs-missing-'));
    if (content !== undefined) await writeFile(join(dir, file), content);
    const res = await bin(['generate', '--config', file], dir);
    expect(res.code).toBe(2);
    const lines = res.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^obs-dashboards: OBS_ERR_INVALID_CONFIG: invalid option `--config`/);
    expect(lines[0]).toMatch(detail);
    expect(res.stderr).not.toContain('[ERROR]');
  });
});
