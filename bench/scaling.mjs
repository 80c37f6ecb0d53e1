// `node bench/scaling.mjs`: the measurements behind docs/scaling.md, on this machine.
// 1. Active series per service, from the examples: the Fastify API and the BullMQ worker are started,
//    scraped before and after traffic over distinct (route, method, status) and (queue, task,
//    status) combinations; the difference per combination is what one more route or queue costs.
// 2. Prometheus memory per active series: a synthetic target exposes N gauge series, a real
//    Prometheus (Debian 2.42) scrapes it every second; N is stepped up and, after the head settles,
//    prometheus_tsdb_head_series, process_resident_memory_bytes and go_memstats_heap_inuse_bytes are
//    read from Prometheus itself. The slope between steps is the cost of one active series.
// Writes bench/results/scaling.json and prints a summary.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, startProcess, startRedis, waitForHttp } from '../scripts/lib/procs.mjs';
import { tool } from '../scripts/lib/tools.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const HOST = '127.0.0.1';
const run = promisify(execFile);
const procs = [];
const dir = mkdtempSync(join(tmpdir(), 'obs-scaling-'));

/** Series of an exposition, by metric family (name without _bucket/_sum/_count). */
async function series(url) {
  const text = await (await fetch(url)).text();
  const byFamily = {};
  let total = 0;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const name = line.split(/[{ ]/)[0].replace(/_(bucket|sum|count)$/, '');
    byFamily[name] = (byFamily[name] ?? 0) + 1;
    total++;
  }
  return { total, byFamily };
}

function delta(before, after) {
  const out = {};
  for (const [k, v] of Object.entries(after.byFamily)) if (v !== (before.byFamily[k] ?? 0)) out[k] = v - (before.byFamily[k] ?? 0);
  return out;
}

async function measureHttp() {
  const port = await freePort();
  const p = startProcess('node', ['src/server.js'], { cwd: join(root, 'examples/fastify-api'), env: { HOST, PORT: String(port), SERVICE_NAME: 'checkout-api', NODE_ENV: 'bench' } });
  procs.push(p);
  const base = `http://${HOST}:${port}`;
  await waitForHttp(`${base}/healthz`);
  const before = await series(`${base}/metrics`);
  // Six distinct (route template, method, status) combinations: five routes and the unmatched one.
  const combos = [
    ['GET', '/users/1'],
    ['POST', '/orders'],
    ['GET', '/api/v1/items/1'],
    ['GET', '/error'],
    ['GET', '/slow?ms=1'],
    ['GET', '/no/such/route'],
  ];
  for (const [method, path] of combos) {
    const res = await fetch(base + path, { method, ...(method === 'POST' && { body: '{"items":[1]}', headers: { 'content-type': 'application/json' } }) });
    await res.arrayBuffer();
  }
  // The same combinations again: no new series.
  for (const [method, path] of combos) await (await fetch(base + path, { method, ...(method === 'POST' && { body: '{"items":[2]}', headers: { 'content-type': 'application/json' } }) })).arrayBuffer();
  const after = await series(`${base}/metrics`);
  await p.stop();
  return { base: before.total, baseFamilies: before.byFamily, combos: combos.length, after: after.total, added: delta(before, after) };
}

async function measureWorker() {
  const redis = await startRedis({});
  procs.push(redis);
  const port = await freePort();
  const p = startProcess('node', ['src/worker.js'], { cwd: join(root, 'examples/worker'), env: { HOST, METRICS_PORT: String(port), REDIS_URL: redis.url, SERVICE_NAME: 'worker', NODE_ENV: 'bench' } });
  procs.push(p);
  const url = `http://${HOST}:${port}/metrics`;
  await waitForHttp(url);
  const before = await series(url);
  await run('node', ['src/produce.js', '--count', '10', '--failures', 'fifth'], { cwd: join(root, 'examples/worker'), env: { ...process.env, REDIS_URL: redis.url } });
  await sleep(1500);
  const after = await series(url);
  await p.stop();
  await redis.stop();
  // One queue, one task name, two statuses (success, failure).
  return { base: before.total, baseFamilies: before.byFamily, combos: 2, after: after.total, added: delta(before, after) };
}

async function measurePrometheus(steps, settleMs) {
  let n = 0;
  const lines = [];
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(lines.slice(0, n).join(''));
  });
  const targetPort = await freePort();
  server.listen(targetPort, HOST);
  const max = Math.max(...steps);
  lines.push('# TYPE synthetic_series gauge\n');
  for (let i = 0; i < max; i++) lines.push(`synthetic_series{service="svc-${i % 1000}",route="/r/${Math.floor(i / 1000)}",i="${i}"} ${i % 97}\n`);
  const promPort = await freePort();
  const cfg = join(dir, 'prometheus.yml');
  writeFileSync(
    cfg,
    JSON.stringify({
      global: { scrape_interval: '1s', scrape_timeout: '1s' },
      scrape_configs: [
        { job_name: 'prometheus', static_configs: [{ targets: [`${HOST}:${promPort}`] }] },
        { job_name: 'synthetic', static_configs: [{ targets: [`${HOST}:${targetPort}`] }] },
      ],
    }),
  );
  const prom = startProcess(tool('prometheus'), [`--config.file=${cfg}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=${HOST}:${promPort}`]);
  procs.push(prom);
  const api = `http://${HOST}:${promPort}`;
  await waitForHttp(`${api}/-/ready`);
  const q = async (expr) => Number((await (await fetch(`${api}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()).data.result[0]?.value[1] ?? Number.NaN);
  const out = [];
  for (const step of steps) {
    n = step + 1; // + the TYPE line
    await sleep(settleMs);
    const point = {
      synthetic: step,
      headSeries: await q('prometheus_tsdb_head_series'),
      rssBytes: await q('process_resident_memory_bytes{job="prometheus"}'),
      heapInuseBytes: await q('go_memstats_heap_inuse_bytes{job="prometheus"}'),
    };
    out.push(point);
    console.log(`prometheus: ${JSON.stringify(point)}`);
  }
  await prom.stop();
  server.close();
  const slope = (key) => {
    const a = out[0];
    const b = out.at(-1);
    return (b[key] - a[key]) / (b.headSeries - a.headSeries);
  };
  return { points: out, bytesPerSeries: { rss: Math.round(slope('rssBytes')), heapInuse: Math.round(slope('heapInuseBytes')) }, settleMs };
}

try {
  const http = await measureHttp();
  console.log(`http: base ${http.base} series, +${http.after - http.base} for ${http.combos} (route, method, status) combinations`, http.added);
  const worker = await measureWorker();
  console.log(`worker: base ${worker.base} series, +${worker.after - worker.base} for ${worker.combos} (queue, task, status) combinations`, worker.added);
  const prometheus = await measurePrometheus([0, 50_000, 100_000, 200_000], Number(process.env.SETTLE_MS ?? 45_000));
  console.log(`prometheus: ${JSON.stringify(prometheus.bytesPerSeries)} bytes per active series`);
  const out = join(root, 'bench/results/scaling.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ measuredAt: new Date().toISOString(), http, worker, prometheus }, null, 2)}\n`);
  console.log(`wrote ${out}`);
} finally {
  await Promise.all(procs.map((p) => p.stop().catch(() => {})));
  rmSync(dir, { recursive: true, force: true });
}
