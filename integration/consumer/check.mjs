// Runs INSIDE the throwaway consumer project that integration/smoke.mjs creates, under each Node
// version being tested. Only Node built-ins and what `npm install` put in ./node_modules are used:
// if a check passes here, it passes for a user who ran `npm i @obs/<pkg>`.
//
// Prints one line per check (`ok`, `skip`, `FAIL`) and exits 1 when any check failed.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const require = createRequire(import.meta.url);
const here = new URL('.', import.meta.url).pathname;
const failures = [];
const skips = [];

const ok = (msg) => console.log(`ok    ${msg}`);
const skip = (msg) => {
  skips.push(msg);
  console.log(`skip  ${msg}`);
};
const fail = (msg) => {
  failures.push(msg);
  console.log(`FAIL  ${msg}`);
};
async function step(name, fn) {
  try {
    const result = await fn();
    if (result !== 'skipped') ok(name);
  } catch (err) {
    fail(`${name}: ${err?.stack ?? err}`);
  }
}
function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

const manifest = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
/** The @obs packages this project installed from tarballs, with their installed package.json. */
const obsPackages = Object.keys(manifest.dependencies)
  .filter((n) => n.startsWith('@obs/'))
  .map((name) => ({ name, pkg: JSON.parse(readFileSync(join(here, 'node_modules', name, 'package.json'), 'utf8')) }));
const has = (name) => obsPackages.some((p) => p.name === name);

/** Every importable subpath of the exports map (`.`, `./bullmq`, …), minus `./package.json`. */
function subpaths(pkg) {
  const exp = pkg.exports;
  if (exp === undefined || typeof exp === 'string' || !Object.keys(exp).some((k) => k.startsWith('.'))) return ['.'];
  return Object.keys(exp).filter((k) => k !== './package.json' && !k.includes('*'));
}

// Main exports each package must have (what its README's smallest usage calls).
const EXPECTED = {
  '@obs/metrics-standard': ['createObs', 'CONTRACT', 'CONTRACT_VERSION', 'CONTRACT_METRICS', 'ObsError', 'ERROR_CODES'],
  '@obs/fastify': ['obsFastify', 'default'],
  '@obs/express': ['createObsExpress'],
  '@obs/worker': ['createWorkerMetrics'],
};

// ---------------------------------------------------------------------------------- import / require
const loaded = {};
for (const { name, pkg } of obsPackages) {
  for (const sub of subpaths(pkg)) {
    const spec = sub === '.' ? name : `${name}/${sub.slice(2)}`;
    await step(`import + require ${spec}`, async () => {
      const esm = await import(spec);
      const cjs = require(spec);
      const esmKeys = Object.keys(esm).filter((k) => k !== 'default' && k !== 'module.exports');
      const cjsKeys = Object.keys(cjs).filter((k) => k !== 'default' && k !== '__esModule');
      assert(esmKeys.length > 0 || 'default' in esm, `${spec} exports nothing at runtime (still a placeholder?)`);
      const onlyEsm = esmKeys.filter((k) => !cjsKeys.includes(k));
      const onlyCjs = cjsKeys.filter((k) => !esmKeys.includes(k));
      assert(
        onlyEsm.length === 0 && onlyCjs.length === 0,
        `ESM and CJS builds differ: only ESM [${onlyEsm}], only CJS [${onlyCjs}]`,
      );
      if (sub === '.') {
        const missing = (EXPECTED[name] ?? []).filter((k) => !(k in esm) || (k !== 'default' && !(k in cjs)));
        assert(missing.length === 0, `missing main exports: ${missing.join(', ')}`);
        loaded[name] = esm;
      }
    });
  }
}

// ---------------------------------------------------------------------------------- helpers
const core = loaded['@obs/metrics-standard'];

/** Parse Prometheus text exposition into [{ name, labels, value }]. */
function parseSamples(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}
const sum = (samples, name, match = {}) =>
  samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((a, s) => a + s.value, 0);

async function get(url, init) {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

function run(file, args, { timeoutMs = 30_000 } = {}) {
  return new Promise((resolve) => {
    execFile(process.execPath, [file, ...args], { cwd: here, timeout: timeoutMs }, (err, stdout, stderr) => {
      resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The installed bin `name` (path of its script), or undefined when no installed package declares it. */
function installedBin(name) {
  for (const { name: pkgName, pkg } of obsPackages) {
    const bin = typeof pkg.bin === 'string' ? { [pkgName.split('/')[1]]: pkg.bin } : (pkg.bin ?? {});
    if (bin[name]) {
      assert(existsSync(join(here, 'node_modules', '.bin', name)), `npm did not link node_modules/.bin/${name}`);
      return join(here, 'node_modules', pkgName, bin[name]);
    }
  }
  return undefined;
}

/** Scrape `url` and run the installed `obs-contract check` against it (when the bin exists). */
async function checkEndpoint(label, url, expect) {
  const scraped = await get(url);
  assert(scraped.status === 200, `${label}: GET ${url} answered ${scraped.status}`);
  assert(scraped.type.startsWith('text/plain'), `${label}: content-type ${scraped.type}`);
  const samples = parseSamples(scraped.body);
  expect(samples, scraped.body);
  const bin = installedBin('obs-contract');
  if (!bin) {
    skip(`${label}: obs-contract check (no installed package has the obs-contract bin yet)`);
    return;
  }
  const res = await run(bin, ['check', url]);
  assert(res.code === 0, `${label}: obs-contract check exited ${res.code}\n${res.stdout}${res.stderr}`);
  ok(`${label}: installed obs-contract check ${url} → exit 0`);
}

function httpExpectations(service, template, n) {
  const { requestsTotal, requestDuration } = core.HTTP_METRICS;
  return (samples) => {
    const up = samples.find((s) => s.name === core.SERVICE_METRICS.up.name);
    assert(up?.labels.service === service && up.value === 1, `${core.SERVICE_METRICS.up.name}{service="${service}"} 1 missing`);
    const count = sum(samples, requestsTotal.name, { path: template });
    assert(count === n, `${requestsTotal.name}{path="${template}"} sums to ${count}, expected ${n}`);
    const hist = sum(samples, `${requestDuration.name}_count`, { path: template });
    assert(hist === n, `${requestDuration.name}_count{path="${template}"} is ${hist}, expected ${n}`);
  };
}

// ---------------------------------------------------------------------------------- node:http + core
if (core) {
  await step('node:http service with @obs/metrics-standard: /metrics speaks the contract', async () => {
    const obs = core.createObs({ service: 'smoke-http' });
    const metrics = core.createMetricsHandler?.(obs);
    assert(metrics, 'createMetricsHandler is not exported by @obs/metrics-standard');
    const server = createServer((req, res) => {
      if (req.url === '/metrics') return metrics(req, res);
      const started = process.hrtime.bigint();
      obs.http.start();
      res.end('hi');
      obs.http.finish(req.method, '/users/:id', 200, Number(process.hrtime.bigint() - started) / 1e9);
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${server.address().port}`;
    try {
      for (let i = 0; i < 3; i++) await get(`${base}/users/${i}`);
      await checkEndpoint('node:http', `${base}/metrics`, httpExpectations('smoke-http', '/users/:id', 3));
    } finally {
      await obs.shutdown({ timeoutMs: 1000 });
      await new Promise((r) => server.close(r));
    }
  });
}

// ---------------------------------------------------------------------------------- Fastify
if (loaded['@obs/fastify'] && core) {
  await step('Fastify 5 app with @obs/fastify: /metrics speaks the contract', async () => {
    const { default: Fastify } = await import('fastify');
    const app = Fastify();
    await app.register(loaded['@obs/fastify'].obsFastify, { service: 'smoke-fastify' });
    app.get('/users/:id', async (req) => ({ id: req.params.id }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${app.server.address().port}`;
    try {
      for (let i = 0; i < 4; i++) await get(`${base}/users/${i}`);
      await get(`${base}/no/such/route/1`);
      await checkEndpoint('fastify', `${base}/metrics`, (samples, text) => {
        httpExpectations('smoke-fastify', '/users/:id', 4)(samples);
        assert(!text.includes('/no/such/route/1'), 'an unmatched raw URL reached the metrics');
        const unmatched = sum(samples, core.HTTP_METRICS.requestsTotal.name, { path: core.UNMATCHED_PATH });
        assert(unmatched === 1, `unmatched requests counted ${unmatched}, expected 1`);
      });
    } finally {
      await app.close();
    }
  });
} else if (has('@obs/fastify')) skip('Fastify app (the @obs/fastify import failed above)');

// ---------------------------------------------------------------------------------- Express
if (loaded['@obs/express'] && core) {
  await step('Express 5 app with @obs/express: /metrics speaks the contract', async () => {
    const { default: express } = await import('express');
    const o = loaded['@obs/express'].createObsExpress({ service: 'smoke-express' });
    const app = express();
    app.use(o.middleware);
    if (typeof o.metricsHandler === 'function') app.get('/metrics', o.metricsHandler);
    const router = express.Router();
    router.get('/items/:itemId', (req, res) => res.json({ id: req.params.itemId }));
    app.use('/api', router);
    app.use(o.errorHandler);
    const server = await new Promise((r) => {
      const s = app.listen(0, '127.0.0.1', () => r(s));
    });
    const base = `http://127.0.0.1:${server.address().port}`;
    try {
      for (let i = 0; i < 2; i++) await get(`${base}/api/items/${i}`);
      await checkEndpoint('express', `${base}/metrics`, httpExpectations('smoke-express', '/api/items/:itemId', 2));
    } finally {
      if (typeof o.close === 'function') await o.close(server);
      else await new Promise((r) => server.close(r));
    }
  });
} else if (has('@obs/express')) skip('Express app (the @obs/express import failed above)');

// ---------------------------------------------------------------------------------- worker
if (loaded['@obs/worker'] && core) {
  await step('worker with @obs/worker: tracked tasks on its metrics server', async () => {
    const wm = loaded['@obs/worker'].createWorkerMetrics({ service: 'smoke-worker' });
    const { tasksTotal } = core.WORKER_METRICS;
    for (let i = 0; i < 3; i++) await wm.track({ queue: 'emails', task: 'send' }, async () => i);
    await wm
      .track({ queue: 'emails', task: 'send' }, async () => {
        throw new Error('boom');
      })
      .catch(() => {});
    const server = await wm.serve({ host: '127.0.0.1', port: 0 });
    try {
      const { body, status } = await get(server.url);
      assert(status === 200, `worker metrics answered ${status}`);
      const samples = parseSamples(body);
      const total = sum(samples, tasksTotal.name, { queue: 'emails' });
      assert(total === 4, `${tasksTotal.name}{queue="emails"} sums to ${total}, expected 4`);
    } finally {
      await wm.shutdown({ timeoutMs: 1000 });
    }
  });
}

// ---------------------------------------------------------------------------------- dashboards CLI
if (has('@obs/dashboards')) {
  await step('installed obs-dashboards generate --out <tmp>: JSON and YAML parse', async () => {
    const bin = installedBin('obs-dashboards');
    if (!bin) {
      fail('@obs/dashboards declares no obs-dashboards bin');
      return 'skipped';
    }
    const out = mkdtempSync(join(tmpdir(), 'obs-smoke-dashboards-'));
    try {
      const res = await run(bin, ['generate', '--out', out]);
      assert(res.code === 0, `obs-dashboards generate exited ${res.code}\n${res.stdout}${res.stderr}`);
      const files = walk(out).map((f) => relative(out, f));
      const { parseAllDocuments } = await import('yaml');
      let json = 0;
      let yml = 0;
      for (const f of files) {
        const text = readFileSync(join(out, f), 'utf8');
        if (f.endsWith('.json')) {
          JSON.parse(text);
          json++;
        } else if (/\.ya?ml$/.test(f)) {
          const errors = parseAllDocuments(text).flatMap((d) => d.errors ?? []);
          assert(errors.length === 0, `${f} is not valid YAML: ${errors[0]?.message}`);
          yml++;
        }
      }
      for (const dir of ['grafana/dashboards', 'prometheus/rules', 'alertmanager']) {
        assert(
          files.some((f) => f.startsWith(`${dir}/`)),
          `no ${dir}/ in the output (got: ${files.slice(0, 10).join(', ')})`,
        );
      }
      ok(`obs-dashboards generate wrote ${files.length} files (${json} JSON, ${yml} YAML), all parse`);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
}

function walk(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

// ---------------------------------------------------------------------------------- summary
console.log(
  `\n${process.version}: ${failures.length} failed, ${skips.length} skipped (${obsPackages.map((p) => p.name).join(', ')})`,
);
process.exit(failures.length > 0 ? 1 : 0);
