import { once } from 'node:events';
import { Agent, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export { labelValues, parseMetrics, type Sample, sum } from '../../../test-utils/prom-text.mjs';

/** Listen on 127.0.0.1, a free port; returns the base URL. */
export async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Run `total` tasks with `concurrency` workers. */
export async function pool(total: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await task(next++);
    }),
  );
}

/**
 * A keep-alive client of at most `connections` sockets (node:http: several times cheaper per
 * request than fetch, which matters for the thousands of requests the counting tests send).
 */
export function client(connections: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  return {
    get(url: string, method = 'GET'): Promise<number> {
      return new Promise((resolve, reject) => {
        const req = request(url, { agent, method }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end();
      });
    },
    close: () => agent.destroy(),
  };
}

/**
 * Removes what router 2.3 added to Express 5's layers (`rawPath`), through every nested router, so
 * the templates must come from the match results alone, as on router 2.0–2.2.
 */
export function stripRawPaths(router: { stack: Array<{ rawPath?: unknown; handle?: unknown }> }, seen = new Set<unknown>()): void {
  if (seen.has(router)) return;
  seen.add(router);
  for (const layer of router.stack) {
    delete layer.rawPath;
    const handle = layer.handle as { stack?: unknown } | undefined;
    if (handle && Array.isArray(handle.stack)) stripRawPaths(handle as never, seen);
  }
}
