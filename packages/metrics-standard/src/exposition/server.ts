import type { Server } from 'node:http';
import { ObsError } from '../errors.js';
import type { Obs } from '../obs.js';
import type { Warner } from '../warnings.js';
import { optionalInteger, optionalString, rejectUnknownKeys } from '../validate.js';
import { createMetricsEndpoint, METRICS_ENDPOINT_OPTION_KEYS, type MetricsEndpointOptions, type MetricsHandler, serveMetrics } from './handler.js';
import { isLoopback, type ScrapeGuard, warnUnprotected } from './protection.js';

// Built-ins through process.getBuiltinModule, not `import`: see src/lazy.ts.
const { createServer } = process.getBuiltinModule('node:http');
const { isIP } = process.getBuiltinModule('node:net');

/** Default port of the standalone metrics server (the OpenTelemetry Prometheus exporter's). */
export const DEFAULT_METRICS_PORT = 9464;

/** Where a standalone metrics server listens. */
export interface ListenOptions {
  /** Interface to bind. Default: `'127.0.0.1'` (local only); use `'0.0.0.0'` or `'::'` so that a Prometheus on another host or container can reach it. */
  host?: string;
  /** TCP port; `0` picks a free one. Default: 9464. */
  port?: number;
  /** The path served; every other path is 404. Default: `'/metrics'`. */
  path?: string;
  /** A client must send its request headers within this many milliseconds, or its connection is closed (slowloris). Default: 10 000. */
  headersTimeoutMs?: number;
  /** A client must send its whole request within this many milliseconds (at least `headersTimeoutMs`). Default: 30 000. */
  requestTimeoutMs?: number;
  /** Open connections accepted at once; further ones are refused until some close. Default: 100. */
  maxConnections?: number;
}

/** Options of {@link startMetricsServer}: where it listens, who may read it and how scrapes are bounded. */
export interface MetricsServerOptions extends ListenOptions, MetricsEndpointOptions {}

/** The option names of {@link ListenOptions}. */
export const LISTEN_OPTION_KEYS = ['host', 'port', 'path', 'headersTimeoutMs', 'requestTimeoutMs', 'maxConnections'] as const;

/** The option names of {@link MetricsServerOptions}, for validators that accept them among others. */
export const METRICS_SERVER_OPTION_KEYS = [...LISTEN_OPTION_KEYS, ...METRICS_ENDPOINT_OPTION_KEYS] as const;

/** A running standalone metrics server. */
export interface MetricsServer {
  /** The node:http server. */
  readonly server: Server;
  /** The port actually bound (useful with `port: 0`). */
  readonly port: number;
  /** The scrape URL, e.g. `http://127.0.0.1:9464/metrics`. */
  readonly url: string;
  /** Stop listening and close idle connections. Idempotent. */
  close(): Promise<void>;
}

/** The listen options plus the endpoint options of a standalone server, validated. For the @obs packages. */
export function splitServerOptions(options: unknown, extraKeys: readonly string[] = []): { listen: Required<ListenOptions>; rest: Record<string, unknown> } {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new ObsError('OBS_ERR_INVALID_OPTION', 'options', options, 'expected an object');
  rejectUnknownKeys('', options, [...METRICS_SERVER_OPTION_KEYS, ...extraKeys]);
  const { host, port, path, headersTimeoutMs, requestTimeoutMs, maxConnections, ...rest } = options as Record<string, unknown>;
  const headers = optionalInteger('headersTimeoutMs', headersTimeoutMs, 10_000, 1, 600_000);
  const listen = {
    host: optionalString('host', host) ?? '127.0.0.1',
    port: optionalInteger('port', port, DEFAULT_METRICS_PORT, 0, 65535),
    path: optionalString('path', path) ?? '/metrics',
    headersTimeoutMs: headers,
    requestTimeoutMs: optionalInteger('requestTimeoutMs', requestTimeoutMs, Math.max(30_000, headers), headers, 600_000),
    maxConnections: optionalInteger('maxConnections', maxConnections, 100, 1, 1_000_000),
  };
  if (!listen.path.startsWith('/')) throw new ObsError('OBS_ERR_INVALID_OPTION', 'path', listen.path, 'expected a path starting with /');
  return { listen, rest };
}

/** Serve `handler` at `path` on its own server. For the @obs packages. */
export async function listenMetrics(handler: MetricsHandler, { host, port, path, headersTimeoutMs, requestTimeoutMs, maxConnections }: Required<ListenOptions>): Promise<MetricsServer> {
  const server = createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      // Node enforces both timeouts on this period (30 s by default): check often enough that a
      // slow client is dropped close to its deadline.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeoutMs / 4))),
    },
    (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    if ((q === -1 ? url : url.slice(0, q)) !== path) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    handler(req, res);
  },
  );
  server.maxConnections = maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  const urlHost = isIP(host) === 6 ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    return closing;
  };
  return { server, port: bound, url: `http://${urlHost}:${bound}${path}`, close };
}

/**
 * Serve the metrics of `obs` on their own host and port, apart from the application's server.
 * The server keeps answering while a graceful shutdown drains (so the last scrapes see
 * `service_up 0`) and closes itself when `obs.shutdown()` has finished draining.
 *
 * @example
 * const metrics = await startMetricsServer(obs, { port: 9464, token: process.env.METRICS_TOKEN });
 * console.log(`scrape ${metrics.url}`);
 */
export async function startMetricsServer(obs: Obs, options: MetricsServerOptions = {}): Promise<MetricsServer> {
  const { listen, rest } = splitServerOptions(options);
  const { guard, limiter } = createMetricsEndpoint(obs, rest as MetricsEndpointOptions);
  const running = await listenMetrics(serveMetrics(limiter, guard, obs.context.warner, 'the metrics server'), listen);
  warnIfReachable(guard, obs.context.warner, listen.host, running.url);
  obs.onShutdown(running.close);
  return running;
}

/** One `OBS_WARN_METRICS_UNPROTECTED` when an open standalone server binds beyond loopback. For the @obs packages. */
export function warnIfReachable(guard: ScrapeGuard, warner: Warner, host: string, url: string): void {
  if (!isLoopback(host)) warnUnprotected(guard, warner, `the metrics server at ${url}`);
}
