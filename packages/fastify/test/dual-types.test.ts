// A TypeScript project that type-checks both .mts (ESM) and .cts (CommonJS) files loads both copies
// of the declarations (index.d.ts and index.d.cts). Both augment FastifyInstance with `obs`: they
// must agree (no TS2717), and an `Obs` from either copy must be accepted by the other's functions.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildPackages } from '../../../test-utils/build.mjs';

const root = fileURLToPath(new URL('../../..', import.meta.url));
let project: string;

beforeAll(() => {
  buildPackages('@obs/fastify...', '@obs/worker...');
  project = mkdtempSync(join(tmpdir(), 'obs-dual-types-'));
  const links: Record<string, string> = {
    '@obs/fastify': 'packages/fastify',
    '@obs/worker': 'packages/worker',
    '@obs/metrics-standard': 'packages/metrics-standard',
    fastify: 'node_modules/fastify',
    '@types/node': 'node_modules/@types/node',
  };
  for (const [name, target] of Object.entries(links)) {
    mkdirSync(dirname(join(project, 'node_modules', name)), { recursive: true });
    symlinkSync(join(root, target), join(project, 'node_modules', name), 'dir');
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'dual', private: true, type: 'module' }));
  writeFileSync(
    join(project, 'esm.mts'),
    `import Fastify from 'fastify';
import obsFastify from '@obs/fastify';
import { createWorkerMetrics } from '@obs/worker';
import type { Obs } from '@obs/metrics-standard';
const app = Fastify();
await app.register(obsFastify, { service: 'esm-api' });
export const obs: Obs = app.obs;
createWorkerMetrics(app.obs);
`,
  );
  writeFileSync(
    join(project, 'cjs.cts'),
    `import Fastify = require('fastify');
import obsFastify = require('@obs/fastify');
import worker = require('@obs/worker');
import type { Obs } from '@obs/metrics-standard';
export async function main(): Promise<Obs> {
  const app = Fastify();
  await app.register(obsFastify.obsFastify, { service: 'cjs-api' });
  worker.createWorkerMetrics(app.obs);
  return app.obs;
}
`,
  );
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, skipLibCheck: false, module: 'node16', moduleResolution: 'node16', types: ['node'], target: 'es2022' },
      files: ['esm.mts', 'cjs.cts'],
    }),
  );
}, 120_000);
afterAll(() => rmSync(project, { recursive: true, force: true }));

it('tsc passes on a project with both .mts and .cts files using fastify.obs (no TS2717)', async () => {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const res = await new Promise<{ code: number; out: string }>((resolve) => {
    execFile(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project, timeout: 120_000 }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, out: stdout + stderr }));
  });
  expect(res.out).toBe('');
  expect(res.code).toBe(0);
}, 120_000);
