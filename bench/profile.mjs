#!/usr/bin/env node
// Profile one server variant under load: node --cpu-prof, autocannon on GET /users/<id>, then the
// functions with the most self time (file:line), and the share of time under @obs packages.
//   node bench/profile.mjs <variant> [seconds=8] [--path /metrics]   (variant: a bench/servers/*.mjs name)
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort, startProcess, waitForHttp } from '../scripts/lib/procs.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const [variant = 'express-obs', seconds = '8'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const pathArg = process.argv.indexOf('--path');
const fixedPath = pathArg > 0 ? process.argv[pathArg + 1] : null;
const dir = mkdtempSync(join(tmpdir(), 'obs-prof-'));
const port = await freePort();
const proc = startProcess(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, join(here, 'servers', `${variant}.mjs`)], {
  env: { PORT: String(port), NODE_ENV: 'production', BENCH_PROFILE: '1' },
});
const base = `http://127.0.0.1:${port}`;
await waitForHttp(`${base}/users/1`);
let i = 0;
const load = await new Promise((resolve, reject) =>
  autocannon(
    {
      url: base,
      connections: 50,
      duration: Number(seconds),
      requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: fixedPath ?? `/users/${i++ % 10_000}` }) }],
    },
    (err, res) => (err ? reject(err) : resolve(res)),
  ),
);
await proc.stop('SIGTERM');
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
const prof = JSON.parse(readFileSync(join(dir, file), 'utf8'));

// Self time per node, from the sample time deltas.
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map();
for (let k = 0; k < prof.samples.length; k++) self.set(prof.samples[k], (self.get(prof.samples[k]) ?? 0) + (prof.timeDeltas[k] ?? 0));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const agg = new Map();
let obsSelf = 0;
for (const [id, us] of self) {
  const cf = byId.get(id).callFrame;
  const url = cf.url.replace(/^file:\/\//, '').replace(`${join(here, '..')}/`, '');
  const key = `${cf.functionName || '(anonymous)'} ${url}:${cf.lineNumber + 1}`;
  agg.set(key, (agg.get(key) ?? 0) + us);
  if (url.startsWith('packages/')) obsSelf += us;
}
// Attribution: each sample goes to the nearest frame on its stack that belongs to an owner:
// @obs (packages/), a peer metrics library, the framework or the app (any other node_modules/ or
// bench/ frame). prom-client and Node's own frames are not owners, so their time goes to the code
// that called them: "@obs" is what @obs costs, with the prom-client and Node calls it makes.
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const PEERS = /node_modules\/(fastify-metrics|@promster|express-prom-bundle|url-value-parser)\//;
const NOT_OWNERS = /node_modules\/(prom-client|tdigest|bintrees)\//;
const owners = new Map();
const obsFrames = new Map();
for (const [id, us] of self) {
  if (byId.get(id).callFrame.functionName === '(idle)') continue;
  let owner = 'node (no owner frame)';
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const cf = byId.get(cur).callFrame;
    const url = cf.url;
    if (!url || url.startsWith('node:') || NOT_OWNERS.test(url)) continue;
    if (url.includes('/packages/')) {
      owner = '@obs';
      const k = `${cf.functionName || '(anonymous)'} ${url.replace(/^.*\/packages\//, 'packages/')}:${cf.lineNumber + 1}`;
      obsFrames.set(k, (obsFrames.get(k) ?? 0) + us);
    } else if (PEERS.test(url)) owner = 'peer metrics library';
    else owner = 'framework / app';
    break;
  }
  owners.set(owner, (owners.get(owner) ?? 0) + us);
}
const idle = [...agg].filter(([k]) => k.startsWith('(idle)')).reduce((a, [, v]) => a + v, 0);
const busy = total - idle;
console.log(`profile ${join(dir, file)}: ${(busy / 1e3).toFixed(0)} ms busy; self time in packages/ (@obs): ${((100 * obsSelf) / busy).toFixed(1)}% of busy`);
const n = load.requests.total;
console.log(`${n} requests: ${(busy / n).toFixed(1)} µs busy per request (profiler overhead included); by owner:`);
for (const [k, us] of [...owners].sort((x, y) => y[1] - x[1])) console.log(`${((100 * us) / busy).toFixed(1).padStart(5)}%  ${(us / n).toFixed(1).padStart(6)} µs/req  ${k}`);
console.log('@obs time by the @obs frame it entered through (incl. prom-client/Node calls below it):');
for (const [k, us] of [...obsFrames].sort((x, y) => y[1] - x[1]).slice(0, 12)) console.log(`${((100 * us) / busy).toFixed(1).padStart(5)}%  ${k}`);
console.log('self time, top 25:');
for (const [k, us] of [...agg].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  console.log(`${((100 * us) / busy).toFixed(1).padStart(5)}%  ${k}`);
}
