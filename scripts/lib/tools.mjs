// The one resolver for every external binary the project runs (tests, e2e, demo, bench).
//
// For a tool it looks, in order, at:
//   1. an explicit override, OBS_<TOOL> (OBS_PROMTOOL=/path/to/promtool): it must be an executable
//      file, or the resolver stops with an error naming the variable;
//   2. PATH (skipped when OBS_TOOLS_IGNORE_PATH=1, which CI sets to prove the fetch path);
//   3. the project-local cache (OBS_TOOLS_CACHE, default <repo>/.cache/tools): bin/<tool> wrappers;
//   4. a fetch: on Debian/Ubuntu, Debian's own packages with `apt-get download` + `dpkg-deb -x` into
//      the cache (no root, the system untouched; shared libraries the package needs come along and
//      the wrapper points LD_LIBRARY_PATH at them). A tool marked `install: 'apt'` (a server that
//      cannot run relocated) is installed with apt-get instead, and only when running as root.
// Elsewhere (no apt-get, no network, OBS_TOOLS_OFFLINE=1) it fails at once with one message naming
// each missing tool and how to get it on Debian, on macOS and through the override.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Every external tool the project runs. `pkg`: the Debian package holding it; `extra`: packages
 * it needs that Debian does not list as dependencies of `pkg`; `bin`: its path inside the package;
 * `names`: what it is called on PATH (Debian's name first, upstream/brew's after); `brew`: the
 * Homebrew formula; `env`: variables the wrapper sets, `{root}` being the extracted tree; `dirs`:
 * absolute folders searched after PATH (where Debian installs it off PATH); `install: 'apt'`: a
 * server that cannot run relocated, installed with apt-get (root only) instead of extracted.
 */
export const TOOLS = {
  promtool: { pkg: 'prometheus', bin: 'usr/bin/promtool', names: ['promtool'], brew: 'prometheus', what: "Prometheus's rule and metrics checker" },
  prometheus: { pkg: 'prometheus', bin: 'usr/bin/prometheus', names: ['prometheus'], brew: 'prometheus', what: 'the Prometheus server' },
  alertmanager: {
    pkg: 'prometheus-alertmanager',
    bin: 'usr/bin/prometheus-alertmanager',
    names: ['prometheus-alertmanager', 'alertmanager'],
    brew: 'alertmanager',
    what: 'the Alertmanager server',
    // Debian's build reads its default templates from /usr/share/prometheus/alertmanager (a path
    // compiled in), so it cannot run from the cache: installed with apt-get, as root.
    install: 'apt',
    why: 'Debian builds it to read /usr/share/prometheus/alertmanager/default.tmpl',
  },
  amtool: { pkg: 'prometheus-alertmanager', bin: 'usr/bin/amtool', names: ['amtool'], brew: 'alertmanager', what: "Alertmanager's config checker" },
  'node-exporter': {
    pkg: 'prometheus-node-exporter',
    bin: 'usr/bin/prometheus-node-exporter',
    names: ['prometheus-node-exporter', 'node_exporter'],
    brew: 'node_exporter',
    what: "Prometheus's host exporter",
  },
  'redis-server': { pkg: 'redis-server', extra: ['redis-tools'], bin: 'usr/bin/redis-server', names: ['redis-server'], brew: 'redis', what: 'the Redis server' },
  'redis-cli': { pkg: 'redis-tools', bin: 'usr/bin/redis-cli', names: ['redis-cli'], brew: 'redis', what: 'the Redis client' },
  'postgres-exporter': {
    pkg: 'prometheus-postgres-exporter',
    bin: 'usr/bin/prometheus-postgres-exporter',
    names: ['prometheus-postgres-exporter', 'postgres_exporter'],
    brew: 'postgres_exporter',
    what: "the Prometheus community's PostgreSQL exporter",
  },
  'redis-exporter': {
    pkg: 'prometheus-redis-exporter',
    bin: 'usr/bin/prometheus-redis-exporter',
    names: ['prometheus-redis-exporter', 'redis_exporter'],
    brew: 'redis_exporter',
    what: "oliver006's Redis exporter",
  },
  // PostgreSQL finds its share/ and lib/ relative to the binary, so the extracted tree runs as is.
  postgres: {
    pkg: 'postgresql-15',
    bin: 'usr/lib/postgresql/15/bin/postgres',
    names: ['postgres'],
    dirs: ['/usr/lib/postgresql/15/bin'],
    brew: 'postgresql@15',
    what: 'the PostgreSQL 15 server',
  },
  initdb: {
    pkg: 'postgresql-15',
    bin: 'usr/lib/postgresql/15/bin/initdb',
    names: ['initdb'],
    dirs: ['/usr/lib/postgresql/15/bin'],
    brew: 'postgresql@15',
    what: "PostgreSQL 15's cluster initialiser",
  },
  // An Erlang release with absolute paths baked into its scripts: installed with apt-get (root).
  // rabbitmqctl and rabbitmq-plugins are found beside rabbitmq-server.
  'rabbitmq-server': {
    pkg: 'rabbitmq-server',
    install: 'apt',
    bin: 'usr/sbin/rabbitmq-server',
    names: ['rabbitmq-server'],
    dirs: ['/usr/lib/rabbitmq/bin'],
    brew: 'rabbitmq',
    what: 'the RabbitMQ 3.10 broker',
  },
  // Erlang's port mapper, installed with RabbitMQ: the tests start their own on a free port.
  epmd: { pkg: 'erlang-base', install: 'apt', bin: 'usr/bin/epmd', names: ['epmd'], dirs: ['/usr/bin'], brew: 'erlang', what: "Erlang's port mapper daemon" },
  // VictoriaMetrics (Debian 1.79): the single-node store, its scraping/remote-writing agent and its
  // ruler, all three in /usr/bin of the one `victoria-metrics` package (libzstd1 comes along).
  'victoria-metrics': {
    pkg: 'victoria-metrics',
    bin: 'usr/bin/victoria-metrics',
    names: ['victoria-metrics', 'victoria-metrics-prod'],
    brew: 'victoriametrics',
    what: 'the VictoriaMetrics single-node store',
  },
  vmagent: { pkg: 'victoria-metrics', bin: 'usr/bin/vmagent', names: ['vmagent', 'vmagent-prod'], brew: 'victoriametrics', what: "VictoriaMetrics' scraping and remote-writing agent" },
  vmalert: { pkg: 'victoria-metrics', bin: 'usr/bin/vmalert', names: ['vmalert', 'vmalert-prod'], brew: 'victoriametrics', what: "VictoriaMetrics' rule evaluator (the central ruler)" },
  // Relocated, valgrind finds its tools and preload libraries through VALGRIND_LIB; Debian's
  // usr/bin/valgrind is a shell wrapper that execs usr/bin/valgrind.bin next to it.
  valgrind: {
    pkg: 'valgrind',
    bin: 'usr/bin/valgrind',
    names: ['valgrind'],
    brew: 'valgrind',
    env: { VALGRIND_LIB: '{root}/usr/libexec/valgrind' },
    what: 'the instruction counter of the benchmark (callgrind)',
  },
  // Perl scripts; callgrind_control runs the vgdb next to it, so the extracted one works as is.
  callgrind_control: { pkg: 'valgrind', bin: 'usr/bin/callgrind_control', names: ['callgrind_control'], brew: 'valgrind', what: "callgrind's remote control (vgdb)" },
  callgrind_annotate: { pkg: 'valgrind', bin: 'usr/bin/callgrind_annotate', names: ['callgrind_annotate'], brew: 'valgrind', what: "callgrind's per-function report" },
};

/** The servers and exporters of the datastores suite (e2e/datastores.test.ts). */
const DATASTORES = ['postgres', 'initdb', 'postgres-exporter', 'redis-exporter', 'rabbitmq-server', 'epmd'];

/** The tools each entry point runs; `ensure` takes a suite name or tool names. */
export const SUITES = {
  test: ['promtool', 'amtool', 'redis-server', 'vmalert'],
  e2e: ['promtool', 'amtool', 'prometheus', 'alertmanager', 'node-exporter', 'redis-server', 'victoria-metrics', 'vmagent', 'vmalert', ...DATASTORES],
  multicluster: ['promtool', 'prometheus', 'alertmanager', 'redis-server', 'victoria-metrics', 'vmagent', 'vmalert'],
  demo: ['redis-server'],
  bench: ['valgrind', 'callgrind_control', 'callgrind_annotate'],
  datastores: ['prometheus', 'alertmanager', 'redis-server', 'redis-cli', ...DATASTORES],
};

/** An override, PATH or fetch problem; `message` is the whole, user-facing explanation. */
export class ToolError extends Error {
  constructor(message, code = 'OBS_TOOLS_MISSING') {
    super(message);
    this.name = 'ToolError';
    this.code = code;
  }
}

export const envName = (name) => `OBS_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

export function cacheDir(env = process.env) {
  return resolve(env.OBS_TOOLS_CACHE || join(repoRoot, '.cache/tools'));
}

function spec(name) {
  const s = TOOLS[name];
  if (!s) throw new ToolError(`unknown tool "${name}"; known: ${Object.keys(TOOLS).join(', ')}`, 'OBS_TOOLS_UNKNOWN');
  return s;
}

function isExecutableFile(file) {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(names, env) {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const n of names) {
      const file = join(dir, n);
      if (isExecutableFile(file)) return file;
    }
  }
  return undefined;
}

/**
 * Where `name` is, without fetching: `{ path, source }` with source 'override' | 'path' | 'cache',
 * or undefined. A set but unusable override throws (naming the variable) rather than falling back.
 */
export function locateTool(name, env = process.env) {
  const s = spec(name);
  const variable = envName(name);
  const override = env[variable];
  if (override !== undefined && override !== '') {
    const file = resolve(override);
    if (!isAbsolute(override) && !existsSync(file)) {
      throw new ToolError(`${variable}="${override}" is not a file: set ${variable} to the absolute path of ${s.names[0]}, or unset it.`, 'OBS_TOOLS_BAD_OVERRIDE');
    }
    if (!isExecutableFile(file)) {
      throw new ToolError(
        `${variable}="${override}" is not an executable file: set ${variable} to the absolute path of ${s.names[0]} (chmod +x if needed), or unset it.`,
        'OBS_TOOLS_BAD_OVERRIDE',
      );
    }
    return { path: file, source: 'override' };
  }
  if (env.OBS_TOOLS_IGNORE_PATH !== '1' || s.install === 'apt') {
    // An apt-installed server's own folder comes first: Debian's PATH entries for RabbitMQ are
    // wrappers that switch to the service user and log under /var/log.
    const inDirs = () => onPath(s.names, { PATH: (s.dirs ?? []).join(delimiter) });
    const found = s.install === 'apt' ? (inDirs() ?? onPath(s.names, env)) : (onPath(s.names, env) ?? inDirs());
    if (found) return { path: found, source: 'path' };
  }
  const cached = join(cacheDir(env), 'bin', name);
  if (isExecutableFile(cached)) return { path: cached, source: 'cache' };
  return undefined;
}

/** How to get each missing tool: one message for all of them. */
export function missingMessage(names, reason) {
  const lines = [`obs: ${names.length === 1 ? 'a tool the project runs is' : `${names.length} tools the project runs are`} missing (${reason}):`];
  for (const name of names) {
    const s = spec(name);
    lines.push(
      `  - ${name}: ${s.what}`,
      `      Debian/Ubuntu:  sudo apt-get install ${s.pkg}   (or let the tests fetch it: needs apt-get and the network)`,
      `      macOS:          brew install ${s.brew}`,
      `      any system:     ${envName(name)}=/path/to/${s.names[0]}`,
    );
  }
  lines.push('The tests fetch tools into the project cache by themselves on Debian/Ubuntu (see "What the tests run" in README.md).');
  return lines.join('\n');
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 10 * 60_000, ...opts });
  if (r.error) throw new ToolError(`${cmd} ${args.join(' ')}: ${r.error.message}`, 'OBS_TOOLS_FETCH_FAILED');
  if (r.status !== 0) {
    const tail = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').slice(-6).join('\n');
    throw new ToolError(`${cmd} ${args.slice(0, 6).join(' ')}… exited ${r.status}:\n${tail}`, 'OBS_TOOLS_FETCH_FAILED');
  }
  return r.stdout;
}

/** Why fetching is impossible here, or undefined when Debian's packages can be fetched. */
export function fetchUnavailable(env = process.env) {
  if (env.OBS_TOOLS_OFFLINE === '1') return 'OBS_TOOLS_OFFLINE=1';
  if (process.platform !== 'linux') return `fetching needs Debian/Ubuntu; this is ${process.platform}`;
  const missing = ['apt-get', 'dpkg-deb'].filter((c) => !onPath([c], env));
  if (missing.length) return `no ${missing.join(' or ')} on PATH, so nothing can be fetched`;
  return undefined;
}

/** apt-get with the cache's own package lists and archive folder: the system's are not touched. */
function aptOptions(cache) {
  return ['-o', `Dir::State::Lists=${join(cache, 'apt/lists')}`, '-o', `Dir::Cache=${join(cache, 'apt/cache')}`, '-o', 'Debug::NoLocking=1', '-q'];
}

function aptUpdate(cache, env) {
  for (const d of ['apt/lists/partial', 'apt/cache/archives/partial']) mkdirSync(join(cache, d), { recursive: true });
  run('apt-get', [...aptOptions(cache), 'update'], { env });
}

function listsFresh(cache) {
  const lists = join(cache, 'apt/lists');
  if (!existsSync(lists)) return false;
  const files = readdirSync(lists).filter((f) => f.endsWith('_Packages') || f.includes('_Packages.'));
  if (files.length === 0) return false;
  return Date.now() - statSync(join(lists, files[0])).mtimeMs < 7 * 24 * 3600_000;
}

/** The packages apt would add for `pkgs` on this system (simulated, so no root), plus `pkgs` themselves. */
function packagesToFetch(cache, pkgs, env) {
  const out = run('apt-get', [...aptOptions(cache), '-s', 'install', '--no-install-recommends', ...pkgs], { env });
  const names = new Set(pkgs);
  for (const m of out.matchAll(/^Inst (\S+) /gm)) {
    // The web UI's JavaScript and fonts are not needed to run the servers from a test.
    if (/^(libjs-|fonts-|node-)/.test(m[1])) continue;
    names.add(m[1]);
  }
  return [...names];
}

function libraryDirs(root) {
  const dirs = [];
  for (const base of ['lib', 'usr/lib']) {
    const full = join(root, base);
    if (!existsSync(full)) continue;
    for (const d of readdirSync(full)) if (/-linux-gnu/.test(d)) dirs.push(join(full, d));
    dirs.push(full);
  }
  return dirs;
}

function writeWrapper(cache, name, root, version) {
  const s = spec(name);
  const target = join(root, s.bin);
  if (!existsSync(target)) throw new ToolError(`package ${s.pkg} ${version} has no ${s.bin}`, 'OBS_TOOLS_FETCH_FAILED');
  const q = (v) => `'${v.replaceAll("'", `'\\''`)}'`;
  const libs = libraryDirs(root).join(':');
  const extraEnv = Object.entries(s.env ?? {}).map(([k, v]) => `${k}=${q(v.replaceAll('{root}', root))} `);
  const body = [
    '#!/bin/sh',
    `# ${name} ${version} from Debian package ${s.pkg}, extracted by scripts/lib/tools.mjs. Delete .cache/tools to refetch.`,
    `LD_LIBRARY_PATH=${q(libs)}"\${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" ${extraEnv.join('')}exec ${q(target)} "$@"`,
    '',
  ].join('\n');
  mkdirSync(join(cache, 'bin'), { recursive: true });
  writeFileSync(join(cache, 'bin', name), body, { mode: 0o755 });
}

function withLock(cache, fn) {
  mkdirSync(cache, { recursive: true });
  const lock = join(cache, '.lock');
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > 15 * 60_000) rmSync(lock, { recursive: true, force: true });
      } catch {}
      if (Date.now() > deadline) throw new ToolError(`another fetch holds ${lock}; remove it if no fetch is running`, 'OBS_TOOLS_LOCKED');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Install `names` (servers that cannot run relocated) with the system's apt-get, as root only.
 * A policy-rc.d that forbids starting services is in place during the install, so Debian's
 * maintainer scripts start no daemon: the tests start their own on free ports, stopped by PID.
 */
function installWithApt(names, { env, log }) {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    const why = names.map((n) => `${n}: ${spec(n).why ?? 'it cannot run relocated'}`).join('; ');
    throw new ToolError(`${names.join(', ')} cannot run from the project cache (${why}) and installing it needs root`, 'OBS_TOOLS_NEEDS_ROOT');
  }
  const pkgs = [...new Set(names.flatMap((n) => [spec(n).pkg, ...(spec(n).extra ?? [])]))];
  const policy = '/usr/sbin/policy-rc.d';
  const ours = !existsSync(policy);
  if (ours) writeFileSync(policy, '#!/bin/sh\n# written by scripts/lib/tools.mjs for the duration of an install\nexit 101\n', { mode: 0o755 });
  const started = Date.now();
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    const install = () => run('apt-get', ['-q', '-y', 'install', '--no-install-recommends', ...pkgs], { env: aptEnv });
    try {
      install();
    } catch {
      run('apt-get', ['-q', 'update'], { env: aptEnv });
      install();
    }
  } finally {
    if (ours) rmSync(policy, { force: true });
  }
  for (const n of names) {
    const found = locateTool(n, env);
    if (!found) throw new ToolError(`apt-get installed ${spec(n).pkg} but ${n} is still not found`, 'OBS_TOOLS_FETCH_FAILED');
    log(`installing ${n} from Debian packages (apt-get, as root)… done, at ${found.path} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
}

/** Fetch `names` from Debian's packages into the cache; prints one line per tool. */
function fetchFromDebian(names, { env, log }) {
  const cache = cacheDir(env);
  return withLock(cache, () => {
    const todo = names.filter((n) => !locateTool(n, env));
    if (todo.length === 0) return;
    const root = join(cache, 'root');
    if (!listsFresh(cache)) aptUpdate(cache, env);
    const pkgs = [...new Set(todo.flatMap((n) => [spec(n).pkg, ...(spec(n).extra ?? [])]))];
    const debs = join(cache, 'debs');
    mkdirSync(debs, { recursive: true });
    const started = Date.now();
    const all = packagesToFetch(cache, pkgs, env);
    const download = () => run('apt-get', [...aptOptions(cache), '-o', 'APT::Sandbox::User=root', 'download', ...all], { cwd: debs, env });
    try {
      download();
    } catch {
      // A stale list names a version the archive has replaced: refresh the lists once.
      aptUpdate(cache, env);
      download();
    }
    const versions = new Map();
    for (const file of readdirSync(debs).filter((f) => f.endsWith('.deb'))) {
      const deb = join(debs, file);
      const [pkg, version] = run('dpkg-deb', ['-f', deb, 'Package', 'Version']).trim().split('\n').map((l) => l.replace(/^\w+: /, ''));
      if (!all.includes(pkg)) continue;
      run('dpkg-deb', ['-x', deb, root]);
      versions.set(pkg, version);
      rmSync(deb);
    }
    for (const n of todo) {
      const version = (versions.get(spec(n).pkg) ?? '?').replace(/^\d+:/, '').replace(/[+~-].*$/, '');
      writeWrapper(cache, n, root, version);
      log(`fetching ${n} ${version} from Debian packages… done, cached in ${join(cache, 'bin', n)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
  });
}

/**
 * Make every tool in `names` available, fetching what is missing. Returns name → path. Throws one
 * ToolError listing every tool that cannot be had, before anything else runs.
 */
export function ensureTools(names, { env = process.env, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const wanted = [...new Set(names)];
  const problems = [];
  const missing = [];
  for (const n of wanted) {
    try {
      if (!locateTool(n, env)) missing.push(n);
    } catch (err) {
      problems.push(err.message);
    }
  }
  if (problems.length) throw new ToolError(problems.join('\n'), 'OBS_TOOLS_BAD_OVERRIDE');
  if (missing.length) {
    const why = fetchUnavailable(env);
    if (why) throw new ToolError(missingMessage(missing, why));
    try {
      const system = missing.filter((n) => spec(n).install === 'apt');
      if (system.length) installWithApt(system, { env, log });
      const cached = missing.filter((n) => spec(n).install !== 'apt');
      if (cached.length) fetchFromDebian(cached, { env, log });
    } catch (err) {
      throw new ToolError(`${missingMessage(missing, 'fetching from Debian packages failed')}\n\nThe fetch said:\n${err.message}`, 'OBS_TOOLS_FETCH_FAILED');
    }
  }
  return Object.fromEntries(wanted.map((n) => [n, locateTool(n, env).path]));
}

const cli = join(repoRoot, 'scripts/tools.mjs');

/**
 * The path of `name` for a test or script: resolved without fetching when it can be, else fetched
 * (synchronously, through the CLI, so every caller gets the same single-line progress). Throws a
 * ToolError that says which tool is missing and how to get it.
 */
export function tool(name, env = process.env) {
  const found = locateTool(name, env);
  if (found) return found.path;
  const r = spawnSync(process.execPath, [cli, 'ensure', name], { env, encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
  if (r.status !== 0) throw new ToolError(`this test needs ${name}.\n${(r.stderr ?? '').trim()}`);
  return locateTool(name, env).path;
}

