import { createObs, createScrapeGuard, OBS_OPTION_KEYS, type Obs, ObsError, type ObsOptions, PROTECTION_OPTION_KEYS, type ProtectionOptions, type RequestLogger, rejectUnknownKeys, withOptionPath } from '@obs/metrics-standard';

/** Where and how the middleware serves the metrics. */
export interface MetricsOptions extends ProtectionOptions {
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
  /** The pino logger for the request lines. Default: `createLogger(obs)` (JSON on stdout with `service`, `env`, `version`). */
  logger?: RequestLogger;
}

export type { RequestLogger };

/** Options of {@link createObsExpress}: either an existing `obs`, or the core's options to create one. */
export type ObsExpressOptions = ExpressIntegrationOptions & ({ obs: Obs } | ObsOptions);

const OWN_KEYS = ['metrics', 'ignore', 'obs', 'logRequests', 'logger'] as const;
const METRICS_KEYS = ['path', ...PROTECTION_OPTION_KEYS] as const;

/** Validated options. */
export interface ResolvedOptions {
  obs: Obs;
  metricsPath: string | undefined;
  protection: ProtectionOptions;
  ignoreExact: ReadonlySet<string>;
  ignorePrefixes: readonly string[];
  logRequests: false | 'info' | 'debug';
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
  const { metrics, ignore, obs: given, logRequests = false, logger, ...core } = options as Record<string, unknown> & { obs?: unknown };
  if (logRequests !== false && logRequests !== 'info' && logRequests !== 'debug') throw invalid('logRequests', logRequests, "expected false, 'info' or 'debug'");
  if (logger !== undefined && (logger === null || typeof logger !== 'object' || typeof (logger as RequestLogger).info !== 'function' || typeof (logger as RequestLogger).debug !== 'function')) {
    throw invalid('logger', logger, 'expected a pino logger (e.g. createLogger(obs))');
  }

  let metricsPath: string | undefined = '/metrics';
  let protection: ProtectionOptions = {};
  if (metrics === false) {
    metricsPath = undefined;
  } else if (metrics !== undefined) {
    if (metrics === null || typeof metrics !== 'object' || Array.isArray(metrics)) {
      throw invalid('metrics', metrics, 'expected false or an object { path?, token?, allow?, trustProxyHops? }');
    }
    const m = metrics as Record<string, unknown>;
    rejectUnknownKeys('metrics', m, METRICS_KEYS);
    if (m.path !== undefined) metricsPath = validatePath('metrics.path', m.path);
    const { path: _path, ...rest } = m;
    protection = rest as ProtectionOptions;
  }
  // Validate the protection now (bad token or CIDR fails at start-up, not at the first scrape),
  // naming the option in full (`metrics.token`).
  if (metrics !== undefined && metrics !== false) withOptionPath('metrics', () => createScrapeGuard(protection));

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
      throw invalid(extra[0] as string, core[extra[0] as string], `pass either \`obs\` or the options to create one, not both; known options with \`obs\`: ${OWN_KEYS.join(', ')}`);
    }
    obs = given;
  } else {
    obs = createObs(core as unknown as ObsOptions);
  }

  return { obs, metricsPath, protection, ignoreExact, ignorePrefixes, logRequests, logger: logger as RequestLogger | undefined };
}
