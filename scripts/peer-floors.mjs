#!/usr/bin/env node
// Run by `npm run version-packages` right after `changeset version`: each package that this version
// run releases gets its caret peer range on a sibling (`@obs/metrics-standard`: "^1.0.0") raised to
// the sibling's current version ("^1.1.0"), the one the release is built and tested against (its
// devDependency pin). Packages that are not released are left alone, so a core minor still
// re-releases nothing (docs/decisions/0061-peer-floor-on-release.md). A line in the released
// package's new CHANGELOG section says what moved.
//
// "Released" = its version differs from the one committed at HEAD (the tree before versioning).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dirs = readdirSync(join(root, 'packages')).filter((d) => existsSync(join(root, 'packages', d, 'package.json')));
const read = (d) => JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8'));
const current = Object.fromEntries(dirs.map((d) => [read(d).name, read(d).version]));

/** The version committed at HEAD, or undefined (new package, no git). */
function committedVersion(dir) {
  try {
    const text = execFileSync('git', ['show', `HEAD:packages/${dir}/package.json`], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return JSON.parse(text).version;
  } catch {
    return undefined;
  }
}

const parse = (v) => /^(\d+)\.(\d+)\.(\d+)$/.exec(v)?.slice(1).map(Number);
/** `^a.b.c` whose floor is below `version` on the same major (so raising it changes no major). */
function raisable(range, version) {
  const floor = parse(range.replace(/^\^/, ''));
  const next = parse(version);
  if (!range.startsWith('^') || !floor || !next || floor[0] !== next[0] || floor[0] === 0) return false;
  return floor[1] < next[1] || (floor[1] === next[1] && floor[2] < next[2]);
}

let changed = 0;
for (const dir of dirs) {
  const pkg = read(dir);
  if (pkg.private) continue;
  const before = committedVersion(dir);
  if (before === undefined || before === pkg.version) continue;
  const moved = [];
  for (const [dep, range] of Object.entries(pkg.peerDependencies ?? {})) {
    if (dep in current && raisable(range, current[dep])) {
      pkg.peerDependencies[dep] = `^${current[dep]}`;
      moved.push(`\`${dep}\` \`${range}\` → \`^${current[dep]}\``);
    }
  }
  if (moved.length === 0) continue;
  const file = join(root, 'packages', dir, 'package.json');
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
  const changelog = join(root, 'packages', dir, 'CHANGELOG.md');
  if (existsSync(changelog)) {
    const text = readFileSync(changelog, 'utf8');
    const start = text.indexOf(`## ${pkg.version}\n`);
    if (start >= 0) {
      const next = text.indexOf('\n## ', start + 1);
      const end = next < 0 ? text.length : next + 1;
      const note = `### Peer Dependencies\n\n- ${moved.join(', ')}: the version this release is built and tested against.\n`;
      const section = `${text.slice(start, end).trimEnd()}\n\n${note}`;
      writeFileSync(changelog, `${text.slice(0, start)}${section}${next < 0 ? '' : '\n'}${text.slice(end)}`);
    }
  }
  console.log(`peer-floors: ${pkg.name}@${pkg.version}: ${moved.join(', ')}`);
  changed++;
}
if (changed === 0) console.log('peer-floors: no released package has a peer range below its sibling');
