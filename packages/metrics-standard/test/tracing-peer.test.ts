// The tracing entry in a project that does not use tracing (no @opentelemetry/sdk-node installed):
// importing it works, calling startTracing is one coded error with the install command, and its
// declaration files type-check. And with tracing on, a /metrics scrape is not a span by default.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const root = join(pkgDir, '..', '..');
let project: string;

function run(file: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }));
  });
}

beforeAll(() => {
  // Outside the workspace, so that nothing resolves @opentelemetry/sdk-node from the monorepo's
  // node_modules: the built package (as packed: package.json + dist) and only its dependencies.
  project = mkdtempSync(join(tmpdir(), 'obs-no-otel-'));
  const installed = join(project, 'node_modules', '@obs', 'metrics-standard');
  mkdirSync(installed, { recursive: true });
  cpSync(join(pkgDir, 'package.json'), join(installed, 'package.json'));
  cpSync(join(pkgDir, 'dist'), join(installed, 'dist'), { recursive: true });
  for (const dep of ['prom-client', 'pino', '@opentelemetry/api', '@types/node', 'undici-types', 'tdigest', 'bintrees']) {
    const target = join(project, 'node_modules', dep);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(join(root, 'node_modules', dep), target, 'dir');
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'no-otel', private: true, type: 'module' }));
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('@obs/metrics-standard/tracing without the optional peer', () => {
  it.each([
    ['ESM', 'check.mjs', "import { startTracing } from '@obs/metrics-standard/tracing';"],
    ['CommonJS', 'check.cjs', "const { startTracing } = require('@obs/metrics-standard/tracing');"],
  ])('%s: importing works; startTracing() throws OBS_ERR_MISSING_PEER with the install command', async (_kind, file, load) => {
    writeFileSync(
      join(project, file),
      `${load}\ntry { startTracing({ service: 'svc' }); console.log('started'); } catch (err) { console.log(JSON.stringify({ code: err.code, message: err.message })); }\n`,
    );
    const res = await run(process.execPath, ['--preserve-symlinks', file], project);
    expect(res.stderr).toBe('');
    const out = JSON.parse(res.stdout);
    expect(out.code).toBe('OBS_ERR_MISSING_PEER');
    expect(out.message).toContain('npm install @opentelemetry/sdk-node@^0.222');
    expect(out.message).not.toContain('Cannot find module');
  });

  it('its declaration files type-check (skipLibCheck off) in ESM and CommonJS', { timeout: 120_000 }, async () => {
    writeFileSync(join(project, 'types.mts'), "import { startTracing, type Tracing } from '@obs/metrics-standard/tracing';\nexport const t: (s: string) => Tracing = (service) => startTracing({ service });\n");
    writeFileSync(join(project, 'types.cts'), "import tracing = require('@obs/metrics-standard/tracing');\nexport const start = tracing.startTracing;\n");
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, skipLibCheck: false, module: 'node16', moduleResolution: 'node16', types: ['node'], preserveSymlinks: true, target: 'es2022' },
        files: ['types.mts', 'types.cts'],
      }),
    );
    const res = await run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], project);
    expect(res.stdout + res.stderr).toBe('');
    expect(res.code).toBe(0);
  });
});

describe('with tracing on, scrapes are not traced', () => {
  const fixture = join(pkgDir, 'test', 'fixtures', 'tracing-scrape.cjs');
  it.each([
    ['by default', 'default', ['/users/1']],
    ['ignorePaths: false traces them', 'false', ['/metrics', '/users/1']],
    ['ignorePaths: ["/users/1"]', '["/users/1"]', ['/metrics']],
  ])('%s (real HttpInstrumentation, server spans)', async (_name, arg, paths) => {
    const res = await run(process.execPath, [fixture, arg], pkgDir);
    expect(res.stderr).toBe('');
    expect(JSON.parse(res.stdout)).toEqual(paths);
  });
});
