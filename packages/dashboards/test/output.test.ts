// The generator deletes only what it wrote (issue 12): the CLI run in-process on real folders.
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, parse } from 'node:path';
import { ObsError } from '@obs/metrics-standard';
import { afterAll, describe, expect, it } from 'vitest';
import { GENERATED_MARKER, generate, MANIFEST_FILE, readManifest, resolveConfig, runCli, writeOutput } from '../src/index.js';

async function run(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { cwd, stdout: (l) => out.push(l), stderr: (l) => err.push(l) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const dirs: string[] = [];
async function project(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'obs-out-'));
  dirs.push(dir);
  await mkdir(join(dir, 'src'));
  await writeFile(join(dir, 'README.md'), '# my service\n');
  await writeFile(join(dir, 'src/app.js'), 'console.log("hi")\n');
  return dir;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const exists = (p: string) => stat(p).then(
  () => true,
  () => false,
);

describe('obs-dashboards generate keeps files it did not write', () => {
  it('`--out .` in a project folder keeps README.md and src/app.js and says so', async () => {
    const dir = await project();
    const r = await run(['generate', '--out', '.'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(join(dir, 'README.md'), 'utf8')).toBe('# my service\n');
    expect(await readFile(join(dir, 'src/app.js'), 'utf8')).toBe('console.log("hi")\n');
    expect(r.stdout).toContain('kept 2 files not written by obs-dashboards: README.md, src/app.js');
    expect(await exists(join(dir, 'grafana/dashboards/overview.json'))).toBe(true);
    // A second run (a pack switched off) still keeps them, and check ignores them.
    await writeFile(join(dir, 'cfg.json'), JSON.stringify({ packs: { worker: false } }));
    const again = await run(['generate', '--out', '.', '--config', 'cfg.json'], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(await exists(join(dir, 'README.md'))).toBe(true);
    expect(await exists(join(dir, 'src/app.js'))).toBe(true);
    expect(await exists(join(dir, 'cfg.json'))).toBe(true);
    const check = await run(['check', '--out', '.', '--config', 'cfg.json'], dir);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain('3 files not written by obs-dashboards ignored');
  });

  it('writes a manifest of every file with its SHA-256, and every generated file carries the generated marker', async () => {
    const dir = await project();
    expect((await run(['generate', '--out', 'dashboards'], dir)).code).toBe(0);
    const files = generate(resolveConfig());
    const manifest = await readManifest(join(dir, 'dashboards'));
    expect(manifest?.generator).toBe('@obs/dashboards');
    expect(Object.keys(manifest?.files ?? {})).toEqual([...files.keys()]);
    for (const content of files.values()) expect(content).toContain(GENERATED_MARKER);
  });

  it('prunes a file an earlier run wrote and no longer generates, and keeps one the user edited since', async () => {
    const dir = await project();
    expect((await run(['generate'], dir)).code).toBe(0);
    await writeFile(join(dir, 'dashboards/grafana/dashboards/host.json'), '{"edited": true}\n');
    await writeFile(join(dir, 'off.json'), JSON.stringify({ packs: { worker: false, host: false } }));
    const r = await run(['generate', '--config', 'off.json'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/removed \d+ no longer generated: .*grafana\/dashboards\/worker\.json/);
    expect(await exists(join(dir, 'dashboards/grafana/dashboards/worker.json'))).toBe(false);
    expect(await exists(join(dir, 'dashboards/prometheus/rules/worker.yml'))).toBe(false);
    expect(r.stdout).toContain('kept 1 files no longer generated but edited since obs-dashboards wrote them: grafana/dashboards/host.json');
    expect(await readFile(join(dir, 'dashboards/grafana/dashboards/host.json'), 'utf8')).toBe('{"edited": true}\n');
    // The kept file is no longer in the manifest: the next run calls it foreign and leaves it alone.
    const next = await run(['generate', '--config', 'off.json'], dir);
    expect(next.stdout).toContain('kept 1 files not written by obs-dashboards: grafana/dashboards/host.json');
  });

  it('a hand-made dashboard where a generated one goes stops the run, writing nothing', async () => {
    const dir = await project();
    await mkdir(join(dir, 'mine/grafana/dashboards'), { recursive: true });
    await writeFile(join(dir, 'mine/grafana/dashboards/overview.json'), '{"title": "my own overview"}\n');
    await writeFile(join(dir, 'mine/grafana/dashboards/team.json'), '{"title": "team"}\n');
    const r = await run(['generate', '--out', 'mine'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/OBS_ERR_UNSAFE_OUTPUT: invalid option `--out`.*1 file\(s\) there were not written by obs-dashboards and would be overwritten: grafana\/dashboards\/overview\.json/);
    expect(await readFile(join(dir, 'mine/grafana/dashboards/overview.json'), 'utf8')).toBe('{"title": "my own overview"}\n');
    expect(await exists(join(dir, 'mine', MANIFEST_FILE))).toBe(false);
    expect(await exists(join(dir, 'mine/prometheus'))).toBe(false);
  });

  it('a folder written by a version without manifest is adopted: files with the generated header are overwritten', async () => {
    const dir = await project();
    expect((await run(['generate'], dir)).code).toBe(0);
    await rm(join(dir, 'dashboards', MANIFEST_FILE));
    const host = join(dir, 'dashboards/grafana/dashboards/host.json');
    await writeFile(host, (await readFile(host, 'utf8')).replace('"refresh": "30s"', '"refresh": "1m"'));
    const r = await run(['generate'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/wrote \d+ files to dashboards \(1 new or changed\)/);
    expect((await run(['check'], dir)).code).toBe(0);
  });

  it('--dry-run lists what would be written and removed and touches nothing', async () => {
    const dir = await project();
    const first = await run(['generate', '--out', '.', '--dry-run'], dir);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/dry run, nothing written: would write \d+ files to \. \(0 unchanged\) and remove 0/);
    expect(first.stdout).toContain('  write:  grafana/dashboards/overview.json');
    expect(first.stdout).toContain('kept 2 files not written by obs-dashboards');
    expect(await exists(join(dir, 'grafana'))).toBe(false);
    expect(await exists(join(dir, MANIFEST_FILE))).toBe(false);
    expect((await run(['generate', '--out', '.'], dir)).code).toBe(0);
    await writeFile(join(dir, 'off.json'), JSON.stringify({ packs: { datastores: false } }));
    const second = await run(['generate', '--out', '.', '--config', 'off.json', '--dry-run'], dir);
    expect(second.stdout).toContain('  remove: grafana/dashboards/datastores.json');
    expect(await exists(join(dir, 'grafana/dashboards/datastores.json'))).toBe(true);
    expect((await run(['check', '--out', '.'], dir)).code).toBe(0);
    expect((await run(['check', '--dry-run'], dir)).code).toBe(2);
  });

  it.each([
    ['an empty --out', ''],
    ['a blank --out', '  '],
    ['the filesystem root', parse(process.cwd()).root],
    ['the home folder', homedir()],
  ])('refuses %s with OBS_ERR_UNSAFE_OUTPUT naming --out and the value, writing nothing', async (_, out) => {
    const dir = await project();
    const r = await run(['generate', '--out', out], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('OBS_ERR_UNSAFE_OUTPUT: invalid option `--out`');
    expect(r.stderr).toContain(`received ${JSON.stringify(out)}`);
    expect(r.stderr).toMatch(/name a folder/);
    expect(await exists(join(dir, 'grafana'))).toBe(false);
    expect((await run(['generate', '--out', out, '--dry-run'], dir)).code).toBe(2);
  });

  it('writeOutput refuses the same folders as the CLI', async () => {
    await expect(writeOutput('', new Map())).rejects.toThrow(ObsError);
    await expect(writeOutput(homedir(), new Map())).rejects.toMatchObject({ code: 'OBS_ERR_UNSAFE_OUTPUT', option: 'outDir' });
  });

  it('a manifest listing paths outside the folder never deletes them', async () => {
    const dir = await project();
    expect((await run(['generate'], dir)).code).toBe(0);
    const manifestPath = join(dir, 'dashboards', MANIFEST_FILE);
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    const { createHash } = await import('node:crypto');
    manifest.files['../README.md'] = createHash('sha256').update('# my service\n').digest('hex');
    await writeFile(manifestPath, JSON.stringify(manifest));
    expect((await run(['generate'], dir)).code).toBe(0);
    expect(await readFile(join(dir, 'README.md'), 'utf8')).toBe('# my service\n');
  });
});
