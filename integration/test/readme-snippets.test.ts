// Every code block of every package README (and the root README's usage blocks) runs as written,
// against the packed tarballs installed into a fresh project outside the workspace, as a user who
// copies it would run it: ES module blocks as .mjs, CommonJS blocks as .cjs, TypeScript blocks
// transpiled (type-only syntax removed) to .mjs, the dashboards config through the installed
// `obs-dashboards` with the README's own command lines. A block that drifts from the packages
// fails here.
//
// What "runs" means for a block: it exits 0; or, when it starts servers, one of them answers
// GET /metrics with `service_up{…}` (the snippets bind their documented ports; a preload moves
// every listen to a free port so runs never collide), and SIGTERM ends it (exit 0, or killed by
// the signal when the block installs no handler). `npm install …` lines must name packages this
// project installed. A block that cannot run here says why in a `<!-- docs-test: skip … -->`
// comment on the line before it; an unmarked block of another kind fails the test.
//
// One `npm pack` + `npm install` is shared by every block (the slow part, ~1 min); runs are
// bounded (30 s each). BullMQ blocks need `redis-server` on PATH; without it they are skipped.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type Proc, type Redis, startProcess, startRedis } from '../../scripts/lib/procs.mjs';
import { buildPackages } from '../../test-utils/build.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = 'docs-test-token-0123456789abcdef';
const hasRedis = spawnSync('sh', ['-c', 'command -v redis-server']).status === 0;

interface Block {
  readme: string;
  line: number;
  lang: string;
  code: string;
  skip: string | undefined;
}

/** Fenced blocks of a markdown file, with the `<!-- docs-test: skip … -->` marker before each. */
function codeBlocks(readme: string, markdown: string): Block[] {
  const out: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i] as string);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !(lines[i] as string).startsWith('```'); i++) body.push(lines[i] as string);
    const marker = /^<!--\s*docs-test:\s*skip\s+(.*?)\s*-->$/.exec((lines[start - 1] ?? '').trim());
    out.push({ readme, line: start + 1, lang: open[1] ?? '', code: `${body.join('\n')}\n`, skip: marker?.[1] });
  }
  return out;
}

const packages = readdirSync(join(root, 'packages'))
  .filter((d) => existsSync(join(root, 'packages', d, 'package.json')))
  .map((d) => ({ dir: join(root, 'packages', d), pkg: JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => !pkg.private);
const readmes = [
  ...packages.map(({ dir }) => join(dir, 'README.md')),
  // The root README: its usage section (the repository's own commands are not for users' projects).
  join(root, 'README.md'),
];
const blocks = readmes.flatMap((file) => codeBlocks(file.slice(root.length), readFileSync(file, 'utf8')));
/** Output samples and configuration fragments: not programs. */
const NOT_CODE = new Set(['', 'text', 'yaml', 'yml', 'json']);
const runnable = blocks.filter((b) => !NOT_CODE.has(b.lang) && b.skip === undefined);
const label = (b: Block) => `${b.readme}:${b.line} (${b.lang})`;

let work: string;
let project: string;
let installed: Set<string>;
let redis: Redis | undefined;

// Moves every listen to a free port (printing `@@listen <asked> <got>`), and connections to the
// documented Redis port to the test's redis-server.
const PRELOAD = `
import net from 'node:net';
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  let asked;
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\\d+$/.test(args[0]))) { asked = Number(args[0]); args[0] = 0; }
  else if (args[0] && typeof args[0] === 'object' && args[0].port !== undefined) { asked = Number(args[0].port); args[0] = { ...args[0], port: 0 }; }
  this.once('listening', () => { const a = this.address(); if (a && typeof a === 'object') process.stderr.write('@@listen ' + asked + ' ' + a.port + '\\n'); });
  return listen.apply(this, args);
};
const redisPort = Number(process.env.DOCS_TEST_REDIS_PORT);
if (redisPort) {
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (...args) {
    if (args[0] && typeof args[0] === 'object' && Number(args[0].port) === 6379) args[0] = { ...args[0], port: redisPort };
    else if (Number(args[0]) === 6379) args[0] = redisPort;
    return connect.apply(this, args);
  };
}
`;

beforeAll(async () => {
  const started = Date.now();
  buildPackages(...packages.map(({ pkg }) => pkg.name as string));
  work = mkdtempSync(join(tmpdir(), 'obs-docs-'));
  project = join(work, 'project');
  mkdirSync(join(work, 'tarballs'));
  mkdirSync(project);
  const pack = ['npm', 'pack', '--json', '--pack-destination', join(work, 'tarballs'), ...packages.flatMap(({ dir }) => ['-w', dir])];
  const flock = spawnSync('sh', ['-c', 'command -v flock']).status === 0;
  const packed = spawnSync(flock ? 'flock' : pack[0] as string, flock ? ['/tmp/obs-build.lock', ...pack] : pack.slice(1), { cwd: root, encoding: 'utf8' });
  if (packed.status !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  const tarballs = (JSON.parse(packed.stdout) as { filename: string }[]).map((p) => join(work, 'tarballs', p.filename));
  // What the READMEs tell a user to install besides the packages: the frameworks, BullMQ and the
  // tracing peer, at the ranges the packages declare.
  // (An optional peer only when a block uses it: the tracing SDK alone is a hundred packages.)
  const peers = new Map<string, string>();
  for (const { pkg } of packages) {
    for (const [name, range] of Object.entries({ ...pkg.peerDependencies } as Record<string, string>)) {
      const optional = pkg.peerDependenciesMeta?.[name]?.optional === true;
      if (!name.startsWith('@obs/') && (!optional || blocks.some((b) => b.code.includes(`'${name}`)))) peers.set(name, range);
    }
  }
  // `npm init -y` on npm 11: a CommonJS project.
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'docs-test', version: '1.0.0', type: 'commonjs' }, null, 2)}\n`);
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...tarballs, ...[...peers].map(([n, r]) => `${n}@${r}`)], {
    cwd: project,
    encoding: 'utf8',
  });
  if (install.status !== 0) throw new Error(`npm install failed:\n${install.stderr}`);
  console.log(`docs test: packed and installed ${tarballs.length} tarballs + ${[...peers.keys()].join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  installed = new Set(Object.keys(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).dependencies));
  writeFileSync(join(work, 'preload.mjs'), PRELOAD);
  if (hasRedis && runnable.some((b) => b.code.includes('bullmq'))) redis = await startRedis({ port: await freePort() });
}, 300_000);

afterAll(async () => {
  await redis?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

function transpile(code: string): string {
  return ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false } }).outputText;
}

/** Run `file` in the project; probe its servers if it starts any; end it with SIGTERM. */
async function runProgram(file: string): Promise<{ exit: { code: number | null; signal: string | null }; scraped: string[]; output: string; listened: boolean }> {
  const output: string[] = [];
  const ports = new Set<number>();
  const proc: Proc = startProcess(process.execPath, ['--import', join(work, 'preload.mjs'), file], {
    cwd: project,
    env: { METRICS_TOKEN: TOKEN, OBS_CONTRACT_TOKEN: TOKEN, NODE_ENV: 'production', ...(redis ? { DOCS_TEST_REDIS_PORT: String(redis.port) } : {}) },
    log: (line) => {
      const m = /@@listen \S+ (\d+)/.exec(line);
      if (m) ports.add(Number(m[1]));
      else output.push(line);
    },
  });
  let exited: { code: number | null; signal: string | null } | undefined;
  void proc.exited.then((e) => {
    exited = e;
  });
  const deadline = Date.now() + 30_000;
  // Wait until it exits, or its servers are up (no new listener for 500 ms).
  let seen = -1;
  let stableSince = Date.now();
  while (exited === undefined && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    if (ports.size !== seen) {
      seen = ports.size;
      stableSince = Date.now();
    } else if (ports.size > 0 && Date.now() - stableSince > 500) break;
  }
  const scraped: string[] = [];
  if (exited === undefined && ports.size > 0) {
    for (const port of ports) await fetch(`http://127.0.0.1:${port}/users/1`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
    // Until one answers with the contract: a cluster primary answers once every worker has joined.
    while (exited === undefined && Date.now() < deadline && !scraped.some((t) => SERVICE_UP.test(t))) {
      for (const port of ports) {
        const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
        if (res?.status === 200) scraped.push(await res.text());
      }
      if (!scraped.some((t) => SERVICE_UP.test(t))) await new Promise((r) => setTimeout(r, 500));
    }
  }
  const exit = exited ?? (await proc.stop('SIGTERM', 15_000));
  try {
    process.kill(-proc.pid, 'SIGKILL'); // what it left behind (cluster workers)
  } catch {}
  return { exit, scraped, output: output.join('\n'), listened: ports.size > 0 };
}

const SERVICE_UP = /^service_up\{[^}]*service="/m;

function expectRan(b: Block, r: Awaited<ReturnType<typeof runProgram>>) {
  const why = `${label(b)}\n${b.code}\n--- output ---\n${r.output}`;
  if (r.listened) {
    expect(r.scraped.some((t) => SERVICE_UP.test(t)), `no server of ${why} answered /metrics with service_up`).toBe(true);
    expect(r.exit.code === 0 || r.exit.signal === 'SIGTERM', `${why}\nended with ${JSON.stringify(r.exit)} after SIGTERM`).toBe(true);
  } else {
    expect(r.exit, why).toEqual({ code: 0, signal: null });
  }
}

describe('README code blocks run as written (packed tarballs, fresh CommonJS project)', () => {
  it('every block is runnable here or says why not', () => {
    const unknown = blocks.filter((b) => !NOT_CODE.has(b.lang) && b.skip === undefined && !['js', 'ts', 'sh'].includes(b.lang));
    expect(unknown.map(label)).toEqual([]);
    expect(runnable.filter((b) => b.lang === 'js').length).toBeGreaterThan(10);
  });

  it.each(runnable.filter((b) => b.lang === 'js').map((b) => [label(b), b] as const))('%s', async (_name, b) => {
    if (b.code.includes('bullmq') && !redis) {
      console.log(`skipped ${label(b)}: no redis-server on PATH`);
      return;
    }
    const esm = /^\s*(import|export)\s/m.test(b.code);
    const file = `snippet-${b.readme.replace(/\W+/g, '-')}-${b.line}.${esm ? 'mjs' : 'cjs'}`;
    writeFileSync(join(project, file), b.code);
    expectRan(b, await runProgram(file));
  }, 60_000);

  it.each(runnable.filter((b) => b.lang === 'ts' && !b.code.startsWith('// obs-dashboards.config.ts')).map((b) => [label(b), b] as const))('%s', async (_name, b) => {
    const file = `snippet-${b.readme.replace(/\W+/g, '-')}-${b.line}.mjs`;
    writeFileSync(join(project, file), transpile(b.code));
    expectRan(b, await runProgram(file));
  }, 60_000);

  it.each(runnable.filter((b) => b.lang === 'sh').map((b) => [label(b), b] as const))('%s', async (_name, b) => {
    const commands = b.code
      .split('\n')
      .map((l) => l.replace(/\s+#.*$/, '').trim())
      .filter(Boolean);
    // The dashboards config the README shows next to its commands, saved where they expect it.
    const config = blocks.find((c) => c.readme === b.readme && c.code.startsWith('// obs-dashboards.config.ts'));
    if (config) writeFileSync(join(project, 'obs-dashboards.config.ts'), config.code);
    for (const command of commands) {
      const [tool, ...args] = command.split(/\s+/);
      if (tool === 'npm' && (args[0] === 'install' || args[0] === 'i')) {
        const names = args.slice(1).filter((a) => !a.startsWith('-')).map((a) => a.replace(/(.)@[^/]*$/, '$1'));
        expect(names.filter((n) => !installed.has(n)), `${label(b)}: ${command}`).toEqual([]);
        continue;
      }
      expect(tool, `${label(b)}: cannot run \`${command}\` here; add a docs-test skip marker saying why`).toBe('npx');
      // What `npx` runs for an installed bin (without npx's own start-up time).
      const bin = join(project, 'node_modules', '.bin', args[0] as string);
      expect(existsSync(bin), `${label(b)}: ${command}: no installed bin ${args[0]}`).toBe(true);
      const res = spawnSync(bin, args.slice(1), { cwd: project, encoding: 'utf8', timeout: 60_000 });
      expect(res.status, `${label(b)}: ${command}\n${res.stdout}${res.stderr}`).toBe(0);
      expect(res.stderr, `${label(b)}: ${command} warned`).not.toContain('OBS_WARN');
    }
  }, 120_000);
});
