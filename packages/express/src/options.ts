import {
  createObs,
  createScrapeGuard,
  METRICS_ENDPOINT_OPTION_KEYS,
  OBS_OPTION_KEYS,
  type MetricsEndpointOptions,
  type Obs,
  ObsError,
  type ObsOptions,
  PROTECTION_OPTION_KEYS,
  type RequestLogger,
  rejectUnknownKeys,
  type ScrapeGuard,
  typeOnly,
  withOptionPath,
} from '@obs/metrics-standard';

/**
 * Where and how the middleware serves the metrics: the core's protection options (`token`, `allow`,
 * `trustProxyHops`, `open`) and scrape limits (`cacheMs`, `maxConcurrentScrapes`).
 */
export interface MetricsOptions extends MetricsEndpointOptions {
  /** Path the middleware answers with the metrics (GET/HEAD), never counted itself. Default: `'/metrics'`. */
  path?: string;
}

/** Options of {@link createObsExpress} besides those of the core (`ObsOptions`) or an existing `obs`. */
export interface ExpressIntegrationOptions {
  /**
   * Serve the metrics from the middleware at `metrics.path` (default `/metrics`), with the core's
   * protection options (`token`, `allow`, `trustProxyHops`). `false`: do not serve them from the
   * middleware (mount `metricsHandler` yourself or use `startMetricsServer`). Default: `{ path: '/metrics' }`.
   */
  metrics?: MetricsOptions | false;
  /**
   * Request paths never counted: exact paths (`'/healthz'`), or prefixes ending in `/*`
   * (`'/internal/*'`), compared with the URL path on arrival. Default: `[]`.
   */
  ignore?: readonly string[];
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

/** Options of {@link createObsExpress}: either an existing `obs`, or the core's options to create one. */
export type ObsExpressOptions = ExpressIntegrationOptions & ({ obs: Obs } | ObsOptions);

const OWN_KEYS = ['metrics', 'ignore', 'obs', 'logRequests', 'logQueryString', 'logger'] as const;
const METRICS_KEYS = ['path', ...METRICS_ENDPOINT_OPTION_KEYS] as const;

/** Validated options. */
export interface ResolvedOptions {
  obs: Obs;
  metricsPath: string | undefined;
  /** The endpoint options as given (a `token` key with an undefined value kept, so that it fails). */
  endpoint: MetricsEndpointOptions;
  /** The access check of the metrics endpoint, validated at start-up. */
  guard: ScrapeGuard;
  ignoreExact: ReadonlySet<string>;
  ignorePrefixes: readonly string[];
  logRequests: false | 'info' | 'debug';
  logQueryString: boolean;
  logger: RequestLogger | undefined;
}

function invalid(option: string, received: unknown, detail: string): ObsError {
  return new ObsError('OBS_ERR_INVALID_OPTION', option, received, detail);
}

function isObs(value: unknown): value is Obs {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Partial<Obs>;
  return typeof v.http?.start === 'function' && typeof v.errors?.record === 'function' && typeof v.shutdown === 'function' && v.registry !== undefined;
}

function validatePath(option: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.charCodeAt(0) !== 47 || /[?#\s]/.test(value)) {
    throw invalid(option, value, 'expected a path starting with "/", without query, fragment or spaces');
  }
  return value;
}

/** Validate everything at start-up; throws a coded ObsError naming the option. */
export function resolveOptions(options: unknown): ResolvedOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ObsError('OBS_ERR_INVALID_OPTION', 'options', options, 'createObsExpress needs { service } or { obs }');
  }
  // Every key checked here, against this package's options and the core's: a typo is named with
  // the nearest option (`ignor` → `ignore`) and nothing unknown reaches createObs.
  rejectUnknownKeys('', options, [...OWN_KEYS, ...OBS_OPTION_KEYS]);
  const { metrics, ignore, obs: given, logRequests = false, logQueryString = false, logger, ...core } = options as Record<string, unknown> & { obs?: unknown };
  if (logRequests !== false && logRequests !== 'info' && logRequests !== 'debug') throw invalid('logRequests', logRequests, "expected false, 'info' or 'debug'");
  if (typeof logQueryString !== 'boolean') throw invalid('logQueryString', logQueryString, 'expected true or false');
  if (logger !== undefined && (logger === null || typeof logger !== 'object' || typeof (logger as RequestLogger).info !== 'function' || typeof (logger as RequestLogger).debug !== 'function')) {
    throw invalid('logger', logger, 'expected a pino logger (e.g. createLogger(obs))');
  }

  let metricsPath: string | undefined = '/metrics';
  let endpoint: MetricsEndpointOptions = {};
  if (metrics === false) {
    metricsPath = undefined;
  } else if (metrics !== undefined) {
    if (metrics === null || typeof metrics !== 'object' || Array.isArray(metrics)) {
      throw invalid('metrics', metrics, 'expected false or an object { path?, token?, allow?, trustProxyHops?, open?, cacheMs?, maxConcurrentScrapes? }');
    }
    const m = metrics as Record<string, unknown>;
    rejectUnknownKeys('metrics', m, METRICS_KEYS);
    if (m.path !== undefined) metricsPath = validatePath('metrics.path', m.path);
    const { path: _path, ...rest } = m;
    endpoint = rest as MetricsEndpointOptions;
  }
  // Validate the protection now (bad or missing token, bad CIDR fail at start-up, not at the first
  // scrape, and before an obs is created); the scrape limits are validated with the handler.
  const protection: Record<string, unknown> = {};
  for (const k of PROTECTION_OPTION_KEYS) if (Object.hasOwn(endpoint, k)) protection[k] = (endpoint as Record<string, unknown>)[k];
  // Named in full (`metrics.token`).
  const guard = withOptionPath('metrics', () => createScrapeGuard(protection));

  const ignoreExact = new Set<string>();
  const ignorePrefixes: string[] = [];
  if (ignore !== undefined) {
    if (!Array.isArray(ignore)) throw invalid('ignore', ignore, 'expected an array of paths, e.g. ["/healthz", "/internal/*"]');
    ignore.forEach((entry: unknown, i) => {
      const p = validatePath(`ignore[${i}]`, entry);
      if (p.endsWith('/*')) {
        ignorePrefixes.push(p.slice(0, -1));
        ignoreExact.add(p.slice(0, -2) || '/');
      }
      else if (p.includes('*') || p.includes(':')) throw invalid(`ignore[${i}]`, p, 'write an exact path or a prefix ending in "/*"; route parameters are not patterns here');
      else {
        ignoreExact.add(p);
        if (p.length > 1 && p.endsWith('/')) ignoreExact.add(p.slice(0, -1));
        else if (p.length > 1) ignoreExact.add(`${p}/`);
      }
    });
  }

  let obs: Obs;
  if (given !== undefined) {
    if (!isObs(given)) throw invalid('obs', given, 'expected the value returned by createObs() from @obs/metrics-standard');
    const extra = Object.keys(core);
    if (extra.length > 0) {
      throw invalid(extra[0] as string, typeOnly(core[extra[0] as string]), `pass either \`obs\` or the options to create one, not both; known options with \`obs\`: ${OWN_KEYS.join(', ')}`);
    }
    obs = given;
  } else {
    obs = createObs(core as unknown as ObsOptions);
  }

  return { obs, metricsPath, endpoint, guard, ignoreExact, ignorePrefixes, logRequests, logQueryString, logger: logger as RequestLogger | undefined };
}
