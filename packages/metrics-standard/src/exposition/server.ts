import { createServer, type Server } from 'node:http';
import { isIP } from 'node:net';
import { ObsError } from '../errors.js';
import type { Obs } from '../obs.js';
import { optionalInteger, optionalString, rejectUnknownKeys } from '../validate.js';
import { createMetricsHandler, type MetricsHandler } from './handler.js';
import { PROTECTION_OPTION_KEYS, type ProtectionOptions } from './protection.js';

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
}

/** Options of {@link startMetricsServer}. */
export interface MetricsServerOptions extends ListenOptions, ProtectionOptions {}

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

/** The listen options plus the protection options of a standalone server, validated. @internal */
export function splitServerOptions(options: unknown, extraKeys: readonly string[] = []): { listen: Required<ListenOptions>; rest: Record<string, unknown> } {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new ObsError('OBS_ERR_INVALID_OPTION', 'options', options, 'expected an object');
  rejectUnknownKeys('', options, ['host', 'port', 'path', ...PROTECTION_OPTION_KEYS, ...extraKeys]);
  const { host, port, path, ...rest } = options as Record<string, unknown>;
  const listen = {
    host: optionalString('host', host) ?? '127.0.0.1',
    port: optionalInteger('port', port, DEFAULT_METRICS_PORT, 0, 65535),
    path: optionalString('path', path) ?? '/metrics',
  };
  if (!listen.path.startsWith('/')) throw new ObsError('OBS_ERR_INVALID_OPTION', 'path', listen.path, 'expected a path starting with /');
  return { listen, rest };
}

/** Serve `handler` at `path` on its own server. @internal */
export async function listenMetrics(handler: MetricsHandler, { host, port, path }: Required<ListenOptions>): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    if ((q === -1 ? url : url.slice(0, q)) !== path) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    handler(req, res);
  });
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
  const running = await listenMetrics(createMetricsHandler(obs, rest as ProtectionOptions), listen);
  obs.onShutdown(running.close);
  return running;
}
