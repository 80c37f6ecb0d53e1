import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs helper shared with integration/smoke.mjs (no declarations)
import * as lint from '../lib/package-lint.mjs';

// The smoke test's static checks, on small packages that make each mistake a user would hit.
const base = {
  name: '@obs/example',
  version: '1.0.0',
  exports: {
    '.': {
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    },
    './package.json': './package.json',
  },
  bin: { 'obs-example': './dist/cli.js' },
};
const files = ['package.json', 'README.md', 'dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'dist/cli.js'];
const semverish = (version: string, range: string) => range === `^${version}` || range === version;

describe('rangeProblems', () => {
  it('names workspace-only and unbounded ranges, and internal ranges that miss the published version', () => {
    const pkg = {
      ...base,
      dependencies: { a: 'workspace:*', b: 'file:../b', c: '*' },
      peerDependencies: { '@obs/core': '^0.1.0' },
      devDependencies: { d: 'link:../d', e: '*' },
    };
    const problems: string[] = lint.rangeProblems(pkg, { '@obs/core': '0.2.0' }, semverish);
    expect(problems).toEqual([
      expect.stringContaining('dependencies.a is "workspace:*"'),
      expect.stringContaining('dependencies.b is "file:../b"'),
      expect.stringContaining('dependencies.c is "*"'),
      expect.stringContaining('peerDependencies.@obs/core is "^0.1.0" but the workspace publishes @obs/core@0.2.0'),
      expect.stringContaining('devDependencies.d is "link:../d"'),
    ]);
    expect(lint.rangeProblems({ ...base, peerDependencies: { '@obs/core': '^0.2.0' } }, { '@obs/core': '0.2.0' }, semverish)).toEqual([]);
  });
});

describe('missingFiles', () => {
  it('passes a tarball holding every file the manifest points at', () => {
    expect(lint.missingFiles(base, files)).toEqual([]);
  });

  it('names each export condition, bin and required file the tarball lacks', () => {
    const problems: string[] = lint.missingFiles(base, files.filter((f) => f !== 'dist/index.d.cts' && f !== 'dist/cli.js' && f !== 'README.md'));
    expect(problems).toEqual([
      expect.stringContaining('bin.obs-example points at ./dist/cli.js'),
      expect.stringContaining('exports["."]["require"]["types"] points at ./dist/index.d.cts'),
      'README.md is not in the tarball',
    ]);
  });

  it('matches wildcard subpaths against the files', () => {
    const pkg = { name: 'x', exports: { './rules/*': './dist/rules/*.js' } };
    expect(lint.missingFiles(pkg, ['package.json', 'README.md', 'dist/rules/api.js'])).toEqual([]);
    expect(lint.missingFiles(pkg, ['package.json', 'README.md'])).toHaveLength(1);
  });
});

describe('undeclaredImports', () => {
  const pkg = {
    ...base,
    dependencies: { 'prom-client': '^15' },
    peerDependencies: { fastify: '^5', express: '^5' },
    devDependencies: { bullmq: '^5', '@types/express': '^5' },
  };

  it('accepts builtins, self-references, dependencies and peers, in ESM, CJS and declarations', () => {
    const contents = {
      'dist/index.js': `import { Registry } from "prom-client";\nimport { createServer } from "node:http";\nimport fs from "fs";\nconst f = await import("fastify");\nimport x from "@obs/example/package.json";`,
      'dist/index.cjs': `"use strict";\nvar import_prom_client = require("prom-client");\nrequire("node:events");`,
      'dist/index.d.ts': `/// <reference types="node" />\nimport type { Request } from 'express';\nexport type { FastifyInstance } from 'fastify';`,
    };
    expect(lint.undeclaredImports(pkg, contents)).toEqual([]);
  });

  it('names a runtime import that only a devDependency or hoisting provides', () => {
    const contents = {
      'dist/index.js': `import { Worker } from "bullmq";\nimport pino from "pino";`,
      'dist/index.cjs': `var import_lodash = require("lodash/fp");`,
      'dist/index.d.ts': `import type { Job } from 'bullmq';`,
    };
    expect(lint.undeclaredImports(pkg, contents)).toEqual([
      expect.stringMatching(/^dist\/index\.js imports "bullmq", only in devDependencies: move it to dependencies/),
      expect.stringMatching(/^dist\/index\.js imports "pino", not declared/),
      expect.stringMatching(/^dist\/index\.cjs imports "lodash", not declared/),
      expect.stringMatching(/^dist\/index\.d\.ts imports "bullmq", only in devDependencies: its types reach users/),
    ]);
  });

  it('accepts a declaration import whose @types package is a dependency', () => {
    const withTypes = { ...pkg, dependencies: { '@types/scope__lib': '^1' } };
    expect(lint.undeclaredImports(withTypes, { 'dist/index.d.ts': `import type { A } from '@scope/lib';` })).toEqual([]);
  });
});

describe('tarballBinProblems', () => {
  const listing = (mode: string) =>
    [
      '-rw-r--r-- 0/0            1071 1985-10-26 08:15 package/LICENSE',
      `${mode} 0/0            2310 1985-10-26 08:15 package/dist/cli.js`,
      '-rw-r--r-- 0/0            1406 1985-10-26 08:15 package/package.json',
    ].join('\n');
  it('accepts a bin with its exec bit, as npm packs a file that has it', () => {
    expect(lint.tarballBinProblems(base, listing('-rwxr-xr-x'))).toEqual([]);
  });
  it('names a bin without the exec bit, and one missing from the tarball', () => {
    expect(lint.tarballBinProblems(base, listing('-rw-r--r--'))).toEqual([expect.stringContaining('bin.obs-example (./dist/cli.js) is -rw-r--r-- in the tarball')]);
    expect(lint.tarballBinProblems({ ...base, bin: './dist/other.js' }, listing('-rwxr-xr-x'))).toEqual([
      expect.stringContaining('bin.@obs/example (./dist/other.js) is not in the tarball'),
    ]);
  });
});
