#!/usr/bin/env node
// Report package source changes that come without a changeset.
//
//   node scripts/check-changesets.mjs [--base <ref>] [--ci]
//
// Lists the files changed in `<base>...HEAD` (`git diff --name-only`, i.e. since the merge base),
// and for every published package with a change under packages/<pkg>/src/ checks that the same
// range adds a .changeset/*.md naming that package. Base ref: --base, else $CHANGESET_BASE, else
// origin/main when it exists and HEAD is not on it, else the last release commit (the last one that
// changed a packages/*/CHANGELOG.md), else the repository's first commit (so a clean clone of main
// with full history checks everything since the last release). Exit 1 with --ci (or CI=true)
// when a package is missing a changeset; otherwise it only reports. Changes to tests, docs and
// private packages never need one.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseArgs({
  options: { base: { type: 'string' }, ci: { type: 'boolean', default: process.env.CI === 'true' } },
});
const git = (...a) => execFileSync('git', a, { cwd: root, encoding: 'utf8' }).trim();
const refExists = (ref) => {
  try {
    git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`);
    return true;
  } catch {
    return false;
  }
};

function baseRef() {
  if (args.base) return args.base;
  if (process.env.CHANGESET_BASE) return process.env.CHANGESET_BASE;
  if (refExists('origin/main') && git('rev-parse', 'origin/main') !== git('rev-parse', 'HEAD')) return 'origin/main';
  if (git('rev-parse', '--is-shallow-repository') === 'true') {
    console.error('check-changesets: shallow clone; fetch full history (fetch-depth: 0) or pass --base');
    process.exit(2);
  }
  // On main itself: everything since the last release (the last commit that wrote a CHANGELOG.md
  // with `changeset version`), or since the first commit before the first release.
  const lastRelease = git('log', '-1', '--format=%H', '--', 'packages/*/CHANGELOG.md');
  if (lastRelease) return lastRelease;
  return git('rev-list', '--max-parents=0', 'HEAD').split('\n').pop();
}

const base = baseRef();
if (!refExists(base)) {
  console.error(`check-changesets: base ref "${base}" does not exist here (fetch it, or pass --base)`);
  process.exit(2);
}
const changed = git('diff', '--name-only', `${base}...HEAD`).split('\n').filter(Boolean);

// Published packages by directory.
const packages = new Map(
  readdirSync(join(root, 'packages'))
    .filter((d) => existsSync(join(root, 'packages', d, 'package.json')))
    .map((d) => [d, JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8'))])
    .filter(([, pkg]) => !pkg.private),
);

const touched = new Map(); // package name → changed src files
for (const file of changed) {
  const m = /^packages\/([^/]+)\/src\//.exec(file);
  const pkg = m && packages.get(m[1]);
  if (!pkg) continue;
  if (!touched.has(pkg.name)) touched.set(pkg.name, []);
  touched.get(pkg.name).push(file);
}

// Packages named in the frontmatter of changesets added or changed in the range (and still present).
const covered = new Set();
for (const file of changed) {
  if (!/^\.changeset\/[^/]+\.md$/.test(file) || file === '.changeset/README.md') continue;
  if (!existsSync(join(root, file))) continue;
  const front = /^---\n([\s\S]*?)\n---/.exec(readFileSync(join(root, file), 'utf8'));
  for (const line of front?.[1].split('\n') ?? []) {
    const name = /^\s*["']?([^"':]+)["']?\s*:/.exec(line)?.[1];
    if (name) covered.add(name.trim());
  }
}

const uncovered = [...touched].filter(([name]) => !covered.has(name));
console.log(`check-changesets: ${changed.length} files changed in ${base.slice(0, 12)}...HEAD`);
for (const [name, files] of touched) {
  const mark = covered.has(name) ? 'ok     ' : 'MISSING';
  console.log(`  ${mark} ${name} (${files.length} src file${files.length === 1 ? '' : 's'} changed)`);
}
if (uncovered.length === 0) {
  console.log(touched.size === 0 ? 'check-changesets: no package source changed' : 'check-changesets: every changed package has a changeset');
  process.exit(0);
}
console.log(
  `\ncheck-changesets: ${uncovered.map(([n]) => n).join(', ')} changed without a changeset.\n` +
    'Run `npm run changeset`, pick the package(s) and the bump, write one line for the CHANGELOG, and commit\n' +
    'the new .changeset/*.md. (A change users cannot notice still gets one: use `patch`.)',
);
process.exit(args.ci ? 1 : 0);
