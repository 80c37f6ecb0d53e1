import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// What importing the package loads, in a fresh Node process running the built dist/ (ESM and
// CommonJS) as users do: pino and node:cluster only once something that needs them is called;
// neither prom-client's index (Pushgateway, Summary, cluster) nor @opentelemetry/api (required by
// prom-client's default CPU metric) for a service that records and serves metrics (decision 0092).
const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs `body` after loading the package; prints what is loaded before and after. */
type Loaded = { pino: boolean; cluster: boolean; promIndex: boolean; otel: boolean };
function probe(format: 'esm' | 'cjs', body: string): { before: Loaded; after: Loaded & { result: unknown } } {
  const load = format === 'esm' ? `const m = await import(${JSON.stringify(join(pkg, 'dist/index.js'))});` : `const m = require(${JSON.stringify(join(pkg, 'dist/index.cjs'))});`;
  const loaded = (re: string) => `Object.keys(require.cache).some((f) => ${re}.test(f))`;
  const state = `({ pino: ${loaded(String.raw`/node_modules[\\/]pino[\\/]/`)}, cluster: process.moduleLoadList.includes('NativeModule cluster'), promIndex: ${loaded(String.raw`/node_modules[\\/]prom-client[\\/]index\.js$/`)}, otel: ${loaded(String.raw`/node_modules[\\/]@opentelemetry[\\/]api[\\/]/`)} })`;
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
    it(`(${format}) loads neither pino, node:cluster, prom-client's index nor @opentelemetry/api until they are used`, () => {
      const { before, after } = probe(
        format,
        `const obs = m.createObs({ service: 'lazy' });
         obs.http.start();
         obs.http.finish('GET', '/x', 200, 0.01);
         const text = await obs.registry.metrics();
         return text.includes('http_requests_total') && text.includes('process_cpu_seconds_total') && text.includes('nodejs_eventloop_lag_seconds');`,
      );
      const none = { pino: false, cluster: false, promIndex: false, otel: false };
      expect(before).toEqual(none);
      expect(after).toEqual({ ...none, result: true });
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
      expect(before).toEqual({ pino: false, cluster: false, promIndex: false, otel: false });
      // createLogger reads the active span for trace ids: @opentelemetry/api comes with it.
      expect(after).toEqual({ pino: true, cluster: true, promIndex: false, otel: true, result: { msg: 'hello', service: 'lazy', worker: false } });
    });
  }
});
