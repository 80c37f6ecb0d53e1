import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tool } from '../../../scripts/lib/tools.mjs';
import { generate, resolveConfig, runCli } from '../src/index.js';

async function run(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { cwd, stdout: (l) => out.push(l), stderr: (l) => err.push(l) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('obs-dashboards generate / check', () => {
  it('generates the documented tree, and check passes on it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'obs-gen-'));
    const gen = await run(['generate', '--out', 'out'], dir);
    expect(gen.code).toBe(0);
    const expectedFiles = generate(resolveConfig());
    const files = [...expectedFiles.keys()];
    for (const expected of [
      'grafana/dashboards/overview.json',
      'grafana/dashboards/service.json',
      'grafana/dashboards/worker.json',
      'grafana/dashboards/host.json',
      'grafana/dashboards/containers.json',
      'grafana/dashboards/kubernetes.json',
      'grafana/dashboards/datastores.json',
      'grafana/provisioning/datasources/prometheus.yml',
      'grafana/provisioning/dashboards/obs.yml',
      'prometheus/prometheus.yml',
      'alertmanager/alertmanager.yml',
      'kubernetes/grafana-dashboards.yaml',
      'kubernetes/servicemonitors.yaml',
      'kubernetes/prometheusrules.yaml',
    ]) {
      expect(files).toContain(expected);
    }
    expect(files.some((f) => /^prometheus\/rules\/.+\.yml$/.test(f))).toBe(true);
    expect(files.some((f) => /^prometheus\/tests\/.+\.test\.yml$/.test(f))).toBe(true);
    for (const f of files) expect(await readFile(join(dir, 'out', f), 'utf8')).toBe(expectedFiles.get(f));
    expect(await run(['check', '--out', 'out'], dir)).toMatchObject({ code: 0 });
  });

  it('two runs are byte-identical', () => {
    const a = generate(resolveConfig());
    const b = generate(resolveConfig());
    expect([...a]).toEqual([...b]);
  });

  it('check lists stale, missing and extra files and exits 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'obs-check-'));
    await run(['generate'], dir);
    await writeFile(join(dir, 'dashboards/grafana/dashboards/host.json'), '{}\n');
    await rm(join(dir, 'dashboards/prometheus/prometheus.yml'));
    await writeFile(join(dir, 'dashboards/grafana/dashboards/old.json'), '{}\n');
    // A file an earlier run wrote (in the manifest) that the generator no longer writes.
    await writeFile(join(dir, 'off.json'), JSON.stringify({ packs: { datastores: false } }));
    const check = await run(['check', '--config', 'off.json'], dir);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('stale:   grafana/dashboards/host.json');
    expect(check.stderr).toContain('stale:   .obs-dashboards-manifest.json');
    expect(check.stderr).toContain('missing: prometheus/prometheus.yml');
    expect(check.stderr).toContain('extra:   grafana/dashboards/datastores.json');
    // A file obs-dashboards did not write is reported, not a failure.
    expect(check.stderr).toContain('1 files not written by obs-dashboards ignored');
    expect(check.stderr).not.toContain('old.json');
    // generate repairs it, removing the file it no longer writes and keeping the foreign one
    expect((await run(['generate', '--config', 'off.json'], dir)).code).toBe(0);
    expect((await run(['check', '--config', 'off.json'], dir)).code).toBe(0);
    expect(await readFile(join(dir, 'dashboards/grafana/dashboards/old.json'), 'utf8')).toBe('{}\n');
    await expect(readFile(join(dir, 'dashboards/grafana/dashboards/datastores.json'))).rejects.toThrow();
  });

  it('a config changes the output and check compares against that config', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'obs-cfg-'));
    await writeFile(join(dir, 'obs.config.json'), JSON.stringify({ scrapeInterval: '30s', packs: { kubernetes: false } }));
    expect((await run(['generate', '--config', 'obs.config.json'], dir)).code).toBe(0);
    const ds = await readFile(join(dir, 'dashboards/grafana/provisioning/datasources/prometheus.yml'), 'utf8');
    expect(ds).toContain('timeInterval: 30s');
    await expect(readFile(join(dir, 'dashboards/grafana/dashboards/kubernetes.json'))).rejects.toThrow();
    expect((await run(['check', '--config', 'obs.config.json'], dir)).code).toBe(0);
    expect((await run(['check'], dir)).code).toBe(1);
  });

  it('bad usage and bad config exit 2 with a coded message', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'obs-bad-'));
    await writeFile(join(dir, 'typo.json'), JSON.stringify({ alerts: { HighAPILatency: { threshhold: 2 } } }));
    const typo = await run(['generate', '--config', 'typo.json'], dir);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/OBS_ERR_INVALID_CONFIG.*alerts\.HighAPILatency\.threshhold/);
    expect((await run(['deploy'], dir)).code).toBe(2);
    expect((await run(['generate', '--outt', 'x'], dir)).code).toBe(2);
    expect((await run([], dir)).code).toBe(2);
    expect((await run(['--help'], dir)).code).toBe(0);
  });
});

describe('prometheus.yml', () => {
  it('passes promtool check config, rule files included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'obs-promtool-'));
    await run(['generate'], dir);
    const { stdout } = await promisify(execFile)(tool('promtool'), ['check', 'config', join(dir, 'dashboards/prometheus/prometheus.yml')]);
    expect(stdout).toMatch(/SUCCESS/);
    expect(stdout).toMatch(/rules found/);
  });
});
