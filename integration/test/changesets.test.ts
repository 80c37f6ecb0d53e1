import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The release flow, run for real in a throwaway copy of the workspace's manifests: a sample
// changeset, `npm run version-packages` (changeset version + lock update), `changeset status`.
// The copy lives in os.tmpdir(); its parent holds a symlink to the root node_modules so the
// changeset CLI resolves, while npm in the copy never sees (or writes) the shared node_modules.
const root = fileURLToPath(new URL('../..', import.meta.url));
const semver = createRequire(join(root, 'package.json'))('semver') as {
  inc(v: string, t: string): string;
  major(v: string): number;
  satisfies(v: string, r: string): boolean;
};
const CORE = '@obs/metrics-standard';
const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

type Manifest = {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};
const readJson = (p: string) => JSON.parse(readFileSync(p, 'utf8'));
const workspaceDirs = () =>
  ['packages', 'examples'].flatMap((group) =>
    readdirSync(join(root, group))
      .map((d) => `${group}/${d}`)
      .filter((d) => existsSync(join(root, d, 'package.json'))),
  );
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=smoke@example.invalid', '-c', 'user.name=smoke', ...args], { cwd, encoding: 'utf8' });

/** A git repo in os.tmpdir() with the workspace's manifests, lockfile and changeset config only. */
function throwawayCopy() {
  const tmp = mkdtempSync(join(tmpdir(), 'obs-release-'));
  temps.push(tmp);
  symlinkSync(join(root, 'node_modules'), join(tmp, 'node_modules'));
  const repo = join(tmp, 'repo');
  mkdirSync(join(repo, '.changeset'), { recursive: true });
  mkdirSync(join(repo, 'scripts'));
  for (const f of ['package.json', 'package-lock.json', '.changeset/config.json', 'scripts/peer-floors.mjs']) cpSync(join(root, f), join(repo, f));
  for (const d of workspaceDirs()) {
    mkdirSync(join(repo, d), { recursive: true });
    cpSync(join(root, d, 'package.json'), join(repo, d, 'package.json'));
  }
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'workspace manifests');
  return repo;
}

function run(repo: string, cmd: string, args: string[]) {
  const res = spawnSync(cmd, args, {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', CI: 'true' },
  });
  return { code: res.status, out: `${res.stdout}${res.stderr}` };
}

const manifests = (dir: string): Manifest[] => workspaceDirs().map((d) => readJson(join(dir, d, 'package.json')));

describe('changesets release flow (throwaway copy)', () => {
  it('`changeset status` works and reports a pending changeset', () => {
    const repo = throwawayCopy();
    const empty = run(repo, 'npx', ['changeset', 'status']);
    expect(empty.code, empty.out).toBe(0);
    git(repo, 'checkout', '-q', '-b', 'feature');
    writeFileSync(join(repo, '.changeset', 'sample-minor.md'), `---\n"${CORE}": minor\n---\n\nSample change.\n`);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'sample changeset');
    const pending = run(repo, 'npx', ['changeset', 'status', '--verbose']);
    expect(pending.code, pending.out).toBe(0);
    expect(pending.out).toContain(CORE);
    expect(pending.out).toMatch(/minor/i);
  });

  it.each(['minor', 'patch'] as const)(
    '`npm run version-packages` on a %s core changeset bumps the right packages and internal ranges',
    (bump) => {
      const repo = throwawayCopy();
      const before = manifests(repo);
      writeFileSync(join(repo, '.changeset', 'sample.md'), `---\n"${CORE}": ${bump}\n---\n\nSample ${bump} change.\n`);

      const res = run(repo, 'npm', ['run', 'version-packages']);
      expect(res.code, res.out).toBe(0);
      // npm in the copy must not have written the workspace's node_modules through the symlink (other
      // engineers' installs rewrite that file too, so compare its content, not its mtime).
      expect(existsSync(join(repo, 'node_modules'))).toBe(false);
      const shared = join(root, 'node_modules', '.package-lock.json');
      if (existsSync(shared)) {
        expect(readJson(shared).packages['packages/metrics-standard']?.version).toBe(readJson(join(root, 'packages/metrics-standard/package.json')).version);
      }

      const after = new Map(manifests(repo).map((m) => [m.name, m]));
      const core = before.find((m) => m.name === CORE)!;
      const next = semver.inc(core.version, bump);
      expect(after.get(CORE)!.version).toBe(next);
      expect(readFileSync(join(repo, 'packages/metrics-standard/CHANGELOG.md'), 'utf8')).toContain(`Sample ${bump} change.`);
      expect(existsSync(join(repo, '.changeset', 'sample.md'))).toBe(false);

      for (const m of before) {
        if (m.name === CORE) continue;
        const now = after.get(m.name)!;
        const dep = m.dependencies?.[CORE];
        const peer = m.peerDependencies?.[CORE];
        const dev = m.devDependencies?.[CORE];
        if (dep && !m.private) {
          // A regular dependent: released (patch) with the new range only when the new core leaves its
          // range; inside the range users already get the new core, and nothing is re-released.
          const leaves = !semver.satisfies(next, dep);
          expect(now.dependencies![CORE], m.name).toBe(leaves ? `^${next}` : dep);
          expect(now.version, m.name).toBe(leaves ? semver.inc(m.version, 'patch') : m.version);
        }
        if (peer) {
          // A peer dependent (the integrations): released again only when the new core leaves its peer
          // range; then changesets makes it a major (ADR 0060 explains why 0.x makes this matter).
          const leaves = !semver.satisfies(next, peer);
          expect(now.version, m.name).toBe(leaves ? semver.inc(m.version, 'major') : m.version);
          expect(now.peerDependencies![CORE], m.name).toBe(leaves ? `^${next}` : peer);
        }
        if (dev && !peer && !dep) expect(now.devDependencies![CORE], m.name).toBeDefined();
        if (!dep && !peer && !dev) expect(now.version, m.name).toBe(m.version);
      }

      // The lockfile follows the manifests (the second half of `version-packages`).
      const lock = readJson(join(repo, 'package-lock.json'));
      for (const d of workspaceDirs()) {
        const m = readJson(join(repo, d, 'package.json')) as Manifest;
        expect(lock.packages[d]?.version, d).toBe(m.version);
      }
    },
  );

  it('a released integration gets its core peer floor raised to the core it is built with; the others keep theirs', () => {
    const repo = throwawayCopy();
    const published = manifests(repo).filter((m) => !m.private);
    if (semver.major(published.find((m) => m.name === CORE)!.version) === 0) {
      // The first release (1.0.0 for all, as .changeset/first-stable-release.md does), committed.
      const all = published.map((m) => `"${m.name}": major`).join('\n');
      writeFileSync(join(repo, '.changeset', 'first.md'), `---\n${all}\n---\n\nFirst stable release.\n`);
      const first = run(repo, 'npm', ['run', 'version-packages']);
      expect(first.code, first.out).toBe(0);
      git(repo, 'add', '-A');
      git(repo, 'commit', '-q', '-m', 'Version packages');
    }
    const before = new Map(manifests(repo).map((m) => [m.name, m]));
    const core = before.get(CORE)!;
    const fastify = before.get('@obs/fastify')!;
    const peer = fastify.peerDependencies![CORE];
    const next = semver.inc(core.version, 'minor');
    expect(semver.satisfies(next, peer)).toBe(true);
    writeFileSync(join(repo, '.changeset', 'core.md'), `---\n"${CORE}": minor\n---\n\nCore feature.\n`);
    writeFileSync(join(repo, '.changeset', 'fastify.md'), '---\n"@obs/fastify": patch\n---\n\nFastify fix.\n');

    const res = run(repo, 'npm', ['run', 'version-packages']);
    expect(res.code, res.out).toBe(0);
    const after = new Map(manifests(repo).map((m) => [m.name, m]));
    // Released anyway (patch), built against the new core (its devDependency pin): the published
    // peer range admits only that core or later, so `npm i @obs/fastify@latest` brings it along.
    expect(after.get('@obs/fastify')!.version).toBe(semver.inc(fastify.version, 'patch'));
    expect(after.get('@obs/fastify')!.devDependencies![CORE]).toBe(next);
    expect(after.get('@obs/fastify')!.peerDependencies![CORE]).toBe(`^${next}`);
    const changelog = readFileSync(join(repo, 'packages/fastify/CHANGELOG.md'), 'utf8');
    expect(changelog).toContain('Fastify fix.');
    expect(changelog).toContain(`\`${CORE}\` \`${peer}\` → \`^${next}\`: the version this release is built and tested against.`);
    // Not released (the new core is inside their range): version and peer range untouched.
    for (const name of ['@obs/express', '@obs/worker']) {
      expect(after.get(name)!.version, name).toBe(before.get(name)!.version);
      expect(after.get(name)!.peerDependencies![CORE], name).toBe(before.get(name)!.peerDependencies![CORE]);
    }
  });
});
