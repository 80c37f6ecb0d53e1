#!/usr/bin/env node
// A small keep-alive HTTP client for bench/instructions.mjs, run as its own process (never under
// valgrind): `node keepalive-client.mjs <port> <requests> [connections]` sends GET /users/<id>
// (the id varying over 10 000 values) over `connections` kept-alive sockets, checks every answer is
// a 200, and prints `{ requests, ms }` as JSON. node:http's Agent only: no autocannon workers, no
// undici, so the client's own start-up stays small next to a server under valgrind.
import http from 'node:http';

const [port, total, connections = 4] = process.argv.slice(2).map(Number);
if (!port || !total) throw new Error('usage: keepalive-client.mjs <port> <requests> [connections]');
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
let sent = 0;
let done = 0;
const started = performance.now();
await new Promise((resolve, reject) => {
  const next = () => {
    if (sent >= total) return;
    const id = sent++ % 10_000;
    http
      .get({ host: '127.0.0.1', port, path: `/users/${id}`, agent }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`GET /users/${id}: ${res.statusCode}`));
          if (++done === total) resolve();
          else next();
        });
      })
      .on('error', reject);
  };
  for (let c = 0; c < connections; c++) next();
});
agent.destroy();
process.stdout.write(`${JSON.stringify({ requests: done, ms: Math.round(performance.now() - started) })}\n`);
