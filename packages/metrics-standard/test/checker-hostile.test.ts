// obs-contract against hostile endpoints (issue 12): a 1 GB body, a body that trickles, and text
// carrying terminal escape sequences. The built bin and the built library run as child processes,
// against local node:http servers that generate their bodies lazily.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const pkg = fileURLToPath(new URL('..', import.meta.url));
const fixtures = new URL('./fixtures/checker/', import.meta.url);
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

let tmp = '';
let cli = '';
let server: Server;
let base = '';
/** Bytes each streaming response handed to the socket, by path. */
const sent = new Map<string, number>();

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function node(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile('node', args, { env: { ...process.env, OBS_CONTRACT_TOKEN: '', ...env }, timeout: 45_000, maxBuffer: 64 * MIB }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

/** Writes `total` bytes of valid-looking exposition lines, generated chunk by chunk, honouring backpressure; stops when the client goes away. */
function streamHuge(req: IncomingMessage, res: ServerResponse, total: number): void {
  const line = 'http_requests_total{service="huge",method="GET",path="/x",status="200"} 1\n';
  const chunk = Buffer.from(line.repeat(Math.ceil((64 * 1024) / line.length)));
  let written = 0;
  let closed = false;
  res.on('close', () => {
    closed = true;
  });
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
  const pump = () => {
    while (!closed && written < total) {
      written += chunk.length;
      sent.set(req.url ?? '', written);
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!closed) res.end();
  };
  pump();
}

function trickle(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
  res.write('# HELP service_up 1 while serving.\n');
  const timer = setInterval(() => res.write('# a comment\n'), 200);
  res.on('close', () => clearInterval(timer));
}

const ESC_PATH = '/users/123/\u001b[2J\u001b]0;pwned\u0007\u009b31m\u202eevil';
const LONG_PATH = `/users/456/${'a'.repeat(100_000)}`;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'obs-contract-hostile-'));
  cli = join(tmp, 'cli.js');
  copyFileSync(join(pkg, 'dist', 'cli.js'), cli);
  const rawPaths = readFileSync(new URL('raw-paths.prom', fixtures), 'utf8');
  const escaped = rawPaths.replaceAll('/users/123', ESC_PATH).replaceAll('/orders/550e8400-e29b-41d4-a716-446655440000', LONG_PATH);
  server = createServer((req, res) => {
    if (req.url === '/huge') return streamHuge(req, res, GIB);
    if (req.url === '/trickle') return trickle(res);
    if (req.url === '/declared-huge') {
      // Announces 2 GiB, sends a line, then nothing: the checker must not wait for the rest.
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', 'content-length': String(2 * GIB) });
      return res.write('# HELP service_up 1 while serving.\n');
    }
    if (req.url === '/escapes') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      return res.end(escaped);
    }
    if (req.url === '/malformed-escapes') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      return res.end('# TYPE x gauge\nbad\u001b[31mname{service="a"} 1\n');
    }
    if (req.url === '/error-body') {
      res.writeHead(500, { 'content-type': 'text/plain' });
      return res.end('\u001b]0;pwned\u0007\u001b[2Jinternal error');
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('a 1 GB endpoint', () => {
  it('the bin stops at the default 10 MiB cap with a coded error, and the server saw the connection close', async () => {
    const r = await node([cli, 'check', `${base}/huge`]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('OBS_ERR_SCRAPE_FAILED');
    expect(r.stderr).toContain('larger than the 10 MiB cap (--max-bytes 10485760); stopped reading');
    // The request was aborted at the cap: the server handed far less than 1 GiB to the socket.
    expect(sent.get('/huge')).toBeLessThan(64 * MIB);
  });

  it('--max-bytes sets the cap; the library process stays small (peak RSS, not the body size)', async () => {
    const r = await node([cli, 'check', `${base}/huge`, '--max-bytes', String(MIB), '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'OBS_ERR_SCRAPE_FAILED' } });
    expect(r.stderr).toContain('larger than the 1 MiB cap (--max-bytes 1048576)');

    const script = join(tmp, 'rss.mjs');
    writeFileSync(
      script,
      `import { checkContract } from ${JSON.stringify(join(pkg, 'dist', 'index.js'))};
       let error;
       try { await checkContract(process.argv[2], { maxBytes: 8 * 1024 * 1024 }); } catch (e) { error = { code: e.code, message: e.message }; }
       console.log(JSON.stringify({ error, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));`,
    );
    const lib = await node([script, `${base}/huge`]);
    const { error, maxRssBytes } = JSON.parse(lib.stdout);
    expect(error.code).toBe('OBS_ERR_SCRAPE_FAILED');
    expect(error.message).toContain('larger than the 8 MiB cap');
    // Node itself is ~50 MB; buffering 1 GiB would be > 1000 MB.
    expect(maxRssBytes).toBeLessThan(250 * MIB);
  });
});

describe('a Content-Length over the cap', () => {
  it('fails at once on the header, without reading or waiting for the body', async () => {
    const r = await node([cli, 'check', `${base}/declared-huge`, '--timeout', '30000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('larger than the 10 MiB cap');
    expect(r.stderr).not.toContain('no answer within');
  });
});

describe('a body that trickles', () => {
  it('times out during the body: exit 2 naming the timeout', async () => {
    const r = await node([cli, 'check', `${base}/trickle`, '--timeout', '1500']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('reading the response failed: no answer within 1500 ms (raise --timeout)');
  });
});

describe('text from the endpoint is printed escaped and truncated', () => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
  const RAW_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

  it('label values with ESC sequences, C1 controls and bidi overrides', async () => {
    const r = await node([cli, 'check', `${base}/escapes`]);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(RAW_CONTROLS);
    // ESC and BEL come out as JSON escapes (the rule quotes the value), C1 CSI and the bidi override as \x9b, \u202e.
    expect(r.stdout).toContain('/users/123/\\u001b[2J\\u001b]0;pwned\\u0007\\x9b31m\\u202eevil');
    // The 100 000-character label value is cut, with the count of what was left out.
    const long = r.stdout.split('\n').find((l) => l.includes('/users/456/aaaa'));
    expect(long).toMatch(/…\[\d+ more\]/);
    expect(r.stdout.split('\n').every((l) => l.length < 1200)).toBe(true);
  });

  it('--json escapes C1 controls and bidi overrides and truncates too (still valid JSON)', async () => {
    const r = await node([cli, 'check', `${base}/escapes`, '--json']);
    expect(r.stdout).not.toMatch(RAW_CONTROLS);
    const json = JSON.parse(r.stdout);
    const examples: string[] = json.rules.flatMap((x: { examples: string[] }) => x.examples);
    // Lossless: parsing the escaped JSON gives back the endpoint's characters.
    expect(examples.some((e) => e.includes('pwned\\u0007\u009b31m\u202eevil'))).toBe(true);
    expect(examples.every((e) => e.length < 400)).toBe(true);
  });

  it('a malformed line carrying ESC, and an error body carrying ESC', async () => {
    const bad = await node([cli, 'check', `${base}/malformed-escapes`]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).not.toMatch(RAW_CONTROLS);
    expect(bad.stdout).toContain('bad\\x1b[31mname');
    const err = await node([cli, 'check', `${base}/error-body`]);
    expect(err.code).toBe(2);
    expect(err.stderr).not.toMatch(RAW_CONTROLS);
    expect(err.stderr).toContain('HTTP 500 Internal Server Error; the body starts: ');
    expect(err.stderr).toContain('internal error');
  });
});
