// A real npm registry on loopback for integration/release.mjs: Verdaccio, installed from npm into
// this folder (its own package.json + lockfile, outside the workspace's dependency tree; see
// docs/decisions/0100-release-test-registry.md), started with throwaway storage, stopped by PID.
//
// `@obs/*` is published here and never proxied; every other package is proxied from the npm
// registry (uplink `npmjs`), so `fastify`, `express`, `bullmq` and their trees resolve through it.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startProcess, waitForHttp } from '../../scripts/lib/procs.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const STAMP = join(here, 'node_modules', '.obs-lock-sha256');

/** `npm ci` this folder on first use, and again whenever package-lock.json changed. Returns the bin. */
export function ensureVerdaccio(log = () => {}) {
  const lock = readFileSync(join(here, 'package-lock.json'));
  const sha = createHash('sha256').update(lock).digest('hex');
  const bin = join(here, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
  if (existsSync(bin) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === sha) return bin;
  log(`installing Verdaccio into ${join(here, 'node_modules')} (npm ci, first use)`);
  // The public registry explicitly: this install must not go through a registry set by the caller.
  const res = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error', '--registry=https://registry.npmjs.org/'], {
    cwd: here,
    encoding: 'utf8',
    env: { ...process.env, npm_config_userconfig: join(here, 'no-such-npmrc') },
  });
  if (res.status !== 0) throw new Error(`npm ci in ${here} failed (exit ${res.status}):\n${res.stdout}${res.stderr}`);
  writeFileSync(STAMP, sha);
  return bin;
}

/**
 * Start Verdaccio on a free 127.0.0.1 port with its storage, config and htpasswd under `dir` (a
 * temp folder the caller deletes). Returns { url, port, npmrc, env, stop }: `npmrc` is a userconfig
 * pointing npm at the registry with a token line (publish is open for @obs/*, so any token works;
 * the user's ~/.npmrc is never read or written), `env` the variables to hand to every npm call.
 */
export async function startRegistry({ dir, log = () => {} }) {
  const bin = ensureVerdaccio(log);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const config = join(dir, 'verdaccio.yaml');
  writeFileSync(
    config,
    [
      `storage: ${join(dir, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(dir, 'htpasswd')}`,
      '    max_users: -1',
      'uplinks:',
      '  npmjs:',
      '    url: https://registry.npmjs.org/',
      '    timeout: 60s',
      'packages:',
      "  '@obs/*':",
      '    access: $all',
      '    publish: $all',
      '    unpublish: $all',
      "  '**':",
      '    access: $all',
      '    proxy: npmjs',
      'web:',
      '  enable: false',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  const npmrc = join(dir, 'npmrc');
  writeFileSync(npmrc, `registry=${url}\n//127.0.0.1:${port}/:_authToken=obs-release-test\nupdate-notifier=false\n`);
  const proc = startProcess(process.execPath, [bin, '--config', config, '--listen', `127.0.0.1:${port}`], {
    log: (line) => {
      if (!/superuser privileges|trace-warnings|recommends Node\.js v22/.test(line)) log(`verdaccio: ${line}`);
    },
  });
  try {
    await waitForHttp(`${url}-/ping`, { timeoutMs: 30_000 });
  } catch (err) {
    await proc.stop();
    throw new Error(`Verdaccio did not answer on ${url}: ${err.message}`);
  }
  const env = (extra = {}) => ({
    ...process.env,
    npm_config_registry: url,
    npm_config_userconfig: npmrc,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    ...extra,
  });
  return { url, port, npmrc, env, pid: proc.pid, stop: () => proc.stop() };
}
