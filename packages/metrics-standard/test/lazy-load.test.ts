import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// What importing the package loads, in a fresh Node process running the built dist/ (ESM and
// CommonJS) as users do: pino and node:cluster only once something that needs them is called.
const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs `body` after loading the package; prints what is loaded before and after. */
function probe(format: 'esm' | 'cjs', body: string): { before: { pino: boolean; cluster: boolean }; after: { pino: boolean; cluster: boolean; result: unknown } } {
  const load = format === 'esm' ? `const m = await import(${JSON.stringify(join(pkg, 'dist/index.js'))});` : `const m = require(${JSON.stringify(join(pkg, 'dist/index.cjs'))});`;
  const state = `({ pino: Object.keys(require.cache).some((f) => /node_modules[\\\\/]pino[\\\\/]/.test(f)), cluster: process.moduleLoadList.includes('NativeModule cluster') })`;
  const script = `
    const { createRequire } = require('node:module');
    (async () => {
      ${load}
      const before = ${state};
      const result = await (async () => { ${body} })();
      const after = { ...${state}, result };
      process.stdout.write(JSON.stringify({ before, after }));
    })();`;
  const out = execFileSync(process.execPath, ['-e', script], { cwd: pkg, encoding: 'utf8' });
  return JSON.parse(out);
}

describe('importing @obs/metrics-standard', () => {
  for (const format of ['esm', 'cjs'] as const) {
    it(`(${format}) loads neither pino nor node:cluster until they are used`, () => {
      const { before, after } = probe(
        format,
        `const obs = m.createObs({ service: 'lazy' });
         obs.http.start();
         obs.http.finish('GET', '/x', 200, 0.01);
         return (await obs.registry.metrics()).includes('http_requests_total');`,
      );
      expect(before).toEqual({ pino: false, cluster: false });
      expect(after).toEqual({ pino: false, cluster: false, result: true });
    });

    it(`(${format}) loads pino on the first createLogger() and node:cluster on the first cluster call`, () => {
      const { before, after } = probe(
        format,
        `const obs = m.createObs({ service: 'lazy' });
         const lines = [];
         const log = m.createLogger(obs, { destination: { write: (l) => lines.push(JSON.parse(l)) } });
         log.info('hello');
         const worker = m.clusterWorker(obs);
         return { msg: lines[0].msg, service: lines[0].service, worker };`,
      );
      expect(before).toEqual({ pino: false, cluster: false });
      expect(after).toEqual({ pino: true, cluster: true, result: { msg: 'hello', service: 'lazy', worker: false } });
    });
  }
});
