#!/usr/bin/env node
// The @obs benchmark: @obs/fastify and @obs/express against the bare frameworks and the peers.
//
//   node bench/run.mjs            full mode (~10 min), writes bench/results/latest.json
//   node bench/run.mjs --quick    smoke check (~1 min), writes bench/results/quick.json
//   options: --out <file>  --only <variant,variant>  --no-flood  --no-throughput
//
// The *-obs-logs and *-obs-tracing variants are @obs with one log line per request and with
// OpenTelemetry tracing + exemplars; they run in the throughput rounds next to the metrics-only
// @obs variant (not in the flood). The tracing variants export OTLP http/json to bench/otlp-sink.mjs,
// its own process started here (its CPU is not the server's); the run fails if the sink did not
// receive a span for (nearly) every request they answered.
//
// Every server variant is its own child process (bench/servers/<variant>.mjs) on 127.0.0.1 with a
// free port. Throughput: all variants stay up, idle, and are loaded one at a time in interleaved
// rounds (A B C D … A B C D …, the order rotated each round) so machine noise hits all alike.
// Server CPU is read from /proc/<pid>/task/*/schedstat (ns, every thread of the server) before
// and after each round; per-request CPU = CPU delta / requests answered in the round.
// Flood: one variant at a time, fresh process; distinct unmatched paths, then series count,
// scrape time (median of several) and RSS growth. 50-route: scrape time of a 50-route @obs app.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort, startProcess, waitForHttp } from '../scripts/lib/procs.mjs';
import { median } from './stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = flag('--quick');
if (process.platform !== 'linux') throw new Error('bench/run.mjs reads /proc: it runs on Linux only');

export const VARIANTS = [
  { name: 'fastify-bare', framework: 'fastify', label: 'Fastify (bare)', bare: true },
  { name: 'fastify-obs', framework: 'fastify', label: '@obs/fastify', obs: true },
  // @obs with more than metrics, next to metrics-only @obs in the rotation (paired per round with it).
  { name: 'fastify-obs-logs', framework: 'fastify', label: "@obs/fastify + logRequests: 'info'", extra: 'logs', base: 'fastify-obs' },
  { name: 'fastify-obs-tracing', framework: 'fastify', label: '@obs/fastify + tracing & exemplars', extra: 'tracing', base: 'fastify-obs' },
  { name: 'fastify-metrics', framework: 'fastify', label: 'fastify-metrics 13' },
  { name: 'fastify-promster', framework: 'fastify', label: '@promster/fastify 15' },
  { name: 'express-bare', framework: 'express', label: 'Express 5 (bare)', bare: true },
  { name: 'express-noop', framework: 'express', label: 'Express 5 + a no-op middleware (reference)', reference: true },
  { name: 'express-obs', framework: 'express', label: '@obs/express', obs: true },
  { name: 'express-obs-logs', framework: 'express', label: "@obs/express + logRequests: 'info'", extra: 'logs', base: 'express-obs' },
  { name: 'express-obs-tracing', framework: 'express', label: '@obs/express + tracing & exemplars', extra: 'tracing', base: 'express-obs' },
  { name: 'express-prom-bundle', framework: 'express', label: 'express-prom-bundle 8' },
  { name: 'express-promster', framework: 'express', label: '@promster/express 14' },
];

/** The OTEL_* environment of the tracing variants: OTLP http/json to the sink, every request sampled. */
const tracingEnv = (sinkBase) => ({
  OTEL_TRACES_EXPORTER: 'otlp',
  OTEL_EXPORTER_OTLP_ENDPOINT: sinkBase,
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  OTEL_TRACES_SAMPLER: 'always_on',
});
/** A tracing variant fails the run when the sink received spans for fewer than this share of its answered requests. */
const MIN_SPAN_SHARE = 0.9;

const SETTINGS = quick
  ? { mode: 'quick', connections: 50, roundSeconds: 1, rounds: 3, warmupSeconds: 1, rewarmSeconds: 0.3, floods: [2_000, 5_000], scrapes: 3, fiftyRouteScrapes: 5 }
  : { mode: 'full', connections: 50, roundSeconds: 3, rounds: 8, warmupSeconds: 3, rewarmSeconds: 0.5, floods: [20_000, 100_000], scrapes: 5, fiftyRouteScrapes: 20 };

const only = value('--only')?.split(',');
// --rate N: a fixed request rate instead of as fast as the server answers (CPU per request at equal load).
const rate = value('--rate') ? Number(value('--rate')) : 0;
const variants = only ? VARIANTS.filter((v) => only.includes(v.name)) : VARIANTS;
const out = value('--out') ?? join(here, 'results', quick ? 'quick.json' : 'latest.json');

const log = (...m) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...m);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------- measurement helpers ----------

/** CPU time (ns) of every thread of `pid` so far, from schedstat (sum_exec_runtime). */
function cpuNs(pid) {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // a thread that ended between readdir and read
    }
  }
  return total;
}

/** utime+stime of the process in µs (clock ticks, 10 ms resolution): a cross-check of cpuNs. */
function cpuTicksUs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const tck = 100; // getconf CLK_TCK on Linux x86-64
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / tck;
}

/** Resident set size of `pid` in bytes. */
function rssBytes(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]) * 1024;
}

const loadSamples = [];
function sampleLoad() {
  loadSamples.push(Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]));
}

function cannon(opts) {
  return new Promise((resolve, reject) => {
    const inst = autocannon({ connections: SETTINGS.connections, pipelining: 1, ...opts }, (err, res) =>
      err ? reject(err) : resolve(res),
    );
    inst.on('error', () => {});
  });
}

/** Load GET /users/<varying id> for `seconds`. */
function loadUsers(url, seconds) {
  let i = 0;
  return cannon({
    url,
    duration: seconds,
    ...(rate ? { overallRate: rate } : {}),
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({ ...req, path: `/users/${i++ % 10_000}` }),
      },
    ],
  });
}

const WORDS = (
  'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa ' +
  'quebec romeo sierra tango uniform victor whiskey xray yankee zulu apple banana cherry damson ' +
  'elder fig grape hazel iris juniper kale lemon mango nectar olive peach quince radish spinach ' +
  'thyme ugli vanilla walnut yarrow'
).split(' ');

/** The n-th flood path: even n numeric (/x/<n>), odd n word-like (/blog/<three-word-slug>). */
export function floodPath(n) {
  if (n % 2 === 0) return `/x/${100_000 + n}`;
  const k = (n - 1) / 2;
  const w = WORDS.length;
  return `/blog/${WORDS[k % w]}-${WORDS[Math.floor(k / w) % w]}-${WORDS[Math.floor(k / (w * w)) % w]}`;
}

async function flood(url, from, to) {
  let n = from;
  return cannon({
    url,
    amount: to - from,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: floodPath(n++) }) }],
  });
}

const scrapeAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** GET `url` over a kept-alive node:http socket (lighter than fetch): { status, body }. */
function get(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: scrapeAgent }, (res) => {
        res.setEncoding('utf8');
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode, body }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** Scrape /metrics once (time to the full body, client side): { ms, series, bytes, body }, or null without /metrics. */
async function scrapeOnce(base) {
  const t0 = process.hrtime.bigint();
  const res = await get(`${base}/metrics`);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (res.status !== 200) return null;
  const body = res.body;
  let series = 0;
  let httpSeries = 0;
  const families = {};
  for (const line of body.split('\n')) {
    if (!line || line[0] === '#') continue;
    series++;
    const name = line.slice(0, line.search(/[{ ]/)).replace(/_(bucket|sum|count)$/, '');
    families[name] = (families[name] ?? 0) + 1;
    if (name.startsWith('http_')) httpSeries++;
  }
  return { ms, series, httpSeries, families, bytes: body.length, body };
}

/** Families whose series count changed between two scrapes: { name: added }. */
function familyDiff(before, after) {
  const diff = {};
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const d = (after[name] ?? 0) - (before[name] ?? 0);
    if (d !== 0) diff[name] = d;
  }
  return diff;
}

/** The distinct values of path-like labels (path, route, url) in an exposition body. */
export function pathLabels(body) {
  const values = new Set();
  for (const m of body.matchAll(/[{,](?:path|route|url)="([^"]*)"/g)) values.add(m[1]);
  const all = [...values];
  return {
    distinct: all.length,
    wordLike: all.filter((v) => v.startsWith('/blog/')).length,
    numeric: all.filter((v) => v.startsWith('/x/')).length,
    examples: [...all.filter((v) => v.startsWith('/x/')).slice(0, 2), ...all.filter((v) => v.startsWith('/blog/')).slice(0, 2)],
    all: all.length <= 10 ? all : undefined,
  };
}

async function scrape(base, times) {
  const results = [];
  for (let i = 0; i < times; i++) {
    const r = await scrapeOnce(base);
    if (!r) return null;
    results.push(r);
  }
  const last = results.at(-1);
  return { ...last, ms: median(results.map((r) => r.ms)) };
}

async function start(variant, env = {}) {
  const port = await freePort();
  const lines = [];
  const proc = startProcess(process.execPath, [join(here, 'servers', `${variant}.mjs`)], {
    env: { PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', ...env },
    log: (l) => lines.push(l),
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${base}/users/1`, { timeoutMs: 30_000 });
  } catch (err) {
    await proc.stop();
    throw new Error(`${variant} did not start: ${err.message}\n${lines.join('\n')}`);
  }
  return { ...proc, base, lines };
}

// ---------- phases ----------

/** Start bench/otlp-sink.mjs in its own process: { base, pid, count(), stop() }. */
async function startSink() {
  const port = await freePort();
  const lines = [];
  const proc = startProcess(process.execPath, [join(here, 'otlp-sink.mjs')], { env: { PORT: String(port), HOST: '127.0.0.1' }, log: (l) => lines.push(l) });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${base}/count`, { timeoutMs: 10_000 });
  } catch (err) {
    await proc.stop();
    throw new Error(`the OTLP sink did not start: ${err.message}\n${lines.join('\n')}`);
  }
  return { ...proc, base, count: async () => JSON.parse((await get(`${base}/count`)).body) };
}

/** The trace exemplars on http_request_duration_seconds in an OpenMetrics scrape of `base`. */
async function exemplarCount(base) {
  const body = await new Promise((resolve, reject) => {
    http
      .get(`${base}/metrics`, { headers: { accept: 'application/openmetrics-text; version=1.0.0' } }, (res) => {
        res.setEncoding('utf8');
        let b = '';
        res.on('data', (d) => {
          b += d;
        });
        res.on('end', () => resolve(b));
      })
      .on('error', reject);
  });
  return body.split('\n').filter((l) => l.startsWith('http_request_duration_seconds_bucket{') && / # \{[^}]*trace_id="[0-9a-f]{32}"/.test(l)).length;
}

async function throughput() {
  log(`throughput: ${variants.length} variants, ${SETTINGS.rounds} rounds × ${SETTINGS.roundSeconds}s, ${SETTINGS.connections} connections`);
  const tracingVariants = variants.filter((v) => v.extra === 'tracing');
  const sink = tracingVariants.length ? await startSink() : null;
  const servers = {};
  const rounds = Object.fromEntries(variants.map((v) => [v.name, []]));
  // Every request a server answered (warm-up, re-warm, rounds): each should give the sink a span.
  const answered = Object.fromEntries(variants.map((v) => [v.name, 0]));
  const load = async (v, seconds) => {
    const res = await loadUsers(servers[v.name].base, seconds);
    answered[v.name] += res.requests.total;
    return res;
  };
  const tracingCheck = {};
  try {
    for (const v of variants) servers[v.name] = await start(v.name, v.extra === 'tracing' ? tracingEnv(sink.base) : {});
    for (const v of variants) await load(v, SETTINGS.warmupSeconds);
    for (let r = 0; r < SETTINGS.rounds; r++) {
      const order = variants.map((_, i) => variants[(i + r) % variants.length]);
      for (const v of order) {
        const s = servers[v.name];
        await load(v, SETTINGS.rewarmSeconds);
        sampleLoad();
        const sinkNs0 = sink && v.extra === 'tracing' ? cpuNs(sink.pid) : 0;
        const ns0 = cpuNs(s.pid);
        const tk0 = cpuTicksUs(s.pid);
        const res = await load(v, SETTINGS.roundSeconds);
        const ns1 = cpuNs(s.pid);
        const tk1 = cpuTicksUs(s.pid);
        const requests = res.requests.total;
        const round = {
          round: r,
          requests,
          rps: requests / res.duration,
          cpuUsPerReq: (ns1 - ns0) / 1e3 / requests,
          cpuUsPerReqTicks: (tk1 - tk0) / requests,
          latencyP50ms: res.latency.p50,
          latencyP99ms: res.latency.p99,
          errors: res.errors + res.timeouts,
          non2xx: res.non2xx,
        };
        // The sink's CPU in the same interval (its own process, not counted in cpuUsPerReq).
        if (sinkNs0) round.sinkCpuUsPerReq = (cpuNs(sink.pid) - sinkNs0) / 1e3 / requests;
        rounds[v.name].push(round);
        log(`  r${r} ${v.name.padEnd(20)} ${round.rps.toFixed(0).padStart(6)} req/s  ${round.cpuUsPerReq.toFixed(1).padStart(6)} µs/req  (non2xx ${round.non2xx}, errors ${round.errors})`);
      }
    }
    // Series after the run (the bounded case: one route, 10 000 ids).
    const seriesAfter = {};
    for (const v of variants) seriesAfter[v.name] = (await scrapeOnce(servers[v.name].base))?.series ?? null;
    for (const v of tracingVariants) tracingCheck[v.name] = { exemplars: await exemplarCount(servers[v.name].base) };
    // Stop the tracing servers first (SIGTERM flushes their buffered spans), then read the sink.
    for (const v of tracingVariants) await servers[v.name].stop();
    if (sink) {
      const counts = await sink.count();
      for (const v of tracingVariants) {
        const service = `bench-${v.framework}`;
        const spans = counts.spans[service] ?? 0;
        Object.assign(tracingCheck[v.name], { service, spans, answered: answered[v.name], share: spans / answered[v.name], sinkRequests: counts.requests, sinkRejected: counts.rejected });
        log(`  ${v.name}: the sink received ${spans} spans for ${answered[v.name]} answered requests (${((100 * spans) / answered[v.name]).toFixed(1)} %), ${tracingCheck[v.name].exemplars} exemplar lines on an OpenMetrics scrape`);
        if (spans < MIN_SPAN_SHARE * answered[v.name]) {
          throw new Error(`${v.name}: the OTLP sink received ${spans} spans for ${answered[v.name]} answered requests: spans were not exported (sink: ${JSON.stringify(counts)})`);
        }
        if (tracingCheck[v.name].exemplars === 0) throw new Error(`${v.name}: no trace exemplar on http_request_duration_seconds in an OpenMetrics scrape`);
      }
    }
    return summarise(rounds, seriesAfter, tracingCheck);
  } finally {
    for (const v of variants) await servers[v.name]?.stop();
    await sink?.stop();
  }
}

function summarise(rounds, seriesAfter, tracingCheck = {}) {
  const out = {};
  for (const v of variants) {
    const rs = rounds[v.name];
    const cpu = rs.map((r) => r.cpuUsPerReq);
    const rps = rs.map((r) => r.rps);
    out[v.name] = {
      label: v.label,
      framework: v.framework,
      bare: Boolean(v.bare),
      reference: Boolean(v.reference),
      ...(v.extra ? { extra: v.extra, base: v.base } : {}),
      ...(tracingCheck[v.name] ? { tracing: tracingCheck[v.name] } : {}),
      rps: { median: median(rps), min: Math.min(...rps), max: Math.max(...rps) },
      cpuUsPerReq: { median: median(cpu), min: Math.min(...cpu), max: Math.max(...cpu) },
      cpuUsPerReqTicks: median(rs.map((r) => r.cpuUsPerReqTicks)),
      seriesAfter: seriesAfter[v.name],
      failures: rs.reduce((n, r) => n + r.errors + r.non2xx, 0),
      rounds: rs,
    };
  }
  // Added CPU against bare, paired per round (same round = same machine conditions).
  for (const v of variants) {
    const bare = variants.find((b) => b.framework === v.framework && b.bare);
    if (!bare || v.bare) continue;
    const deltas = rounds[v.name].map((r, i) => r.cpuUsPerReq - rounds[bare.name][i].cpuUsPerReq);
    out[v.name].addedUs = { median: median(deltas), min: Math.min(...deltas), max: Math.max(...deltas) };
  }
  // Logs / tracing against metrics-only @obs, paired per round the same way (CPU and req/s).
  for (const v of variants) {
    if (!v.extra || !rounds[v.base]) continue;
    const base = rounds[v.base];
    const cpu = rounds[v.name].map((r, i) => r.cpuUsPerReq - base[i].cpuUsPerReq);
    const rps = rounds[v.name].map((r, i) => r.rps / base[i].rps - 1);
    out[v.name].vsBase = {
      cpuUs: { median: median(cpu), min: Math.min(...cpu), max: Math.max(...cpu) },
      rpsRatio: { median: median(rps), min: Math.min(...rps), max: Math.max(...rps) },
    };
  }
  return out;
}

async function floodPhase() {
  const results = {};
  for (const v of variants.filter((x) => !x.reference && !x.extra)) {
    log(`flood: ${v.name}`);
    const s = await start(v.name);
    try {
      await loadUsers(s.base, SETTINGS.warmupSeconds);
      // Then the same unmatched URL over and over: the series of the unmatched constant exist from
      // then on, and the heap has grown to what 404 handling under load needs, so what the flood
      // adds afterwards is what *distinct* URLs cost.
      await cannon({ url: `${s.base}/not-a-route`, duration: SETTINGS.warmupSeconds });
      const base = await scrape(s.base, SETTINGS.scrapes);
      await sleep(300);
      const rss0 = rssBytes(s.pid);
      const steps = [];
      let done = 0;
      for (const target of SETTINGS.floods) {
        sampleLoad();
        const t0 = Date.now();
        const res = await flood(s.base, done, target);
        const floodSeconds = (Date.now() - t0) / 1000;
        done = target;
        const sc = await scrape(s.base, SETTINGS.scrapes);
        await sleep(300);
        const rss = rssBytes(s.pid);
        const step = {
          paths: target,
          floodRps: res.requests.total / floodSeconds,
          statuses: { '2xx': res['2xx'], '4xx': res['4xx'], '5xx': res['5xx'] },
          series: sc?.series ?? null,
          addedSeries: sc && base ? sc.series - base.series : null,
          httpSeries: sc?.httpSeries ?? null,
          addedHttpSeries: sc && base ? sc.httpSeries - base.httpSeries : null,
          changedFamilies: sc && base ? familyDiff(base.families, sc.families) : null,
          scrapeMs: sc?.ms ?? null,
          scrapeBytes: sc?.bytes ?? null,
          rssMB: rss / 2 ** 20,
          rssGrowthMB: (rss - rss0) / 2 ** 20,
          pathLabels: sc ? pathLabels(sc.body) : null,
        };
        steps.push(step);
        log(`  ${target} paths: series ${step.series} (+${step.addedSeries}; http_* +${step.addedHttpSeries}; ${JSON.stringify(step.changedFamilies)}), scrape ${step.scrapeMs?.toFixed(1)} ms, RSS +${step.rssGrowthMB.toFixed(1)} MB`);
      }
      results[v.name] = {
        label: v.label,
        framework: v.framework,
        bare: Boolean(v.bare),
        before: { series: base?.series ?? null, httpSeries: base?.httpSeries ?? null, scrapeMs: base?.ms ?? null, rssMB: rss0 / 2 ** 20 },
        steps,
      };
    } finally {
      await s.stop();
    }
  }
  return results;
}

async function fiftyRoutes() {
  const results = {};
  for (const name of ['fastify-obs-50routes', 'express-obs-50routes']) {
    if (only && !only.some((o) => name.startsWith(o))) continue;
    log(`50-route scrape: ${name}`);
    const s = await start(name);
    try {
      const statuses = [200, 201, 404, 500];
      for (let i = 0; i < 50; i++) {
        for (const st of statuses) {
          await get(`${s.base}/r${i}/items/${i * 7}?status=${st}`);
        }
      }
      await scrape(s.base, 10); // warm the exposition path: Prometheus scrapes the same server forever
      const times = [];
      let last;
      for (let i = 0; i < SETTINGS.fiftyRouteScrapes; i++) {
        last = await scrapeOnce(s.base);
        times.push(last.ms);
      }
      results[name] = {
        routes: 50,
        statusesPerRoute: statuses.length,
        scrapeMs: { median: median(times), min: Math.min(...times), max: Math.max(...times) },
        series: last.series,
        bytes: last.bytes,
      };
      log(`  scrape ${results[name].scrapeMs.median.toFixed(2)} ms median, ${last.series} series, ${last.bytes} bytes`);
    } finally {
      await s.stop();
    }
  }
  return results;
}

function gitInfo() {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'packages'], { encoding: 'utf8' }).trim() !== '';
    return { commit, dirty };
  } catch {
    return null;
  }
}

// ---------- main ----------

const startedAt = new Date();
sampleLoad();
const loadTimer = setInterval(sampleLoad, 5000);
const result = {
  date: startedAt.toISOString(),
  settings: { ...SETTINGS, rate: rate || null },
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
    loadAtStart: os.loadavg(),
  },
  versions: {},
  git: gitInfo(),
};
for (const pkg of ['fastify', 'express', 'fastify-metrics', '@promster/fastify', '@promster/express', 'express-prom-bundle', 'prom-client', 'autocannon']) {
  try {
    const file = join(here, '..', 'node_modules', pkg, 'package.json');
    result.versions[pkg] = JSON.parse(readFileSync(file, 'utf8')).version;
  } catch {
    result.versions[pkg] = null;
  }
}
try {
  if (!flag('--no-throughput')) result.throughput = await throughput();
  if (!flag('--no-flood')) {
    result.flood = await floodPhase();
    result.fiftyRoutes = await fiftyRoutes();
  }
} finally {
  clearInterval(loadTimer);
}
sampleLoad();
result.durationSeconds = (Date.now() - startedAt.getTime()) / 1000;
result.machine.loadDuringRun = {
  min: Math.min(...loadSamples),
  median: median(loadSamples),
  max: Math.max(...loadSamples),
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
const page = quick ? join(here, 'results', 'quick.md') : join(here, '..', 'docs', 'benchmarks.md');
if (!value('--out') && !only) execFileSync(process.execPath, [join(here, 'report.mjs'), out, page], { stdio: 'inherit' });
log(`wrote ${out} in ${result.durationSeconds.toFixed(0)} s (1-min load during the run: ${result.machine.loadDuringRun.min}–${result.machine.loadDuringRun.max}, median ${result.machine.loadDuringRun.median})`);
