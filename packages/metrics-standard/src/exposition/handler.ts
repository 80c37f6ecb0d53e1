import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Obs } from '../obs.js';
import type { Warner } from '../warnings.js';
import { createScrapeGuard, type ProtectionOptions, type ScrapeGuard } from './protection.js';
import { type ScrapeResult, scrape } from './scrape.js';

/** A node:http request listener. */
export type MetricsHandler = (req: IncomingMessage, res: ServerResponse) => void;

function reply(res: ServerResponse, status: number, text: string, headers: Readonly<Record<string, string>> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(`${text}\n`);
}

/**
 * The request listener around a render function: method check, access check, render, 500 plus one
 * warning on failure. Shared by the per-process and the cluster endpoints.
 * @internal
 */
export function serveMetrics(render: (accept: string | undefined) => Promise<Omit<ScrapeResult, 'format'>>, guard: ScrapeGuard, warner: Warner): MetricsHandler {
  const failed = (res: ServerResponse, err: unknown) => {
    warner.once('OBS_WARN_COLLECT_FAILED', 'scrape', `collecting metrics failed: ${err instanceof Error ? err.message : String(err)}.`);
    try {
      reply(res, 500, 'metrics collection failed');
    } catch {
      res.destroy();
    }
  };
  return (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        reply(res, 405, 'method not allowed', { allow: 'GET, HEAD' });
        return;
      }
      const verdict = guard.check(req);
      if (!verdict.ok) {
        reply(res, verdict.status, verdict.reason, verdict.headers);
        return;
      }
      render(req.headers.accept)
        .then(
          ({ contentType, body }) => {
            if (res.destroyed) return;
            res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
            res.end(req.method === 'HEAD' ? undefined : body);
          },
          (err: unknown) => failed(res, err),
        )
        .catch(() => res.destroy());
    } catch (err) {
      failed(res, err);
    }
  };
}

/**
 * A node:http `(req, res)` listener serving the metrics of `obs` at whatever path you mount it:
 * content negotiation (Prometheus text or OpenMetrics), optional bearer token and IP allowlist
 * (validated now, at start-up), 405 for methods other than GET and HEAD, 500 with one coded
 * warning when collection fails. It never throws.
 *
 * @example
 * const metrics = createMetricsHandler(obs, { token: process.env.METRICS_TOKEN });
 * createServer((req, res) => (req.url === '/metrics' ? metrics(req, res) : app(req, res)));
 */
export function createMetricsHandler(obs: Obs, protection: ProtectionOptions = {}): MetricsHandler {
  return serveMetrics((accept) => scrape(obs, accept), createScrapeGuard(protection), obs.context.warner);
}
