#!/usr/bin/env node
// Instruction counts: the benchmark of record for what a library costs per request and at start-up.
//
//   npm run bench:instructions              full run (3 runs of every variant, interleaved): writes
//                                           bench/results/instructions.json + docs/benchmarks.md
//   node bench/instructions.mjs --quick     smoke check (1 run, fewer requests): instructions-quick.json
//   options: --only <variant,…>  --runs N  --jobs N (servers under valgrind at once, default 2)
//            --out <file>  --keep (keep the callgrind dumps in bench/results/callgrind/)
//            --warmup N  --startup-runs N  --side-runs N  --before <dir>  --perf-map
//            --connections N (client sockets, default 1: one request at a time)
//            --startup-only (count start-up only: stop after its dump, no requests; investigations)
//   BENCH_VALGRIND_FLAGS="--separate-threads=yes": extra valgrind flags (investigations)
//
// Each server variant (bench/servers/<variant>.mjs) runs under valgrind's callgrind. Start-up: the
// instructions from process start to the "listening" line (instrumentation on from the start; a
// `callgrind_control -d` when the line appears). Then instrumentation goes off (`-i off`), 10 000
// keep-alive `GET /users/:id` requests from three client processes in turn (not under valgrind)
// warm the server up (JIT tiers, caches, the label children, connections that closed and reopened),
// instrumentation goes on (`-i on`), 5 000 more
// requests, `callgrind_control -d`: that dump's total over 5 000 is the steady-state cost of one
// request. Instruction counts do not depend on the machine's load, which wall-clock CPU time on this
// shared 2-core machine does (docs/benchmarks.md); what they still depend on is work driven by
// wall-clock timers (the event-loop-delay monitor fires every few ms whether or not requests come),
// which is counted in proportion to how long the window took under valgrind: the *-obs-notimers
// variants (`defaultMetrics: false`) tell how much of @obs's figure that is. Method: decision 0082.
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startProcess } from '../scripts/lib/procs.mjs';
import { ensureTools } from '../scripts/lib/tools.mjs';
import { median } from './stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
if (process.platform !== 'linux') throw new Error('bench/instructions.mjs runs valgrind: Linux only');

const quick = flag('--quick');
export const INSTRUCTION_VARIANTS = [
  { name: 'fastify-bare', framework: 'fastify', label: 'Fastify 5 (bare)', role: 'bare' },
  { name: 'fastify-hook', framework: 'fastify', label: 'minimal hand-written prom-client hook', role: 'hook' },
  { name: 'fastify-obs', framework: 'fastify', label: '@obs/fastify', role: 'obs' },
  { name: 'fastify-obs-notimers', framework: 'fastify', label: '@obs/fastify, `defaultMetrics: false` (no runtime-metric timers)', role: 'obs-notimers' },
  { name: 'fastify-promster', framework: 'fastify', label: '@promster/fastify 15', role: 'peer' },
  { name: 'fastify-metrics', framework: 'fastify', label: 'fastify-metrics 13', role: 'peer' },
  { name: 'express-bare', framework: 'express', label: 'Express 5 (bare)', role: 'bare' },
  { name: 'express-hook', framework: 'express', label: 'minimal hand-written prom-client hook', role: 'hook' },
  { name: 'express-obs', framework: 'express', label: '@obs/express', role: 'obs' },
  { name: 'express-obs-notimers', framework: 'express', label: '@obs/express, `defaultMetrics: false` (no runtime-metric timers)', role: 'obs-notimers' },
  { name: 'express-promster', framework: 'express', label: '@promster/express 14', role: 'peer' },
  { name: 'express-prom-bundle', framework: 'express', label: 'express-prom-bundle 8', role: 'peer' },
];

// Start-up is counted in the first `startupRuns` runs of each variant only: a start-up with
// instrumentation on takes 5–10 times as long under valgrind as one without, and its count repeats
// within a fraction of a percent.
// Warm-up: under valgrind (even with instrumentation off) V8 keeps compiling for several thousand
// requests (TurboFan runs on the main thread with --single-threaded); bare Fastify counted in
// windows of 2 000 after a 3 000-request warm-up read 269 k, 131 k, 70 k, 68 k, 68 k per request, so
// 3 000 would put compile work in the figures: 10 000 lets it settle (decision 0082).
const SETTINGS = quick
  ? { mode: 'quick', runs: 1, startupRuns: 1, warmup: 3_000, measured: 1_000, connections: 1 }
  : { mode: 'full', runs: 3, startupRuns: 1, warmup: 10_000, measured: 5_000, connections: 1 };
if (value('--warmup')) SETTINGS.warmup = Number(value('--warmup'));
if (value('--connections')) SETTINGS.connections = Number(value('--connections'));
if (value('--runs')) SETTINGS.runs = Number(value('--runs'));
if (value('--startup-runs')) SETTINGS.startupRuns = Number(value('--startup-runs'));
// --side-runs N: the peers, the no-timer and the before variants run N times (default 1: the run
// stays under 15 minutes);
// bare, the hook and @obs always run --runs times.
SETTINGS.sideRuns = Number(value('--side-runs') ?? (quick ? SETTINGS.runs : 1));
const jobs = Number(value('--jobs') ?? 2);
const only = value('--only')?.split(',');
// --before <dir>: also run @obs as built from an earlier commit (<dir>/bench/servers/*-obs.mjs with
// <dir>/node_modules/@obs/* the earlier build, everything else linked to this tree's node_modules),
// so a change is measured against what it replaced in the same run.
const beforeDir = value('--before');
const BEFORE_VARIANTS = beforeDir
  ? ['fastify', 'express'].map((fw) => ({
      name: `${fw}-obs-before`,
      framework: fw,
      label: `@obs/${fw} before issue 17 (${value('--before-label') ?? 'earlier build'})`,
      role: 'before',
      server: join(beforeDir, 'bench', 'servers', `${fw}-obs.mjs`),
    }))
  : [];
const allVariants = [...INSTRUCTION_VARIANTS, ...BEFORE_VARIANTS];
const variants = only ? allVariants.filter((v) => only.includes(v.name)) : allVariants;
const startupOnly = flag('--startup-only');
const out = value('--out') ?? (startupOnly ? join(here, 'results', 'callgrind', 'instructions-startup.json') : join(here, 'results', quick ? 'instructions-quick.json' : 'instructions.json'));
const dumps = join(here, 'results', 'callgrind');
// --perf-map: node --perf-basic-prof, its /tmp/perf-<pid>.map copied next to the kept dump, so
// bench/annotate.mjs can name V8's functions. For profiling only: not the figures of record.
const perfMap = flag('--perf-map');
const keep = flag('--keep') || perfMap;
if (startupOnly) SETTINGS.startupRuns = SETTINGS.runs;

/** valgrind flags: callgrind; V8 writes and rewrites machine code in anonymous memory, so every such page is checked. */
const VALGRIND_FLAGS = ['--tool=callgrind', '--smc-check=all-non-file', '--dump-instr=no', '--collect-jumps=no', ...(process.env.BENCH_VALGRIND_FLAGS?.split(' ').filter(Boolean) ?? [])];
/** node flags: no V8 background threads (concurrent compilers, GC helpers), so the counts are the main thread's work only and repeat. */
const NODE_FLAGS = ['--single-threaded'];

const SERVER_ENV = { HOST: '127.0.0.1', NODE_ENV: 'production' };

const log = (...m) => console.log(`[instructions ${new Date().toISOString().slice(11, 19)}]`, ...m);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The event total of a callgrind dump (`totals:` / `summary:` line; Ir only here). */
function dumpTotal(file) {
  const text = readFileSync(file, 'utf8');
  // `totals:`, not `summary:`: after the start-up dump, the measured dump's `summary:` reads low by
  // exactly the start-up's cost (bare Express: 512 k per request against 707 k in a run without a
  // start-up dump, where both lines agree; one function's inclusive cost exceeds that summary),
  // while `totals:` matches the runs without one.
  const m = /^totals:\s+(\d+)/m.exec(text) ?? /^summary:\s+(\d+)/m.exec(text);
  if (!m) throw new Error(`${file}: no totals line`);
  return Number(m[1]);
}

/** Run a command without blocking the runner (several servers are measured at once). */
function runAsync(cmd, argv, opts = {}) {
  return new Promise((resolve, reject) => {
    execFile(cmd, argv, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, ...opts }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${argv.join(' ')}: ${err.message}\n${stdout}${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

async function control(tools, pid, ...cmd) {
  // vgdb finds the server by FIFO names built from $USER and $HOST: the server's env has HOST (its
  // listen address), so the control's must have the same.
  const r = await runAsync(tools.callgrind_control, [...cmd, String(pid)], { timeout: 120_000, env: { ...process.env, ...SERVER_ENV } });
  if (!/OK/.test(r.stdout) || /error|failed/i.test(r.stderr)) throw new Error(`callgrind_control ${cmd.join(' ')} ${pid}: ${r.stdout}${r.stderr}`);
}

async function client(port, requests) {
  const r = await runAsync(process.execPath, [join(here, 'keepalive-client.mjs'), String(port), String(requests), String(SETTINGS.connections)], { timeout: 30 * 60_000 });
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/** Wait until a file exists with a totals line (the dump is written asynchronously by the server). */
async function waitDump(file) {
  for (let i = 0; i < 600; i++) {
    try {
      return dumpTotal(file);
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`no dump at ${file} (in the folder: ${readdirSync(dirname(file)).join(', ')})`);
}

/** One variant, one run: start-up instructions and instructions per request. */
async function measure(tools, variant, run) {
  const port = await freePort();
  const prefix = join(dumps, `${variant.name}.${run}`);
  let listening;
  const up = new Promise((resolve) => {
    listening = resolve;
  });
  const output = [];
  const t0 = performance.now();
  const countStartup = run <= SETTINGS.startupRuns;
  const proc = startProcess(tools.valgrind, [...VALGRIND_FLAGS, ...(countStartup ? [] : ['--instr-atstart=no']), `--callgrind-out-file=${prefix}.%p`, process.execPath, ...NODE_FLAGS, ...(perfMap ? ['--perf-basic-prof'] : []), variant.server ?? join(here, 'servers', `${variant.name}.mjs`)], {
    env: { ...SERVER_ENV, PORT: String(port) },
    log: (line) => {
      output.push(line);
      if (line.startsWith('listening on')) listening();
    },
  });
  try {
    const exited = proc.exited.then(({ code, signal }) => {
      throw new Error(`${variant.name} exited (${code ?? signal}) before it was measured:\n${output.slice(-15).join('\n')}`);
    });
    await Promise.race([up, exited]);
    const startupSeconds = (performance.now() - t0) / 1000;
    let startup = null;
    if (countStartup) {
      await control(tools, proc.pid, '-d');
      startup = await waitDump(`${prefix}.${proc.pid}.1`);
      if (startupOnly) {
        if (perfMap) copyFileSync(`/tmp/perf-${proc.pid}.map`, `${prefix}.${proc.pid}.perf.map`);
        return { run, startup, perRequest: null, startupSeconds, dump: keep ? `${prefix}.${proc.pid}.1` : undefined };
      }
      await control(tools, proc.pid, '-i', 'off');
    }
    // The warm-up comes from three client processes one after the other, so that connections
    // close and reopen before the window: the first close runs node:http's and the stream's close
    // paths for the first time, which changes the maps of sockets and streams and deoptimises much
    // of the HTTP stack (and any library inlined into it). In one client process that cascade
    // happened inside the measured window, at a point that differed between runs, and read as tens
    // of k per request (decision 0082). After two closes the next connection changes nothing.
    const warm = { requests: 0, ms: 0 };
    for (const share of [0.4, 0.3, 0.3]) {
      const w = await client(port, Math.round(SETTINGS.warmup * share));
      warm.requests += w.requests;
      warm.ms += w.ms;
    }
    await control(tools, proc.pid, '-i', 'on');
    const measured = await client(port, SETTINGS.measured);
    await control(tools, proc.pid, '-d');
    const dump = `${prefix}.${proc.pid}.${countStartup ? 2 : 1}`;
    const total = await waitDump(dump);
    exited.catch(() => {});
    if (perfMap) copyFileSync(`/tmp/perf-${proc.pid}.map`, `${prefix}.${proc.pid}.perf.map`);
    return {
      run,
      startup,
      perRequest: total / measured.requests,
      measuredTotal: total,
      requests: measured.requests,
      windowSeconds: measured.ms / 1000,
      warmupSeconds: warm.ms / 1000,
      startupSeconds,
      dump: keep ? dump : undefined,
    };
  } finally {
    await proc.stop('SIGKILL');
    if (perfMap) rmSync(`/tmp/perf-${proc.pid}.map`, { force: true });
    if (!keep) for (const n of [1, 2, 3]) rmSync(`${prefix}.${proc.pid}.${n}`, { force: true });
    rmSync(`${prefix}.${proc.pid}`, { force: true });
  }
}

function versionOf(pkg) {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

async function main() {
  const started = Date.now();
  const tools = ensureTools(['valgrind', 'callgrind_control']);
  const valgrindVersion = execFileSync(tools.valgrind, ['--version'], { encoding: 'utf8' }).trim();
  mkdirSync(dumps, { recursive: true });
  log(`${valgrindVersion} (${tools.valgrind}); ${variants.length} variants × ${SETTINGS.runs} runs, ${jobs} at once; ${SETTINGS.warmup} warm-up + ${SETTINGS.measured} measured requests each`);

  // Interleaved: run 1 of every variant, then run 2 (order rotated), … so every variant's runs are
  // spread over the whole run alike.
  const queue = [];
  for (let run = 1; run <= SETTINGS.runs; run++) {
    const shift = (run - 1) % variants.length;
    for (const v of [...variants.slice(shift), ...variants.slice(0, shift)]) {
      if (run > SETTINGS.sideRuns && !['bare', 'hook', 'obs'].includes(v.role)) continue;
      queue.push({ v, run });
    }
  }
  const results = Object.fromEntries(variants.map((v) => [v.name, []]));
  const failures = [];
  const worker = async () => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
      try {
        const r = await measure(tools, job.v, job.run);
        results[job.v.name].push(r);
        const startupText = `start-up ${r.startup === null ? '—' : `${(r.startup / 1e9).toFixed(3)} G`}`;
        log(`${job.v.name} run ${job.run}: ${r.perRequest === null ? startupText : `${Math.round(r.perRequest).toLocaleString('en-US')} instr/request, ${startupText} (window ${r.windowSeconds.toFixed(1)} s)`}`);
      } catch (err) {
        failures.push(`${job.v.name} run ${job.run}: ${err.message}`);
        log(`${job.v.name} run ${job.run} FAILED: ${err.message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));

  const summary = {};
  for (const v of variants) {
    const rs = results[v.name];
    summary[v.name] = {
      ...v,
      perRequest: median(rs.map((r) => r.perRequest)),
      perRequestMin: Math.min(...rs.map((r) => r.perRequest)),
      perRequestMax: Math.max(...rs.map((r) => r.perRequest)),
      startup: median(rs.map((r) => r.startup).filter((x) => x !== null)),
      windowSeconds: median(rs.map((r) => r.windowSeconds)),
      runs: rs.sort((a, b) => a.run - b.run),
    };
  }
  for (const s of Object.values(summary)) {
    const bare = summary[`${s.framework}-bare`];
    s.overBare = bare && s.perRequest !== null && bare.perRequest !== null ? s.perRequest - bare.perRequest : null;
    // JIT compilation and major GCs only ever add instructions to a window: the lowest run is the
    // closest to the steady state, so the difference of the lowest runs is reported next to the medians'.
    s.overBareMin = bare && Number.isFinite(s.perRequestMin) && Number.isFinite(bare.perRequestMin) ? s.perRequestMin - bare.perRequestMin : null;
    s.startupOverBare = bare && s.startup !== null && bare.startup !== null ? s.startup - bare.startup : null;
  }
  let git;
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'packages', 'bench/servers'], { cwd: root, encoding: 'utf8' }).trim() !== '';
    git = { commit, dirty };
  } catch {}
  const result = {
    date: new Date().toISOString(),
    durationSeconds: (Date.now() - started) / 1000,
    settings: { ...SETTINGS, jobs, valgrindFlags: VALGRIND_FLAGS, nodeFlags: NODE_FLAGS },
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, valgrind: valgrindVersion, loadAvgAtEnd: os.loadavg()[0] },
    git,
    versions: Object.fromEntries(['fastify', 'express', 'prom-client', '@promster/fastify', '@promster/express', 'fastify-metrics', 'express-prom-bundle'].map((p) => [p, versionOf(p)])),
    failures,
    variants: summary,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote ${out} in ${Math.round(result.durationSeconds)} s`);
  if (failures.length) {
    console.error(`${failures.length} measurement(s) failed:\n${failures.join('\n')}`);
    process.exitCode = 1;
  }
}

await main();
