#!/usr/bin/env node
// `npm run demo`: start every example service, send each some traffic, print what each exposes on
// /metrics, then keep serving until Ctrl-C. With `--once` (or CI=true) exit 0 after the summary.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startProcess, startRedis, waitForHttp } from './lib/procs.mjs';
import { ensureTools, SUITES, ToolError } from './lib/tools.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const once = process.argv.includes('--once') || process.env.CI === 'true' || process.env.CI === '1';
const verbose = process.argv.includes('--verbose');


async function get(url, init) {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 'error';
  }
}

async function httpTraffic(base) {
  const jobs = [];
  for (let i = 0; i < 20; i++) jobs.push(get(`${base}/users/${i}`));
  for (let i = 0; i < 5; i++) jobs.push(get(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sku":"x"}' }));
  for (let i = 0; i < 5; i++) jobs.push(get(`${base}/api/v1/items/${i}`));
  for (let i = 0; i < 3; i++) jobs.push(get(`${base}/error`));
  for (let i = 0; i < 5; i++) jobs.push(get(`${base}/no/such/page/${i}`));
  jobs.push(get(`${base}/slow?ms=50`), get(`${base}/healthz`));
  await Promise.all(jobs);
}

/** The example services; an entry whose folder does not exist yet is skipped. */
const EXAMPLES = [
  { name: 'node-http', dir: 'examples/node-http', portEnv: 'PORT', traffic: httpTraffic },
  { name: 'fastify-api', dir: 'examples/fastify-api', portEnv: 'PORT', traffic: httpTraffic },
  { name: 'express-api', dir: 'examples/express-api', portEnv: 'PORT', traffic: httpTraffic },
  {
    name: 'worker',
    dir: 'examples/worker',
    portEnv: 'METRICS_PORT',
    needsRedis: true,
    traffic: async (_base, env) => {
      execFileSync('npm', ['run', 'produce', '-w', 'examples/worker', '--', '--count', '25'], { cwd: root, env: { ...process.env, ...env }, stdio: verbose ? 'inherit' : 'ignore' });
      await new Promise((r) => setTimeout(r, 1500));
    },
  },
];

/** The contract metrics of a /metrics body: name → number of series. */
function summarize(text) {
  const counts = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const name = line.match(/^[a-zA-Z_:][a-zA-Z0-9_:]*/)?.[0];
    if (!name || !/^(http_|service_|worker_)/.test(name)) continue;
    const base = name.replace(/_(bucket|sum|count)$/, '');
    counts.set(base, (counts.get(base) ?? 0) + (/_(bucket|sum)$/.test(name) ? 0 : 1));
  }
  return counts;
}

function pick(text, prefix) {
  return text.split('\n').filter((l) => l.startsWith(prefix));
}

const running = [];
let redis;
async function stopAll() {
  await Promise.all(running.map((r) => r.proc.stop()));
  if (redis) await redis.stop();
}

try {
  const available = EXAMPLES.filter((e) => existsSync(join(root, e.dir, 'package.json')));
  if (available.some((e) => e.needsRedis)) {
    // The worker needs a real redis-server: the resolver finds or fetches it, or says how to get it.
    try {
      ensureTools(SUITES.demo);
    } catch (err) {
      if (!(err instanceof ToolError)) throw err;
      console.error(err.message);
      process.exit(1);
    }
    redis = await startRedis();
  }
  for (const ex of available) {
    const port = await freePort();
    const env = { HOST: '127.0.0.1', [ex.portEnv]: String(port), ...(redis ? { REDIS_URL: redis.url } : {}) };
    const proc = startProcess('npm', ['start', '--silent', '-w', ex.dir], {
      cwd: root,
      env,
      log: (line) => verbose && console.log(`[${ex.name}] ${line}`),
    });
    running.push({ ex, proc, port, env, base: `http://127.0.0.1:${port}` });
  }
  for (const r of running) await waitForHttp(`${r.base}/metrics`, { timeoutMs: 30_000 });
  await Promise.all(running.map((r) => r.ex.traffic(r.base, r.env)));

  console.log('\n@obs demo: every example speaks the same contract\n');
  for (const r of running) {
    const text = await (await fetch(`${r.base}/metrics`)).text();
    const counts = summarize(text);
    console.log(`${r.ex.name}  ${r.base}/metrics`);
    for (const [name, n] of [...counts].sort()) console.log(`  ${name.padEnd(34)} ${n} series`);
    for (const line of pick(text, 'http_requests_total{').slice(0, 6)) console.log(`    ${line}`);
    for (const line of pick(text, 'worker_tasks_total{').slice(0, 4)) console.log(`    ${line}`);
    console.log('');
  }
  if (once) {
    await stopAll();
    console.log('demo: done (--once)');
    process.exit(0);
  }
  console.log('Serving until Ctrl-C. Try: curl', running.map((r) => `${r.base}/metrics`).join('  '));
  const shutdown = async () => {
    await stopAll();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (err) {
  console.error('demo failed:', err);
  await stopAll();
  process.exit(1);
}
