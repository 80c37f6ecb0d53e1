#!/usr/bin/env node
// A release cycle end to end, against a real npm registry on loopback (Verdaccio), exactly as a
// maintainer and a user would run it. Run with `npm run test:release`.
//
//   node integration/release.mjs [--node 20,22,24] [--keep]
//
// 1. A throwaway clone of HEAD (os.tmpdir(); the checkout is never versioned or written) versions
//    any pending changesets (`npm run version-packages`, the "Version packages" commit) and runs
//    `npm run release` (turbo build + `changeset publish`) against the local registry.
// 2. Fresh user projects outside the workspace `npm install` the packages BY NAME from that registry
//    (README install lines) and run the README's code under each Node: a Fastify app, an Express app
//    and a BullMQ worker, each checked with the installed `obs-contract check`, and
//    `npx obs-dashboards generate`.
// 3. A minor changeset for @obs/metrics-standard and a patch one for @obs/fastify; `npm run
//    version-packages`; `npm run release` again. The projects run `npm update` (one of the two
//    Fastify projects `npm i @obs/fastify@latest` instead) and must get both new versions with no
//    peer-dependency warning or error from npm, `npm ls` clean, and the apps still pass.
// 4. The registry's view: no `workspace:`/`file:`/`link:` spec in any published manifest, internal
//    ranges satisfied by the latest versions, each tarball's CHANGELOG.md holds its changesets'
//    text, bins are executable in the tarball, `npm view @obs/fastify versions` lists both,
//    `latest` is the new one.
// Exit 1 on any failure. Every npm call gets its own userconfig (`npm_config_userconfig`), so the
// user's ~/.npmrc is never read or written.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startRedis } from '../scripts/lib/procs.mjs';
import { ensureTools, ToolError } from '../scripts/lib/tools.mjs';
import { nodeBinary } from './lib/node-binaries.mjs';
import { rangeProblems, tarballBinProblems } from './lib/package-lint.mjs';
import { startRegistry } from './registry/verdaccio.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseArgs({
  options: {
    node: { type: 'string', default: '20,22,24' },
    keep: { type: 'boolean', default: false },
  },
});
const majors = args.node.split(',').map(Number);
const semver = createRequire(join(root, 'package.json'))('semver');
const started = Date.now();
const secs = (from) => `${((Date.now() - from) / 1000).toFixed(1)}s`;
const log = (msg) => console.log(`[release +${secs(started)}] ${msg}`);
const problems = [];
const problem = (where, msg) => {
  problems.push(`${where}: ${msg}`);
  console.log(`FAIL  ${where}: ${msg}`);
};
const expect = (cond, where, msg) => {
  if (!cond) problem(where, msg);
  return cond;
};

/** Run a command to completion without blocking the event loop: { code, stdout, stderr }. */
function exec(cmd, cmdArgs, { cwd, env = process.env, timeoutMs = 300_000 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, cmdArgs, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal, stdout, stderr });
    });
  });
}
/** Like exec, but a non-zero exit throws with the whole output. */
async function must(cmd, cmdArgs, opts) {
  const res = await exec(cmd, cmdArgs, opts);
  if (res.code !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} (in ${opts?.cwd ?? '.'}) exited ${res.code}\n${res.stdout}${res.stderr}`);
  return res;
}
const git = (cwd, ...a) => must('git', ['-c', 'user.name=obs-release-test', '-c', 'user.email=release-test@obs.invalid', ...a], { cwd });
const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));

// The release notes this test writes in step 3 (a unique word, so the CHANGELOG checks cannot pass
// on text from an earlier release).
const stamp = `rt${Date.now().toString(36)}`;
const NEXT = [
  { file: 'release-test-core-minor.md', name: '@obs/metrics-standard', bump: 'minor', text: `Release test ${stamp}: a new core feature.` },
  { file: 'release-test-fastify-patch.md', name: '@obs/fastify', bump: 'patch', text: `Release test ${stamp}: a Fastify fix.` },
];

// The user projects: install lines from the READMEs (Fastify: the issue's shorter
// `npm i @obs/fastify fastify`, the core comes in as an auto-installed peer), then how each upgrades.
const PROJECTS = [
  { dir: 'fastify', app: 'fastify.mjs', install: ['@obs/fastify', 'fastify'], upgrade: ['update'] },
  { dir: 'fastify-latest', app: 'fastify.mjs', install: ['@obs/fastify', 'fastify'], upgrade: ['install', '@obs/fastify@latest'] },
  { dir: 'express', app: 'express.mjs', install: ['@obs/express', '@obs/metrics-standard', 'express'], upgrade: ['update'] },
  { dir: 'worker', app: 'worker.mjs', install: ['@obs/worker', '@obs/metrics-standard', 'bullmq'], upgrade: ['update'] },
  { dir: 'dashboards', app: 'dashboards.mjs', install: ['--save-dev', '@obs/dashboards'], upgrade: ['update'] },
];

// ------------------------------------------------------------------------------------ tools
const nodes = majors.map((major) => ({ major, bin: nodeBinary(major, log) }));
// redis-server (the BullMQ worker's) through the project's tool resolver: found, fetched, or one clear message.
try {
  ensureTools(['redis-server']);
} catch (err) {
  if (!(err instanceof ToolError)) throw err;
  console.log(`release: ${err.message}`);
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'obs-registry-release-'));
const repo = join(work, 'repo');
let registry;
let redis;
let prepared;
try {
  registry = await startRegistry({ dir: join(work, 'registry'), log });
  log(`Verdaccio on ${registry.url} (pid ${registry.pid}), storage in ${join(work, 'registry', 'storage')}`);
  redis = await startRedis();
  const npmEnv = registry.env({ CI: 'true', TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1' });

  // ---------------------------------------------------------------------------------- 1. release
  const head = (await git(root, 'rev-parse', 'HEAD')).stdout.trim();
  if ((await git(root, 'status', '--porcelain', '--untracked-files=no')).stdout.trim()) {
    log('note: the checkout has uncommitted changes; this test releases HEAD only');
  }
  await git(root, 'clone', '--quiet', '--no-checkout', root, repo);
  await git(repo, 'checkout', '--quiet', head);
  linkNodeModules(repo);
  const before = versions(repo);
  log(`clone of ${head.slice(0, 10)} in ${repo}: ${fmt(before)}`);

  const pending = readdirSync(join(repo, '.changeset'))
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .map((f) => parseChangeset(readFileSync(join(repo, '.changeset', f), 'utf8')));
  if (pending.length > 0) {
    log(`${pending.length} pending changesets: npm run version-packages (the "Version packages" commit)`);
    await versionPackages(repo, npmEnv);
  }
  const v1 = versions(repo);
  log(`release 1: npm run release (turbo build + changeset publish) → ${fmt(v1)}`);
  const t1 = Date.now();
  await must('npm', ['run', 'release'], { cwd: repo, env: npmEnv, timeoutMs: 600_000 });
  log(`release 1 published in ${secs(t1)}`);
  await expectPublished(v1);

  // ---------------------------------------------------------------------------------- 2. install by name
  // Meanwhile the maintainer prepares release 2 (step 3) in the clone: changesets, version-packages
  // and the build, which `npm run release` then finds in turbo's cache. Nothing is published before
  // the users' installs are done.
  prepared = prepareNext(v1);
  prepared.catch(() => {}); // awaited below; a failure must not crash the process meanwhile
  const users = join(work, 'users');
  const t2 = Date.now();
  await Promise.all(
    PROJECTS.map(async (p) => {
      const dir = join(users, p.dir);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: `obs-user-${p.dir}`, version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`);
      cpSync(join(root, 'integration', 'consumer', 'release'), dir, { recursive: true });
      await npmUser(p, ['install', '--prefer-offline', ...p.install], npmEnv);
    }),
  );
  log(`installed by name in ${PROJECTS.length} projects in ${secs(t2)}: ${PROJECTS.map((p) => `npm i ${p.install.join(' ')}`).join('; ')}`);
  expectInstalled(v1, { '@obs/fastify': ['fastify', 'fastify-latest'], '@obs/express': ['express'], '@obs/worker': ['worker'], '@obs/dashboards': ['dashboards'] });
  await runApps('release 1');

  // ---------------------------------------------------------------------------------- 3. next release
  const v2 = await prepared;
  const t3 = Date.now();
  await must('npm', ['run', 'release'], { cwd: repo, env: npmEnv, timeoutMs: 600_000 });
  log(`release 2 published in ${secs(t3)}`);
  await expectPublished(v2);

  const t4 = Date.now();
  await Promise.all(PROJECTS.map((p) => npmUser(p, [...p.upgrade, '--prefer-online'], npmEnv)));
  log(`upgraded in ${secs(t4)}: ${PROJECTS.map((p) => `${p.dir}: npm ${p.upgrade.join(' ')}`).join('; ')}`);
  expectInstalled(v2, { '@obs/fastify': ['fastify', 'fastify-latest'], '@obs/express': ['express'], '@obs/worker': ['worker'], '@obs/dashboards': ['dashboards'] });
  await runApps('release 2');

  // ---------------------------------------------------------------------------------- 4. the registry's view
  await registryChecks(v1, v2, pending, work);
  log(`versions before: ${fmt(before)}`);
  log(`release 1:       ${fmt(v1)}`);
  log(`release 2:       ${fmt(v2)}`);
} catch (err) {
  problem('release', err.stack ?? err.message);
} finally {
  await prepared?.catch(() => {});
  await redis?.stop();
  await registry?.stop();
  if (args.keep) log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

console.log(
  problems.length === 0
    ? `\nrelease: all checks passed in ${secs(started)}`
    : `\nrelease: ${problems.length} problem(s) in ${secs(started)}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
);
process.exit(problems.length > 0 ? 1 : 0);

// ------------------------------------------------------------------------------------ helpers

/**
 * The clone's node_modules: a symlink to each of the workspace's installed packages (no second
 * `npm ci`), and `@obs/*` linked to the clone's own packages, as npm's workspace links would be.
 */
function linkNodeModules(dir) {
  const nm = join(dir, 'node_modules');
  mkdirSync(join(nm, '@obs'), { recursive: true });
  for (const name of readdirSync(join(root, 'node_modules'))) {
    if (name === '@obs' || name === '.package-lock.json') continue;
    symlinkSync(join(root, 'node_modules', name), join(nm, name));
  }
  for (const d of readdirSync(join(dir, 'packages'))) {
    const name = readJson(join(dir, 'packages', d, 'package.json')).name;
    symlinkSync(join(dir, 'packages', d), join(nm, name));
  }
}

/** name → version of every published (non-private) package of the clone. */
function versions(dir) {
  return Object.fromEntries(
    readdirSync(join(dir, 'packages'))
      .map((d) => readJson(join(dir, 'packages', d, 'package.json')))
      .filter((p) => !p.private)
      .map((p) => [p.name, p.version]),
  );
}
function fmt(v) {
  return Object.entries(v)
    .map(([n, ver]) => `${n}@${ver}`)
    .join(' ');
}

/** `---\n"@obs/x": minor\n---\n\nSummary` → { packages: { name: bump }, summary }. */
function parseChangeset(text) {
  const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text.replace(/\r\n/g, '\n'));
  if (!m) return { packages: {}, summary: '' };
  const packages = Object.fromEntries([...m[1].matchAll(/^\s*["']?([^"':]+)["']?\s*:\s*(\w+)/gm)].map((x) => [x[1], x[2]]));
  return { packages, summary: m[2].trim() };
}

async function versionPackages(dir, env) {
  await must('npm', ['run', 'version-packages'], { cwd: dir, env });
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '--quiet', '-m', 'Version packages');
}

/** Step 3 up to the publish: the two changesets, `npm run version-packages` + commit, the build. */
async function prepareNext(v1) {
  const t = Date.now();
  for (const c of NEXT) writeFileSync(join(repo, '.changeset', c.file), `---\n"${c.name}": ${c.bump}\n---\n\n${c.text}\n`);
  await versionPackages(repo, registry.env());
  const v2 = versions(repo);
  for (const c of NEXT) {
    const want = semver.inc(v1[c.name], c.bump);
    expect(v2[c.name] === want, 'version-packages', `${c.name} is ${v2[c.name]} after a ${c.bump} changeset, expected ${want}`);
  }
  const changed = Object.keys(v2).filter((n) => v2[n] !== v1[n]);
  const same = Object.keys(v2).filter((n) => !changed.includes(n));
  log(`release 2 versioned: ${changed.map((n) => `${n} ${v1[n]} → ${v2[n]}`).join(', ')} (unchanged: ${same.join(', ')})`);
  await must('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], { cwd: repo, env: registry.env({ TURBO_TELEMETRY_DISABLED: '1' }), timeoutMs: 600_000 });
  log(`release 2 prepared (changesets, version-packages, build) in ${secs(t)}`);
  return v2;
}

/** Every package's version is on the registry; `latest` points at it. */
async function expectPublished(want) {
  for (const [name, version] of Object.entries(want)) {
    const doc = await packument(name);
    expect(doc.versions?.[version], name, `${version} is not on the registry (has: ${Object.keys(doc.versions ?? {}).join(', ')})`);
    expect(doc['dist-tags']?.latest === version, name, `dist-tag latest is ${doc['dist-tags']?.latest}, expected ${version}`);
  }
}
async function packument(name) {
  const res = await fetch(`${registry.url}${name.replace('/', '%2f')}`, { signal: AbortSignal.timeout(10_000) });
  return res.status === 200 ? res.json() : {};
}

/** An npm command in a user project; npm's stderr must hold no peer-dependency warning or error. */
async function npmUser(p, npmArgs, env) {
  const cwd = join(work, 'users', p.dir);
  const res = await must('npm', npmArgs, { cwd, env });
  const peerLines = res.stderr.split('\n').filter((l) => /peer|ERESOLVE|conflict/i.test(l));
  expect(peerLines.length === 0, `${p.dir}: npm ${npmArgs.join(' ')}`, `npm reported peer-dependency trouble:\n${peerLines.join('\n')}`);
  const ls = await exec('npm', ['ls', '--all'], { cwd, env });
  // npm ls exits 1 on an invalid, missing or extraneous package; optional peers left out are fine.
  const bad = `${ls.stdout}${ls.stderr}`.split('\n').filter((l) => /\binvalid\b|\bmissing\b|extraneous|UNMET (?!OPTIONAL)|ERR!/.test(l));
  expect(ls.code === 0 && bad.length === 0, `${p.dir}: npm ls --all`, `exit ${ls.code}\n${bad.join('\n')}`);
}

/** The @obs packages each project has installed, at the versions of `want`. */
function expectInstalled(want, byProject) {
  const core = '@obs/metrics-standard';
  for (const [name, dirs] of Object.entries(byProject)) {
    for (const dir of dirs) {
      for (const n of [name, core]) {
        const file = join(work, 'users', dir, 'node_modules', n, 'package.json');
        const got = existsSync(file) ? readJson(file).version : 'not installed';
        expect(got === want[n], dir, `${n} installed at ${got}, expected ${want[n]}`);
      }
    }
  }
}

/** Each project's app under each Node; prints the apps' `ok …` lines. */
async function runApps(label) {
  const t = Date.now();
  const runs = nodes.flatMap(({ major, bin }) => PROJECTS.map((p) => ({ major, bin, p })));
  // Two at a time: the apps are small, and this machine has two cores.
  const lines = [];
  const next = async () => {
    for (let r = runs.shift(); r; r = runs.shift()) {
      const { major, bin, p } = r;
      const res = await exec(bin, [p.app], { cwd: join(work, 'users', p.dir), env: { ...process.env, REDIS_URL: redis.url }, timeoutMs: 120_000 });
      if (res.code === 0) lines.push(`      ${p.dir}: ${res.stdout.trim().split('\n').at(-1)}`);
      else problem(`${label}: ${p.dir} on Node ${major}`, `exit ${res.code}\n${res.stdout}${res.stderr}`);
    }
  };
  await Promise.all([next(), next()]);
  console.log(lines.sort().join('\n'));
  log(`${label}: ${PROJECTS.length} apps × Node ${majors.join('/')} in ${secs(t)}`);
}

/** Step 4: manifests, ranges, tarballs (CHANGELOG, bin modes), `npm view`. */
async function registryChecks(v1, v2, pending, dir) {
  const tarballs = join(dir, 'tarballs');
  mkdirSync(tarballs, { recursive: true });
  for (const name of Object.keys(v2)) {
    const doc = await packument(name);
    for (const version of new Set([v1[name], v2[name]])) {
      const where = `${name}@${version}`;
      const m = doc.versions?.[version];
      if (!expect(m, where, 'not on the registry')) continue;
      // No workspace:/file:/link: spec; internal ranges admit the siblings published with it.
      const siblings = version === v2[name] ? v2 : v1;
      for (const msg of rangeProblems(m, siblings, semver.satisfies)) problem(where, `published manifest: ${msg}`);
      // The tarball as npm serves it: CHANGELOG text, bin modes.
      const file = join(tarballs, `${name.replace('/', '-')}-${version}.tgz`);
      const res = await fetch(m.dist.tarball, { signal: AbortSignal.timeout(10_000) });
      writeFileSync(file, Buffer.from(await res.arrayBuffer()));
      const listing = (await must('tar', ['-tvzf', file])).stdout;
      for (const msg of tarballBinProblems(m, listing)) problem(where, msg);
      const changelog = await exec('tar', ['-xzOf', file, 'package/CHANGELOG.md']);
      expect(changelog.code === 0, where, 'no CHANGELOG.md in the tarball');
      const notes = [
        ...pending.filter((c) => c.packages[name]).map((c) => c.summary),
        ...(version === v2[name] && version !== v1[name] ? NEXT.filter((c) => c.name === name).map((c) => c.text) : []),
      ];
      // `changeset version` formats CHANGELOG.md with prettier when the project has it (escapes such
      // as `pg\_\*`, re-wrapped lines): compare the words, not the markdown.
      const words = (t) => t.replace(/\\/g, '').replace(/[`*_]/g, '').replace(/\s+/g, ' ').trim();
      const logged = words(changelog.stdout);
      for (const note of notes) {
        const first = note.split('\n')[0];
        expect(logged.includes(words(first).slice(0, 120)), where, `CHANGELOG.md lacks the changeset text "${first}"`);
      }
    }
  }
  const env = registry.env();
  const fastify = '@obs/fastify';
  const view = JSON.parse((await must('npm', ['view', fastify, 'versions', '--json'], { env, cwd: dir })).stdout);
  const tags = JSON.parse((await must('npm', ['view', fastify, 'dist-tags', '--json'], { env, cwd: dir })).stdout);
  log(`npm view ${fastify} versions --json → ${JSON.stringify(view)}`);
  log(`npm view ${fastify} dist-tags --json → ${JSON.stringify(tags)}`);
  expect(view.includes(v1[fastify]) && view.includes(v2[fastify]), 'npm view', `versions lack ${v1[fastify]} or ${v2[fastify]}`);
  expect(tags.latest === v2[fastify], 'npm view', `latest is ${tags.latest}, expected ${v2[fastify]}`);
  for (const name of Object.keys(v2)) {
    const line = (await must('npm', ['view', name, 'version', 'dist-tags.latest', 'versions', '--json'], { env, cwd: dir })).stdout;
    log(`npm view ${name} → ${line.replace(/\s+/g, ' ').trim()}`);
  }
}
