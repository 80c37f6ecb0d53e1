// Shared by the apps integration/release.mjs copies into each throwaway user project. Runs under the
// Node being tested; uses only Node built-ins and what `npm install` put in ./node_modules.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

const here = dirname(new URL(import.meta.url).pathname);
/** PATH with this Node first, so an installed bin's `#!/usr/bin/env node` runs under it too. */
const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}` };

/** Run a command of the project (an installed bin, npx): { code, out }. */
export function run(cmd, args, { timeoutMs = 60_000 } = {}) {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: here, env, timeout: timeoutMs }, (err, stdout, stderr) => {
      resolve({ code: err ? (err.code ?? 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

/** The installed version of a package, as npm resolved it. */
export const installed = (name) => JSON.parse(readFileSync(join(here, 'node_modules', name, 'package.json'), 'utf8')).version;

/** Sum of the samples of `name` whose labels include `match`, from Prometheus text. */
export function sum(text, name, match = {}) {
  let total = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(match).every(([k, v]) => labels[k] === v)) total += Number(m[3]);
  }
  return total;
}

export async function scrape(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  assert(res.status === 200, `GET ${url} answered ${res.status}`);
  return res.text();
}

/** The installed `obs-contract check <url>`, executed as a user's shell would (needs its exec bit). */
export async function contractCheck(url) {
  const res = await run(join(here, 'node_modules', '.bin', 'obs-contract'), ['check', url]);
  assert(res.code === 0, `obs-contract check ${url} exited ${res.code}:\n${res.out}`);
  return res.out.trim().split('\n')[0];
}

/** One line for the harness: what ran, on which Node, with which @obs versions. */
export function report(kind, detail, names) {
  const versions = names.map((n) => `${n}@${installed(n)}`).join(' ');
  console.log(`ok ${kind} on Node ${process.version}: ${detail} [${versions}]`);
}

/**
 * What every HTTP service of the release check must show: three `GET /users/<id>` counted once each
 * under the template on `/metrics`, and the installed obs-contract passing that endpoint.
 */
export async function checkUsersService(kind, base, names) {
  for (let i = 0; i < 3; i++) await (await fetch(`${base}/users/${i}`)).text();
  const text = await scrape(`${base}/metrics`);
  const n = sum(text, 'http_requests_total', { path: '/users/:id' });
  assert(n === 3, `http_requests_total{path="/users/:id"} is ${n}, expected 3`);
  report(kind, await contractCheck(`${base}/metrics`), names);
}
