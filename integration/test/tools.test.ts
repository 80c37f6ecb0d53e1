// The external-tool resolver (scripts/lib/tools.mjs): override over PATH over the project cache,
// a broken override named, and a machine that cannot fetch told at once, in one message.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureTools, fetchUnavailable, locateTool, SUITES, tool, ToolError } from '../../scripts/lib/tools.mjs';
import { errorOf } from '../../test-utils/errors.mjs';

const cli = fileURLToPath(new URL('../../scripts/tools.mjs', import.meta.url));
const base = mkdtempSync(join(tmpdir(), 'obs-tools-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** A folder holding an executable `name` that prints `says`. */
function fakeTool(dir: string, name: string, says: string) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\necho ${says}\n`);
  chmodSync(file, 0o755);
  return file;
}

const onPath = join(base, 'path');
const cache = join(base, 'cache');
const overrideFile = fakeTool(join(base, 'override'), 'my-promtool', 'override');
const pathFile = fakeTool(onPath, 'promtool', 'path');
const cacheFile = fakeTool(join(cache, 'bin'), 'promtool', 'cache');
const env = (extra: Record<string, string>) => ({ PATH: onPath, OBS_TOOLS_CACHE: cache, ...extra });
const says = (file: string) => spawnSync(file, { encoding: 'utf8' }).stdout.trim();

describe('the tool resolver', () => {
  it('takes the OBS_<TOOL> override over PATH', () => {
    expect(locateTool('promtool', env({ OBS_PROMTOOL: overrideFile }))).toEqual({ path: overrideFile, source: 'override' });
    expect(says(tool('promtool', env({ OBS_PROMTOOL: overrideFile })))).toBe('override');
  });

  it('takes PATH over the project cache, and the cache when PATH has none', () => {
    expect(locateTool('promtool', env({}))).toEqual({ path: pathFile, source: 'path' });
    expect(locateTool('promtool', env({ PATH: join(base, 'empty') }))).toEqual({ path: cacheFile, source: 'cache' });
    // CI sets OBS_TOOLS_IGNORE_PATH=1 so that a tool installed by hand cannot hide the fetch path.
    expect(locateTool('promtool', env({ OBS_TOOLS_IGNORE_PATH: '1' }))).toEqual({ path: cacheFile, source: 'cache' });
  });

  it('finds upstream names too (brew installs node_exporter, Debian prometheus-node-exporter)', () => {
    const upstream = fakeTool(join(base, 'brew'), 'node_exporter', 'brew');
    expect(locateTool('node-exporter', { PATH: join(base, 'brew'), OBS_TOOLS_CACHE: cache })).toEqual({ path: upstream, source: 'path' });
  });

  it('stops on a broken override and names the variable, rather than falling back', () => {
    const missing = errorOf(() => locateTool('promtool', env({ OBS_PROMTOOL: join(base, 'nope/promtool') })), ToolError);
    expect(missing.message).toContain('OBS_PROMTOOL=');
    expect(missing.message).toContain('not an executable file');
    const plain = join(base, 'not-executable');
    writeFileSync(plain, 'text');
    const notExec = errorOf(() => locateTool('amtool', env({ OBS_AMTOOL: plain })), ToolError);
    expect(notExec.message).toMatch(/^OBS_AMTOOL=".*not-executable" is not an executable file/);
    expect(notExec.code).toBe('OBS_TOOLS_BAD_OVERRIDE');
  });

  it('with no apt-get and an empty cache, fails within seconds with one message naming every tool and how to get it', () => {
    // PATH holds node alone: no apt-get, no dpkg-deb, no tools.
    const nodeOnly = join(base, 'node-only');
    mkdirSync(nodeOnly, { recursive: true });
    symlinkSync(process.execPath, join(nodeOnly, 'node'));
    const started = Date.now();
    const r = spawnSync(process.execPath, [cli, 'ensure', 'e2e'], {
      encoding: 'utf8',
      env: { PATH: nodeOnly, OBS_TOOLS_CACHE: join(base, 'empty-cache') },
      timeout: 30_000,
    });
    const tookMs = Date.now() - started;
    expect(r.status).toBe(1);
    expect(tookMs).toBeLessThan(10_000);
    expect(r.stdout).toBe('');
    // Servers installed off PATH (PostgreSQL's and RabbitMQ's own folders) are found on machines that have them.
    const missing = SUITES.e2e.filter((n) => !locateTool(n, { PATH: nodeOnly, OBS_TOOLS_CACHE: join(base, 'empty-cache') }));
    expect(missing.length).toBeGreaterThanOrEqual(8);
    expect(r.stderr).toContain(`${missing.length} tools the project runs are missing (no apt-get or dpkg-deb on PATH, so nothing can be fetched)`);
    for (const [name, variable, pkg, brew] of [
      ['promtool', 'OBS_PROMTOOL', 'prometheus', 'prometheus'],
      ['amtool', 'OBS_AMTOOL', 'prometheus-alertmanager', 'alertmanager'],
      ['prometheus', 'OBS_PROMETHEUS', 'prometheus', 'prometheus'],
      ['alertmanager', 'OBS_ALERTMANAGER', 'prometheus-alertmanager', 'alertmanager'],
      ['node-exporter', 'OBS_NODE_EXPORTER', 'prometheus-node-exporter', 'node_exporter'],
      ['redis-server', 'OBS_REDIS_SERVER', 'redis-server', 'redis'],
      ['postgres-exporter', 'OBS_POSTGRES_EXPORTER', 'prometheus-postgres-exporter', 'postgres_exporter'],
      ['redis-exporter', 'OBS_REDIS_EXPORTER', 'prometheus-redis-exporter', 'redis_exporter'],
      ['victoria-metrics', 'OBS_VICTORIA_METRICS', 'victoria-metrics', 'victoriametrics'],
      ['vmagent', 'OBS_VMAGENT', 'victoria-metrics', 'victoriametrics'],
      ['vmalert', 'OBS_VMALERT', 'victoria-metrics', 'victoriametrics'],
    ]) {
      expect(r.stderr).toContain(`  - ${name}: `);
      expect(r.stderr).toContain(`sudo apt-get install ${pkg} `);
      expect(r.stderr).toContain(`brew install ${brew}\n`);
      expect(r.stderr).toContain(`${variable}=/path/to/`);
    }
  });

  it('a test that needs a missing tool says which', () => {
    const err = errorOf(() => tool('redis-server', { PATH: join(base, 'empty'), OBS_TOOLS_CACHE: join(base, 'empty-cache'), OBS_TOOLS_OFFLINE: '1' }), ToolError);
    expect(err.message).toMatch(/^this test needs redis-server\./);
    expect(err.message).toContain('OBS_TOOLS_OFFLINE=1');
  });
});

describe('valgrind from the project cache (the instruction benchmark)', () => {
  // Fetched from Debian's package into an empty cache with PATH ignored, as CI proves the fetch
  // path: the relocated valgrind finds its tools through VALGRIND_LIB, and callgrind_control the
  // vgdb extracted next to it.
  it.skipIf(fetchUnavailable() !== undefined)('counts a running process with callgrind and dumps it on callgrind_control -d', async () => {
    const cacheDir = join(base, 'valgrind-cache');
    const e = { ...process.env, OBS_TOOLS_IGNORE_PATH: '1', OBS_TOOLS_CACHE: cacheDir };
    const paths = ensureTools(['valgrind', 'callgrind_control'], { env: e, log: () => {} });
    expect(paths).toEqual({ valgrind: join(cacheDir, 'bin', 'valgrind'), callgrind_control: join(cacheDir, 'bin', 'callgrind_control') });
    const out = join(base, 'cg.out');
    const child = spawn(paths.valgrind, ['--tool=callgrind', `--callgrind-out-file=${out}`, 'sleep', '60'], { env: e, stdio: 'ignore' });
    try {
      let said = '';
      for (let i = 0; i < 200 && !said.includes('OK'); i++) {
        const r = spawnSync(paths.callgrind_control, ['-d', String(child.pid)], { env: e, encoding: 'utf8' });
        said = `${r.stdout}${r.stderr}`;
        if (!said.includes('OK')) await new Promise((r) => setTimeout(r, 300));
      }
      expect(said).toContain('OK');
      let text = '';
      for (let i = 0; i < 200 && !/^totals: \d+/m.test(text); i++) {
        if (existsSync(`${out}.1`)) text = readFileSync(`${out}.1`, 'utf8');
        if (!/^totals: \d+/m.test(text)) await new Promise((r) => setTimeout(r, 100));
      }
      expect(Number(/^totals: (\d+)/m.exec(text)?.[1])).toBeGreaterThan(1000);
    } finally {
      child.kill('SIGKILL');
    }
  }, 300_000);
});
