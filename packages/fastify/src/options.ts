import type { MetricsServerOptions as CoreMetricsServerOptions, MetricsEndpointOptions, Obs, ObsOptions, RequestLogger } from '@obs/metrics-standard';
import {
  createScrapeGuard,
  METRICS_ENDPOINT_OPTION_KEYS,
  METRICS_SERVER_OPTION_KEYS,
  OBS_OPTION_KEYS,
  ObsError,
  PROTECTION_OPTION_KEYS,
  rejectUnknownKeys,
  typeOnly,
  withOptionPath,
} from '@obs/metrics-standard';

/**
 * The `/metrics` route on the application's own port: the core's protection options (`token`,
 * `allow`, `trustProxyHops`, `open`) and scrape limits (`cacheMs`, `maxConcurrentScrapes`).
 */
export interface MetricsRouteOptions extends MetricsEndpointOptions {
  /** URL path of the route. Default: `'/metrics'`. */
  path?: string;
}

/**
 * A separate metrics listener (the core's `startMetricsServer`), e.g. on a port only Prometheus
 * can reach: `host` (default `'127.0.0.1'`), `port` (default 9464; `0` picks a free one, read it
 * from `fastify.obsMetricsServer`), `path` (default `'/metrics'`), the timeouts and connection cap
 * (`headersTimeoutMs`, `requestTimeoutMs`, `maxConnections`), the protection options and the scrape limits.
 */
export type MetricsServerOptions = CoreMetricsServerOptions;

/** Options of the plugin that are not the core's. */
export interface ObsFastifyPluginOptions {
  /**
   * The `/metrics` route on the application's port, with the core's protection options (bearer
   * token, IP allowlist), or `false` for none. The route itself is never counted.
   * Default: `{ path: '/metrics' }` (open).
   */
  metrics?: MetricsRouteOptions | false;
  /** Also (or instead, with `metrics: false`) serve the metrics on a separate port. Default: none. */
  metricsServer?: MetricsServerOptions;
  /**
   * Route templates (e.g. `'/healthz'`, `'/users/:id'`) whose requests are not counted. For
   * requests that matched no route, the URL path (without the query) is compared. Default: `[]`.
   */
  ignore?: readonly string[];
  /** How long closing the app waits for in-flight requests before the shutdown callbacks run. Default: 10 000 ms. */
  shutdownTimeoutMs?: number;
  /**
   * How long `app.close()` keeps the listener open after `service_up` became 0, answering only the
   * metrics route (every other request gets Fastify's 503), so that a scrape sees the shutdown.
   * Set it to your scrape interval to be sure Prometheus sees `service_up 0`. Default: 0 (the
   * listener stops as soon as `app.close()` is called, as Fastify does).
   */
  shutdownDelayMs?: number;
  /**
   * Log one line per counted request when it ends, at this level (`method`, `url`, `path` (the
   * route template), `status`, `duration_ms`, and the request span's `trace_id`/`span_id` when
   * tracing is on), or `false` for none. Default: `false` (it costs throughput; see the README).
   */
  logRequests?: false | 'info' | 'debug';
  /** Keep the query string in the `url` of request log lines (it often carries tokens or personal data). Default: `false` (dropped). */
  logQueryString?: boolean;
  /** The pino logger for the request lines. Default: `createLogger(obs)` (JSON on stdout with `service`, `env`, `version`). */
  logger?: RequestLogger;
}

export type { RequestLogger };

type NoObsOptions = { [K in keyof ObsOptions]?: never };

/**
 * Options of the @obs/fastify plugin: either an existing `obs` instance, or the core's
 * {@link ObsOptions} (`service`, …) to create one; plus the plugin's own options.
 */
export type ObsFastifyOptions = ObsFastifyPluginOptions & (({ obs: Obs } & NoObsOptions) | (ObsOptions & { obs?: never }));

/** Plugin options as validated. */
export interface ResolvedOptions {
  obs: Obs | undefined;
  obsOptions: ObsOptions | undefined;
  metrics: (MetricsEndpointOptions & { path: string }) | false;
  metricsServer: MetricsServerOptions | undefined;
  ignore: ReadonlySet<string>;
  shutdownTimeoutMs: number;
  shutdownDelayMs: number;
  logRequests: false | 'info' | 'debug';
  logQueryString: boolean;
  logger: RequestLogger | undefined;
}

const PLUGIN_KEYS = ['obs', 'metrics', 'metricsServer', 'ignore', 'shutdownTimeoutMs', 'shutdownDelayMs', 'logRequests', 'logQueryString', 'logger'] as const;
/** Keys Fastify itself reads from `register` options; allowed and not passed on. */
const FASTIFY_REGISTER_KEYS = ['prefix', 'logLevel', 'logSerializers'] as const;
const PATH = /^\/\S*$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isObs(value: unknown): value is Obs {
  return isObject(value) && typeof value.http === 'object' && typeof value.errors === 'object' && typeof value.shutdown === 'function' && typeof value.registry === 'object';
}

function pick(source: Record<string, unknown>, option: string, allowed: readonly string[]): Record<string, unknown> {
  rejectUnknownKeys(option, source, allowed);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(source)) if (v !== undefined) out[k] = v;
  return out;
}

function urlPath(option: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !PATH.test(value)) throw new ObsError('OBS_ERR_INVALID_OPTION', option, value, 'expected a URL path starting with "/"');
  return value;
}

/**
 * The endpoint options as given: a key present with an undefined value is kept, so that
 * `token: process.env.METRICS_TOKEN` with the variable unset fails (OBS_ERR_MISSING_TOKEN)
 * instead of serving the metrics open.
 */
function endpoint(source: Record<string, unknown>): MetricsEndpointOptions {
  const out: Record<string, unknown> = {};
  for (const k of METRICS_ENDPOINT_OPTION_KEYS) if (Object.hasOwn(source, k)) out[k] = source[k];
  return out as MetricsEndpointOptions;
}

/** Validates the protection options of `source` now, naming them under `option` (`metrics.token`). */
function validateProtection(option: string, source: Record<string, unknown>): void {
  const protection: Record<string, unknown> = {};
  for (const k of PROTECTION_OPTION_KEYS) if (Object.hasOwn(source, k)) protection[k] = source[k];
  withOptionPath(option, () => createScrapeGuard(protection));
}

/**
 * Validate the plugin options at registration; throws a coded `ObsError` naming the option.
 * The protection options themselves are validated by the core's `createScrapeGuard` / `startMetricsServer`.
 */
export function resolveOptions(input: unknown): ResolvedOptions {
  if (input === undefined || !isObject(input)) {
    throw new ObsError('OBS_ERR_INVALID_OPTION', 'options', input, 'register @obs/fastify with { service } or { obs }');
  }
  // Every key checked here, against the plugin's options, Fastify's register options and the
  // core's: a typo is named with the nearest option (`ignor` → `ignore`) and never reaches createObs.
  rejectUnknownKeys('', input, [...PLUGIN_KEYS, ...OBS_OPTION_KEYS, ...FASTIFY_REGISTER_KEYS]);
  const core: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if ((PLUGIN_KEYS as readonly string[]).includes(k) || (FASTIFY_REGISTER_KEYS as readonly string[]).includes(k)) continue;
    core[k] = v;
  }
  let obs: Obs | undefined;
  let obsOptions: ObsOptions | undefined;
  if (input.obs !== undefined) {
    if (!isObs(input.obs)) throw new ObsError('OBS_ERR_INVALID_OPTION', 'obs', input.obs, 'expected an instance from createObs()');
    const extra = Object.keys(core);
    if (extra.length > 0) {
      const key = extra[0] as string;
      throw new ObsError('OBS_ERR_INVALID_OPTION', key, typeOnly(core[key]), 'pass either an existing `obs` or the options to create one (service, …), not both');
    }
    obs = input.obs;
  } else {
    // createObs validates these (service name, unknown keys, buckets…) with its own codes.
    obsOptions = core as unknown as ObsOptions;
  }

  let metrics: ResolvedOptions['metrics'];
  if (input.metrics === false) metrics = false;
  else if (input.metrics === undefined) metrics = { path: '/metrics' };
  else if (isObject(input.metrics)) {
    const m = pick(input.metrics, 'metrics', ['path', ...METRICS_ENDPOINT_OPTION_KEYS]);
    metrics = { ...endpoint(input.metrics), path: urlPath('metrics.path', m.path, '/metrics') };
    // The token and allowlist fail at registration, named in full (`metrics.token`).
    validateProtection('metrics', input.metrics);
  } else throw new ObsError('OBS_ERR_INVALID_OPTION', 'metrics', input.metrics, 'expected { path?, token?, allow?, trustProxyHops?, open?, cacheMs?, maxConcurrentScrapes? } or false');

  let metricsServer: MetricsServerOptions | undefined;
  if (input.metricsServer !== undefined) {
    if (!isObject(input.metricsServer)) throw new ObsError('OBS_ERR_INVALID_OPTION', 'metricsServer', input.metricsServer, 'expected { port?, host?, path?, token?, allow?, trustProxyHops? }');
    const s = pick(input.metricsServer, 'metricsServer', METRICS_SERVER_OPTION_KEYS);
    const { port, host } = s;
    if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65_535)) {
      throw new ObsError('OBS_ERR_INVALID_OPTION', 'metricsServer.port', port, 'expected an integer port from 0 to 65535');
    }
    if (host !== undefined && (typeof host !== 'string' || host === '')) throw new ObsError('OBS_ERR_INVALID_OPTION', 'metricsServer.host', host, 'expected a host name or address');
    validateProtection('metricsServer', input.metricsServer);
    const { host: _h, port: _p, path: _path, ...rest } = input.metricsServer;
    metricsServer = { ...rest, ...(port === undefined ? {} : { port: port as number }), path: urlPath('metricsServer.path', s.path, '/metrics'), ...(host === undefined ? {} : { host: host as string }) };
  }

  const ignore = new Set<string>();
  if (input.ignore !== undefined) {
    if (!Array.isArray(input.ignore)) throw new ObsError('OBS_ERR_INVALID_OPTION', 'ignore', input.ignore, 'expected an array of route templates such as "/healthz"');
    input.ignore.forEach((p: unknown, i) => {
      ignore.add(urlPath(`ignore[${i}]`, p, ''));
    });
  }

  const t = input.shutdownTimeoutMs;
  if (t !== undefined && (typeof t !== 'number' || !Number.isInteger(t) || t < 0)) {
    throw new ObsError('OBS_ERR_INVALID_OPTION', 'shutdownTimeoutMs', t, 'expected an integer number of milliseconds, 0 or more');
  }
  const d = input.shutdownDelayMs;
  if (d !== undefined && (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > 600_000)) {
    throw new ObsError('OBS_ERR_INVALID_OPTION', 'shutdownDelayMs', d, 'expected an integer number of milliseconds from 0 to 600000');
  }
  const logRequests = input.logRequests ?? false;
  if (logRequests !== false && logRequests !== 'info' && logRequests !== 'debug') {
    throw new ObsError('OBS_ERR_INVALID_OPTION', 'logRequests', logRequests, "expected false, 'info' or 'debug'");
  }
  const logQueryString = input.logQueryString ?? false;
  if (typeof logQueryString !== 'boolean') throw new ObsError('OBS_ERR_INVALID_OPTION', 'logQueryString', logQueryString, 'expected true or false');
  const logger = input.logger;
  if (logger !== undefined && (logger === null || typeof logger !== 'object' || typeof (logger as RequestLogger).info !== 'function' || typeof (logger as RequestLogger).debug !== 'function')) {
    throw new ObsError('OBS_ERR_INVALID_OPTION', 'logger', logger, 'expected a pino logger (e.g. createLogger(obs))');
  }
  return { obs, obsOptions, metrics, metricsServer, ignore, shutdownTimeoutMs: (t as number | undefined) ?? 10_000, shutdownDelayMs: (d as number | undefined) ?? 0, logRequests, logQueryString, logger: logger as RequestLogger | undefined };
}
