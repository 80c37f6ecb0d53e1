import type { IncomingMessage, ServerResponse } from 'node:http';
import { ObsError } from '../errors.js';
import type { Obs } from '../obs.js';
import { rejectUnknownKeys } from '../validate.js';
import type { Warner } from '../warnings.js';
import { createScrapeLimiter, SCRAPE_LIMIT_OPTION_KEYS, type ScrapeLimiter, type ScrapeLimitOptions } from './endpoint.js';
import { createScrapeGuard, isLoopback, PROTECTION_OPTION_KEYS, type ProtectionOptions, type ScrapeGuard, warnUnprotected } from './protection.js';
import { scrape } from './scrape.js';

/** Options of a metrics endpoint: who may read it ({@link ProtectionOptions}) and how scrapes are bounded ({@link ScrapeLimitOptions}). */
export interface MetricsEndpointOptions extends ProtectionOptions, ScrapeLimitOptions {}

/** The option names of {@link MetricsEndpointOptions}, for validators that accept them among others. */
export const METRICS_ENDPOINT_OPTION_KEYS = [...PROTECTION_OPTION_KEYS, ...SCRAPE_LIMIT_OPTION_KEYS] as const;

/** The access check and the scrape limiter of one endpoint, its options validated (coded errors). */
export interface MetricsEndpoint {
  readonly guard: ScrapeGuard;
  readonly limiter: ScrapeLimiter;
}

/**
 * Validate the options of a metrics endpoint of `obs` and build its guard and limiter: the shared
 * core of the node:http handler, the standalone server and the integrations' routes. Cached renders
 * are not reused once `obs` begins shutting down (the scrape must show `service_up 0`).
 *
 * @example
 * const { guard, limiter } = createMetricsEndpoint(obs, { token: process.env.METRICS_TOKEN, cacheMs: 500 });
 */
export function createMetricsEndpoint(obs: Obs, options: MetricsEndpointOptions = {}): MetricsEndpoint {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new ObsError('OBS_ERR_INVALID_OPTION', 'options', options, 'expected an object');
  rejectUnknownKeys('', options, METRICS_ENDPOINT_OPTION_KEYS);
  const { protection, limits } = splitEndpointOptions(options);
  const guard = createScrapeGuard(protection);
  const limiter = createScrapeLimiter((_format, accept) => scrape(obs, accept), limits, obs.context.warner, () => obs.shuttingDown);
  return { guard, limiter };
}

/** Split endpoint options into the protection part and the limit part (keys kept as given, even when undefined). For the @obs packages. */
export function splitEndpointOptions(options: object): { protection: ProtectionOptions; limits: ScrapeLimitOptions } {
  const protection: Record<string, unknown> = {};
  const limits: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if ((SCRAPE_LIMIT_OPTION_KEYS as readonly string[]).includes(k)) limits[k] = v;
    else protection[k] = v;
  }
  return { protection: protection as ProtectionOptions, limits: limits as ScrapeLimitOptions };
}

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
 * The request listener around an endpoint: method check, access check, the concurrent-scrape cap
 * (503), the shared render, 500 plus one warning on failure (the client gets no error text). Shared
 * by the per-process and the cluster endpoints. Warns once (`OBS_WARN_METRICS_UNPROTECTED`) when
 * an open endpoint answers on a non-loopback address.
 */
export function serveMetrics(limiter: ScrapeLimiter, guard: ScrapeGuard, warner: Warner, where = 'a metrics handler'): MetricsHandler {
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
      if (guard.unprotected && !isLoopback(req.socket?.localAddress)) warnUnprotected(guard, warner, where);
      const verdict = guard.check(req);
      if (!verdict.ok) {
        reply(res, verdict.status, verdict.reason, verdict.headers);
        return;
      }
      const release = limiter.admit();
      if (release === undefined) {
        reply(res, 503, 'too many concurrent scrapes', { 'retry-after': '1' });
        return;
      }
      res.once('close', release);
      limiter
        .render(req.headers.accept)
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
 * (validated now, at start-up), concurrent scrapes sharing one render (cached `cacheMs`, default
 * 1 s) and capped (`maxConcurrentScrapes`, default 10; 503 past it), 405 for methods other than GET
 * and HEAD, 500 with one coded warning when collection fails. It never throws.
 *
 * @example
 * const metrics = createMetricsHandler(obs, { token: process.env.METRICS_TOKEN });
 * createServer((req, res) => (req.url === '/metrics' ? metrics(req, res) : app(req, res)));
 */
export function createMetricsHandler(obs: Obs, options: MetricsEndpointOptions = {}): MetricsHandler {
  const { guard, limiter } = createMetricsEndpoint(obs, options);
  return serveMetrics(limiter, guard, obs.context.warner);
}
