// The built `obs-contract` bin, run as a user runs it: against the node-http example (a child
// process on the built package), against broken fixtures served over HTTP, and on bad input.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort, startProcess, waitForHttp } from '../../../scripts/lib/procs.mjs';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const pkg = fileURLToPath(new URL('..', import.meta.url));
const fixtures = new URL('./fixtures/checker/', import.meta.url);
const TOKEN = 'obs-contract-cli-token-0123';

// Each case spawns node: generous per-test time on a loaded 2-core machine.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 120_000 });

let cli = '';
let tmp = '';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(...args: string[]): Promise<Run> {
  return runWithEnv({}, ...args);
}

function runWithEnv(env: Record<string, string>, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile('node', [cli, ...args], { env: { ...process.env, OBS_CONTRACT_TOKEN: '', ...env }, timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

beforeAll(() => {
  // dist/ is built by the project's global setup (test/global-setup.ts).
  // The bin bundles everything it needs (node: built-ins only): a copy is immune to a concurrent rebuild of dist/.
  tmp = mkdtempSync(join(tmpdir(), 'obs-contract-'));
  cli = join(tmp, 'cli.js');
  copyFileSync(join(pkg, 'dist', 'cli.js'), cli);
  expect(readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('obs-contract check against examples/node-http (built package, child process)', () => {
  let proc: { stop(): Promise<unknown> } | undefined;
  let base = '';

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    proc = startProcess('node', ['src/server.js'], {
      cwd: join(root, 'examples', 'node-http'),
      env: { PORT: String(port), HOST: '127.0.0.1', METRICS_TOKEN: TOKEN, SERVICE_NAME: 'node-http' },
    });
    await waitForHttp(`${base}/users/1`);
    for (const path of ['/users/1', '/users/2', '/orders', '/error', '/no/such/route/123']) await (await fetch(`${base}${path}`, { method: path === '/orders' ? 'POST' : 'GET' })).arrayBuffer();
  });

  afterAll(async () => {
    await proc?.stop();
  });

  it('exits 0 and prints one ✓ line per rule with --token', async () => {
    const r = await run('check', `${base}/metrics`, '--token', TOKEN);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(`obs-contract check ${base}/metrics (profile auto: service, http)`);
    expect(lines.filter((l) => l.startsWith('✓ ')).length).toBe(13);
    expect(lines.filter((l) => l.startsWith('✗ '))).toEqual([]);
    expect(lines.at(-1)).toBe('13 rules passed: speaks the contract');
  });

  it('--json prints the stable shape for CI', async () => {
    const r = await run('check', `${base}/metrics`, '--token', TOKEN, '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual(['url', 'ok', 'profile', 'groups', 'format', 'rules']);
    expect(json).toMatchObject({ url: `${base}/metrics`, ok: true, profile: 'auto' });
    for (const rule of json.rules) expect(Object.keys(rule)).toEqual(['id', 'ok', 'message', 'examples']);
  });

  it('--profile worker exits 1 naming the missing worker metrics', async () => {
    const r = await run('check', `${base}/metrics`, '--token', TOKEN, '--profile', 'worker');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ required-metrics +4 required metrics missing/);
  });

  it('reads the token from OBS_CONTRACT_TOKEN (kept out of `ps`); --token wins over it', async () => {
    const r = await runWithEnv({ OBS_CONTRACT_TOKEN: TOKEN }, 'check', `${base}/metrics`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const flag = await runWithEnv({ OBS_CONTRACT_TOKEN: TOKEN }, 'check', `${base}/metrics`, '--token', 'wrong-token-0123456789');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('the token was refused');
  });

  it('without the token: exit 2 with a message naming the 401', async () => {
    const r = await run('check', `${base}/metrics`);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('HTTP 401 Unauthorized');
    expect(r.stderr).toContain('set OBS_CONTRACT_TOKEN (or pass --token)');
  });
});

describe('obs-contract check against broken fixtures served over HTTP', () => {
  let server: Server;
  let base = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      try {
        const body = readFileSync(new URL(`.${req.url}`, fixtures), 'utf8');
        const om = req.url?.endsWith('.om.txt');
        res.writeHead(200, { 'content-type': om ? 'application/openmetrics-text; version=1.0.0; charset=utf-8' : 'text/plain; version=0.0.4; charset=utf-8' });
        res.end(body);
      } catch {
        res.writeHead(404).end('not found');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  // Every fixture is checked rule by rule in checker.test.ts; here, that the bin maps verdicts to exit codes and lines.
  it.each([
    ['conforming.prom', 0, null],
    ['conforming.om.txt', 0, null],
    ['wrong-labels.prom', 1, 'metric-labels'],
    ['missing-60s-task-bucket.prom', 1, 'histogram-buckets'],
    ['raw-paths.prom', 1, 'path-templates'],
    ['malformed.prom', 1, 'exposition'],
  ] as const)('%s → exit %i, ✗ %s', async (file, code, id) => {
    const r = await run('check', `${base}/${file}`);
    expect(r.code).toBe(code);
    const failedIds = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('✗ '))
      .map((l) => l.split(/\s+/)[1]);
    expect(failedIds).toEqual(id === null ? [] : [id]);
  });

  it('--max-series sets the cardinality budget', async () => {
    expect((await run('check', `${base}/over-budget.prom`)).code).toBe(0);
    const r = await run('check', `${base}/over-budget.prom`, '--max-series', '10', '--json');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.rules.filter((x: { ok: boolean }) => !x.ok).map((x: { id: string }) => x.id)).toEqual(['cardinality']);
  });

  it('a 404 is exit 2 naming the status', async () => {
    const r = await run('check', `${base}/nope.prom`);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('HTTP 404');
  });
});

describe('obs-contract exit 2: unreachable endpoint and bad usage', () => {
  it('an unreachable URL exits 2 with the reason', async () => {
    const port = await freePort();
    const r = await run('check', `http://127.0.0.1:${port}/metrics`, '--timeout', '3000');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ECONNREFUSED');
  });

  it('--json on an unreachable URL still prints JSON with the error', async () => {
    const port = await freePort();
    const r = await run('check', `http://127.0.0.1:${port}/metrics`, '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'OBS_ERR_SCRAPE_FAILED' }, rules: [] });
  });

  it.each([
    [[], 'missing command'],
    [['chek', 'http://x/metrics'], 'unknown command "chek"'],
    [['check'], 'missing <url>'],
    [['check', 'http://127.0.0.1:1/metrics', '--bogus'], "Unknown option '--bogus'"],
    [['check', 'http://127.0.0.1:1/metrics', '--profile', 'api'], '--profile expects one of auto, http, worker'],
    [['check', 'http://127.0.0.1:1/metrics', '--max-bytes', '10'], '--max-bytes expects at least 1024, got "10"'],
    [['check', 'http://127.0.0.1:1/metrics', '--max-bytes', '1e6'], '--max-bytes expects a positive integer, got "1e6"'],
    [['check', 'not a url'], 'OBS_ERR_INVALID_OPTION'],
  ])('obs-contract %j exits 2: %s', async (args, message) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('--help exits 0 and lists every rule', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    for (const id of ['required-metrics', 'path-templates', 'cardinality']) expect(r.stdout).toContain(id);
  });
});
