#!/usr/bin/env node
// Works as published: pack every @obs package, install the tarballs into a fresh project outside
// the workspace (plain npm, no workspace links, no path aliases), then prove that project can use
// them under Node 20, 22 and 24. Run with `npm run test:smoke` (after or including the build).
//
//   node integration/smoke.mjs [--node 20,22,24] [--no-build] [--keep]
//
// Steps: build (under the shared build lock) → static checks on every package.json (workspace-only
// ranges) → `npm pack` → `npm install` the tarballs + their peers into os.tmpdir()/obs-smoke-* →
// tarball checks (files the manifest points at, imports declared in the right section) → `tsc` on
// a tiny TypeScript consumer (node16 ESM + CJS, bundler) → consumer/check.mjs under each Node
// (import + require, node:http/Fastify/Express/worker servers scraped and checked with the
// installed `obs-contract`, the installed `obs-dashboards generate`). Exit 1 on any failure.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { missingFiles, rangeProblems, undeclaredImports } from './lib/package-lint.mjs';
import { nodeBinary } from './lib/node-binaries.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseArgs({
  options: {
    node: { type: 'string', default: '20,22,24' },
    'no-build': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const majors = args.node.split(',').map(Number);
const started = Date.now();
const secs = (from) => `${((Date.now() - from) / 1000).toFixed(1)}s`;
const log = (msg) => console.log(`[smoke +${secs(started)}] ${msg}`);
const problems = [];
const problem = (where, msg) => {
  problems.push(`${where}: ${msg}`);
  console.log(`FAIL  ${where}: ${msg}`);
};

function sh(cmd, cmdArgs, opts = {}) {
  const res = spawnSync(cmd, cmdArgs, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (res.status !== 0) {
    throw new Error(`${cmd} ${cmdArgs.join(' ')} exited ${res.status}\n${res.stdout ?? ''}${res.stderr ?? ''}`);
  }
  return res.stdout;
}
const hasCommand = (c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0;

// ------------------------------------------------------------------------------------ build
if (!args['no-build']) {
  log('building the packages (turbo, under /tmp/obs-build.lock)');
  const turbo = ['npx', 'turbo', 'run', 'build', '--filter=./packages/*', '--output-logs=errors-only'];
  const [cmd, ...rest] = hasCommand('flock') ? ['flock', '/tmp/obs-build.lock', ...turbo] : turbo;
  const res = spawnSync(cmd, rest, { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) {
    console.log(`\nsmoke: the build failed (exit ${res.status}); fix it, or run with --no-build against the current dist/`);
    process.exit(1);
  }
}

// ------------------------------------------------------------------------------------ manifests
const packages = readdirSync(join(root, 'packages'))
  .filter((d) => existsSync(join(root, 'packages', d, 'package.json')))
  .map((d) => ({ dir: `packages/${d}`, pkg: JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => !pkg.private);
const versions = Object.fromEntries(packages.map(({ pkg }) => [pkg.name, pkg.version]));
const satisfies = loadSatisfies();
for (const { pkg } of packages) {
  for (const p of rangeProblems(pkg, versions, satisfies)) problem(pkg.name, p);
}
log(`packages: ${packages.map(({ pkg }) => `${pkg.name}@${pkg.version}`).join(', ')}`);

// ------------------------------------------------------------------------------------ pack
const work = mkdtempSync(join(tmpdir(), 'obs-smoke-'));
const tarballs = join(work, 'tarballs');
const project = join(work, 'consumer');
mkdirSync(tarballs);
mkdirSync(project);
let exitCode = 1;
try {
  // Under the build lock too: another engineer's tsup run cleans dist/ while it builds.
  const pack = ['npm', 'pack', '--json', '--pack-destination', tarballs, ...packages.flatMap(({ dir }) => ['-w', dir])];
  const [packCmd, ...packArgs] = hasCommand('flock') ? ['flock', '/tmp/obs-build.lock', ...pack] : pack;
  const packed = JSON.parse(sh(packCmd, packArgs, { cwd: root }));
  log(`packed ${packed.length} tarballs into ${tarballs}`);

  // ---------------------------------------------------------------------------------- install
  // What a user installs: the tarballs, every peer the packages declare (frameworks, queue
  // clients) at the declared range, `@types/<peer>` where the package's own build needed it, and
  // the consumer's tools (TypeScript types for Node, `yaml` to read the generated files).
  const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const extra = new Map([
    ['@types/node', rootPkg.devDependencies['@types/node']],
    ['yaml', '^2'],
  ]);
  for (const { pkg } of packages) {
    for (const [name, range] of Object.entries(pkg.peerDependencies ?? {})) {
      if (name in versions) continue;
      extra.set(name, range);
      const types = `@types/${name}`;
      if (pkg.devDependencies?.[types]) extra.set(types, pkg.devDependencies[types]);
    }
  }
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'obs-smoke-consumer', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`,
  );
  const installArgs = [
    ...packed.map((p) => join(tarballs, p.filename)),
    ...[...extra].map(([name, range]) => `${name}@${range}`),
  ];
  const t0 = Date.now();
  sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...installArgs], {
    cwd: project,
  });
  log(`npm install of ${installArgs.length} specs into ${project} took ${secs(t0)}`);

  // ---------------------------------------------------------------------------------- tarballs
  for (const p of packed) {
    const pkg = JSON.parse(readFileSync(join(project, 'node_modules', p.name, 'package.json'), 'utf8'));
    const files = p.files.map((f) => f.path);
    for (const msg of missingFiles(pkg, files)) problem(p.name, msg);
    const contents = Object.fromEntries(
      files
        .filter((f) => /\.(c|m)?js$|\.d\.(c|m)?ts$/.test(f))
        .map((f) => [f, readFileSync(join(project, 'node_modules', p.name, f), 'utf8')]),
    );
    for (const msg of undeclaredImports(pkg, contents)) problem(p.name, msg);
    if (!files.includes('LICENSE') && !files.some((f) => /^licen[cs]e/i.test(f))) {
      console.log(`warn  ${p.name}: no LICENSE file in the tarball (package.json says ${pkg.license})`);
    }
    log(`${p.name}: ${files.length} files, ${(p.size / 1024).toFixed(1)} kB packed`);
  }

  // ---------------------------------------------------------------------------------- types
  const t1 = Date.now();
  typecheck(packed.map((p) => p.name));
  log(`tsc on the TypeScript consumer (node16 ESM + CJS, bundler) took ${secs(t1)}`);

  // ---------------------------------------------------------------------------------- run
  copyFileSync(join(root, 'integration', 'consumer', 'check.mjs'), join(project, 'check.mjs'));
  const timings = [];
  for (const major of majors) {
    const node = nodeBinary(major, log);
    const t = Date.now();
    log(`running the consumer under ${node === process.execPath ? `this Node (${process.version})` : node}`);
    const res = spawnSync(node, ['check.mjs'], { cwd: project, stdio: 'inherit', timeout: 120_000 });
    timings.push(`Node ${major}: ${secs(t)}`);
    if (res.status !== 0) problem(`Node ${major}`, `consumer checks failed (exit ${res.status ?? res.signal})`);
  }
  log(`consumer runs: ${timings.join(', ')}`);
  exitCode = problems.length > 0 ? 1 : 0;
} catch (err) {
  problem('smoke', err.message);
} finally {
  if (args.keep) log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

console.log(
  problems.length === 0
    ? `\nsmoke: all checks passed in ${secs(started)}`
    : `\nsmoke: ${problems.length} problem(s) in ${secs(started)}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
);
process.exit(exitCode);

/** Compile a tiny consumer that imports every package, as node16 ESM, node16 CJS and bundler. */
function typecheck(names) {
  const ids = names.map((n, i) => ({ n, id: `p${i}` }));
  // `@ts-expect-error` on a name no package exports: if a package's types did not resolve (an
  // implicit `any`), the directive is unused and tsc fails, so missing types cannot pass silently.
  const body = (imp) =>
    `${ids.map(imp).join('\n')}\n${ids
      .map(({ id }) => `export const ${id}Keys: string[] = Object.keys(${id});\n// @ts-expect-error not exported\n${id}.__notExported__;`)
      .join('\n')}\n`;
  const usage = names.includes('@obs/metrics-standard')
    ? `import { createObs, type Obs } from '@obs/metrics-standard';\nexport const obs: Obs = createObs({ service: 'smoke-types' });\n`
    : '';
  mkdirSync(join(project, 'types'), { recursive: true });
  writeFileSync(join(project, 'types', 'esm.mts'), usage + body(({ n, id }) => `import * as ${id} from '${n}';`));
  writeFileSync(join(project, 'types', 'cjs.cts'), body(({ n, id }) => `import ${id} = require('${n}');`));
  writeFileSync(join(project, 'types', 'bundler.ts'), usage + body(({ n, id }) => `import * as ${id} from '${n}';`));
  // node16 also type-checks every shipped .d.ts (skipLibCheck off, as many users run it); bundler
  // only checks resolution, to keep the run short.
  const common = { strict: true, noEmit: true, types: ['node'], target: 'es2022' };
  const configs = {
    // ESM and CJS in separate programs, as most users have one or the other, and together (a
    // project type-checking .mts and .cts files loads both copies of every declaration merge,
    // e.g. `FastifyInstance.obs`: they must agree, see docs/decisions/0063-dual-declarations.md).
    'tsconfig.node16-esm.json': {
      compilerOptions: { ...common, skipLibCheck: false, module: 'node16', moduleResolution: 'node16' },
      files: ['types/esm.mts'],
    },
    'tsconfig.node16-cjs.json': {
      compilerOptions: { ...common, skipLibCheck: false, module: 'node16', moduleResolution: 'node16' },
      files: ['types/cjs.cts'],
    },
    'tsconfig.node16-mixed.json': {
      compilerOptions: { ...common, skipLibCheck: false, module: 'node16', moduleResolution: 'node16' },
      files: ['types/esm.mts', 'types/cjs.cts'],
    },
    'tsconfig.bundler.json': {
      compilerOptions: { ...common, skipLibCheck: true, module: 'esnext', moduleResolution: 'bundler' },
      files: ['types/bundler.ts'],
    },
  };
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const [file, config] of Object.entries(configs)) {
    writeFileSync(join(project, file), JSON.stringify(config, null, 2));
    const res = spawnSync(process.execPath, [tsc, '-p', file], { cwd: project, encoding: 'utf8' });
    if (res.status !== 0) problem(`types (${file})`, `tsc failed:\n${res.stdout}${res.stderr}`);
  }
}

/** semver's `satisfies` from the workspace (the check on internal ranges is skipped without it). */
function loadSatisfies() {
  try {
    const semver = createRequire(join(root, 'package.json'))('semver');
    return (version, range) => semver.satisfies(version, range);
  } catch {
    console.log('warn  semver not found in node_modules: internal ranges are not checked against versions');
    return () => true;
  }
}
