// Small process helpers shared by the demo, the end-to-end suite and the benchmarks:
// free loopback ports, starting a child in its own process group, waiting for it, stopping it by PID.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createConnection, createServer } from 'node:net';
import { tool } from './tools.mjs';

/** A free TCP port on 127.0.0.1 (the kernel's pick). */
export async function freePort() {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

/**
 * Start a command in its own process group; output goes to `log` (a function) line by line.
 * Returns { child, pid, stop() } where stop() kills the whole group and waits for exit.
 */
export function startProcess(cmd, args, { env = {}, cwd, log = () => {}, uid, gid } = {}) {
  const child = spawn(cmd, args, {
    cwd,
    ...(uid === undefined ? {} : { uid }),
    ...(gid === undefined ? {} : { gid }),
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (d) => {
      buf += d;
      let i = buf.indexOf('\n');
      while (i >= 0) {
        log(buf.slice(0, i));
        buf = buf.slice(i + 1);
        i = buf.indexOf('\n');
      }
    });
  }
  let stopped = false;
  return {
    child,
    pid: child.pid,
    exited,
    async stop(signal = 'SIGTERM', graceMs = 5000) {
      if (stopped) return exited;
      stopped = true;
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      try {
        process.kill(-child.pid, signal);
      } catch {}
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {}
      }, graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/** Poll `url` until it answers (any HTTP status) or `timeoutMs` passes. */
export async function waitForHttp(url, { timeoutMs = 20_000, headers } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      return res;
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`timed out waiting for ${url}: ${lastError?.message ?? 'no answer'}`);
}

/**
 * Start `redis-server` on a loopback port (`port`, or a free one) with no persistence; resolves once
 * it accepts connections. Returns { url, port, stop }.
 */
export async function startRedis({ log, port: wanted } = {}) {
  const port = wanted ?? (await freePort());
  const proc = startProcess(tool('redis-server'), ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { log });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = createConnection({ port, host: '127.0.0.1' }, () => {
        s.end();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) break;
    if (Date.now() > deadline) {
      await proc.stop();
      throw new Error(`redis-server did not start on port ${port}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { ...proc, port, url: `redis://127.0.0.1:${port}` };
}
