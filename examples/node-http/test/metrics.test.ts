import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CONTRACT, type MetricDefinition, SERVICE_METRICS } from '@obs/metrics-standard';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startProcess, waitForHttp } from '../../../scripts/lib/procs.mjs';
import { tool } from '../../../scripts/lib/tools.mjs';
import { buildPackages } from '../../../test-utils/build.mjs';

const dir = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'node-http-example-token-42';

/** The series a plain HTTP service must expose: HTTP, service, resources and runtime, minus the conditional ones. */
const EXPECTED: MetricDefinition[] = [CONTRACT.http, CONTRACT.service, CONTRACT.resources, CONTRACT.runtime]
  .flatMap((group) => Object.values(group) as MetricDefinition[])
  .filter((d) => !d.optional);

function samples(text: string, def: MetricDefinition): string[] {
  const names = def.type === 'histogram' ? [`${def.name}_bucket`, `${def.name}_sum`, `${def.name}_count`] : [def.name];
  return text.split('\n').filter((l) => names.some((n) => l.startsWith(`${n}{`) || l.startsWith(`${n} `)));
}

describe('examples/node-http (child process, built package)', () => {
  let proc: { stop(): Promise<unknown> } | undefined;
  let base = '';
  const auth = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    buildPackages('@obs/metrics-standard');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    proc = startProcess('node', ['src/server.js'], { cwd: dir, env: { PORT: String(port), HOST: '127.0.0.1', METRICS_TOKEN: TOKEN } });
    await waitForHttp(`${base}/users/1`);
    for (const [method, path] of [
      ['GET', '/users/1'],
      ['GET', '/users/2'],
      ['POST', '/orders'],
      ['GET', '/error'],
      ['GET', '/nowhere'],
    ]) {
      await fetch(`${base}${path}`, { method });
    }
  });
  afterAll(async () => {
    await proc?.stop();
  });

  it('guards /metrics with the bearer token from METRICS_TOKEN', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: auth })).status).toBe(200);
  });

  it('exposes every contract series with the right TYPE line, and promtool finds no parse error', async () => {
    const res = await fetch(`${base}/metrics`, { headers: auth });
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    const missing: string[] = [];
    for (const def of EXPECTED) {
      if (!text.includes(`\n# TYPE ${def.name} ${def.type}\n`)) missing.push(`# TYPE ${def.name} ${def.type}`);
      // GC durations only exist once the runtime has collected garbage; every other series has a sample now.
      if (def !== CONTRACT.runtime.gcDuration && samples(text, def).length === 0) missing.push(`samples of ${def.name}`);
    }
    expect(missing).toEqual([]);
    expect(text).toContain(`${SERVICE_METRICS.errorsTotal.name}{type="error",service="node-http"} 1`);
    const promtool = spawnSync(tool('promtool'), ['check', 'metrics'], { input: text, encoding: 'utf8' });
    // 0: clean, 3: lint hints only (e.g. naming advice); 1 would be a parse error.
    expect([0, 3], `promtool: ${promtool.stdout}${promtool.stderr}`).toContain(promtool.status);
  });

  it('serves OpenMetrics to a scraper that asks for it, and promtool parses that too', async () => {
    const res = await fetch(`${base}/metrics`, { headers: { ...auth, accept: 'application/openmetrics-text; version=1.0.0' } });
    expect(res.headers.get('content-type')).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    const text = await res.text();
    expect(text.endsWith('# EOF\n')).toBe(true);
    expect(text).toContain('# TYPE http_requests counter');
    const promtool = spawnSync(tool('promtool'), ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect([0, 3], `promtool: ${promtool.stdout}${promtool.stderr}`).toContain(promtool.status);
  });
});
