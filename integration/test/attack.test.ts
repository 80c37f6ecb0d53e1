// The attack suite (issue 12): what an attacker or a careless deploy would try, against real
// servers: the Express example as a child process, and real Express 4 / node:http servers in-process.
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createObsExpress } from '@obs/express';
import { createObs, HTTP_METRICS, startMetricsServer } from '@obs/metrics-standard';
import express4 from 'express4';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startProcess } from '../../scripts/lib/procs.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Collect a child's output until `pattern` shows or it exits; resolves the output and the exit code (null while running). */
function watch(cmd: string, args: string[], options: { cwd: string; env: Record<string, string> }, pattern: RegExp) {
  const lines: string[] = [];
  const proc = startProcess(cmd, args, { ...options, log: (line) => lines.push(line) });
  cleanups.push(() => proc.stop());
  return new Promise<{ output: string; code: number | null }>((resolve) => {
    const timer = setInterval(() => {
      if (pattern.test(lines.join('\n'))) finish(null);
    }, 50);
    const finish = (code: number | null) => {
      clearInterval(timer);
      resolve({ output: lines.join('\n'), code });
    };
    void proc.exited.then((exit) => setTimeout(() => finish(exit.code), 100));
  });
}

describe('attack suite', () => {
  it('an unprotected-by-accident start warns with a code; an unset token variable refuses to start', async () => {
    const port = await freePort();
    const env = { PORT: String(port), HOST: '0.0.0.0', METRICS_TOKEN: '' };
    // The Express example serves /metrics on its own port and is given no METRICS_TOKEN.
    const open = await watch('node', ['src/server.js'], { cwd: `${root}/examples/express-api`, env }, /OBS_WARN_METRICS_UNPROTECTED/);
    expect(open.output).toMatch(/OBS_WARN_METRICS_UNPROTECTED: the \/metrics path of @obs\/express/);

    // The common mistake: `token: process.env.METRICS_TOKEN` with the variable unset.
    const script =
      "import { createObs, startMetricsServer } from '@obs/metrics-standard';" +
      "await startMetricsServer(createObs({ service: 'careless' }), { port: 0, token: process.env.METRICS_TOKEN });" +
      "console.log('served');";
    const careless = await watch('node', ['--input-type=module', '-e', script], { cwd: `${root}/examples/node-http`, env: { METRICS_TOKEN: '' } }, /^served$/m);
    expect(careless.code).not.toBe(0);
    expect(careless.output).toMatch(/OBS_ERR_MISSING_TOKEN/);
    expect(careless.output).not.toMatch(/^served$/m);
  });

  it('200 concurrent scrapes run the collectors a bounded number of times', async () => {
    const obs = createObs({ service: 'attacked', onWarning: () => {} });
    cleanups.push(() => obs.shutdown({ timeoutMs: 0 }));
    let collects = 0;
    obs.gauge({ name: 'attack_collect_calls', type: 'gauge', help: 'collect calls', unit: '', labels: ['service'] } as never, {
      collect: () => {
        collects++;
      },
    });
    // An endpoint untrusted clients can reach, configured as docs/security.md says: renders cached
    // for 1 s (the default, 0, keeps every scrape current and shares only renders in flight).
    const server = await startMetricsServer(obs, { port: 0, cacheMs: 1000 });
    const agent = new Agent({ keepAlive: true, maxSockets: 200 });
    cleanups.push(() => agent.destroy());
    const get = () =>
      new Promise<number>((resolve) => {
        const req = request(server.url, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', () => resolve(0));
        req.end();
      });
    const statuses = await Promise.all(Array.from({ length: 200 }, get));
    const answered = statuses.filter((s) => s === 200).length;
    const refused = statuses.filter((s) => s === 503 || s === 0).length;
    expect(answered + refused).toBe(200);
    expect(answered).toBeGreaterThan(0);
    // Renders are shared and cached for 1 s: a handful at most however slow the machine, not 200.
    expect(collects).toBeLessThanOrEqual(10);
  });

  it('a slowloris client is dropped by the header timeout', async () => {
    const obs = createObs({ service: 'attacked', defaultMetrics: false, onWarning: () => {} });
    cleanups.push(() => obs.shutdown({ timeoutMs: 0 }));
    const server = await startMetricsServer(obs, { port: 0, headersTimeoutMs: 500, requestTimeoutMs: 1000 });
    const socket: Socket = connect(server.port, '127.0.0.1');
    cleanups.push(() => socket.destroy());
    await new Promise((r) => socket.once('connect', r));
    socket.on('error', () => {});
    socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\n');
    let sent = 0;
    // The client would go on for a minute: one header line every 100 ms, never the blank line.
    const drip = setInterval(() => {
      if (!socket.destroyed && sent < 600) {
        socket.write(`X-Slow-${sent++}: y\r\n`);
      }
    }, 100);
    cleanups.push(() => clearInterval(drip));
    let answer = '';
    socket.on('data', (d) => {
      answer += d.toString();
    });
    await new Promise((r) => socket.once('close', r));
    clearInterval(drip);
    expect(sent).toBeLessThan(600);
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('a 100 000-URL flood through Express 4 RegExp mounts adds no series', { timeout: 240_000 }, async () => {
    const o = createObsExpress({ service: 'flooded', defaultMetrics: false, metrics: { open: true, cacheMs: 0 }, onWarning: () => {} } as never);
    const app = express4();
    app.use(o.middleware);
    const v = express4.Router();
    v.get('/users/:id', (_req: unknown, res: { send(b: string): void }) => res.send('ok'));
    app.use(/^\/v\d+/, v);
    app.use(/^\/(?:a|b)[a-z]*/i, v);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    cleanups.push(() => o.close(server));
    const port = (server.address() as { port: number }).port;
    const series = async () => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return text.split('\n').filter((l) => l.startsWith(`${HTTP_METRICS.requestsTotal.name}{`));
    };
    // Warm up every route shape once, then count.
    await fetch(`http://127.0.0.1:${port}/v1/users/1`);
    await fetch(`http://127.0.0.1:${port}/abc/users/1`);
    await fetch(`http://127.0.0.1:${port}/nowhere`);
    const before = await series();

    // 100 000 distinct URLs over 8 keep-alive connections, pipelined in batches (cheap for the client).
    const TOTAL = 100_000;
    const CONNECTIONS = 8;
    const BATCH = 250;
    const url = (i: number) => (i % 3 === 0 ? `/v${i}/users/${i}` : i % 3 === 1 ? `/Ab${i.toString(36).replace(/\d/g, 'x')}/users/u${i}` : `/zz${i}/x`);
    let next = 0;
    let answered = 0;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        const socket = connect(port, '127.0.0.1');
        // A reset after the test ended (or timed out) is not an uncaught exception of the run.
        socket.on('error', () => {});
        await new Promise((r) => socket.once('connect', r));
        let buffered = '';
        let waiting: { count: number; resolve: () => void } | undefined;
        socket.on('data', (d) => {
          buffered += d.toString('latin1');
          let at = buffered.indexOf('HTTP/1.1 ');
          let seen = 0;
          while (at !== -1) {
            seen++;
            at = buffered.indexOf('HTTP/1.1 ', at + 9);
          }
          buffered = buffered.slice(buffered.lastIndexOf('HTTP/1.1 ') + 9);
          if (waiting !== undefined) {
            waiting.count -= seen;
            answered += seen;
            if (waiting.count <= 0) waiting.resolve();
          }
        });
        while (next < TOTAL) {
          const from = next;
          next = Math.min(TOTAL, next + BATCH);
          let out = '';
          for (let i = from; i < next; i++) out += `GET ${url(i)} HTTP/1.1\r\nHost: x\r\n\r\n`;
          await new Promise<void>((resolve) => {
            waiting = { count: next - from, resolve };
            socket.write(out);
          });
        }
        socket.destroy();
      }),
    );
    expect(answered).toBe(TOTAL);
    const after = await series();
    const newSeries = after.filter((l) => !before.some((b) => b.split(' ')[0] === l.split(' ')[0]));
    expect(newSeries).toEqual([]);
    expect(after.join('\n')).not.toMatch(/v\d{2,}|zz\d|users\/u\d/);
  });
});
