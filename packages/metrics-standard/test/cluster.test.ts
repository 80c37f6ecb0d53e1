import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startProcess } from '../../../scripts/lib/procs.mjs';
import { sum } from '../../../test-utils/prom-text.mjs';
import { HTTP_METRICS, SERVICE_METRICS } from '../src/index.js';

const fixture = fileURLToPath(new URL('./fixtures/cluster-app.mjs', import.meta.url));
const stops: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  await Promise.all(stops.map((s) => s()));
});

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${res.statusCode}: ${body}`))));
    })
      .on('error', reject)
      .end();
  });
}

describe('cluster aggregation', () => {
  it('sums http_requests_total exactly across 2 workers', async () => {
    const appPort: number = await freePort();
    const output: string[] = [];
    let ready: (v: { metricsUrl: string }) => void = () => {};
    const started = new Promise<{ metricsUrl: string }>((r) => {
      ready = r;
    });
    const proc = startProcess('node', [fixture], {
      env: { APP_PORT: String(appPort), WORKERS: '2' },
      log: (line: string) => {
        output.push(line);
        if (line.startsWith('{"appPort"')) ready(JSON.parse(line));
      },
    });
    stops.push(() => proc.stop());
    const { metricsUrl } = await Promise.race([
      started,
      proc.exited.then(() => {
        throw new Error(`the cluster exited early:\n${output.join('\n')}`);
      }),
    ]);

    const N = 60;
    const pids = new Set<string>();
    for (let i = 0; i < N; i += 6) {
      const batch = await Promise.all(Array.from({ length: 6 }, () => get(`http://127.0.0.1:${appPort}/hello`)));
      for (const pid of batch) pids.add(pid);
    }
    expect(pids.size).toBe(2);

    const text = await get(metricsUrl);
    expect(text).toContain(`# TYPE ${HTTP_METRICS.requestsTotal.name} counter`);
    expect(sum(text, HTTP_METRICS.requestsTotal.name)).toBe(N);
    expect(sum(text, `${HTTP_METRICS.requestDuration.name}_count`)).toBe(N);
    // Gauges combine by their definition's aggregator: service_up takes the minimum (1), not the sum (2).
    expect(text).toContain(`${SERVICE_METRICS.up.name}{service="cluster-app"} 1`);
  }, 20_000);
});
