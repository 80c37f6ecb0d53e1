// Static checks on a packed package: what `npm pack` put in the tarball, read back from the
// installed copy. Pure functions over (package.json, file list, file contents), so the smoke test
// and its unit test share them. Each returns a list of human-readable problems (empty = fine).
import { builtinModules } from 'node:module';
import ts from 'typescript';

const RUNTIME_SECTIONS = ['dependencies', 'peerDependencies', 'optionalDependencies'];
const LOCAL_PROTOCOLS = ['workspace:', 'file:', 'link:', 'portal:'];

/**
 * Version ranges a registry user cannot install: `workspace:`/`file:`/`link:` anywhere, `*` or an
 * empty range in a runtime section, and an internal range that excludes the sibling's current
 * version (the release would ask users for a version that does not exist together).
 */
export function rangeProblems(pkg, workspaceVersions = {}, satisfies = () => true) {
  const problems = [];
  for (const section of [...RUNTIME_SECTIONS, 'devDependencies']) {
    for (const [name, range] of Object.entries(pkg[section] ?? {})) {
      if (LOCAL_PROTOCOLS.some((p) => range.startsWith(p))) {
        problems.push(`${section}.${name} is "${range}": a workspace-only range; use a semver range`);
      } else if (section !== 'devDependencies' && (range.trim() === '*' || range.trim() === '')) {
        problems.push(`${section}.${name} is "${range}": any version; pin a semver range such as ^1.2.0`);
      } else if (section !== 'devDependencies' && name in workspaceVersions) {
        const version = workspaceVersions[name];
        if (!satisfies(version, range)) {
          problems.push(`${section}.${name} is "${range}" but the workspace publishes ${name}@${version}`);
        }
      }
    }
  }
  return problems;
}

/** Every path the manifest points at: main/module/types/typings, bin, and each leaf of `exports`. */
export function manifestTargets(pkg) {
  const targets = [];
  for (const field of ['main', 'module', 'types', 'typings']) {
    if (typeof pkg[field] === 'string') targets.push({ from: field, path: pkg[field] });
  }
  const bin = typeof pkg.bin === 'string' ? { [pkg.name]: pkg.bin } : (pkg.bin ?? {});
  for (const [name, path] of Object.entries(bin)) targets.push({ from: `bin.${name}`, path });
  const walk = (node, where) => {
    if (typeof node === 'string') targets.push({ from: where, path: node });
    else if (Array.isArray(node)) {
      for (const [i, n] of node.entries()) walk(n, `${where}[${i}]`);
    }
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) walk(v, `${where}["${k}"]`);
    }
  };
  if (pkg.exports !== undefined) walk(pkg.exports, 'exports');
  return targets;
}

const normalise = (p) => p.replace(/^\.\//, '');

/** Manifest targets that are not in the tarball (wildcard subpaths match at least one file). */
export function missingFiles(pkg, files) {
  const have = new Set(files.map(normalise));
  const problems = [];
  for (const { from, path } of manifestTargets(pkg)) {
    const p = normalise(path);
    const ok = p.includes('*')
      ? files.some((f) => new RegExp(`^${p.split('*').map(escapeRegExp).join('.+')}$`).test(normalise(f)))
      : have.has(p);
    if (!ok) problems.push(`${from} points at ${path}, which is not in the tarball (check "files" and the build)`);
  }
  for (const required of ['package.json', 'README.md']) {
    if (!have.has(required)) problems.push(`${required} is not in the tarball`);
  }
  return problems;
}

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const BUILTINS = new Set(builtinModules);

/** `lodash/fp` → `lodash`, `@scope/a/b` → `@scope/a`; null for relative, absolute and builtin specifiers. */
export function packageOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return null;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return BUILTINS.has(name) ? null : name;
}

/** Bare specifiers a JS or declaration file imports, requires or dynamically imports. */
export function importedPackages(text) {
  const info = ts.preProcessFile(text, true, true);
  // `/// <reference types="node" />` is the user's @types/node, not a dependency of the package.
  const refs = info.typeReferenceDirectives.map((f) => f.fileName).filter((n) => n !== 'node');
  const specs = [...info.importedFiles.map((f) => f.fileName), ...refs];
  return [...new Set(specs.map(packageOf).filter(Boolean))];
}

const isDeclaration = (f) => /\.d\.[cm]?ts$/.test(f);
const isCode = (f) => /\.[cm]?js$/.test(f);

/**
 * A package imported by shipped code but not declared where a user's install would provide it:
 * the bug that hoisting hides inside a monorepo. Code needs dependencies/peerDependencies/
 * optionalDependencies; declarations may also be satisfied by `@types/<name>` in those sections.
 */
export function undeclaredImports(pkg, contents) {
  const declared = new Set(RUNTIME_SECTIONS.flatMap((s) => Object.keys(pkg[s] ?? {})));
  const devOnly = new Set(Object.keys(pkg.devDependencies ?? {}));
  const problems = [];
  for (const [file, text] of Object.entries(contents)) {
    if (!isCode(file) && !isDeclaration(file)) continue;
    for (const name of importedPackages(text)) {
      if (name === pkg.name || declared.has(name)) continue;
      if (isDeclaration(file) && declared.has(typesPackageOf(name))) continue;
      const where = devOnly.has(name) ? 'only in devDependencies' : 'not declared';
      const fix = isDeclaration(file)
        ? 'its types reach users: declare it (a peer for frameworks) or stop exporting its types'
        : 'move it to dependencies, or to peerDependencies if the user brings it';
      problems.push(`${file} imports "${name}", ${where}: ${fix}`);
    }
  }
  return problems;
}

/** `@scope/name` → `@types/scope__name`, `name` → `@types/name`. */
export function typesPackageOf(name) {
  return `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`;
}

/**
 * Bins that a user's shell could not execute: each `bin` target must be in the tarball with its
 * owner exec bit. `listing` is `tar -tvzf <tarball>` output (`-rwxr-xr-x … package/dist/cli.js`).
 */
export function tarballBinProblems(pkg, listing) {
  const modes = new Map();
  for (const line of listing.split('\n')) {
    const m = /^(\S{10})\s.*\spackage\/(.+)$/.exec(line.trim());
    if (m) modes.set(m[2], m[1]);
  }
  const bin = typeof pkg.bin === 'string' ? { [pkg.name]: pkg.bin } : (pkg.bin ?? {});
  const problems = [];
  for (const [name, path] of Object.entries(bin)) {
    const mode = modes.get(normalise(path));
    if (!mode) problems.push(`bin.${name} (${path}) is not in the tarball`);
    else if (mode[3] !== 'x') problems.push(`bin.${name} (${path}) is ${mode} in the tarball: not executable`);
  }
  return problems;
}
